/**
 * `status` and `down` as a user who may not use the control socket: the tests run as root, so
 * the CLI (bin/pptpkit) runs under `setpriv` as the user nobody against a root-owned 0600 socket
 * in a temporary run directory that this test serves.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlServer, startControlServer } from '../../src/control/control-server.js';
import { runPaths } from '../../src/control/paths.js';
import { EXIT } from '../../src/exit-codes.js';
import { createLogger } from '../../src/log/logger.js';
import { SERVE_STATUS_SCHEMA } from '../../src/serve/server-status.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/pptpkit');
const log = createLogger({
  format: 'text',
  level: 'error',
  write: () => {},
  clock: () => new Date(0),
});

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `pptpkit args` with the run directory `dir`, as nobody or (asRoot) as root. */
function pptpkit(dir: string, args: readonly string[], asRoot = false): Promise<Run> {
  const nobody = ['--reuid=65534', '--regid=65534', '--clear-groups', bin];
  const [file, argv] = asRoot ? [bin, args] : ['setpriv', [...nobody, ...args]];
  return new Promise((resolve) => {
    execFile(
      file,
      argv,
      { env: { ...process.env, PPTPKIT_RUN_DIR: dir }, timeout: 30_000 },
      (error, out, err) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, out, err });
      },
    );
  });
}

const asRoot = process.getuid?.() === 0;
if (!asRoot) console.warn('[permission tests] skipped: not root (they drop to the user nobody)');

describe.skipIf(!asRoot)('status and down as an unprivileged user', () => {
  let dir = '';
  const servers: ControlServer[] = [];
  let downs = 0;
  const saved = process.env['PPTPKIT_RUN_DIR'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-perm-'));
    chmodSync(dir, 0o755);
    process.env['PPTPKIT_RUN_DIR'] = dir;
    const tunnel = { peer: 'work', state: 'up', server: '192.0.2.1' };
    const serve = { schema: SERVE_STATUS_SCHEMA, sessions: [] };
    for (const [name, status] of [
      ['work', tunnel],
      ['serve', serve],
    ] as const) {
      servers.push(
        await startControlServer(runPaths(name).socket, {
          status: () => status,
          down: () => {
            downs++;
          },
          log,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    if (saved === undefined) delete process.env['PPTPKIT_RUN_DIR'];
    else process.env['PPTPKIT_RUN_DIR'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('root sees the tunnel running (the sockets answer)', async () => {
    const r = await pptpkit(dir, ['status', 'work'], true);
    expect(r).toMatchObject({ code: EXIT.ok, out: 'work: up (server 192.0.2.1)\n' });
  }, 60_000);

  it('every status and down form says permission denied, run as root, exit 3; nothing is stopped', async () => {
    const socket = (name: string) => join(dir, `${name}.sock`);
    const cases: [string[], string, string][] = [
      [['status'], socket('serve'), 'status'],
      [['status', 'work'], socket('work'), 'status work'],
      [['status', 'serve'], socket('serve'), 'status serve'],
      [['down'], socket('work'), 'down work'],
      [['down', 'work'], socket('work'), 'down work'],
      [['down', '-a'], socket('work'), 'down work'],
      [['down', 'serve'], socket('serve'), 'down serve'],
    ];
    const runs = await Promise.all(cases.map(([args]) => pptpkit(dir, args)));
    runs.forEach((r, i) => {
      const [args, path, asRoot] = cases[i]!;
      expect({ args, ...r }).toEqual({
        args,
        code: EXIT.privileges,
        out: '',
        err: `pptpkit: permission denied: ${path} (EACCES; run as root, e.g. sudo pptpkit ${asRoot}) [CONTROL_PERMISSION_DENIED]\n`,
      });
    });
    expect(downs).toBe(0);
  }, 60_000);

  it('a run directory nobody may search is denied too, not "no tunnel is running"', async () => {
    chmodSync(dir, 0o700);
    try {
      const [status, down] = await Promise.all([
        pptpkit(dir, ['status']),
        pptpkit(dir, ['down', '-a']),
      ]);
      expect(status).toEqual({
        code: EXIT.privileges,
        out: '',
        err: `pptpkit: permission denied: ${dir} (EACCES; run as root, e.g. sudo pptpkit status) [CONTROL_PERMISSION_DENIED]\n`,
      });
      expect(down.code).toBe(EXIT.privileges);
      expect(down.err).toContain(`permission denied: ${dir} (EACCES`);
    } finally {
      chmodSync(dir, 0o755);
    }
  }, 60_000);
});
