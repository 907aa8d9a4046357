/**
 * The whole stack back to back in memory: the client core against the fake pptpd (the same core
 * in the server role) in every MPPE/MPPC mode and authentication method, on a clean wire.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_MPPE, type TestClientOptions, testClient } from '../src/client-options.js';
import { type FakePptpdOptions, fakePptpd, PPTPD_MPPE } from '../src/fake-pptpd.js';
import { sequenceOf, udpPacket } from '../src/packets.js';
import { TunnelPair } from '../src/pair.js';

function pair(client: TestClientOptions = {}, server: FakePptpdOptions = {}, seed = 7) {
  const p = new TunnelPair({
    seed,
    client: (sink, random) => testClient(sink, random, client),
    server: (sink, random) => fakePptpd(sink, random, server),
  });
  p.start();
  return p;
}

const isUp = (p: TunnelPair) => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up';

/** Sends `n` packets each way, spaced 1 ms, and runs until they had time to arrive. */
function exchange(p: TunnelPair, n: number, size = 200): void {
  for (let i = 0; i < n; i++) {
    const up = udpPacket('192.168.77.10', '192.168.77.1', i, size);
    const down = udpPacket('192.168.77.1', '192.168.77.10', i, size);
    p.client.tunnel.sendIp(up, 0, up.length, p.clock.now);
    p.server.tunnel.sendIp(down, 0, down.length, p.clock.now);
    p.runFor(1);
  }
  p.runFor(500);
}

const modes: { name: string; client: TestClientOptions; server: FakePptpdOptions; want: object }[] =
  [
    {
      name: 'MS-CHAPv2 + MPPE-128 stateless',
      client: {},
      server: {},
      want: { keyBits: 128, stateless: true, mppc: false },
    },
    {
      name: 'MS-CHAPv2 + MPPE-128 stateful',
      client: { mppe: { ...CLIENT_MPPE, stateful: 'prefer' } },
      server: {},
      want: { keyBits: 128, stateless: false, mppc: false },
    },
    {
      name: 'MS-CHAPv2 + MPPE-40 stateless',
      client: { mppe: { ...CLIENT_MPPE, allow40: true, allow128: false } },
      server: { mppe: { ...PPTPD_MPPE, allow40: true } },
      want: { keyBits: 40, stateless: true, mppc: false },
    },
    {
      name: 'MS-CHAPv2 + MPPE-56 stateless',
      client: { mppe: { ...CLIENT_MPPE, allow56: true, allow128: false } },
      server: { mppe: { ...PPTPD_MPPE, allow56: true, allow128: false } },
      want: { keyBits: 56, stateless: true, mppc: false },
    },
    {
      name: 'MS-CHAPv2 + MPPE-56 stateful',
      client: { mppe: { ...CLIENT_MPPE, allow56: true, allow128: false, stateful: 'prefer' } },
      server: { mppe: { ...PPTPD_MPPE, allow56: true, allow128: false } },
      want: { keyBits: 56, stateless: false, mppc: false },
    },
    {
      // RFC 3078 §2.1: the client offers S, M and L; the server Naks with the strongest
      // strength it also allows.
      name: 'MS-CHAPv2, every strength offered, server allows 40 and 56: MPPE-56 stateless',
      client: { mppe: { ...CLIENT_MPPE, allow40: true, allow56: true } },
      server: { mppe: { ...PPTPD_MPPE, allow40: true, allow56: true, allow128: false } },
      want: { keyBits: 56, stateless: true, mppc: false },
    },
    {
      name: 'MS-CHAPv1 + MPPE-56 stateless (start key from the LM hash, RFC 3079 §2.2)',
      client: { auth: ['mschap'], mppe: { ...CLIENT_MPPE, allow56: true, allow128: false } },
      server: { auth: ['mschap'], mppe: { ...PPTPD_MPPE, allow56: true, allow128: false } },
      want: { keyBits: 56, stateless: true, mppc: false },
    },
    {
      name: 'MS-CHAPv1 + MPPE-128 stateless',
      client: { auth: ['mschap'] },
      server: { auth: ['mschap'] },
      want: { keyBits: 128, stateless: true, mppc: false },
    },
    {
      name: 'MS-CHAPv2 + MPPE-128 stateless + MPPC',
      client: { mppe: { ...CLIENT_MPPE, mppc: true } },
      server: { mppe: { ...PPTPD_MPPE, mppc: true } },
      want: { keyBits: 128, stateless: true, mppc: true },
    },
    {
      name: 'MS-CHAPv2 + MPPE-128 stateful + MPPC',
      client: { mppe: { ...CLIENT_MPPE, stateful: 'prefer', mppc: true } },
      server: { mppe: { ...PPTPD_MPPE, mppc: true } },
      want: { keyBits: 128, stateless: false, mppc: true },
    },
    {
      name: 'MPPC alone (nomppe mppc)',
      client: { mppcAlone: true, mppe: { ...CLIENT_MPPE, required: false } },
      server: { mppcAlone: true },
      want: { keyBits: 0, mppc: true },
    },
  ];

