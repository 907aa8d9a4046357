/**
 * The two ways pptpkit is started, as whole processes: `bin/pptpkit` (the TypeScript source
 * through tsx, for development) and the published build (`build.mjs`, built here into a temporary
 * directory laid out as the installed package). Both report the package.json version; the source
 * launcher's `up --background` re-executes itself in a detached copy, which runs our code (it
 * reports in its log why it failed, and the parent shows that). The installed bundle's
 * `--background` is exercised by scripts/install-check.sh.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';

const client = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(join(client, 'package.json'), 'utf8')) as {
  version: string;
};

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `file args` to its end with `env` added, and collects what it printed. */
function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ...env }, timeout: 15_000 },
      (error, out, err) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, out, err });
      },
    );
  });
}

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pptpkit-launch-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bin/pptpkit, the source launcher', () => {
  const bin = join(client, 'bin/pptpkit');

  it('--version prints the package.json version', async () => {
    const r = await run(bin, ['--version']);
    expect(r).toEqual({ code: EXIT.ok, out: `pptpkit ${version}\n`, err: '' });
  });

  it('up --background re-executes itself detached; the copy logs why it failed, the parent shows it', async () => {
    const peers = join(work, 'peers');
    mkdirSync(peers, { recursive: true });
    writeFileSync(join(peers, 'bg'), 'pptp-server 127.0.0.1\nuser u\npassword p\nnoauth\n');
    // The peer loads, so the parent detaches; the copy cannot make its run directory (a file
    // is in the way) and says so in its log, which the parent shows.
    writeFileSync(join(work, 'not-a-dir'), '');
    const r = await run(bin, ['up', 'bg', '--peers-dir', peers, '--background'], {
      PPTPKIT_RUN_DIR: join(work, 'not-a-dir', 'run'),
      PPTPKIT_LOG_DIR: join(work, 'logs'),
    });
    expect(r.code).toBe(EXIT.privileges);
    expect(r.err).toContain('code=RUN_DIR_UNUSABLE');
    expect(r.err).toContain(`the tunnel did not come up (exit ${EXIT.privileges})`);
    const log = readFileSync(join(work, 'logs/bg.log'), 'utf8');
    expect(log).toMatch(/ info run started version=\S+ pid=\d+\n/);
    expect(log).toContain('code=RUN_DIR_UNUSABLE');
  });

  it('up --background of a peer that does not load fails at once, in the parent, leaving no log', async () => {
    const peers = join(work, 'peers');
    mkdirSync(peers, { recursive: true });
    writeFileSync(join(peers, 'bad'), 'pptp-server 127.0.0.1\nno-such-option-here\n');
    const r = await run(bin, ['up', 'bad', '--peers-dir', peers, '--background'], {
      PPTPKIT_RUN_DIR: join(work, 'run'),
    });
    expect(r.code).toBe(EXIT.config);
    expect(r.err).toContain('no-such-option-here');
    expect(r.err).toContain('code=CONFIG_UNKNOWN_OPTION');
    expect(r.err).not.toContain('did not come up');
    expect(existsSync(join(work, 'run/bad.log'))).toBe(false);
  });
});

describe('the built program (build.mjs), laid out as the installed package', () => {
  let program: string;

  beforeAll(async () => {
    const built = await run(process.execPath, [join(client, 'build.mjs'), join(work, 'pkg/dist')]);
    expect(built).toMatchObject({ code: 0, err: '' });
    copyFileSync(join(client, 'package.json'), join(work, 'pkg/package.json'));
    program = join(work, 'pkg/dist/pptpkit.js');
  });

  it('is plain JavaScript that Node runs as it is: --version prints the package.json version', async () => {
    const r = await run(program, ['--version']);
    expect(r).toEqual({ code: EXIT.ok, out: `pptpkit ${version}\n`, err: '' });
  });

  it('--help prints the usage; status --json with no tunnel prints [] and exits 1', async () => {
    const help = await run(program, ['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.out).toContain('usage: pptpkit');
    const status = await run(program, ['status', '--json'], {
      PPTPKIT_RUN_DIR: join(work, 'empty-run'),
    });
    expect(status).toEqual({ code: EXIT.fatal, out: '[]\n', err: '' });
  });
});
