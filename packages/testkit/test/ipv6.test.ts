/**
 * IPv6CP and IPv6 through the whole stack in memory: the client core against the fake pptpd
 * (the same core in the server role), both with IPv6CP enabled, or the server without it.
 */

import type { Ipv6cpConfig } from '@pptpkit/ppp-lcp-ipcp';
import type { TunnelOptions } from '@pptpkit/tunnel';
import { describe, expect, it } from 'vitest';
import { CLIENT_MPPE, testClient } from '../src/client-options.js';
import { fakePptpd, PPTPD_MPPE } from '../src/fake-pptpd.js';
import { TunnelPair } from '../src/pair.js';

/** Adds IPv6CP settings to a side's options. */
const withIpv6 = (o: TunnelOptions, ipv6: Ipv6cpConfig | undefined): TunnelOptions =>
  ipv6 === undefined ? o : { ...o, link: { ...o.link, ipv6 } };

function pair(
  ipv6: { client?: Ipv6cpConfig; server?: Ipv6cpConfig },
  mode: 'stateless' | 'stateful+mppc' = 'stateless',
): TunnelPair {
  const stateful = mode === 'stateful+mppc';
  const p = new TunnelPair({
    seed: 11,
    client: (sink, random) =>
      withIpv6(
        testClient(sink, random, {
          mppe: stateful ? { ...CLIENT_MPPE, stateful: 'prefer', mppc: true } : CLIENT_MPPE,
        }),
        ipv6.client,
      ),
    server: (sink, random) =>
      withIpv6(
        fakePptpd(sink, random, { mppe: stateful ? { ...PPTPD_MPPE, mppc: true } : PPTPD_MPPE }),
        ipv6.server,
      ),
  });
  p.start();
  return p;
}

const isUp = (p: TunnelPair) => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up';

/** A UDP/IPv6 datagram between link-local addresses, its checksum summed from scratch (RFC 8200 §8.1). */
function udp6(src: Uint8Array, dst: Uint8Array, sequence: number): Uint8Array {
  const payload = [sequence >>> 8, sequence & 0xff, 0x70, 0x6b];
  const length = 8 + payload.length;
  const p = new Uint8Array(40 + length);
  p.set([0x60, 0, 0, 0, 0, length, 17, 64]);
  p.set(src, 8);
  p.set(dst, 24);
  p.set([0x12, 0x34, 0x00, 0x09, 0, length, 0, 0, ...payload], 40);
  let s = 17 + length;
  for (let i = 8; i < p.length; i += 2) s += (p[i]! << 8) | (p[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const c = ~s & 0xffff || 0xffff;
  p[46] = c >>> 8;
  p[47] = c & 0xff;
  return p;
}

/** `fe80::` + an interface identifier (RFC 5072 §5). */
const linkLocal = (id: Uint8Array): Uint8Array =>
  Uint8Array.from([0xfe, 0x80, 0, 0, 0, 0, 0, 0, ...id]);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('IPv6CP through the whole stack (RFC 5072)', () => {
  it.each(['stateless', 'stateful+mppc'] as const)(
    'MPPE %s: identifiers agree crosswise, status shows them, IPv6 crosses both ways',
    (mode) => {
      const p = pair({ client: {}, server: {} }, mode);
      expect(p.runUntil(() => isUp(p), 30_000)).toBe(true);
      const c = p.client.events.find((e) => e.type === 'up');
      const s = p.server.events.find((e) => e.type === 'up');
      if (c?.type !== 'up' || s?.type !== 'up') throw new Error('no up events');
      expect(c.ipv6 && hex(c.ipv6.local)).toBe(s.ipv6 && hex(s.ipv6.remote));
      expect(c.ipv6 && hex(c.ipv6.remote)).toBe(s.ipv6 && hex(s.ipv6.local));
      expect(c.ipv6?.local).not.toEqual(c.ipv6?.remote);
      const local = c.ipv6!.local;
      const remote = c.ipv6!.remote;
      const text = (id: Uint8Array): string => hex(id).match(/.{4}/g)!.join(':');
      expect(p.client.tunnel.status(p.clock.now).ipv6cp).toEqual({
        state: 'Opened',
        local: text(local),
        remote: text(remote),
      });
      for (let i = 0; i < 20; i++) {
        const up = udp6(linkLocal(local), linkLocal(remote), i);
        const down = udp6(linkLocal(remote), linkLocal(local), i);
        p.client.tunnel.sendIp(up, 0, up.length, p.clock.now);
        p.server.tunnel.sendIp(down, 0, down.length, p.clock.now);
        p.runFor(1);
      }
      p.runFor(500);
      expect(p.server.delivered.map(hex)).toEqual(
        Array.from({ length: 20 }, (_, i) => hex(udp6(linkLocal(local), linkLocal(remote), i))),
      );
      expect(p.client.delivered).toHaveLength(20);
      expect(p.client.tunnel.status(p.clock.now).data).toMatchObject({
        txIpv6Packets: 20,
        rxIpv6Packets: 20,
      });
    },
  );

  it('configured identifiers (pppd `ipv6 ::1,::2`) are what both sides end up with', () => {
    const one = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1);
    const two = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2);
    const p = pair({ client: { local: one, remote: two }, server: {} });
    expect(p.runUntil(() => isUp(p), 30_000)).toBe(true);
    expect(p.client.tunnel.status(p.clock.now).ipv6cp).toEqual({
      state: 'Opened',
      local: '0000:0000:0000:0001',
      remote: '0000:0000:0000:0002',
    });
    expect(p.server.tunnel.status(p.clock.now).ipv6cp).toMatchObject({
      local: '0000:0000:0000:0002',
      remote: '0000:0000:0000:0001',
    });
  });

  it('a server without IPv6CP Protocol-Rejects it: up at once, IPv4 only, IPv6 from the host dropped', () => {
    const p = pair({ client: {} });
    expect(p.runUntil(() => isUp(p), 30_000)).toBe(true);
    const up = p.client.events.find((e) => e.type === 'up');
    expect(up).toMatchObject({ local: '192.168.77.10' });
    expect(up?.type === 'up' && up.ipv6).toBeUndefined();
    const status = p.client.tunnel.status(p.clock.now);
    expect(status.ipv6cp?.state).not.toBe('Opened');
    expect(status.ipv6cp?.local).toBeUndefined();
    const packet = udp6(
      linkLocal(new Uint8Array(8).fill(1)),
      linkLocal(new Uint8Array(8).fill(2)),
      0,
    );
    p.client.tunnel.sendIp(packet, 0, packet.length, p.clock.now);
    p.runFor(100);
    expect(p.server.delivered).toHaveLength(0);
    expect(p.client.tunnel.status(p.clock.now).data?.txDropped).toBe(1);
    // Without IPv6CP on the client either, the status has no ipv6cp part.
    const plain = pair({});
    expect(plain.runUntil(() => isUp(plain), 30_000)).toBe(true);
    expect(plain.client.tunnel.status(plain.clock.now).ipv6cp).toBeUndefined();
  });
});
