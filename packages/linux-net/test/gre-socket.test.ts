import { constants } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_GRE_RECEIVE_BUFFER,
  type GreSocket,
  openGreSocket,
  type PacketBatch,
} from '../src/index.js';
import { isRoot, leaveNetns, Netns, until } from './netns.js';
import { grePacket, packBatch, payloadFor } from './packets.js';

const A = '10.201.0.1';
const B = '10.201.0.2';
const ELSEWHERE = '10.201.0.3';

/** Collects copies of received packets. */
function collector(): {
  packets: Uint8Array[];
  batches: number[];
  onBatch: (batch: PacketBatch) => void;
} {
  const packets: Uint8Array[] = [];
  const batches: number[] = [];
  return {
    packets,
    batches,
    onBatch(batch) {
      batches.push(batch.count);
      for (let i = 0; i < batch.count; i++) {
        const offset = batch.offsets[i]!;
        packets.push(batch.buffer.slice(offset, offset + batch.lengths[i]!));
      }
    },
  };
}

describe.skipIf(!isRoot)('raw GRE socket between two namespaces over a veth pair', () => {
  let left: Netns;
  let right: Netns;
  let atA: GreSocket;
  let atB: GreSocket;
  let otherAtB: GreSocket;

  beforeAll(() => {
    left = new Netns('gre-a');
    right = new Netns('gre-b');
    left.ip(
      'link',
      'add',
      'pkln-ga',
      'type',
      'veth',
      'peer',
      'name',
      'pkln-gb',
      'netns',
      right.name,
    );
    left.ip('addr', 'add', `${A}/24`, 'dev', 'pkln-ga');
    right.ip('addr', 'add', `${B}/24`, 'dev', 'pkln-gb');
    left.ip('link', 'set', 'pkln-ga', 'up');
    right.ip('link', 'set', 'pkln-gb', 'up');
    left.enter();
    atA = openGreSocket(B);
    right.enter();
    atB = openGreSocket(A);
    otherAtB = openGreSocket(ELSEWHERE);
    leaveNetns();
  });

  afterAll(() => {
    for (const socket of [atA, atB, otherAtB]) socket?.close();
    leaveNetns();
    left?.delete();
    right?.delete();
  });

  it('gets a receive buffer of at least the 4 MiB asked for', () => {
    // The kernel reports twice the usable size; SO_RCVBUFFORCE passes rmem_max as root.
    expect(atA.receiveBuffer).toBeGreaterThanOrEqual(DEFAULT_GRE_RECEIVE_BUFFER);
  });

  it('carries a batch of 64 GRE packets A → B intact, IPv4 header skipped, only to the connected socket', async () => {
    const atBReceived = collector();
    const otherReceived = collector();
    atB.startReading(atBReceived.onBatch);
    otherAtB.startReading(otherReceived.onBatch);
    const sent = Array.from({ length: 64 }, (_, i) =>
      grePacket(0x4242, i, payloadFor(i, 40 + i * 20)),
    );
    const { buffer, offsets, lengths } = packBatch(sent);
    expect(atA.writeBatch(buffer, offsets, lengths, sent.length)).toBe(64);
    await until(() => atBReceived.packets.length === 64, '64 GRE packets at B');
    // Give the other socket's watcher a few turns: the kernel queued any copy at the same time.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    atB.stopReading();
    otherAtB.stopReading();
    expect(atBReceived.packets).toEqual(sent);
    expect(atBReceived.batches.reduce((a, b) => a + b, 0)).toBe(64);
    expect(otherReceived.packets).toHaveLength(0);
    expect(atA.stats.sentPackets).toBe(64);
    expect(atB.stats.malformed).toBe(0);
  });

  it('carries single writes B → A with maxBatch 1, including a 1460-byte payload', async () => {
    const atAReceived = collector();
    atA.startReading(atAReceived.onBatch, { maxBatch: 1 });
    const sent = [
      grePacket(7, 1, payloadFor(1, 1460)),
      grePacket(7, 2, payloadFor(2, 1)),
      grePacket(7, 3, new Uint8Array(0)),
    ];
    for (const packet of sent) expect(atB.write(packet)).toBe(true);
    await until(() => atAReceived.packets.length === 3, 'three GRE packets at A');
    atA.stopReading();
    expect(atAReceived.packets).toEqual(sent);
    expect(atAReceived.batches).toEqual([1, 1, 1]);
  });

  it('writes a batch larger than one sendmmsg call (150 packets)', async () => {
    const atBReceived = collector();
    atB.startReading(atBReceived.onBatch);
    const sent = Array.from({ length: 150 }, (_, i) => grePacket(9, i, payloadFor(i, 100)));
    const { buffer, offsets, lengths } = packBatch(sent);
    expect(atA.writeBatch(buffer, offsets, lengths, sent.length)).toBe(150);
    await until(() => atBReceived.packets.length === 150, '150 GRE packets at B');
    atB.stopReading();
    expect(atBReceived.packets).toEqual(sent);
    expect(Math.max(...atBReceived.batches)).toBeLessThanOrEqual(64);
  });

  it('counts an ICMP error reported on the connected socket and keeps reading', async () => {
    // B forwards, but prohibits 10.209.0.0/24: it answers with ICMP "administratively
    // filtered", a hard error the kernel reports on A's connected socket (libuv sees POLLERR).
    right.exec('sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    right.ip('route', 'add', 'prohibit', '10.209.0.0/24');
    left.ip('route', 'add', '10.209.0.0/24', 'via', B);
    left.enter();
    const filtered = openGreSocket('10.209.0.1');
    leaveNetns();
    const errors: unknown[] = [];
    filtered.startReading(() => {}, { onError: (error) => errors.push(error) });
    expect(filtered.write(grePacket(1, 1, payloadFor(1, 10)))).toBe(true);
    await until(() => filtered.stats.receiveErrors > 0, 'the ICMP error');
    expect(filtered.stats.lastReceiveErrno).toBe(constants.errno.EHOSTUNREACH);
    expect(filtered.reading).toBe(true);
    expect(errors).toEqual([]);
    filtered.close();
  });

  it('rejects a server that is not an IPv4 address', () => {
    expect(() => openGreSocket('10.0.0')).toThrow(RangeError);
    expect(() => openGreSocket('10.0.0.256')).toThrow(RangeError);
  });
});
