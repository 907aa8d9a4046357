/**
 * The server role's hooks for a server that holds many tunnels: `authorize` decides after
 * authentication which address IPCP gives the peer, or refuses it (pppd's check of the secrets
 * file's address column, RFC 1332 §3.3 for the Nak that carries the address), and
 * `allocateCallId` hands out Call IDs unique across the server's control connections.
 */
import { parseIpv4 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { testClient } from '../src/client-options.js';
import { fakePptpd } from '../src/fake-pptpd.js';
import { TunnelPair } from '../src/pair.js';

type ServerRole = { role: 'server'; auth: unknown } & Record<string, unknown>;

function pair(role: Record<string, unknown>): TunnelPair {
  const p = new TunnelPair({
    seed: 3,
    client: (sink, random) => testClient(sink, random),
    server: (sink, random) => {
      const o = fakePptpd(sink, random);
      return { ...o, role: { ...(o.role as ServerRole), ...role } as typeof o.role };
    },
  });
  p.start();
  return p;
}

describe('server role: authorize', () => {
  it('gives the peer the address it returns, after the peer authenticated by name', () => {
    const names: (string | undefined)[] = [];
    const p = pair({
      authorize: (name: string | undefined) => {
        names.push(name);
        return { peerAddress: parseIpv4('10.9.8.7')! };
      },
    });
    expect(p.runUntil(() => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up')).toBe(
      true,
    );
    expect(names).toEqual(['alice']);
    const up = p.client.events.find((e) => e.type === 'up');
    expect(up).toMatchObject({ local: '10.9.8.7', remote: '192.168.77.1' });
    expect(p.server.events.find((e) => e.type === 'up')).toMatchObject({ remote: '10.9.8.7' });
  });

  it('a refusal ends the tunnel with PPP_PEER_NOT_AUTHORIZED before any address is given', () => {
    const p = pair({ authorize: () => ({ refuse: 'alice may not use 192.168.77.10' }) });
    p.runUntil(() => p.server.tunnel.state === 'closed' && p.client.tunnel.state === 'closed');
    const down = p.server.events.find((e) => e.type === 'down');
    expect(down).toMatchObject({
      layer: 'ppp',
      code: 'PPP_PEER_NOT_AUTHORIZED',
      wasUp: false,
    });
    expect(down && 'message' in down ? down.message : '').toContain('may not use');
    expect(p.client.events.some((e) => e.type === 'up')).toBe(false);
  });
});

describe('server role: allocateCallId', () => {
  it('uses the Call ID the shared allocator hands out', () => {
    const p = pair({ allocateCallId: () => 4242 });
    expect(p.runUntil(() => p.server.tunnel.state === 'up')).toBe(true);
    expect(p.server.events.find((e) => e.type === 'call-up')).toMatchObject({ callId: 4242 });
    expect(p.client.events.find((e) => e.type === 'call-up')).toMatchObject({
      peerCallId: 4242,
    });
  });

  it('refuses the call when the shared allocator has none free', () => {
    const p = pair({ allocateCallId: () => undefined });
    p.runUntil(() => p.client.tunnel.state === 'closed', 30_000);
    expect(p.client.events.find((e) => e.type === 'down')).toMatchObject({ layer: 'call' });
    expect(p.server.events.some((e) => e.type === 'call-up')).toBe(false);
  });
});
