import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindUnixDatagram, type UnixDatagramSocket } from '@pptpkit/linux-net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSyslog, syslogTimestamp } from '../../src/log/syslog.js';

const dir = mkdtempSync(join(tmpdir(), 'pptpkit-syslog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let socket: UnixDatagramSocket | undefined;
afterEach(() => {
  socket?.close();
  socket = undefined;
});

const buffer = new Uint8Array(65536);
/** The next datagram on `s` as text, or undefined after 1 s. */
function next(s: UnixDatagramSocket, timeoutMs = 1000): string | undefined {
  const length = s.receive(buffer, timeoutMs);
  return length < 0 ? undefined : new TextDecoder().decode(buffer.subarray(0, length));
}

describe('syslogTimestamp (RFC 3164 §4.1.2)', () => {
  it('is local time, Mmm dd hh:mm:ss, a day below 10 padded with a space', () => {
    // Local-time constructors: the expected text holds in every time zone.
    expect(syslogTimestamp(new Date(2026, 7, 7, 9, 5, 3))).toBe('Aug  7 09:05:03');
    expect(syslogTimestamp(new Date(2026, 11, 31, 23, 59, 59))).toBe('Dec 31 23:59:59');
    expect(syslogTimestamp(new Date(2027, 0, 10, 0, 0, 0))).toBe('Jan 10 00:00:00');
  });
});

describe('openSyslog', () => {
  it('sends one RFC 3164 datagram per line: facility daemon, our levels as severities', () => {
    const path = join(dir, 'log.sock');
    socket = bindUnixDatagram(path);
    const writer = openSyslog({ path, pid: 4242, clock: () => new Date(2026, 2, 4, 5, 6, 7) });
    expect(writer).toBeDefined();
    writer?.write('error', 'cannot reach 192.0.2.1:1723');
    writer?.write('warn', 'link down code=LCP_TERMINATED');
    writer?.write('info', 'up interface=ppp0');
    writer?.write('debug', 'LCP Echo-Request');
    writer?.write('info', 'two\nlines');
    // daemon = 3: PRI 24 + severity (err 3, warning 4, info 6, debug 7).
    expect([next(socket), next(socket), next(socket), next(socket), next(socket)]).toEqual([
      '<27>Mar  4 05:06:07 pptpkit[4242]: cannot reach 192.0.2.1:1723',
      '<28>Mar  4 05:06:07 pptpkit[4242]: link down code=LCP_TERMINATED',
      '<30>Mar  4 05:06:07 pptpkit[4242]: up interface=ppp0',
      '<31>Mar  4 05:06:07 pptpkit[4242]: LCP Echo-Request',
      '<30>Mar  4 05:06:07 pptpkit[4242]: two lines',
    ]);
    expect(socket.sender?.pid).toBe(process.pid);
    writer?.close();
    writer?.write('error', 'after close');
    expect(next(socket, 50)).toBeUndefined();
  });

  it('defaults: ident pptpkit, this pid, the current time', () => {
    const path = join(dir, 'defaults.sock');
    socket = bindUnixDatagram(path);
    const before = Date.now();
    openSyslog({ path })?.write('info', 'hello');
    const message = next(socket) ?? '';
    const match = /^<30>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) pptpkit\[(\d+)\]: hello$/.exec(
      message,
    );
    expect(match?.[2]).toBe(String(process.pid));
    // Within a second of when it was sent (either side of a second boundary).
    const stamps = [before, Date.now()].map((t) => syslogTimestamp(new Date(t)));
    expect(stamps).toContain(match?.[1]);
  });

  it('is undefined without a socket: missing path, or a file that is not one', () => {
    expect(openSyslog({ path: join(dir, 'missing') })).toBeUndefined();
    const file = join(dir, 'regular');
    writeFileSync(file, '');
    expect(openSyslog({ path: file })).toBeUndefined();
  });

  it('reports the first failed send once and never throws', () => {
    const path = join(dir, 'gone.sock');
    socket = bindUnixDatagram(path);
    const errors: Array<{ code?: string }> = [];
    const writer = openSyslog({ path, onError: (e) => errors.push(e) });
    socket.close();
    socket = undefined;
    expect(() => {
      writer?.write('error', 'one');
      writer?.write('error', 'two');
    }).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('LINUXNET_NOT_FOUND');
  });
});

/**
 * External truth: glibc's own syslog(3) (through Python's `syslog` module) writing to our
 * socket bound over /dev/log in a private mount namespace, compared with what openSyslog
 * writes for the same message. Needs root (unshare -m).
 */
const canUnshare = ((): boolean => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('unshare', ['-m', 'true'], { stdio: 'ignore' });
    execFileSync('python3', ['-c', 'import syslog'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!canUnshare) console.warn('[syslog] glibc cross-check skipped: needs root, unshare, python3');

describe.skipIf(!canUnshare)('openSyslog against glibc syslog(3)', () => {
  it('writes what glibc writes for openlog("pptpkit", LOG_PID, LOG_DAEMON)', () => {
    const path = join(dir, 'glibc.sock');
    socket = bindUnixDatagram(path);
    const script = [
      'import os, syslog',
      'syslog.openlog("pptpkit", syslog.LOG_PID, syslog.LOG_DAEMON)',
      'syslog.syslog(syslog.LOG_WARNING, "link down code=LCP_TERMINATED")',
      'print(os.getpid())',
    ].join('\n');
    const pid = execFileSync(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        'mount --make-rprivate / && mount -t tmpfs none /dev && touch /dev/log && mount --bind "$1" /dev/log && exec python3 -c "$2"',
        'sh',
        path,
        script,
      ],
      { encoding: 'utf8' },
    ).trim();
    const glibc = next(socket) ?? '';
    const time = /^<\d+>(.{15}) /.exec(glibc)?.[1] ?? '';
    openSyslog({
      path,
      pid: Number(pid),
      // glibc's timestamp, parsed back: the comparison is of everything else.
      clock: () => new Date(`${time} ${new Date().getFullYear()}`),
    })?.write('warn', 'link down code=LCP_TERMINATED');
    const ours = next(socket);
    expect(glibc).toMatch(/^<28>/);
    expect(ours).toBe(glibc);
  });
});
