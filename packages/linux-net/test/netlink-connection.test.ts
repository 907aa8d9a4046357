import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NetlinkConnection, type NetlinkTransport } from '../src/netlink-connection.js';
import { NetlinkFlag, NetlinkType } from '../src/netlink-message.js';

const { EEXIST, EINTR, EPROTO, ETIMEDOUT, ENOBUFS } = constants.errno;

/** One message, as the kernel would frame it (little-endian host). */
function frame(type: number, flags: number, seq: number, body: number[] = []): number[] {
  const length = 16 + body.length;
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, length, true);
  view.setUint16(4, type, true);
  view.setUint16(6, flags, true);
  view.setUint32(8, seq, true);
  view.setUint32(12, 4242, true);
  const padded = [...body, ...new Array((4 - (body.length % 4)) % 4).fill(0)];
  return [...bytes, ...padded];
}

/** `struct nlmsgerr` with a capped echo of the request header. */
const status = (errno: number): number[] => {
  const bytes = new Uint8Array(20);
  new DataView(bytes.buffer).setInt32(0, -errno, true);
  return [...bytes];
};
const ack = (seq: number, errno = 0): number[] =>
  frame(NetlinkType.error, NetlinkFlag.capped, seq, status(errno));
const done = (seq: number): number[] =>
  frame(NetlinkType.done, NetlinkFlag.multi, seq, [0, 0, 0, 0]);
const route = (seq: number, marker: number, flags: number = NetlinkFlag.multi): number[] =>
  frame(24, flags, seq, [marker, 0, 0, 0]);

/**
 * A scripted kernel: `answer(seq, request)` returns the datagrams that follow a request; a
 * receive with nothing queued times out (advancing the fake clock by the time it waited).
 */
class ScriptedKernel implements NetlinkTransport {
  readonly sent: Uint8Array[] = [];
  readonly queue: number[][] = [];
  clock = 0;
  constructor(readonly answer: (seq: number, request: Uint8Array) => number[][]) {}
  send(request: Uint8Array): void {
    this.sent.push(request.slice());
    const seq = new DataView(request.buffer, request.byteOffset).getUint32(8, true);
    this.queue.push(...this.answer(seq, request));
  }
  receive(buffer: Uint8Array, timeoutMs: number): number {
    const next = this.queue.shift();
    if (next === undefined) {
      this.clock += timeoutMs;
      throw Object.assign(new Error('poll(netlink): timed out'), {
        errno: ETIMEDOUT,
        syscall: 'poll(netlink)',
      });
    }
    buffer.set(next);
    return next.length;
  }
}

const request = (seq: number): Uint8Array => Uint8Array.from(frame(26, NetlinkFlag.request, seq));
const connect = (kernel: ScriptedKernel, timeoutMs = 100): NetlinkConnection =>
  new NetlinkConnection(kernel, { timeoutMs, now: () => kernel.clock });
const markers = (result: ReturnType<NetlinkConnection['exchange']>): number[] =>
  'messages' in result ? result.messages.map((m) => m.body[0]!) : [];

