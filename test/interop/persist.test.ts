/**
 * `persist` as a user keeping a tunnel up meets it: the server reboots (twice in a row), the
 * server closes the control connection, and the server goes silent (a dead peer). After each,
 * the tunnel comes back by itself and carries traffic; `status` and `down` work; `down` leaves
 * the routing table as it was before `up`. Once in the foreground, once in the background
 * (`--background`, where the first reconnect used to kill the process).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  cli,
  inNs,
  reachable,
  routes,
  serverTunnel,
  type Tunnel,
  tcpEcho,
  up,
} from './client-harness.js';
import { lab } from './lab.js';

const labInfo = inject('lab');

/** pptpctrl is pptpd's per-connection process: ending it closes the control connection. */
const killPptpctrl =
  'for p in /proc/[0-9]*; do read -r c < "$p/comm" 2>/dev/null || continue; [ "$c" = pptpctrl ] && kill -TERM "$(basename "$p")"; done; true';

const parseLog = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The records of the latest run: the log file keeps earlier runs, each from `run started`. */
const latestRun = (records: Record<string, unknown>[]): Record<string, unknown>[] =>
  records.slice(Math.max(0, records.map((r) => r['message']).lastIndexOf('run started')));

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!labInfo.available)('persist: the tunnel comes back by itself', () => {
  let dir = '';
  let secrets = '';
  let routesBefore = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-persist-'));
    mkdirSync(join(dir, 'peers'));
    writeFileSync(
      join(dir, 'peers', 'keep'),
      'pty "pptp 10.77.0.10 --nolaunchpppd"\nname pptpkit\nrequire-mppe-128\ndefaultroute\npersist\nholdoff 1\nmaxfail 0\nlcp-echo-interval 1\nlcp-echo-failure 3\n',
    );
    secrets = join(dir, 'chap-secrets');
    writeFileSync(secrets, 'pptpkit * golden-Passw0rd *\n', { mode: 0o600 });
    routesBefore = await routes();
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of ['foreground', 'background'] as const) {
    it(`${mode}: back after two server reboots, a closed control connection and a dead peer; status and down work`, async () => {
      const env = { PPTPKIT_RUN_DIR: join(dir, 'run') };
      const logPath = join(dir, 'run', 'keep.log');
      let t: Tunnel | undefined;
      let pid = 0;
      if (mode === 'foreground') {
        t = up(dir, secrets, 'keep');
      } else {
        const started = await inNs(
          [
            ...cli,
            'up',
            'keep',
            '--peers-dir',
            join(dir, 'peers'),
            '--secrets',
            secrets,
            '--log-format',
            'json',
            '--background',
          ],
          env,
          60_000,
        );
        expect(started.code).toBe(0);
        expect(started.stdout).toMatch(/runs in the background \(pid (\d+)\)/);
        pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
      }
      const records = (): Record<string, unknown>[] =>
        t !== undefined ? t.records : latestRun(parseLog(readFileSync(logPath, 'utf8')));
      const alive = (): boolean => (t !== undefined ? t.child.exitCode === null : pidAlive(pid));
      /** Waits for the n-th `tunnel up`; returns seconds since `from`. */
      const upNumber = async (n: number, from: number): Promise<number> => {
        const end = Date.now() + 90_000;
        while (records().filter((r) => r['message'] === 'tunnel up').length < n) {
          if (!alive() || Date.now() > end) {
            throw new Error(
              `no tunnel up #${n} (${alive() ? 'timed out' : 'process gone'}); log:\n${records()
                .map((r) => JSON.stringify(r))
                .join('\n')}`,
            );
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        return (Date.now() - from) / 1000;
      };
      const carries = async (): Promise<void> => {
        expect(await reachable(serverTunnel)).toBe(true);
        const status = await inNs([...cli, 'status', 'keep', '--json'], env);
        expect(status.code).toBe(0);
        expect(JSON.parse(status.stdout)).toMatchObject({ state: 'up' });
      };
      const backAfter: Record<string, number> = {};
      let plugged = true;
      try {
        await upNumber(1, Date.now());
        await carries();

        for (const n of [1, 2]) {
          const reboot = await lab(['restart-server']);
          expect(reboot.code, reboot.stderr).toBe(0);
          backAfter[`reboot ${n}`] = await upNumber(1 + n, Date.now());
          await carries();
        }

        const close = await lab(['server-exec', killPptpctrl]);
        expect(close.code, close.stderr).toBe(0);
        backAfter['control closed'] = await upNumber(4, Date.now());
        await carries();

        // Silence: the server's TAP leaves the bridge (no FIN, no Terminate, no ICMP).
        expect((await inNs(['ip', 'link', 'set', 'pkltap0', 'nomaster'])).code).toBe(0);
        plugged = false;
        const echoDown = () =>
          records().filter((r) => r['message'] === 'link down' && r['code'] === 'PPP_ECHO_TIMEOUT')
            .length;
        const downsBefore = echoDown();
        const end = Date.now() + 30_000;
        while (echoDown() === downsBefore && Date.now() < end)
          await new Promise((r) => setTimeout(r, 50));
        expect(echoDown()).toBe(downsBefore + 1);
        expect((await inNs(['ip', 'link', 'set', 'pkltap0', 'master', 'pklbr0'])).code).toBe(0);
        plugged = true;
        backAfter['dead peer'] = await upNumber(5, Date.now());
        await carries();
        expect(await tcpEcho(32 * 1024)).toBe(true);

        console.info(
          `[interop] persist (${mode}): back up, seconds after the server was reachable again: ${JSON.stringify(backAfter)}`,
        );
        const log = records();
        expect(log.filter((r) => r['message'] === 'host restored')).toHaveLength(4);
        expect(log.some((r) => r['message'] === 'stop step failed')).toBe(false);
        expect(log.some((r) => r['message'] === 'internal error')).toBe(false);

        const down = await inNs([...cli, 'down', 'keep'], env);
        expect(down.code).toBe(0);
        if (t !== undefined) expect(await t.exited).toBe(0);
        else {
          const gone = Date.now() + 20_000;
          while (pidAlive(pid) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
          expect(pidAlive(pid)).toBe(false);
        }
        expect(await routes()).toBe(routesBefore);
        expect(
          readdirSync(join(dir, 'run')).filter((f) => /\.(journal|sock|state)$/.test(f)),
        ).toEqual([]);
      } finally {
        if (!plugged) await inNs(['ip', 'link', 'set', 'pkltap0', 'master', 'pklbr0']);
        if (t !== undefined && t.child.exitCode === null) {
          t.child.kill('SIGINT');
          await t.exited;
        }
        if (pid !== 0 && pidAlive(pid)) process.kill(pid, 'SIGTERM');
      }
    }, 300_000);
  }
});
