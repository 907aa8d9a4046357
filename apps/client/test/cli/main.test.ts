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
  it('help, --help and -h print a usage naming every command and flag', async () => {
    for (const argv of [['help'], ['--help'], ['-h'], []]) {
      const { code, out } = await run(...argv);
      expect(code).toBe(EXIT.ok);
      for (const word of [
        'up PEER',
        'down [PEER]',
        'serve',
        'down serve [SESSION|--all]',
        '--config FILE',
        '--per-source N',
        'status [PEER]',
        'log [PEER]',
        'version',
        '--peers-dir DIR',
        '--secrets FILE',
        '--pap-secrets FILE',
        '--background',
        '--log-format text|json',
        '--lenient',
        '--json',
        '--lines N',
      ]) {
        expect(out).toContain(word);
      }
    }
  });

  it('lists every exit status in the usage', async () => {
    const { out } = await run('help');
    const statuses = out.slice(out.indexOf('exit status'));
    const listed = [...statuses.matchAll(/(?:^|[\s,:])(\d+) [a-z]/g)].map((m) => Number(m[1]));
    expect(listed.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('version and --version print the version', async () => {
    for (const argv of [['version'], ['--version']]) {
      const { code, out } = await run(...argv);
      expect(code).toBe(EXIT.ok);
      expect(out).toBe(`pptpkit ${version}\n`);
    }
  });

  it('a bad flag or command exits 2 naming it, with the usage on stderr', async () => {
    for (const [argv, named] of [
      [['up', 'PAL', '--frobnicate'], 'up: unknown option --frobnicate'],
      [['status', '-j'], 'status: unknown option -j'],
      [['--verbose'], 'unknown option --verbose'],
      [['restart'], "unknown command 'restart'"],
    ] as const) {
      const { code, out, err } = await run(...argv);
      expect(code).toBe(EXIT.config);
      expect(out).toBe('');
      expect(err).toContain(`pptpkit: ${named}\n`);
      expect(err).toContain('usage: pptpkit');
    }
  });
});
