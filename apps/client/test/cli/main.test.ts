import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EXIT } from '../../src/exit-codes.js';

/** Runs `pptpkit ARGV` and captures what it prints. */
async function run(...argv: string[]) {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

afterEach(() => vi.restoreAllMocks());

/** The version in the package's package.json, which `pptpkit version` reports. */
const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

describe('pptpkit command line', () => {
  it('help, --help and -h list every command, alias and exit status', async () => {
    for (const argv of [['help'], ['--help'], ['-h'], []]) {
      const { code, out } = await run(...argv);
      expect(code).toBe(EXIT.ok);
      for (const word of [
        'up [OPTION...] PEER [PPPD-OPTION...]',
        'down [PEER | -a]',
        'down serve [SESSION | --all]',
        'status [PEER | serve] [--json]',
        'log [PEER] [--lines N]',
        'serve [OPTION...]',
        'install-service [--root DIR] [--user NAME] [--no-user]',
        'help [COMMAND]',
        'version',
        'also: pon',
        'also: poff',
        'also: plog',
      ]) {
        expect(out).toContain(word);
      }
      // Options are for a command's own help.
      expect(out).not.toContain('--peers-dir');
    }
  });

  it("help COMMAND and COMMAND --help print only that command's options", async () => {
    const up = await run('help', 'up');
    expect(up.code).toBe(EXIT.ok);
    expect((await run('up', '--help')).out).toBe(up.out);
    expect((await run('pon', 'work', '-h')).out).toBe(up.out);
    for (const word of [
      'usage: pptpkit up [OPTION...] PEER [PPPD-OPTION...]',
      'also: pptpkit pon',
      'pppd call PEER OPTION...',
      '--peers-dir DIR',
      '(default /etc/ppp/peers)',
      '--secrets FILE',
      '--pap-secrets FILE',
      '--background',
      '--log-format text|json',
      '--syslog',
      '--lenient',
      '-h, --help',
    ]) {
      expect(up.out).toContain(word);
    }
    expect(up.out).not.toContain('--per-source');
    const serve = await run('serve', '--help');
    for (const word of ['--config FILE', '--global-options FILE|none', '--per-source N']) {
      expect(serve.out).toContain(word);
    }
    expect(serve.out).not.toContain('--peers-dir');
    expect((await run('down', '-h')).out).toContain('-a, --all');
    expect((await run('help', 'install-service')).out).toContain('--no-user');
  });

  it('lists every exit status, in the general help and in each command help', async () => {
    for (const argv of [['help'], ['help', 'down']]) {
      const { out } = await run(...argv);
      const statuses = out.slice(out.indexOf('exit status'));
      const listed = [...statuses.matchAll(/^ {2}(\d+) +[a-zA-Z]/gm)].map((m) => Number(m[1]));
      expect(listed).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    }
  });

  it('version and --version print the version', async () => {
    for (const argv of [['version'], ['--version']]) {
      const { code, out } = await run(...argv);
      expect(code).toBe(EXIT.ok);
      expect(out).toBe(`pptpkit ${version}\n`);
    }
  });

  it('a bad flag or command exits 2 naming it, with the usage on stderr', async () => {
    for (const [argv, named, usage] of [
      [['up', 'PAL', '--frobnicate'], 'up: unknown option --frobnicate', 'usage: pptpkit up '],
      [['status', '-j'], 'status: unknown option -j', 'usage: pptpkit status '],
      [['poff', '-x'], 'poff: unknown option -x', 'usage: pptpkit down '],
      [['--verbose'], 'unknown option --verbose', 'usage: pptpkit COMMAND'],
      [['restart'], "unknown command 'restart'", 'usage: pptpkit COMMAND'],
    ] as const) {
      const { code, out, err } = await run(...argv);
      expect(code).toBe(EXIT.config);
      expect(out).toBe('');
      expect(err).toContain(`pptpkit: ${named}\n`);
      expect(err).toContain(usage);
    }
  });

  it('install-service is dispatched to its command (which checks the user name first)', async () => {
    const { code, err } = await run(
      'install-service',
      '--root',
      '/nonexistent-root',
      '--user',
      'A!',
    );
    expect(code).toBe(EXIT.config);
    expect(err).toContain("'A!' is not a user name");
  });
});