describe('the client core against the fake pptpd, in memory', () => {
  for (const mode of modes) {
    it(`${mode.name}: up, 100 packets each way intact and in order, orderly close`, () => {
      const p = pair(mode.client, mode.server);
      expect(p.runUntil(() => isUp(p), 30_000)).toBe(true);
      const up = p.client.events.find((e) => e.type === 'up');
      expect(up).toMatchObject({ local: '192.168.77.10', remote: '192.168.77.1' });
      expect(p.client.tunnel.status(p.clock.now).mppe).toMatchObject(mode.want);
      exchange(p, 100);
      expect(p.server.delivered.map(sequenceOf)).toEqual([...Array(100).keys()]);
      expect(p.client.delivered.map(sequenceOf)).toEqual([...Array(100).keys()]);
      expect(p.server.delivered[42]).toEqual(udpPacket('192.168.77.10', '192.168.77.1', 42, 200));
      p.client.tunnel.close('test done', p.clock.now);
      expect(p.runUntil(() => p.client.tunnel.state === 'closed', 30_000)).toBe(true);
      expect(p.client.tunnel.down).toMatchObject({ code: 'TUNNEL_LOCAL_CLOSE', wasUp: true });
      // The server saw an orderly end: LCP Terminate, then the call cleared.
      expect(p.runUntil(() => p.server.tunnel.state === 'closed', 30_000)).toBe(true);
      expect(p.server.tunnel.down?.layer).toMatch(/ppp|call|control/);
      // LCP Terminate-Ack came back: the close did not wait the 4 s fallback.
      const closedAt = p.clock.now;
      expect(closedAt).toBeLessThan(60_000);
    });
  }

  it('CHAP-MD5 and PAP without MPPE', () => {
    for (const method of ['chap', 'pap'] as const) {
      const p = pair(
        { auth: [method], mppe: { ...CLIENT_MPPE, required: false, allow128: false } },
        { auth: [method], mppe: { ...PPTPD_MPPE, required: false, allow128: false } },
      );
      expect(p.runUntil(() => isUp(p), 30_000)).toBe(true);
      expect(p.client.tunnel.status(p.clock.now)).toMatchObject({
        auth: method === 'chap' ? 'CHAP-MD5' : 'PAP',
      });
      exchange(p, 10);
      expect(p.server.delivered).toHaveLength(10);
    }
  });

  it('a wrong password: the client ends with PPP_AUTH_FAILED and the server’s words, never up', () => {
    const p = pair({ password: 'Wr0ng-pw-x1' });
    expect(p.runUntil(() => p.client.tunnel.state === 'closed', 60_000)).toBe(true);
    expect(p.client.tunnel.down).toMatchObject({
      layer: 'ppp',
      code: 'PPP_AUTH_FAILED',
      wasUp: false,
    });
    const failed = p.client.events.find((e) => e.type === 'auth-failed');
    expect(failed).toMatchObject({ type: 'auth-failed' });
    expect(JSON.stringify(p.client.events)).not.toContain('Wr0ng-pw-x1');
    expect(JSON.stringify(p.server.events)).not.toContain('Secret-pw1');
  });

  it('a server that refuses MPPE while the client requires it: no tunnel, a CCP-related code', () => {
    const p = pair({}, { mppe: { ...PPTPD_MPPE, required: false, allow128: false } });
    expect(p.runUntil(() => p.client.tunnel.state === 'closed', 60_000)).toBe(true);
    expect(p.client.tunnel.down?.wasUp).toBe(false);
    expect(p.client.events.some((e) => e.type === 'up')).toBe(false);
  });

  it('idle and maxconnect end an up tunnel with their own codes', () => {
    const idle = pair({ idleMs: 5000 });
    expect(idle.runUntil(() => isUp(idle), 30_000)).toBe(true);
    expect(idle.runUntil(() => idle.client.tunnel.down !== undefined, 10_000)).toBe(true);
    expect(idle.client.tunnel.down?.code).toBe('TUNNEL_IDLE');
    const max = pair({ maxConnectMs: 3000 });
    expect(max.runUntil(() => isUp(max), 30_000)).toBe(true);
    const upAt = max.clock.now;
    expect(max.runUntil(() => max.client.tunnel.down !== undefined, 10_000)).toBe(true);
    expect(max.client.tunnel.down?.code).toBe('TUNNEL_MAX_CONNECT');
    expect(max.clock.now - upAt).toBeGreaterThanOrEqual(3000);
  });

  it('a dead peer is found by LCP echoes (PPP_ECHO_TIMEOUT)', () => {
    const p = pair({ echoIntervalMs: 1000, echoFailure: 3 });
    expect(p.runUntil(() => isUp(p), 30_000)).toBe(true);
    p.toClient.setFaults({ loss: 1 });
    p.toServer.setFaults({ loss: 1 });
    expect(p.runUntil(() => p.client.tunnel.down !== undefined, 10_000)).toBe(true);
    expect(p.client.tunnel.down?.code).toBe('PPP_ECHO_TIMEOUT');
  });
});
