import { constants } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GreListener,
  type GreSocket,
  LinuxNetError,
  openGreListener,
  openGreSocket,
  type PacketBatch,
} from '../src/index.js';
import { requireIpv4 } from '../src/ipv4.js';
import { isRoot, leaveNetns, Netns, until } from './netns.js';
import { grePacket, packBatch, payloadFor } from './packets.js';

// The server namespace has one veth pair to each client namespace:
//   client 1 (10.203.1.2) ── (10.203.1.1) server (10.203.2.1) ── (10.203.2.2) client 2
const SERVER_1 = '10.203.1.1';
const CLIENT_1 = '10.203.1.2';
const SERVER_2 = '10.203.2.1';
const CLIENT_2 = '10.203.2.2';
/** No route leads there from the server namespace: a send to it fails with ENETUNREACH. */
const NOWHERE = '192.0.2.99';

/** A received packet with the source the listener reported for it. */
interface FromPeer {
  readonly source: number;
  readonly packet: Uint8Array;
}

/** Collects copies of what a listener receives, with each packet's source. */
function listen(listener: GreListener): FromPeer[] {
  const received: FromPeer[] = [];
  listener.startReading((batch: PacketBatch) => {
    for (let i = 0; i < batch.count; i++) {
      const offset = batch.offsets[i]!;
      received.push({
        source: listener.sources[i]!,
        packet: batch.buffer.slice(offset, offset + batch.lengths[i]!),
      });
    }
  });
  return received;
}

/** Collects copies of what a connected socket receives. */
function collect(socket: GreSocket): Uint8Array[] {
  const packets: Uint8Array[] = [];
  socket.startReading((batch) => {
    for (let i = 0; i < batch.count; i++) {
      const offset = batch.offsets[i]!;
      packets.push(batch.buffer.slice(offset, offset + batch.lengths[i]!));
    }
  });
  return packets;
}

