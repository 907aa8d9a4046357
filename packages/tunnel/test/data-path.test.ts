import { GreSession } from '@pptpkit/gre';
import { deriveMsChapV2StartKeys, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { describe, expect, it } from 'vitest';
import { DataPath } from '../src/data-path.js';
import { ipv4Packet } from './ipv4.js';

const material = {
  passwordHashHash: new Uint8Array(16).fill(7),
  ntResponse: new Uint8Array(24).fill(9),
};

function ciphers(role: 'client' | 'server', stateless: boolean, recoverGaps = false) {
  const k = deriveMsChapV2StartKeys({ role, keyBits: 128, ...material });
  return {
    encryptor: new MppeEncryptor({ startKey: k.send, keyBits: 128, stateless }),
    decryptor: new MppeDecryptor({ startKey: k.receive, keyBits: 128, stateless, recoverGaps }),
  };
}

/** Two data paths back to back; `wire` decides what happens to each GRE packet in flight. */
function pair(
  options: {
    stateless?: boolean;
    mppe?: boolean;
    framing?: { acfc: boolean; pfc: boolean };
    recoverGaps?: boolean;
  } = {},
) {
  const stateless = options.stateless ?? true;
  const mppe = options.mppe ?? true;
  const framing = options.framing ?? { acfc: true, pfc: true };
  const inFlight: Uint8Array[] = [];
  const tunA: Uint8Array[] = [];
  const tunB: Uint8Array[] = [];
  let resets = 0;
  let b: DataPath | undefined;
  const greA = new GreSession({ localCallId: 1, peerCallId: 2, deliver: () => undefined });
  const greB = new GreSession({
    localCallId: 2,
    peerCallId: 1,
    deliver: (bytes, start, end) => {
      expect(b?.receiveFrame(bytes, start, end)).toBe(true);
    },
  });
  const a = new DataPath({
    gre: greA,
    toNetwork: (buf, offset, length) => {
      inFlight.push(buf.slice(offset, offset + length));
      return true;
    },
    toTun: (buf, offset, length) => {
      tunA.push(buf.slice(offset, offset + length));
      return true;
    },
    framing,
    peerMru: 1500,
    mppe: mppe ? ciphers('client', stateless) : undefined,
    onResetNeeded: () => undefined,
  });
  b = new DataPath({
    gre: greB,
    toNetwork: () => true,
    toTun: (buf, offset, length) => {
      tunB.push(buf.slice(offset, offset + length));
      return true;
    },
    framing,
    peerMru: 1500,
    mppe: mppe ? ciphers('server', stateless, options.recoverGaps) : undefined,
    onResetNeeded: () => {
      resets++;
    },
  });
  const deliver = (packet: Uint8Array, now = 0): void => {
    greB.receive(packet, 0, packet.length, now);
  };
  return { a, b, greB, inFlight, tunA, tunB, deliver, resets: () => resets };
}

describe('DataPath (TUN → PPP → MPPE → GRE and back)', () => {
  it('stateless MPPE-128: the server side decrypts what the client side encrypted, in order', () => {
    const p = pair();
    const packets = [ipv4Packet([1]), ipv4Packet([2, 2]), ipv4Packet(new Array(1400).fill(3))];
    for (const x of packets) p.a.sendIp(x, 0, x.length, 0);
    expect(p.inFlight).toHaveLength(3);
    // The ciphertext does not contain the plaintext payload.
    expect(Buffer.from(p.inFlight[2]!).includes(Buffer.alloc(64, 3))).toBe(false);
    for (const x of p.inFlight) p.deliver(x);
    expect(p.tunB).toEqual(packets);
    expect(p.b.counters).toMatchObject({
      rxPackets: 3,
      rxBytes: packets.reduce((n, x) => n + x.length, 0),
    });
  });

  it('stateless: reordered and lost GRE packets still decrypt with their own keys (RFC 3078 §8.1)', () => {
    const p = pair();
    const packets = Array.from({ length: 6 }, (_, i) => ipv4Packet([i, i, i]));
    for (const x of packets) p.a.sendIp(x, 0, x.length, 0);
    const [p0, p1, p2, , p4, p5] = p.inFlight;
    for (const x of [p0!, p2!, p1!, p5!, p4!]) p.deliver(x);
    // The reorder buffer waits for 3; after its timeout 4 and 5 go through.
    p.greB.timeout(10_000, new Uint8Array(16));
    expect(p.tunB).toEqual([packets[0], packets[1], packets[2], packets[4], packets[5]]);
    expect(p.greB.counters.lost).toBe(1);
  });

  it('stateful: a lost packet makes the decryptor ask for a CCP Reset-Request (RFC 3078 §8.2)', () => {
    const p = pair({ stateless: false });
    const packets = Array.from({ length: 4 }, (_, i) => ipv4Packet([i]));
    for (const x of packets) p.a.sendIp(x, 0, x.length, 0);
    p.deliver(p.inFlight[0]!);
    p.deliver(p.inFlight[2]!);
    p.greB.timeout(10_000, new Uint8Array(16));
    expect(p.tunB).toEqual([packets[0]]);
    expect(p.resets()).toBe(1);
    expect(p.b.counters.mppeDropped).toBeGreaterThanOrEqual(1);
    // The server's encryptor honours a Reset-Request: its next packet is flushed and decrypts.
    p.a.resetRequested();
    const after = ipv4Packet([42]);
    p.a.sendIp(after, 0, after.length, 20_000);
    p.deliver(p.inFlight[4]!, 20_000);
    p.greB.timeout(30_000, new Uint8Array(16));
    expect(p.tunB.at(-1)).toEqual(after);
    expect(p.tunB).toHaveLength(2);
  });

  it('stateful, recoverGaps: a lost packet of a length seen before is crossed without a Reset-Request (issue 14)', () => {
    const p = pair({ stateless: false, recoverGaps: true });
    const packets = Array.from({ length: 8 }, (_, i) => ipv4Packet(new Array(1000).fill(i)));
    for (const x of packets) p.a.sendIp(x, 0, x.length, 0);
    for (const [i, x] of p.inFlight.entries()) if (i !== 3 && i !== 5 && i !== 6) p.deliver(x);
    p.greB.timeout(10_000, new Uint8Array(16));
    expect(p.tunB).toEqual(packets.filter((_, i) => i !== 3 && i !== 5 && i !== 6));
    expect(p.resets()).toBe(0);
    expect(p.b.counters).toMatchObject({ mppeRecovered: 2, mppeDropped: 0, mppeRejected: 0 });
  });

  it('stateful, recoverGaps: a lost packet of a length never seen still asks for a Reset-Request, counted as before', () => {
    const p = pair({ stateless: false, recoverGaps: true });
    const packets = Array.from({ length: 4 }, (_, i) =>
      ipv4Packet(new Array(i === 2 ? 700 : 100).fill(i)),
    );
    for (const x of packets) p.a.sendIp(x, 0, x.length, 0);
    for (const [i, x] of p.inFlight.entries()) if (i !== 2) p.deliver(x);
    p.greB.timeout(10_000, new Uint8Array(16));
    expect(p.tunB).toEqual(packets.slice(0, 2));
    expect(p.resets()).toBe(1);
    expect(p.b.counters).toMatchObject({
      mppeRecovered: 0,
      mppeDropped: 1,
      mppeRejected: 0,
      rxBadChecksum: 0,
      rxDropped: 0,
    });
  });

  /** A forged MPPE frame (protocol 0x00FD, D and A set, any count, any bytes). */
  const forgedMppe = (count: number, fill: number): Uint8Array => {
    const f = new Uint8Array(4 + 60).fill(fill);
    f.set([0x00, 0xfd, 0x90 | (count >> 8), count & 0xff]);
    return f;
  };

  it('stateless: forged MPPE packets with counts far ahead are rejected without moving the key state', () => {
    const p = pair();
    const packets = Array.from({ length: 8 }, (_, i) => ipv4Packet([i, i]));
    for (const x of packets) p.a.sendIp(x, 0, x.length, 0);
    for (const [i, x] of p.inFlight.entries()) {
      // Before each genuine packet, garbage claiming a count 100 to 3000 ahead of it.
      const f = forgedMppe((i + 100 + i * 400) & 0xfff, 0x5a + i);
      expect(p.b.receiveFrame(f, 0, f.length)).toBe(true);
      p.deliver(x);
    }
    // The kernel's receiver would have found every genuine packet after the first forgery stale.
    expect(p.tunB).toEqual(packets);
    expect(p.b.counters.mppeRejected).toBe(8);
    expect(p.b.counters.rxPackets).toBe(8);
  });

  it('stateful: a packet that decrypts to garbage spends keystream, so it asks for a Reset-Request', () => {
    const p = pair({ stateless: false });
    const first = ipv4Packet([1]);
    p.a.sendIp(first, 0, first.length, 0);
    p.deliver(p.inFlight[0]!);
    // A forgery with exactly the next count: the decryptor takes it, the IPv4 check does not.
    const f = forgedMppe(1, 0x33); // A and D set: it even claims a key change
    p.b.receiveFrame(f, 0, f.length);
    expect(p.b.counters.mppeRejected).toBe(1);
    expect(p.resets()).toBe(1);
    p.a.resetRequested();
    const after = ipv4Packet([42]);
    p.a.sendIp(after, 0, after.length, 0);
    p.deliver(p.inFlight[1]!);
    expect(p.tunB).toEqual([first, after]);
  });

  it('without MPPE (nomppe) IPv4 goes as protocol 0x0021, uncompressed headers', () => {
    const p = pair({ mppe: false, framing: { acfc: false, pfc: false } });
    const x = ipv4Packet([5, 6, 7]);
    p.a.sendIp(x, 0, x.length, 0);
    // GRE header (12 bytes: key and sequence, no acknowledgment), FF 03 00 21, the packet.
    expect(p.inFlight[0]!.length).toBe(12 + 4 + x.length);
    expect([...p.inFlight[0]!.subarray(12, 16)]).toEqual([0xff, 0x03, 0x00, 0x21]);
    p.deliver(p.inFlight[0]!);
    expect(p.tunB).toEqual([x]);
  });

  it('drops what it must not send: non-IPv4, too short, larger than the peer MRU allows', () => {
    const p = pair();
    expect(p.a.maxIpPacket).toBe(1496);
    const v6 = new Uint8Array(40);
    v6[0] = 0x60;
    p.a.sendIp(v6, 0, v6.length, 0);
    p.a.sendIp(new Uint8Array([0x45, 0]), 0, 2, 0);
    const big = ipv4Packet(new Array(1477).fill(0));
    p.a.sendIp(big, 0, big.length, 0);
    expect(p.inFlight).toHaveLength(0);
    expect(p.a.counters.txDropped).toBe(3);
  });

  it('hands control frames back to the caller (returns false)', () => {
    const p = pair();
    const lcp = Uint8Array.of(0xff, 0x03, 0xc0, 0x21, 9, 1, 0, 8, 0, 0, 0, 0);
    expect(p.b.receiveFrame(lcp, 0, lcp.length)).toBe(false);
    expect(p.b.receiveFrame(new Uint8Array(0), 0, 0)).toBe(false);
  });
});
