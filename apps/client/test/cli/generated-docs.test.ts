/**
 * The files made from the command table (the man page and the bash completion) are committed
 * as the generator makes them, and work: groff reads the page without a warning, man renders
 * it, and bash completes commands, options, option values and peer names with the script.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '../../src/cli/spec/command-spec.js';
import { generatedFiles } from '../../src/cli/spec/generated-files.js';
import { EXIT } from '../../src/exit-codes.js';

const pkg = new URL('../../', import.meta.url).pathname;
const repo = join(pkg, '../..');
const manPath = join(pkg, 'man/pptpkit.8');
const completionPath = join(pkg, 'completion/pptpkit.bash');

/** Whether `tool` runs here; under CI a missing tool fails instead of skipping. */
function available(tool: string, args: string[]): boolean {
  const ok = spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
  if (!ok) {
    if (process.env['CI']) throw new Error(`${tool} is missing (bash scripts/test-deps.sh)`);
    console.warn(`pptpkit: ${tool} is missing; its checks of the generated files are SKIPPED`);
  }
  return ok;
}

describe('generated files', () => {
  it('are committed as the generator makes them now (pnpm run gen:docs)', () => {
    for (const [path, text] of Object.entries(generatedFiles())) {
      expect(readFileSync(join(pkg, path), 'utf8'), `${path}: run pnpm run gen:docs`).toBe(text);
    }
  });

  it('are shipped in the package', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as {
      files: string[];
    };
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'man', 'completion']));
  });
});

