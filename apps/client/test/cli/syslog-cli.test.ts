/**
 * `pptpkit up --syslog` as a whole process: its lines reach /dev/log as pppd's do (facility
 * daemon, tag `pptpkit[PID]`, the level as severity), including the error and its code. /dev/log
 * is a socket this test binds, mounted over /dev/log in a private mount namespace (root).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindUnixDatagram } from '@pptpkit/linux-net';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/pptpkit');
const isRoot = process.geteuid?.() === 0;

describe.runIf(isRoot)('up --syslog', () => {
  const work = mkdtempSync(join(tmpdir(), 'pptpkit-syslog-cli-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('sends every line to /dev/log: <daemon.err> pptpkit[PID]: … code=…, no second timestamp', async () => {
    const sock = join(work, 'log.sock');
    const socket = bindUnixDatagram(sock);
    mkdirSync(join(work, 'peers'));
    // A private /dev: a tmpfs with the few nodes node needs, and the test's socket as /dev/log.
    const script = [
      'mount --make-rprivate /',
      'd=$(mktemp -d)',
      'mount -t tmpfs none "$d"',
      'for f in null zero random urandom; do touch "$d/$f"; mount --bind "/dev/$f" "$d/$f"; done',
      'ln -s /proc/self/fd "$d/fd"',
      'touch "$d/log"',
      'mount --bind "$1" "$d/log"',
      'mount --move "$d" /dev',
      'shift; exec "$@"',
    ].join(' && ');
    const args = [...['-m', 'sh', '-c', script, 'sh', sock, bin, 'up', 'nosuchpeer']];
    args.push('--syslog', '--peers-dir', join(work, 'peers'));
    const status = await new Promise<number>((resolve) => {
      execFile(
        'unshare',
        args,
        { env: { ...process.env, PPTPKIT_RUN_DIR: join(work, 'run') } },
        (e) => resolve(e === null ? 0 : typeof e.code === 'number' ? e.code : -1),
      );
    });
    expect(status).toBe(2);
    const buffer = new Uint8Array(4096);
    const lines: string[] = [];
    for (;;) {
      const n = socket.receive(buffer, 200);
      if (n < 0) break;
      lines.push(Buffer.from(buffer.subarray(0, n)).toString('utf8'));
    }
    socket.close();
    // daemon (3) * 8 + err (3) = 27; RFC 3164 TIMESTAMP, then TAG[PID]: and our bare line.
    const error = lines.find((l) => l.startsWith('<27>'));
    expect(error).toMatch(
      /^<27>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d pptpkit\[\d+\]: error .*nosuchpeer.* code=CONFIG_UNREADABLE/,
    );
    expect(error).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });
});
