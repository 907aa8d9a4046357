/**
 * systemd's notification protocol end to end: the real CLI (`pptpkit serve` in one network
 * namespace, `pptpkit up` in another, joined by `tools/netns/veth-rig.ts`) with NOTIFY_SOCKET
 * set to a unix datagram socket this test binds, standing in for systemd. A socket path, not
 * an abstract name: abstract names belong to a network namespace, and the processes run in
 * the rig's. The socket passes the sender's credentials, so each message's sender pid is
 * checked too (what systemd's `NotifyAccess=main` looks at).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The repository's interop tests import workspace code by path (the root has no dependencies).
import {
  bindUnixDatagram,
  type UnixDatagramSocket,
} from '../../packages/linux-net/src/unix-datagram.js';
import {
  type LoggedProcess,
  pptpkitCommand,
  startClient,
  startServe,
} from '../../tools/netns/pptpkit-procs.js';
import { createVethRig, RIG_SERVER_ADDRESS, type VethRig } from '../../tools/netns/veth-rig.js';

const serverTunnel = '10.89.0.1';
const user = 'carol';
const password = 'Notify-Passw0rd';
const secrets = { chap: `${user} * ${password} *\n` };

function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'not root (creates network namespaces)';
  return undefined;
}
const reason = unavailable();
if (reason !== undefined) console.warn(`[interop] sd_notify tests skipped: ${reason}`);

/** One datagram as systemd would receive it. */
interface Notification {
  readonly text: string;
  /** The sender's pid (SCM_CREDENTIALS). */
  readonly pid: number | undefined;
}

/** Reads a bound socket every 20 ms (the receive does not block) into `messages`. */
class Listener {
  readonly messages: Notification[] = [];
  readonly #socket: UnixDatagramSocket;
  readonly #buffer = new Uint8Array(4096);
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(readonly path: string) {
    this.#socket = bindUnixDatagram(path);
    this.#timer = setInterval(() => this.#drain(), 20);
  }