describe('man page', () => {
  it.skipIf(!available('groff', ['--version']))('has no groff warning', () => {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', manPath], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!available('man', ['--version']))(
    'renders with man -l: every section, command, alias, option and exit status',
    () => {
      const r = spawnSync('man', ['-l', manPath], {
        encoding: 'utf8',
        env: {
          ...process.env,
          MANPAGER: 'cat',
          PAGER: 'cat',
          MANWIDTH: '100',
          MAN_KEEP_FORMATTING: '',
        },
      });
      expect(r.status).toBe(0);
      const text = r.stdout;
      expect(text).toMatch(/^PPTPKIT\(8\)/);
      for (const section of [
        'NAME',
        'SYNOPSIS',
        'DESCRIPTION',
        'COMMANDS',
        'OPTIONS',
        'EXIT STATUS',
        'ENVIRONMENT',
        'FILES',
        'SEE ALSO',
      ]) {
        expect(text).toMatch(new RegExp(`^${section}$`, 'm'));
      }
      for (const c of COMMAND_SPECS) {
        for (const form of c.synopsis) expect(text).toContain(`pptpkit ${form}`);
        for (const alias of c.aliases) expect(text).toContain(alias);
        for (const o of c.options) expect(text).toContain(o.name);
      }
      expect(text).toContain('pptpkit up [OPTION...] PEER [PPPD-OPTION...]');
      expect(text).toContain('--log-format text|json');
      for (const word of [
        'PPTPKIT_RUN_DIR',
        'NOTIFY_SOCKET',
        '/etc/ppp/peers/',
        '/etc/pptpd.conf',
      ]) {
        expect(text).toContain(word);
      }
      expect(text).toMatch(/pppd\(8\), pptp\(8\), pptpd\(8\)/);
      const statuses = text.slice(text.indexOf('EXIT STATUS'), text.indexOf('ENVIRONMENT'));
      const listed = [...statuses.matchAll(/^ {7}(\d+)\s/gm)].map((m) => Number(m[1]));
      expect(listed).toEqual(Object.values(EXIT).sort((a, b) => a - b));
      // Options are written with minus signs, which copy as typed (not as hyphens U+2010).
      expect(text).not.toContain('\u2010\u2010');
    },
  );
});

describe('bash completion', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-completion-'));
    mkdirSync(join(dir, 'peers'));
    for (const peer of ['work', 'home', 'wifi']) writeFileSync(join(dir, 'peers', peer), '');
    mkdirSync(join(dir, 'peers', 'not-a-peer.d'));
    writeFileSync(join(dir, 'chap-secrets'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What the script proposes with the cursor on the last of `words` (sorted). */
  const complete = (...words: string[]): string[] => {
    const r = spawnSync(
      'bash',
      [
        '--norc',
        '-c',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion
        'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pptpkit; printf "%s\\n" "${COMPREPLY[@]}"',
        completionPath,
        ...words,
      ],
      { encoding: 'utf8', cwd: dir },
    );
    expect(r.stderr).toBe('');
    return r.stdout
      .split('\n')
      .filter((w) => w !== '')
      .sort();
  };

  it('proposes the commands and their aliases', () => {
    expect(complete('pptpkit', '')).toEqual(
      [
        'up',
        'pon',
        'down',
        'poff',
        'status',
        'log',
        'plog',
        'serve',
        'install-service',
        'help',
        'version',
        '--help',
        '--version',
      ].sort(),
    );
    expect(complete('pptpkit', 'st')).toEqual(['status']);
    expect(complete('pptpkit', 'help', 'p')).toEqual(['plog', 'poff', 'pon']);
  });

  it("proposes up's options (not serve's), for up and pon", () => {
    const options = [
      '--background',
      '--help',
      '--lenient',
      '--log-format',
      '--pap-secrets',
      '--peers-dir',
      '--secrets',
      '--syslog',
    ];
    expect(complete('pptpkit', 'up', '--')).toEqual(options);
    expect(complete('pptpkit', 'pon', 'work', '--')).toEqual(options);
    expect(complete('pptpkit', 'up', '--l')).toEqual(['--lenient', '--log-format']);
    expect(complete('pptpkit', 'down', '-')).toEqual(['--all', '--help', '-a']);
  });

  it('proposes the values of --log-format, as a word of its own or after =', () => {
    expect(complete('pptpkit', 'up', '--log-format', '')).toEqual(['json', 'text']);
    expect(complete('pptpkit', 'serve', '--log-format', '=', 'j')).toEqual(['json']);
    expect(complete('pptpkit', 'serve', '--global-options', 'no')).toEqual(['none']);
  });

  it('proposes files and directories for the options that take them', () => {
    expect(complete('pptpkit', 'up', '--secrets', join(dir, 'ch'))).toEqual([
      join(dir, 'chap-secrets'),
    ]);
    expect(complete('pptpkit', 'up', '--peers-dir', join(dir, 'p'))).toEqual([join(dir, 'peers')]);
  });

  it('proposes the peers in the --peers-dir on the line, and nothing after the peer', () => {
    const peers = join(dir, 'peers');
    expect(complete('pptpkit', 'up', '--peers-dir', peers, '')).toEqual(['home', 'wifi', 'work']);
    expect(complete('pptpkit', 'pon', '--peers-dir', '=', peers, 'w')).toEqual(['wifi', 'work']);
    expect(complete('pptpkit', 'up', `--peers-dir=${peers}`, '--background', 'h')).toEqual([
      'home',
    ]);
    expect(complete('pptpkit', 'up', '--peers-dir', peers, 'work', '')).toEqual([]);
    expect(complete('pptpkit', 'up', '--peers-dir', peers, 'work', 'mtu', '')).toEqual([]);
    // status and down also offer the server.
    expect(complete('pptpkit', 'status', 's')).toContain('serve');
    expect(complete('pptpkit', 'down', 'se')).toContain('serve');
  });
});

describe('READMEs', () => {
  it('name every command and alias; the app README every option', () => {
    const app = readFileSync(join(pkg, 'README.md'), 'utf8');
    const root = readFileSync(join(repo, 'README.md'), 'utf8');
    for (const c of COMMAND_SPECS) {
      for (const name of [c.name, ...c.aliases]) {
        expect(app, `apps/client/README.md: pptpkit ${name}`).toContain(`pptpkit ${name}`);
        expect(root, `README.md: pptpkit ${name}`).toContain(`pptpkit ${name}`);
      }
      for (const o of c.options) expect(app, `apps/client/README.md: ${o.name}`).toContain(o.name);
    }
  });
});
