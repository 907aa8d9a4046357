import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LinuxNetError } from '../src/errors.js';
import {
  bindUnixDatagram,
  MAX_UNIX_NAME_BYTES,
  sendUnixDatagram,
  type UnixDatagramSocket,
} from '../src/unix-datagram.js';

const dir = mkdtempSync(join(tmpdir(), 'pkln-unix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open: UnixDatagramSocket[] = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});
const bound = (path: string): UnixDatagramSocket => {
  const socket = bindUnixDatagram(path);
  open.push(socket);
  return socket;
};

let counter = 0;
/** An abstract name no other test run uses. */
const abstractName = (): string => `@pkln-unix-${process.pid}-${++counter}-${Date.now()}`;

/** The error `run` throws, as a LinuxNetError (fails the test when it throws nothing else). */
function thrown(run: () => unknown): LinuxNetError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LinuxNetError);
    return error as LinuxNetError;
  }
  throw new Error('did not throw');
}

const text = (buffer: Uint8Array, length: number): string =>
  new TextDecoder().decode(buffer.subarray(0, length));

describe('unix datagram sockets (unix(7))', () => {
  it('carries a datagram to a path, byte for byte, with the sender credentials', () => {
    const path = join(dir, 'path.sock');
    const receiver = bound(path);
    expect(existsSync(path)).toBe(true);
    const data = new Uint8Array(300).map((_, i) => (i * 7 + 3) & 0xff);
    sendUnixDatagram(path, data);
    const buffer = new Uint8Array(4096);
    const length = receiver.receive(buffer, 1000);
    expect(length).toBe(300);
    expect(buffer.subarray(0, length)).toEqual(data);
    expect(receiver.sender).toEqual({
      pid: process.pid,
      uid: process.getuid?.(),
      gid: process.getgid?.(),
    });
  });

  it('keeps datagram boundaries and order, including an empty datagram', () => {
    const path = join(dir, 'order.sock');
    const receiver = bound(path);
    for (const message of ['READY=1', '', 'STATUS=up: 10.0.0.2 → 10.0.0.1 on ppp0'])
      sendUnixDatagram(path, new TextEncoder().encode(message));
    const buffer = new Uint8Array(256);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(text(buffer, receiver.receive(buffer, 1000)));
    expect(got).toEqual(['READY=1', '', 'STATUS=up: 10.0.0.2 → 10.0.0.1 on ppp0']);
    expect(receiver.receive(buffer, 0)).toBe(-1);
  });

  it('uses the abstract namespace for a leading @, which leaves no file', () => {
    const name = abstractName();
    const receiver = bound(name);
    expect(existsSync(name)).toBe(false);
    sendUnixDatagram(name, new TextEncoder().encode('WATCHDOG=1'));
    const buffer = new Uint8Array(64);
    expect(text(buffer, receiver.receive(buffer, 1000))).toBe('WATCHDOG=1');
    // The kernel lists it in /proc/net/unix with its leading NUL shown as '@'.
    expect(execFileSync('cat', ['/proc/net/unix'], { encoding: 'utf8' })).toContain(name);
  });

  it('returns -1 once the timeout passes with nothing to read', () => {
    const receiver = bound(abstractName());
    const started = performance.now();
    expect(receiver.receive(new Uint8Array(16), 120)).toBe(-1);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(1000);
    expect(receiver.sender).toBeUndefined();
  });

  it('accepts names of exactly 107 bytes, path and abstract', () => {
    const deep = join(dir, 'x'.repeat(40));
    mkdirSync(deep, { recursive: true });
    const path = join(deep, 'p'.repeat(MAX_UNIX_NAME_BYTES - deep.length - 1));
    expect(Buffer.byteLength(path)).toBe(107);
    const receiver = bound(path);
    sendUnixDatagram(path, new Uint8Array([1, 2, 3]));
    expect(receiver.receive(new Uint8Array(8), 1000)).toBe(3);
    const name = `@${abstractName().slice(1).padEnd(107, 'a')}`;
    const abstract = bound(name);
    sendUnixDatagram(name, new Uint8Array([4]));
    expect(abstract.receive(new Uint8Array(8), 1000)).toBe(1);
  });

  it('refuses names over 107 bytes with ENAMETOOLONG (path, abstract, multi-byte UTF-8)', () => {
    for (const name of [
      `/tmp/${'a'.repeat(103)}`,
      `@${'b'.repeat(108)}`,
      `/tmp/${'é'.repeat(52)}`, // 5 + 104 bytes, 57 characters
    ]) {
      const send = thrown(() => sendUnixDatagram(name, new Uint8Array(1)));
      expect(send.code).toBe('LINUXNET_SYSCALL_FAILED');
      expect(send.details).toMatchObject({ operation: 'sendUnixDatagram', errno: 36 });
      expect(send.details.errnoName).toBe('ENAMETOOLONG');
      expect(thrown(() => bindUnixDatagram(name)).details.errnoName).toBe('ENAMETOOLONG');
    }
    expect(thrown(() => sendUnixDatagram('', new Uint8Array(1))).details.errnoName).toBe('ENOENT');
    expect(thrown(() => sendUnixDatagram('/tmp/a\0b', new Uint8Array(1))).details.errnoName).toBe(
      'EINVAL',
    );
  });

  it('reports a missing path (ENOENT), an unbound abstract name (ECONNREFUSED), a stream socket (EPROTOTYPE)', async () => {
    const missing = thrown(() => sendUnixDatagram(join(dir, 'nobody.sock'), new Uint8Array(1)));
    expect(missing.code).toBe('LINUXNET_NOT_FOUND');
    expect(missing.details).toMatchObject({ errnoName: 'ENOENT', syscall: 'sendto(AF_UNIX)' });
    const refused = thrown(() => sendUnixDatagram(abstractName(), new Uint8Array(1)));
    expect(refused.code).toBe('LINUXNET_SYSCALL_FAILED');
    expect(refused.details.errnoName).toBe('ECONNREFUSED');

    const streamPath = join(dir, 'stream.sock');
    const stream: Server = createServer();
    await new Promise<void>((resolve) => stream.listen(streamPath, resolve));
    try {
      const wrongType = thrown(() => sendUnixDatagram(streamPath, new Uint8Array(1)));
      expect(wrongType.details.errnoName).toBe('EPROTOTYPE');
    } finally {
      await new Promise((resolve) => stream.close(resolve));
    }
  });

  it('never blocks: a receiver that does not read makes the sender fail with EAGAIN', () => {
    const path = join(dir, 'full.sock');
    const receiver = bound(path);
    let sent = 0;
    let error: LinuxNetError | undefined;
    for (; sent < 10_000 && error === undefined; sent++) {
      try {
        sendUnixDatagram(path, new Uint8Array(64));
      } catch (e) {
        error = e as LinuxNetError;
      }
    }
    expect(error?.details.errnoName).toBe('EAGAIN');
    // The queue held what it accepted (net.unix.max_dgram_qlen, 10 by default, or its buffer).
    expect(sent).toBeGreaterThan(1);
    let drained = 0;
    while (receiver.receive(new Uint8Array(64), 0) === 64) drained++;
    expect(drained).toBe(sent - 1);
  });

  it('throws EMSGSIZE for a datagram larger than the buffer, and goes on with the next', () => {
    const name = abstractName();
    const receiver = bound(name);
    sendUnixDatagram(name, new Uint8Array(100));
    sendUnixDatagram(name, new Uint8Array(10));
    const small = new Uint8Array(50);
    expect(thrown(() => receiver.receive(small, 1000)).details.errnoName).toBe('EMSGSIZE');
    expect(receiver.receive(small, 1000)).toBe(10);
  });

  it('refuses a second bind of the same name (EADDRINUSE)', () => {
    const path = join(dir, 'twice.sock');
    bound(path);
    expect(thrown(() => bindUnixDatagram(path)).details.errnoName).toBe('EADDRINUSE');
    const name = abstractName();
    bound(name);
    expect(thrown(() => bindUnixDatagram(name)).details.errnoName).toBe('EADDRINUSE');
    const nowhere = thrown(() => bindUnixDatagram(join(dir, 'no-such-dir', 'x.sock')));
    expect(nowhere.code).toBe('LINUXNET_NOT_FOUND');
  });

  it('close() removes the path, is idempotent, and later receives are LINUXNET_CLOSED', () => {
    const path = join(dir, 'closed.sock');
    const receiver = bindUnixDatagram(path);
    receiver.close();
    receiver.close();
    expect(existsSync(path)).toBe(false);
    expect(thrown(() => receiver.receive(new Uint8Array(8), 0)).code).toBe('LINUXNET_CLOSED');
    // The path is free again.
    bound(path);
  });
});