  #drain(): void {
    for (;;) {
      const length = this.#socket.receive(this.#buffer, 0);
      if (length < 0) return;
      const text = new TextDecoder().decode(this.#buffer.subarray(0, length));
      this.messages.push({ text, pid: this.#socket.sender?.pid });
    }
  }

  /** The first message `match` accepts; rejects after `ms`. */
  async waitFor(match: (text: string) => boolean, ms: number): Promise<Notification> {
    const end = Date.now() + ms;
    for (;;) {
      this.#drain();
      const found = this.messages.find((m) => match(m.text));
      if (found !== undefined) return found;
      if (Date.now() > end) {
        throw new Error(`no such notification in ${ms} ms; got ${JSON.stringify(this.messages)}`);
      }
      await sleep(20);
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#socket.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** systemd's variable; the processes under test read it, not this one (nor turbo). */
const NOTIFY_SOCKET = 'NOTIFY_SOCKET';

/** Runs `start` with NOTIFY_SOCKET set in the environment it spawns with. */
function withNotifySocket<T>(path: string, start: () => T): T {
  const saved = process.env[NOTIFY_SOCKET];
  process.env[NOTIFY_SOCKET] = path;
  try {
    return start();
  } finally {
    if (saved === undefined) delete process.env[NOTIFY_SOCKET];
    else process.env[NOTIFY_SOCKET] = saved;
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(reason !== undefined)(
  'sd_notify: pptpkit up and serve under a stand-in systemd',
  () => {
    let rig: VethRig;
    let dir = '';
    let serve: LoggedProcess | undefined;
    let serveNotify: Listener;
    let client: LoggedProcess | undefined;
    let clientNotify: Listener | undefined;
    let detachedPid: number | undefined;

    beforeAll(async () => {
      rig = createVethRig();
      dir = mkdtempSync(join(tmpdir(), 'pptpkit-notify-'));
      serveNotify = new Listener(join(dir, 'serve.notify'));
      serve = await withNotifySocket(serveNotify.path, () =>
        startServe(rig, dir, {
          options: ['name pptpd', 'require-mschap-v2', 'require-mppe-128'],
          localIp: serverTunnel,
          remoteIp: '10.89.0.10-20',
          chapSecrets: `${user} pptpd ${password} *\n`,
        }),
      );
    });

    afterAll(async () => {
      await client?.stop(5_000);
      if (detachedPid !== undefined && alive(detachedPid)) process.kill(detachedPid, 'SIGKILL');
      await serve?.stop(15_000);
      clientNotify?.close();
      serveNotify?.close();
      rig?.remove();
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    it('serve: READY=1 with its status once listening, from its own pid', async () => {
      const ready = await serveNotify.waitFor((t) => t.startsWith('READY=1'), 5_000);
      expect(ready).toEqual({
        text: `READY=1\nSTATUS=listening on ${RIG_SERVER_ADDRESS}:1723; 0 sessions`,
        pid: serve?.pid,
      });
    });

    it('up: STATUS= as it connects, READY=1 only once up, STOPPING=1 on pptpkit down', async () => {
      const listener = new Listener(join(dir, 'fg.notify'));
      clientNotify = listener;
      const running = withNotifySocket(listener.path, () =>
        startClient(rig, dir, 'fg', [`name ${user}`, 'require-mppe-128'], secrets),
      );
      client = running;
      try {
        const ready = await listener.waitFor((t) => t.startsWith('READY=1'), 30_000);
        const up = /^READY=1\nSTATUS=up: (10\.89\.0\.\d+) → (10\.89\.0\.1) on (\S+)$/.exec(
          ready.text,
        );
        expect(up, ready.text).not.toBeNull();
        const [, local = '', remote = '', device = ''] = up ?? [];
        expect(remote).toBe(serverTunnel);
        // What READY=1 announced is true: the device exists, is up and has the address.
        const addr = (await rig.run('client', ['ip', '-o', '-4', 'addr', 'show', 'dev', device]))
          .stdout;
        expect(addr).toContain(`inet ${local} peer ${remote}/32`);
        const link = (await rig.run('client', ['ip', '-o', 'link', 'show', 'dev', device])).stdout;
        expect(link).toMatch(/[<,]UP[,>]/);
        // In order, nothing before the first state, READY=1 after the handshake; all from the
        // tunnel process itself.
        expect(listener.messages.map((m) => m.text)).toEqual([
          `STATUS=connecting to ${RIG_SERVER_ADDRESS}`,
          'STATUS=authenticating',
          ready.text,
        ]);
        expect(new Set(listener.messages.map((m) => m.pid))).toEqual(new Set([running.pid]));
        // The server counts the session (its status updates are at most one a second).
        await serveNotify.waitFor((t) => t.endsWith('; 1 session'), 5_000);

        const down = await pptpkitCommand(rig, 'client', running.runDir, ['down', 'fg']);
        expect(down.code).toBe(0);
        expect(await running.exited).toBe(0);
        const stopping = await listener.waitFor((t) => t.startsWith('STOPPING=1'), 2_000);
        expect(stopping).toEqual({ text: 'STOPPING=1\nSTATUS=stopping', pid: running.pid });
        expect(listener.messages.map((m) => m.text).slice(3)).toEqual([stopping.text]);
        await serveNotify.waitFor((t) => t.endsWith('; 0 sessions'), 10_000);
      } catch (error) {
        throw new Error(
          `${(error as Error).message}\n--- client log:\n${running.log()}\n--- serve log:\n${serve?.log() ?? ''}`,
        );
      } finally {
        client = undefined;
        listener.close();
        clientNotify = undefined;
      }
    });

    it('up with updetach: the parent sends MAINPID= of the copy, which sends READY=1 and STOPPING=1', async () => {
      const listener = new Listener(join(dir, 'bg.notify'));
      clientNotify = listener;
      const parent = withNotifySocket(listener.path, () =>
        startClient(rig, dir, 'bg', [`name ${user}`, 'require-mppe-128', 'updetach'], secrets),
      );
      client = parent;
      try {
        // The parent returns once the copy reports the tunnel up.
        expect(await parent.exited).toBe(0);
        const state = JSON.parse(readFileSync(join(parent.runDir, 'bg.state'), 'utf8')) as {
          pid: number;
        };
        detachedPid = state.pid;
        expect(detachedPid).not.toBe(parent.pid);
        expect(alive(detachedPid)).toBe(true);
        const ready = await listener.waitFor((t) => t.startsWith('READY=1'), 5_000);
        const texts = listener.messages.map((m) => m.text);
        // MAINPID= first, from the parent (still the main pid then), naming the copy.
        expect(listener.messages[0]).toEqual({ text: `MAINPID=${detachedPid}`, pid: parent.pid });
        expect(texts.slice(1)).toEqual([
          `STATUS=connecting to ${RIG_SERVER_ADDRESS}`,
          'STATUS=authenticating',
          ready.text,
        ]);
        expect(ready.text).toMatch(/^READY=1\nSTATUS=up: 10\.89\.0\.\d+ → 10\.89\.0\.1 on \S+$/);
        // Everything after MAINPID= comes from the copy, the new main pid.
        expect(new Set(listener.messages.slice(1).map((m) => m.pid))).toEqual(
          new Set([detachedPid]),
        );

        const down = await pptpkitCommand(rig, 'client', parent.runDir, ['down', 'bg']);
        expect(down.code).toBe(0);
        const stopping = await listener.waitFor((t) => t.startsWith('STOPPING=1'), 10_000);
        expect(stopping).toEqual({ text: 'STOPPING=1\nSTATUS=stopping', pid: detachedPid });
        for (let i = 0; i < 100 && alive(detachedPid); i++) await sleep(100);
        expect(alive(detachedPid)).toBe(false);
      } catch (error) {
        let log = '';
        try {
          log = readFileSync(join(parent.runDir, 'bg.log'), 'utf8');
        } catch {
          // No log written.
        }
        throw new Error(`${(error as Error).message}\n--- detached client log:\n${log}`);
      } finally {
        client = undefined;
        listener.close();
        clientNotify = undefined;
      }
    });

    it('serve: STOPPING=1 on SIGTERM, then exits 0', async () => {
      const running = serve as LoggedProcess;
      const before = serveNotify.messages.length;
      expect(await running.stop(15_000)).toBe(0);
      serve = undefined;
      const stopping = await serveNotify.waitFor((t) => t.startsWith('STOPPING=1'), 2_000);
      expect(stopping).toEqual({ text: 'STOPPING=1\nSTATUS=stopping: signal', pid: running.pid });
      expect(serveNotify.messages.slice(before).map((m) => m.text)).toEqual([stopping.text]);
    });
  },
);
