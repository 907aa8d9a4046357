import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindUnixDatagram, type UnixDatagramSocket } from '@pptpkit/linux-net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { SdNotifier, StatusThrottle, watchdogPingMs } from '../../src/service/sd-notify.js';

const dir = mkdtempSync(join(tmpdir(), 'pptpkit-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let socket: UnixDatagramSocket | undefined;
afterEach(() => {
  socket?.close();
  socket = undefined;
  vi.useRealTimers();
});

const buffer = new Uint8Array(4096);
/** Every datagram waiting on `s` (up to `timeoutMs` for the first). */
function drain(s: UnixDatagramSocket, timeoutMs = 200): string[] {
  const out: string[] = [];
  for (let length = s.receive(buffer, timeoutMs); length >= 0; length = s.receive(buffer, 0))
    out.push(new TextDecoder().decode(buffer.subarray(0, length)));
  return out;
}

const capture = () => {
  const lines: string[] = [];
  const log = createLogger({
    format: 'json',
    level: 'debug',
    write: (l) => lines.push(l),
    clock: () => new Date(0),
  });
  return { log, lines };
};

let n = 0;
const abstract = (): string => `@pptpkit-notify-${process.pid}-${++n}`;

describe('SdNotifier (sd_notify(3) messages)', () => {
  it('sends READY=1 once (then only STATUS=), STATUS=, MAINPID=, STOPPING=1, WATCHDOG=1 to a path socket', () => {
    const path = join(dir, 'notify.sock');
    socket = bindUnixDatagram(path);
    const { log, lines } = capture();
    const notify = new SdNotifier({ env: { NOTIFY_SOCKET: path }, log });
    notify.status('connecting to 192.0.2.1');
    notify.ready('up: 10.0.0.2 → 10.0.0.1 on ppp0');
    notify.ready('again');
    notify.ready();
    notify.mainPid(1234);
    notify.watchdog();
    notify.status('line one\nline two');
    notify.stopping('stopping');
    notify.stopping();
    expect(drain(socket)).toEqual([
      'STATUS=connecting to 192.0.2.1',
      'READY=1\nSTATUS=up: 10.0.0.2 → 10.0.0.1 on ppp0',
      'STATUS=again',
      'MAINPID=1234',
      'WATCHDOG=1',
      'STATUS=line one line two',
      'STOPPING=1\nSTATUS=stopping',
      'STOPPING=1',
    ]);
    expect(socket.sender?.pid).toBe(process.pid);
    expect(lines).toEqual([]);
  });

  it('reaches an abstract socket (@name), as systemd gives it', () => {
    const name = abstract();
    socket = bindUnixDatagram(name);
    new SdNotifier({ env: { NOTIFY_SOCKET: name }, log: capture().log }).ready();
    expect(drain(socket)).toEqual(['READY=1']);
  });

  it('does nothing without NOTIFY_SOCKET (or with it empty)', () => {
    const send = vi.fn();
    for (const env of [{}, { NOTIFY_SOCKET: '' }]) {
      const notify = new SdNotifier({ env, log: capture().log, send, pid: 1 });
      notify.ready();
      notify.status('x');
      notify.mainPid(2);
      notify.stopping();
      notify.watchdog();
      notify.startWatchdog();
      expect(notify.socket).toBeUndefined();
      expect(notify.watchdogMs).toBeUndefined();
      notify.close();
    }
    expect(send).not.toHaveBeenCalled();
  });

  it('logs the first failed send once, as a warning with a code, and never throws', () => {
    const { log, lines } = capture();
    const notify = new SdNotifier({ env: { NOTIFY_SOCKET: abstract() }, log });
    expect(() => {
      notify.status('a');
      notify.ready();
      notify.stopping();
    }).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 'warn',
      code: 'LINUXNET_SYSCALL_FAILED',
      errno: 'ECONNREFUSED',
    });
    const long = capture();
    new SdNotifier({ env: { NOTIFY_SOCKET: `/${'x'.repeat(200)}` }, log: long.log }).ready();
    expect(JSON.parse(long.lines[0] ?? '{}')).toMatchObject({ errno: 'ENAMETOOLONG' });
  });
});

describe('watchdog (sd_watchdog_enabled(3))', () => {
  it('pings at half of WATCHDOG_USEC, only for the process WATCHDOG_PID names (if any)', () => {
    expect(watchdogPingMs({ WATCHDOG_USEC: '30000000' }, 7)).toBe(15_000);
    expect(watchdogPingMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 7)).toBe(15_000);
    expect(watchdogPingMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '8' }, 7)).toBeUndefined();
    expect(watchdogPingMs({}, 7)).toBeUndefined();
    expect(watchdogPingMs({ WATCHDOG_USEC: '0' }, 7)).toBeUndefined();
    expect(watchdogPingMs({ WATCHDOG_USEC: 'soon' }, 7)).toBeUndefined();
    expect(watchdogPingMs({ WATCHDOG_USEC: '1000' }, 7)).toBe(1);
  });

  it('sends WATCHDOG=1 at once and then every half interval until close()', () => {
    const name = abstract();
    socket = bindUnixDatagram(name);
    vi.useFakeTimers();
    const notify = new SdNotifier({
      env: { NOTIFY_SOCKET: name, WATCHDOG_USEC: '2000000', WATCHDOG_PID: String(process.pid) },
      log: capture().log,
    });
    expect(notify.watchdogMs).toBe(1000);
    notify.startWatchdog();
    notify.startWatchdog();
    expect(drain(socket, 0)).toEqual(['WATCHDOG=1']);
    vi.advanceTimersByTime(999);
    expect(drain(socket, 0)).toEqual([]);
    vi.advanceTimersByTime(2001);
    expect(drain(socket, 0)).toEqual(['WATCHDOG=1', 'WATCHDOG=1', 'WATCHDOG=1']);
    notify.close();
    vi.advanceTimersByTime(5000);
    expect(drain(socket, 0)).toEqual([]);
  });
});

describe('StatusThrottle', () => {
  it('sends the first status at once, then at most one per interval, always the last', () => {
    const name = abstract();
    socket = bindUnixDatagram(name);
    vi.useFakeTimers();
    let now = 0;
    const throttle = new StatusThrottle(
      new SdNotifier({ env: { NOTIFY_SOCKET: name }, log: capture().log }),
      1000,
      () => now,
    );
    throttle.set('1 session');
    expect(drain(socket, 0)).toEqual(['STATUS=1 session']);
    now = 100;
    throttle.set('2 sessions');
    now = 200;
    throttle.set('3 sessions');
    expect(drain(socket, 0)).toEqual([]);
    now = 1000;
    vi.advanceTimersByTime(900);
    expect(drain(socket, 0)).toEqual(['STATUS=3 sessions']);
    now = 5000;
    throttle.set('2 sessions');
    expect(drain(socket, 0)).toEqual(['STATUS=2 sessions']);
    now = 5100;
    throttle.set('1 session');
    throttle.cancel();
    vi.advanceTimersByTime(5000);
    expect(drain(socket, 0)).toEqual([]);
  });
});
