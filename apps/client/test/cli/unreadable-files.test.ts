/**
 * `pptpkit up` with files it cannot read, as whole processes (bin/pptpkit): the message names
 * the file, why it cannot be read and the code. EACCES needs a user other than root, so that
 * run is under `setpriv` as the user nobody; none of these runs gets past the configuration.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/pptpkit');

/** Runs `pptpkit args` (as nobody when `nobody`), stdin not a terminal, collecting stderr. */
function pptpkit(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  nobody = false,
): Promise<{ code: number; err: string }> {
  const drop = ['--reuid=65534', '--regid=65534', '--clear-groups', bin];
  const [file, argv] = nobody ? ['setpriv', [...drop, ...args]] : [bin, args];
  return new Promise((resolve) => {
    const child = execFile(
      file,
      argv,
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, _out, err) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, err });
      },
    );
    child.stdin?.end();
  });
}

const asRoot = process.getuid?.() === 0;
if (!asRoot) console.warn('[permission tests] skipped: not root (they drop to the user nobody)');

describe.skipIf(!asRoot)('up with files it cannot read', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  const up = (peer: string, secrets: string) => [
    'up',
    peer,
    '--peers-dir',
    join(dir, 'peers'),
    '--secrets',
    secrets,
    '--pap-secrets',
    join(dir, 'none'),
  ];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-unreadable-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'peers'));
    writeFileSync(join(dir, 'peers', 'lab'), 'pptp-server 192.0.2.1\nname alice\n');
    writeFileSync(join(dir, 'chap-secrets'), 'alice * pw *\n', { mode: 0o600 });
    mkdirSync(join(dir, 'secrets-dir'));
    mkdirSync(join(dir, 'run'), { mode: 0o777 });
    chmodSync(join(dir, 'run'), 0o777);
    env = { PPTPKIT_RUN_DIR: join(dir, 'run') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a peer that does not exist: ENOENT, CONFIG_UNREADABLE, exit 2', async () => {
    const r = await pptpkit(up('nosuchpeer', join(dir, 'chap-secrets')), env);
    expect(r.code).toBe(EXIT.config);
    expect(r.err).toContain(
      `<command line>:1: call: cannot read '${join(dir, 'peers', 'nosuchpeer')}': no such file (ENOENT) code=CONFIG_UNREADABLE`,
    );
  });

  it('a chap-secrets the user may not read: EACCES, CONFIG_UNREADABLE (not CONFIG_NO_SECRET), exit 2', async () => {
    const r = await pptpkit(up('lab', join(dir, 'chap-secrets')), env, true);
    expect(r.code).toBe(EXIT.config);
    expect(r.err).toContain(
      `the secrets file: cannot read '${join(dir, 'chap-secrets')}': permission denied (EACCES) code=CONFIG_UNREADABLE`,
    );
    expect(r.err).not.toContain('CONFIG_NO_SECRET');
  });

  it('a chap-secrets that is a directory: EISDIR, CONFIG_UNREADABLE, exit 2', async () => {
    const r = await pptpkit(up('lab', join(dir, 'secrets-dir')), env);
    expect(r.code).toBe(EXIT.config);
    expect(r.err).toContain(
      `the secrets file: cannot read '${join(dir, 'secrets-dir')}': a directory, not a regular file (EISDIR) code=CONFIG_UNREADABLE`,
    );
  });

  it('no secret anywhere and no terminal to ask on: CONFIG_NO_SECRET, exit 2', async () => {
    writeFileSync(join(dir, 'bob-secrets'), 'bob * pw *\n', { mode: 0o600 });
    const r = await pptpkit(up('lab', join(dir, 'bob-secrets')), env);
    expect(r.code).toBe(EXIT.config);
    expect(r.err).toContain(`no secret for 'alice' in ${join(dir, 'bob-secrets')}`);
    expect(r.err).toContain('code=CONFIG_NO_SECRET');
  });
});
