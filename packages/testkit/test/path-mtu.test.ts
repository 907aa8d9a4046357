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
