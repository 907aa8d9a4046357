/**
 * MS-CHAPv2 password change through two tunnel cores (RFC 2759 §7, §9.1.6): the fake pptpd
 * reports the password expired (`E=648`), the client changes it, both sides come up and agree
 * on MPPE keys (traffic decrypts both ways; the mschapv2 vectors pin the keys to the new
 * password).
 */
import { describe, expect, it } from 'vitest';
import { type TestClientOptions, testClient } from '../src/client-options.js';
import { type FakePptpdOptions, fakePptpd } from '../src/fake-pptpd.js';
import { sequenceOf, udpPacket } from '../src/packets.js';
import { TunnelPair } from '../src/pair.js';

function pair(client: TestClientOptions, server: FakePptpdOptions): TunnelPair {
  const p = new TunnelPair({
    seed: 5,
    client: (sink, random) => testClient(sink, random, client),
    server: (sink, random) => fakePptpd(sink, random, server),
  });
  p.start();
  return p;
}

const bothUp = (p: TunnelPair) => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up';
const bothClosed = (p: TunnelPair) =>
  p.client.tunnel.state === 'closed' && p.server.tunnel.state === 'closed';

describe('MS-CHAPv2 password change between tunnel cores', () => {
  it('expired password + a new one: Change-Password, Success, up, MPPE from the new password', () => {
    const p = pair({ newPassword: 'Fresh-pw2' }, { expired: ['alice'] });
    expect(p.runUntil(() => bothUp(p))).toBe(true);
    expect(p.client.events.find((e) => e.type === 'authenticated')).toMatchObject({
      side: 'peer',
      method: 'MS-CHAPv2',
      passwordChanged: true,
    });
    expect(p.server.events.find((e) => e.type === 'authenticated')).toMatchObject({
      side: 'authenticator',
      peerName: 'alice',
      passwordChanged: true,
    });
    // The Change-Password went over the wire: a CHAP (0xC223) frame with code 7, 586 bytes.
    const cpw = p.client.frames.find(
      (f) =>
        f.direction === 'sent' &&
        f.frame[0] === 0xc2 &&
        f.frame[1] === 0x23 &&
        f.frame[2] === 7 &&
        f.frame.length === 2 + 586,
    );
    expect(cpw).toBeDefined();
    for (let i = 0; i < 20; i++) {
      const up = udpPacket('192.168.77.10', '192.168.77.1', i, 300);
      const down = udpPacket('192.168.77.1', '192.168.77.10', i, 300);
      p.client.tunnel.sendIp(up, 0, up.length, p.clock.now);
      p.server.tunnel.sendIp(down, 0, down.length, p.clock.now);
      p.runFor(1);
    }
    p.runFor(500);
    expect(p.server.delivered.map(sequenceOf)).toEqual([...Array(20).keys()]);
    expect(p.client.delivered.map(sequenceOf)).toEqual([...Array(20).keys()]);
  });

  it('expired password, no new one: auth-failed MSCHAP_PASSWORD_EXPIRED, as before', () => {
    const p = pair({}, { expired: ['alice'] });
    p.runUntil(() => bothClosed(p), 120_000);
    expect(p.client.events.find((e) => e.type === 'auth-failed')).toMatchObject({
      code: 'MSCHAP_PASSWORD_EXPIRED',
    });
    expect(p.client.events.some((e) => e.type === 'up')).toBe(false);
  });

  it('the server refuses the change: E=709, MSCHAP_CHANGING_PASSWORD on both sides', () => {
    const p = pair({ newPassword: 'Fresh-pw2' }, { expired: ['alice'], passwordChange: 'refuse' });
    p.runUntil(() => bothClosed(p), 120_000);
    for (const side of [p.client, p.server]) {
      expect(side.events.find((e) => e.type === 'auth-failed')).toMatchObject({
        code: 'MSCHAP_CHANGING_PASSWORD',
      });
    }
  });

  it('a server that cannot change passwords fails at E=648 and ends the link', () => {
    const p = pair(
      { newPassword: 'Fresh-pw2' },
      { expired: ['alice'], passwordChange: 'unsupported' },
    );
    p.runUntil(() => bothClosed(p), 120_000);
    expect(p.server.events.find((e) => e.type === 'auth-failed')).toMatchObject({
      code: 'MSCHAP_PASSWORD_EXPIRED',
    });
    expect(p.client.events.find((e) => e.type === 'down')).toMatchObject({
      code: 'PPP_AUTH_FAILED',
      wasUp: false,
    });
  });
});
