/**
 * `pptpkit serve`'s core with in-memory clients: sessions told apart by Call ID (clients may
 * share an address), the pool and the secrets' address column (pppd's rules), admission
 * limits, the authentication deadline, dropped input by cause, and an orderly close of all.
 */
import { udpPacket } from '@pptpkit/testkit';
import { formatIpv4 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { CoreHarness, ip } from './core-harness.js';

/** `n` clients up, and the server's side of each too. */
const up = (h: CoreHarness, n: number) => () =>
  h.clients.filter((c) => c.tunnel.state === 'up').length === n && h.upSessions.length === n;

describe('ServerCore: many sessions', () => {
  it('brings up three clients, two behind one address, with distinct Call IDs and addresses', () => {
    const h = new CoreHarness();
    h.connect('10.0.0.5');
    h.connect('10.0.0.5', { user: 'bob', password: 'Secret-pw2' });
    h.connect('10.0.0.6', { user: 'carol', password: 'Secret-pw3' });
    expect(h.runUntil(up(h, 3))).toBe(true);
    const sessions = [...h.core.sessions];
    expect(sessions.map((s) => s.user).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(new Set(sessions.map((s) => s.callId)).size).toBe(3);
    expect(new Set(sessions.map((s) => s.address)).size).toBe(3);
    for (const c of h.clients) {
      const ev = c.events.find((e) => e.type === 'up');
      expect(ev).toMatchObject({ local: formatIpv4(c.session!.address!), remote: '192.168.78.1' });
    }
    expect(h.upSessions).toHaveLength(3);

    // Host → each client by destination address; each client → host.
    for (const c of h.clients) {
      const to = formatIpv4(c.session!.address!);
      const p = udpPacket('192.168.78.1', to, 7, 300);
      h.core.ipIn(p, 0, p.length, h.clock.now);
      const q = udpPacket(to, '192.168.78.1', 9, 200);
      c.tunnel.sendIp(q, 0, q.length, h.clock.now);
    }
    h.runFor(100);
    for (const c of h.clients) {
      expect(c.delivered).toHaveLength(1);
      const dst = c.delivered[0]!.subarray(16, 20);
      expect(formatIpv4(((dst[0]! << 24) | (dst[1]! << 16) | (dst[2]! << 8) | dst[3]!) >>> 0)).toBe(
        formatIpv4(c.session!.address!),
      );
    }
    expect(h.toHost).toHaveLength(3);
    const nobody = udpPacket('192.168.78.1', '192.168.78.99', 7, 100);
    h.core.ipIn(nobody, 0, nobody.length, h.clock.now);
    expect(h.core.counters.ipNoSession).toBe(1);
  });

  it('sizes a session to the path MTU to its client: no GRE packet needs fragmenting', () => {
    const h = new CoreHarness();
    const c = h.connect('10.0.0.5');
    h.core.setPathMtu(c.session!, 1400, h.clock.now);
    expect(h.runUntil(up(h, 1))).toBe(true);
    // 1400 − 44: IPv4 20, GRE 16, PPP 4, MPPE 2, inner protocol 2 (the tunnel's path sizing).
    expect(h.upEvents[0]).toMatchObject({ mtu: 1356 });
  });

  it('drops GRE for an unknown Call ID, from the wrong address, or malformed, by cause', () => {
    const h = new CoreHarness();
    const c = h.connect('10.0.0.5');
    expect(h.runUntil(up(h, 1))).toBe(true);
    const id = c.session!.callId!;
    const gre = new Uint8Array([
      0x30,
      0x81,
      0x88,
      0x0b,
      0,
      0,
      id >> 8,
      id & 0xff,
      0,
      0,
      0,
      9,
      0,
      0,
      0,
      1,
    ]);
    h.core.greIn(ip('10.0.0.7'), gre, 0, gre.length, h.clock.now);
    expect(h.core.counters.greWrongSource).toBe(1);
    gre[6] = (id + 1) >> 8;
    gre[7] = (id + 1) & 0xff;
    h.core.greIn(ip('10.0.0.5'), gre, 0, gre.length, h.clock.now);
    expect(h.core.counters.greUnknownCall).toBe(1);
    h.core.greIn(ip('10.0.0.5'), gre, 0, 5, h.clock.now);
    gre[2] = 0x08;
    h.core.greIn(ip('10.0.0.5'), gre, 0, gre.length, h.clock.now);
    expect(h.core.counters.greMalformed).toBe(2);
    expect(c.tunnel.state).toBe('up');
  });

  it('closes every session in order and frees their addresses', () => {
    const h = new CoreHarness();
    h.connect('10.0.0.5');
    h.connect('10.0.0.6', { user: 'bob', password: 'Secret-pw2' });
    expect(h.runUntil(up(h, 2))).toBe(true);
    h.core.closeAll('server stopping', h.clock.now);
    expect(
      h.runUntil(
        () => h.closed.length === 2 && h.clients.every((c) => c.tunnel.state === 'closed'),
      ),
    ).toBe(true);
    expect([...h.core.sessions]).toHaveLength(0);
    for (const c of h.clients) {
      expect(c.events.find((e) => e.type === 'down')).toMatchObject({
        layer: 'ppp',
        code: 'PPP_PEER_TERMINATED',
      });
    }
    // The addresses are free again.
    h.connect('10.0.0.8');
    expect(h.runUntil(() => h.clients[2]!.tunnel.state === 'up')).toBe(true);
  });
});

describe('ServerCore: addresses (pppd secrets address column)', () => {
  it('gives a user the one address its secrets entry names', () => {
    const h = new CoreHarness({
      rules: { bob: { permits: (a) => a === ip('10.50.0.9'), single: () => ip('10.50.0.9') } },
    });
    const c = h.connect('10.0.0.5', { user: 'bob', password: 'Secret-pw2' });
    expect(h.runUntil(up(h, 1))).toBe(true);
    expect(c.events.find((e) => e.type === 'up')).toMatchObject({ local: '10.50.0.9' });
  });

  it('refuses a second session for a fixed address in use', () => {
    const rule = { permits: (a: number) => a === ip('10.50.0.9'), single: () => ip('10.50.0.9') };
    const h = new CoreHarness({ rules: { bob: rule } });
    h.connect('10.0.0.5', { user: 'bob', password: 'Secret-pw2' });
    expect(h.runUntil(up(h, 1))).toBe(true);
    const second = h.connect('10.0.0.6', { user: 'bob', password: 'Secret-pw2' });
    h.runUntil(() => second.tunnel.state === 'closed' && h.closed.length === 1);
    const down = h.closed.find((s) => s.source === ip('10.0.0.6'))?.down;
    expect(down).toMatchObject({ code: 'PPP_PEER_NOT_AUTHORIZED' });
    expect(down?.message).toContain('in use');
  });

  it('takes a pool address the rule permits, and refuses when none is left', () => {
    const h = new CoreHarness({
      remote: ['192.168.78.10', '192.168.78.12'],
      rules: {
        alice: { permits: (a) => a >= ip('192.168.78.11'), single: () => undefined },
        bob: { permits: () => false, single: () => undefined },
      },
    });
    const a = h.connect('10.0.0.5');
    expect(h.runUntil(up(h, 1))).toBe(true);
    expect(a.events.find((e) => e.type === 'up')).toMatchObject({ local: '192.168.78.11' });
    const b = h.connect('10.0.0.6', { user: 'bob', password: 'Secret-pw2' });
    h.runUntil(() => b.tunnel.state === 'closed' && h.closed.length === 1);
    expect(h.closed.at(-1)?.down?.message).toContain('no free address');
  });
});

describe('ServerCore: admission', () => {
  it('turns away sessions beyond `connections`', () => {
    const h = new CoreHarness({ maxSessions: 2 });
    h.connect('10.0.0.5');
    h.connect('10.0.0.6');
    expect(h.connect('10.0.0.7').refused).toBe('sessions');
    expect(h.core.refused.sessions).toBe(1);
  });

  it('limits unauthenticated connections per source, and counts only those', () => {
    const h = new CoreHarness({ maxPendingPerSource: 2 });
    h.connect('10.0.0.5');
    h.connect('10.0.0.5', { user: 'bob', password: 'Secret-pw2' });
    expect(h.connect('10.0.0.5').refused).toBe('pending');
    expect(h.connect('10.0.0.6').refused).toBeUndefined();
    expect(h.runUntil(up(h, 3))).toBe(true);
    // Authenticated sessions no longer count against the source.
    expect(
      h.connect('10.0.0.5', { user: 'carol', password: 'Secret-pw3' }).refused,
    ).toBeUndefined();
  });

  it('makes a source wait after a failed authentication, doubling per failure', () => {
    const h = new CoreHarness();
    const bad = h.connect('10.0.0.5', { password: 'wrong' });
    h.runUntil(() => bad.tunnel.state === 'closed');
    expect(bad.events.find((e) => e.type === 'down')).toMatchObject({ layer: 'ppp' });
    expect(h.core.failureWait(ip('10.0.0.5'), h.clock.now)).toBeGreaterThan(0);
    expect(h.connect('10.0.0.5').refused).toBe('failures');
    expect(h.connect('10.0.0.6').refused).toBeUndefined();
    h.runFor(1000);
    const again = h.connect('10.0.0.5', { password: 'wrong' });
    expect(again.refused).toBeUndefined();
    h.runUntil(() => again.tunnel.state === 'closed');
    const wait = h.core.failureWait(ip('10.0.0.5'), h.clock.now);
    expect(wait).toBeGreaterThan(1000);
    expect(wait).toBeLessThanOrEqual(2000);
  });

  it('ends a connection that does not authenticate in time', () => {
    const h = new CoreHarness({ authTimeoutMs: 5000 });
    const c = h.connect('10.0.0.5');
    // A client that never speaks: its session has no call and no authentication.
    (c as { session: unknown }).session = undefined;
    const s = [...h.core.sessions][0]!;
    h.runFor(4900);
    expect(h.closed).toHaveLength(0);
    h.runUntil(() => h.closed.length === 1, 30_000);
    expect(h.core.counters.authTimeouts).toBe(1);
    expect(s.down).toMatchObject({ layer: 'tunnel', code: 'TUNNEL_LOCAL_CLOSE' });
    expect(h.core.refused.pending).toBe(0);
    expect([...h.core.sessions]).toHaveLength(0);
  });
});
