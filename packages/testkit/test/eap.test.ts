/**
 * EAP (RFC 2284 over PPP) between two tunnel cores: EAP-MS-CHAP-V2 keys MPPE-128 exactly as plain
 * MS-CHAPv2 does (RFC 3079 §3), EAP-MD5 carries traffic without MPPE, and a wrong password or a
 * refused EAP ends the tunnel with a typed reason.
 */
import { serverAuthMethods } from '@pptpkit/tunnel';
import { describe, expect, it } from 'vitest';
import { testClient } from '../src/client-options.js';
import { fakePptpd } from '../src/fake-pptpd.js';
import { udpPacket } from '../src/packets.js';
import { TunnelPair } from '../src/pair.js';

const NO_MPPE = {
  required: false,
  allow128: false,
  allow56: false,
  allow40: false,
  stateful: 'refuse',
  mppc: false,
} as const;

function pair(options: {
  client: Parameters<typeof testClient>[2];
  eapMethods?: readonly ('md5' | 'mschapv2')[];
  mppe: boolean;
}): TunnelPair {
  const p = new TunnelPair({
    seed: 5,
    client: (sink, random) => testClient(sink, random, options.client),
    server: (sink, random) => {
      const users = { alice: 'Secret-pw1' } as Record<string, string>;
      const o = fakePptpd(sink, random, options.mppe ? {} : { mppe: NO_MPPE });
      const auth = serverAuthMethods(
        ['eap'],
        {
          name: 'pptpd',
          lookup: (user) => users[user],
          ...(options.eapMethods === undefined ? {} : { eapMethods: options.eapMethods }),
        },
        random,
      );
      return { ...o, role: { ...o.role, auth } as typeof o.role };
    },
  });
  p.start();
  return p;
}

function pingBothWays(p: TunnelPair): void {
  const down = udpPacket('192.168.77.1', '192.168.77.10', 1, 200);
  const up = udpPacket('192.168.77.10', '192.168.77.1', 2, 300);
  p.server.tunnel.sendIp(down, 0, down.length, p.clock.now);
  p.client.tunnel.sendIp(up, 0, up.length, p.clock.now);
  p.runFor(100);
  expect(p.client.delivered).toEqual([down]);
  expect(p.server.delivered).toEqual([up]);
}

describe('EAP between tunnel cores', () => {
  it('EAP-MS-CHAP-V2 + MPPE-128: up, traffic decrypts both ways', () => {
    const p = pair({ client: { auth: ['eap'] }, mppe: true });
    expect(p.runUntil(() => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up')).toBe(
      true,
    );
    expect(p.client.events.find((e) => e.type === 'up')).toMatchObject({
      mppe: { keyBits: 128 },
    });
    pingBothWays(p);
  });

  it('EAP-MD5 without MPPE: up, traffic both ways', () => {
    const p = pair({ client: { auth: ['eap'], mppe: NO_MPPE }, eapMethods: ['md5'], mppe: false });
    expect(p.runUntil(() => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up')).toBe(
      true,
    );
    pingBothWays(p);
  });

  it('EAP-MD5 cannot satisfy required MPPE: the tunnel never comes up', () => {
    const p = pair({ client: { auth: ['eap'] }, eapMethods: ['md5'], mppe: true });
    p.runUntil(() => p.client.tunnel.state === 'closed', 60_000);
    expect(p.client.events.some((e) => e.type === 'up')).toBe(false);
    expect(p.client.events.find((e) => e.type === 'down')).toMatchObject({
      code: 'TUNNEL_NO_KEYS',
    });
  });

  it('a wrong password: PPP_AUTH_FAILED', () => {
    const p = pair({ client: { auth: ['eap'], password: 'nope' }, mppe: true });
    p.runUntil(() => p.client.tunnel.state === 'closed', 60_000);
    expect(p.client.events.find((e) => e.type === 'down')).toMatchObject({
      code: 'PPP_AUTH_FAILED',
    });
  });
});
