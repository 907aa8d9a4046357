/**
 * The tunnel sizes itself from the path MTU to the server (issue "bad wire"): no GRE packet needs
 * fragmenting, in either direction, and a shrinking path MTU is followed.
 */
import { tunnelSizesForPath } from '@pptpkit/tunnel';
import { describe, expect, it } from 'vitest';
import { type TestClientOptions, testClient } from '../src/client-options.js';
import { fakePptpd } from '../src/fake-pptpd.js';
import { udpPacket } from '../src/packets.js';
import { TunnelPair } from '../src/pair.js';

function pairWithPath(pathMtu: number | undefined, client: TestClientOptions = {}) {
  const p = new TunnelPair({
    seed: 5,
    client: (sink, random) => testClient(sink, random, client),
    server: (sink, random) => fakePptpd(sink, random),
  });
  if (pathMtu !== undefined) p.client.tunnel.setPathMtu(pathMtu, 0);
  p.start();
  expect(p.runUntil(() => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up')).toBe(
    true,
  );
  return p;
}

/** The largest GRE packet (with a 20-byte IPv4 header) each side sends for full-size IP. */
function largestOnWire(p: TunnelPair, mtu: number): { up: number; down: number } {
  let up = 0;
  let down = 0;
  const watch = (wire: TunnelPair['toServer'], set: (n: number) => void) => {
    const send = wire.send.bind(wire);
    wire.send = (buf, start, end, now) => {
      set(end - start + 20);
      send(buf, start, end, now);
    };
  };
  watch(p.toServer, (n) => (up = Math.max(up, n)));
  watch(p.toClient, (n) => (down = Math.max(down, n)));
  const a = udpPacket('192.168.77.10', '192.168.77.1', 1, mtu - 28);
  const b = udpPacket('192.168.77.1', '192.168.77.10', 1, mtu - 28);
  p.client.tunnel.sendIp(a, 0, a.length, p.clock.now);
  p.server.tunnel.sendIp(b, 0, b.length, p.clock.now);
  p.runFor(100);
  expect(p.server.delivered.at(-1)).toEqual(a);
  expect(p.client.delivered.at(-1)).toEqual(b);
  return { up, down };
}

describe('tunnel sizes from the path MTU', () => {
  it('computes MTU and MRU: 44 and 40 bytes of worst-case overhead', () => {
    expect(tunnelSizesForPath(1500)).toEqual({ mtu: 1456, mru: 1460 });
    expect(tunnelSizesForPath(1400)).toEqual({ mtu: 1356, mru: 1360 });
    expect(tunnelSizesForPath(600)).toEqual({ mtu: 576, mru: 580 });
    expect(() => tunnelSizesForPath(67)).toThrow(RangeError);
    expect(() => tunnelSizesForPath(1500.5)).toThrow(RangeError);
  });

  for (const pathMtu of [1500, 1400, 1280]) {
    it(`a ${pathMtu}-byte path: full-size packets cross as one GRE packet of at most ${pathMtu} bytes, both ways`, () => {
      const p = pairWithPath(pathMtu);
      const mtu = pathMtu - 44;
      expect(p.client.tunnel.status(p.clock.now).mtu).toBe(mtu);
      // The server sized its side from the MRU we asked for.
      expect(p.server.tunnel.status(p.clock.now).mtu).toBe(mtu);
      const { up, down } = largestOnWire(p, mtu);
      expect(up).toBeLessThanOrEqual(pathMtu);
      expect(down).toBeLessThanOrEqual(pathMtu);
      // Full but for the 3 bytes address/control and protocol-field compression save (the
      // sizes are for the worst case, without them).
      expect(Math.max(up, down)).toBe(pathMtu - 3);
    });
  }

  it('without a path MTU the tunnel keeps the peer-MRU sizes (1500 - 4)', () => {
    const p = pairWithPath(undefined);
    expect(p.client.tunnel.status(p.clock.now).mtu).toBe(1496);
  });

  it('an explicit mtu wins over the path', () => {
    const p = pairWithPath(1400, { mtu: 1200 });
    expect(p.client.tunnel.status(p.clock.now).mtu).toBe(1200);
  });

  it('follows a path MTU that shrinks while up, with an mtu event, and back up within the MRU', () => {
    const p = pairWithPath(1500);
    p.client.tunnel.setPathMtu(1400, p.clock.now);
    expect(p.client.events.at(-1)).toEqual({ type: 'mtu', mtu: 1356, pathMtu: 1400 });
    expect(p.client.tunnel.status(p.clock.now).mtu).toBe(1356);
    const events = p.client.events.length;
    p.client.tunnel.setPathMtu(1400, p.clock.now);
    expect(p.client.events.length).toBe(events);
    // The path grows again: never beyond what the MRU asked for at the start allows.
    p.client.tunnel.setPathMtu(9000, p.clock.now);
    expect(p.client.tunnel.status(p.clock.now).mtu).toBe(1496);
    expect(() => p.client.tunnel.setPathMtu(0, p.clock.now)).toThrow(RangeError);
  });
});

/** The 16-bit ones' complement sum of RFC 1071 over `bytes`, folded and complemented. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A TCP SYN from `src` to `dst` offering MSS `mss`, with valid IPv4 and TCP checksums. */
function syn(src: string, dst: string, mss: number): Uint8Array {
  const p = new Uint8Array(44);
  const v = new DataView(p.buffer);
  p.set([0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6]);
  p.set(src.split('.').map(Number), 12);
  p.set(dst.split('.').map(Number), 16);
  v.setUint16(10, checksum(p.subarray(0, 20)));
  v.setUint16(20, 40000);
  v.setUint16(22, 443);
  v.setUint32(24, 1);
  p[32] = 6 << 4; // data offset: 24 bytes
  p[33] = 0x02; // SYN
  v.setUint16(34, 65535);
  p.set([2, 4, mss >> 8, mss & 0xff], 40);
  const pseudo = new Uint8Array(12 + 24);
  pseudo.set(p.subarray(12, 20), 0);
  pseudo[9] = 6;
  pseudo[11] = 24;
  pseudo.set(p.subarray(20), 12);
  v.setUint16(36, checksum(pseudo));
  return p;
}

describe('TCP MSS clamping through the tunnel', () => {
  it('SYNs crossing a tunnel on a 1400-byte path offer at most 1316 (MTU 1356 - 40), both ways, with valid checksums', () => {
    const p = pairWithPath(1400);
    const up = syn('192.168.77.10', '10.78.0.1', 1460);
    const down = syn('10.78.0.1', '192.168.77.10', 1460);
    p.client.tunnel.sendIp(up, 0, up.length, p.clock.now);
    p.server.tunnel.sendIp(down, 0, down.length, p.clock.now);
    const small = syn('192.168.77.10', '10.78.0.1', 1200);
    p.client.tunnel.sendIp(small, 0, small.length, p.clock.now);
    p.runFor(100);
    const mssOf = (q: Uint8Array) => (q[42]! << 8) | q[43]!;
    const atServer = p.server.delivered.slice(-2);
    const atClient = p.client.delivered.at(-1)!;
    expect(mssOf(atServer[0]!)).toBe(1316);
    expect(mssOf(atClient)).toBe(1316);
    // Never raised.
    expect(mssOf(atServer[1]!)).toBe(1200);
    // The checksums still hold (the receiving data path checked them; so does this).
    const expected = syn('192.168.77.10', '10.78.0.1', 1316);
    expect(atServer[0]).toEqual(expected);
  });
});