/** Lets the readiness watchers run a few turns (for packets that must not arrive). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe.skipIf(!isRoot)('GRE listener: one unconnected socket for many peers', () => {
  let server: Netns;
  let first: Netns;
  let second: Netns;
  let listener: GreListener;
  let atClient1: GreSocket;
  let atClient2: GreSocket;

  beforeAll(() => {
    server = new Netns('gls');
    first = new Netns('gl1');
    second = new Netns('gl2');
    for (const [client, n, serverAddress, clientAddress] of [
      [first, 1, SERVER_1, CLIENT_1],
      [second, 2, SERVER_2, CLIENT_2],
    ] as const) {
      server.ip(
        'link',
        'add',
        `pkln-gs${n}`,
        'type',
        'veth',
        'peer',
        'name',
        `pkln-gc${n}`,
        'netns',
        client.name,
      );
      server.ip('addr', 'add', `${serverAddress}/24`, 'dev', `pkln-gs${n}`);
      client.ip('addr', 'add', `${clientAddress}/24`, 'dev', `pkln-gc${n}`);
      server.ip('link', 'set', `pkln-gs${n}`, 'up');
      client.ip('link', 'set', `pkln-gc${n}`, 'up');
    }
    server.enter();
    listener = openGreListener();
    first.enter();
    atClient1 = openGreSocket(SERVER_1);
    second.enter();
    atClient2 = openGreSocket(SERVER_2);
    leaveNetns();
  });

  afterAll(() => {
    for (const socket of [listener, atClient1, atClient2]) socket?.close();
    leaveNetns();
    for (const ns of [server, first, second]) ns?.delete();
  });

  it('reports the source address of every packet of a batch from two peers', async () => {
    const received = listen(listener);
    const fromFirst = Array.from({ length: 40 }, (_, i) => grePacket(1, i, payloadFor(i, 60)));
    const fromSecond = Array.from({ length: 40 }, (_, i) => grePacket(2, i, payloadFor(i, 90)));
    // Interleaved, so that batches mix both peers.
    for (let i = 0; i < 40; i++) {
      expect(atClient1.write(fromFirst[i]!)).toBe(true);
      expect(atClient2.write(fromSecond[i]!)).toBe(true);
    }
    await until(() => received.length === 80, '80 GRE packets at the listener');
    listener.stopReading();
    // The Call ID (bytes 6..7 of the GRE header) says which client sent each packet.
    const expectedSource = { 1: requireIpv4(CLIENT_1), 2: requireIpv4(CLIENT_2) } as const;
    for (const { source, packet } of received) {
      const callId = (packet[6]! << 8) | packet[7]!;
      expect(callId === 1 || callId === 2).toBe(true);
      expect(source).toBe(expectedSource[callId as 1 | 2]);
    }
    expect(received.filter((r) => r.source === requireIpv4(CLIENT_1)).map((r) => r.packet)).toEqual(
      fromFirst,
    );
    expect(received.filter((r) => r.source === requireIpv4(CLIENT_2)).map((r) => r.packet)).toEqual(
      fromSecond,
    );
    expect(listener.stats.malformed).toBe(0);
  });

  it('bound to one local address, receives only the packets sent to it', async () => {
    // Opened now: a raw socket queues a copy of every packet it matches from its opening on.
    server.enter();
    const bound = openGreListener({ bind: SERVER_1 });
    leaveNetns();
    const all = listen(listener);
    const only = listen(bound);
    expect(atClient2.write(grePacket(2, 100, payloadFor(1, 10)))).toBe(true);
    expect(atClient1.write(grePacket(1, 100, payloadFor(2, 10)))).toBe(true);
    await until(() => all.length === 2 && only.length === 1, 'the packets at both listeners');
    await settle();
    listener.stopReading();
    bound.close();
    expect(only.map((r) => r.source)).toEqual([requireIpv4(CLIENT_1)]);
    expect(only[0]?.packet).toEqual(grePacket(1, 100, payloadFor(2, 10)));
    expect(new Set(all.map((r) => r.source))).toEqual(
      new Set([requireIpv4(CLIENT_1), requireIpv4(CLIENT_2)]),
    );
  });

  it('writeBatchTo delivers each packet to its own destination, 150 packets in three sendmmsg calls', async () => {
    const atFirst = collect(atClient1);
    const atSecond = collect(atClient2);
    const packets = Array.from({ length: 150 }, (_, i) =>
      grePacket(i % 3 === 0 ? 2 : 1, i, payloadFor(i, 50 + i)),
    );
    const destinations = Uint32Array.from(packets, (_, i) =>
      requireIpv4(i % 3 === 0 ? CLIENT_2 : CLIENT_1),
    );
    const { buffer, offsets, lengths } = packBatch(packets);
    const sentBefore = listener.stats.sentPackets;
    expect(listener.writeBatchTo(buffer, offsets, lengths, destinations, packets.length)).toBe(150);
    await until(
      () => atFirst.length === 100 && atSecond.length === 50,
      'the packets at both clients',
    );
    atClient1.stopReading();
    atClient2.stopReading();
    expect(atFirst).toEqual(packets.filter((_, i) => i % 3 !== 0));
    expect(atSecond).toEqual(packets.filter((_, i) => i % 3 === 0));
    expect(listener.stats.sentPackets - sentBefore).toBe(150);
  });

  it('a destination without a route fails alone: counted, the others still go', async () => {
    const atFirst = collect(atClient1);
    const atSecond = collect(atClient2);
    const packets = [1, 2, 3, 4].map((i) => grePacket(i, i, payloadFor(i, 20)));
    const destinations = Uint32Array.from([CLIENT_1, NOWHERE, CLIENT_2, NOWHERE], requireIpv4);
    const { buffer, offsets, lengths } = packBatch(packets);
    const dropped = listener.stats.sendDropped;
    expect(listener.writeBatchTo(buffer, offsets, lengths, destinations, 4)).toBe(2);
    expect(listener.stats.sendDropped - dropped).toBe(2);
    expect(listener.stats.lastSendErrno).toBe(constants.errno.ENETUNREACH);
    expect(listener.writeTo(packets[1]!, 0, packets[1]!.length, requireIpv4(NOWHERE))).toBe(false);
    expect(listener.writeTo(packets[3]!, 0, packets[3]!.length, requireIpv4(CLIENT_2))).toBe(true);
    await until(() => atFirst.length === 1 && atSecond.length === 2, 'the routable packets');
    atClient1.stopReading();
    atClient2.stopReading();
    expect(atFirst).toEqual([packets[0]]);
    expect(atSecond).toEqual([packets[2], packets[3]]);
    expect(listener.stats.sendDropped - dropped).toBe(3);
  });

  it('refuses peerless writes, bad destinations, bad bind addresses; is closed after close()', () => {
    const packet = grePacket(1, 1, payloadFor(1, 4));
    expect(() => listener.write(packet)).toThrow(TypeError);
    expect(() => listener.writeTo(packet, 0, packet.length, -1)).toThrow(RangeError);
    expect(() => listener.writeTo(packet, 0, packet.length, 2 ** 32)).toThrow(RangeError);
    expect(() => listener.writeTo(packet, 0, packet.length + 1, 1)).toThrow(RangeError);
    expect(() =>
      listener.writeBatchTo(packet, Uint32Array.of(0), Uint32Array.of(4), new Uint32Array(0), 1),
    ).toThrow(RangeError);
    expect(() => openGreListener({ bind: '10.203.1' })).toThrow(RangeError);
    server.enter();
    let error: unknown;
    try {
      openGreListener({ bind: CLIENT_1 }).close();
    } catch (caught) {
      error = caught;
    } finally {
      leaveNetns();
    }
    expect(error).toBeInstanceOf(LinuxNetError);
    expect(error).toMatchObject({
      code: 'LINUXNET_NOT_FOUND',
      details: { errnoName: 'EADDRNOTAVAIL', bind: CLIENT_1 },
    });
    server.enter();
    const closing = openGreListener();
    leaveNetns();
    closing.close();
    expect(() => closing.writeTo(packet, 0, packet.length, 1)).toThrow(
      expect.objectContaining({ code: 'LINUXNET_CLOSED' }),
    );
  });
});