describe('netlink exchanges over a scripted kernel', () => {
  it('numbers requests 1, 2, 3… and returns on the acknowledgement', () => {
    const kernel = new ScriptedKernel((seq) => [ack(seq)]);
    const connection = connect(kernel);
    for (let i = 0; i < 3; i++)
      expect(connection.exchange(request, 'ack')).toEqual({ errno: 0, messages: [] });
    expect(kernel.sent.map((r) => r[8])).toEqual([1, 2, 3]);
  });

  it('reports the kernel’s errno (and its extended-ack text)', () => {
    const text = [...Buffer.from('exists\0')];
    const kernel = new ScriptedKernel((seq) => [
      frame(NetlinkType.error, NetlinkFlag.capped | NetlinkFlag.ackTlvs, seq, [
        ...status(EEXIST),
        ...[4 + text.length, 0, 1, 0],
        ...text,
        0,
      ]),
    ]);
    expect(connect(kernel).exchange(request, 'ack')).toEqual({
      errno: EEXIST,
      kernelMessage: 'exists',
    });
  });

  it('collects a dump over several datagrams, skipping noops and answers to older requests', () => {
    const kernel = new ScriptedKernel((seq) => [
      [...route(seq - 1, 99), ...route(seq, 1)], // a late answer to a request that timed out
      [...frame(NetlinkType.noop, 0, seq), ...route(seq, 2), ...route(seq, 3)],
      [...ack(seq - 1), ...route(seq, 4)],
      done(seq),
    ]);
    const connection = connect(kernel);
    expect(markers(connection.exchange(request, 'dump'))).toEqual([1, 2, 3, 4]);
  });

  it('returns the first message of a single reply', () => {
    const kernel = new ScriptedKernel((seq) => [route(seq, 7, 0)]);
    expect(markers(connect(kernel).exchange(request, 'reply'))).toEqual([7]);
  });

  it('repeats a dump the kernel flags inconsistent (NLM_F_DUMP_INTR), three times at most', () => {
    let attempts = 0;
    const flaky = new ScriptedKernel((seq) => {
      attempts++;
      const flags = NetlinkFlag.multi | (attempts < 3 ? NetlinkFlag.dumpInterrupted : 0);
      return [[...route(seq, attempts, flags), ...done(seq)]];
    });
    expect(markers(connect(flaky).exchange(request, 'dump'))).toEqual([3]);
    expect(flaky.sent).toHaveLength(3);
    const broken = new ScriptedKernel((seq) => [
      [...route(seq, 1, NetlinkFlag.multi | NetlinkFlag.dumpInterrupted), ...done(seq)],
    ]);
    expect(connect(broken).exchange(request, 'dump')).toEqual({ errno: EINTR });
    expect(broken.sent).toHaveLength(3);
  });

  it('a malformed datagram is EPROTO, not an exception', () => {
    const kernel = new ScriptedKernel(() => [
      [0xff, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    ]);
    expect(connect(kernel).exchange(request, 'ack')).toEqual({ errno: EPROTO });
    const truncatedError = new ScriptedKernel((seq) => [frame(NetlinkType.error, 0, seq, [1, 2])]);
    expect(connect(truncatedError).exchange(request, 'ack')).toEqual({ errno: EPROTO });
  });

  it('socket errors come back with their errno and system call; other exceptions propagate', () => {
    const kernel = new ScriptedKernel(() => []);
    kernel.send = () => {
      throw Object.assign(new Error('sendto'), { errno: ENOBUFS, syscall: 'sendto(netlink)' });
    };
    expect(connect(kernel).exchange(request, 'ack')).toEqual({
      errno: ENOBUFS,
      syscall: 'sendto(netlink)',
    });
    expect(() =>
      connect(kernel).exchange(() => {
        throw new TypeError('bad request');
      }, 'ack'),
    ).toThrow(TypeError);
  });

  it('times out when no answer comes, and within the deadline even if stale answers keep coming', () => {
    const silent = new ScriptedKernel(() => []);
    expect(connect(silent, 250).exchange(request, 'ack')).toEqual({
      errno: ETIMEDOUT,
      syscall: 'poll(netlink)',
    });
    expect(silent.clock).toBe(250);
    const chatty = new ScriptedKernel((seq) => Array.from({ length: 1000 }, () => ack(seq + 1)));
    const receive = chatty.receive.bind(chatty);
    chatty.receive = (buffer, timeoutMs) => {
      chatty.clock += 1; // each stale datagram takes 1 ms
      return receive(buffer, timeoutMs);
    };
    expect(connect(chatty, 50).exchange(request, 'ack')).toEqual({ errno: ETIMEDOUT });
    expect(chatty.clock).toBeLessThanOrEqual(52);
  });
});
