import { constantTimeEqual, encodeUtf8, toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  type AuthMethod,
  PapAuthenticator,
  PapPeer,
  PPP_PROTOCOL,
  PppLink,
  parseIpv4,
} from '../src/index.js';
import { BackToBack, seededRandom } from './harness.js';

const papPeer = (password = 'secret'): AuthMethod => ({
  protocol: PPP_PROTOCOL.PAP,
  create: () => new PapPeer({ username: 'alice', password }),
});
const papServer: AuthMethod = {
  protocol: PPP_PROTOCOL.PAP,
  create: () =>
    new PapAuthenticator({
      verify: (user, password) =>
        user === 'alice' && constantTimeEqual(password, encodeUtf8('secret')),
    }),
};

function papPair(clientPassword = 'secret'): BackToBack {
  return new BackToBack(
    {
      randomBytes: seededRandom(1),
      policy: { acceptAuth: [papPeer(clientPassword)] },
      ipcp: { requestDns: true },
    },
    {
      randomBytes: seededRandom(2),
      policy: { requireAuth: [papServer] },
      ipcp: {
        localAddress: parseIpv4('10.0.0.1'),
        peerAddress: parseIpv4('10.0.0.2'),
        dns: [parseIpv4('8.8.8.8'), parseIpv4('1.1.1.1')],
      },
    },
  );
}

describe('PppLink back to back', () => {
  it('client and server negotiate LCP + PAP + IPCP to up', () => {
    const b = papPair();
    b.start();
    b.run(10_000);
    const [up] = b.actions('client', 'up');
    expect(up).toMatchObject({ local: '10.0.0.2', peer: '10.0.0.1', dns: ['8.8.8.8', '1.1.1.1'] });
    expect(b.actions('server', 'up')[0]).toMatchObject({
      local: '10.0.0.1',
      peer: '10.0.0.2',
      dns: [],
    });
    expect(b.client.phase).toBe('network');
    expect(b.server.phase).toBe('network');
    expect([b.client.role, b.server.role]).toEqual(['client', 'server']);
    expect(b.client.lcpState).toBe('Opened');
    expect(b.actions('server', 'authenticated')[0]).toMatchObject({
      side: 'authenticator',
      peerName: 'alice',
    });
    expect(b.actions('client', 'authenticated')[0]).toMatchObject({ side: 'peer' });
    // PFC and ACFC were agreed both ways, so data frames go out compressed.
    expect(up?.framing).toEqual({ acfc: true, pfc: true });
  });

  it('wrong PAP password: both sides go down with PPP_AUTH_FAILED', () => {
    const b = papPair('wrong');
    b.start();
    b.run(20_000);
    expect(b.actions('client', 'down')[0]?.reason.code).toBe('PPP_AUTH_FAILED');
    expect(b.actions('server', 'down')[0]?.reason.code).toBe('PPP_AUTH_FAILED');
    expect(b.actions('client', 'up')).toHaveLength(0);
    expect(b.client.phase).toBe('dead');
    expect(b.server.phase).toBe('dead');
  });

  it.each(['client', 'server'] as const)('Terminate from the %s brings both down', (side) => {
    const b = papPair();
    b.start();
    b.run(5_000);
    b.handle(side, b.link(side).close(b.now, 'user asked'));
    b.run(30_000);
    const other = side === 'client' ? 'server' : 'client';
    expect(b.actions(side, 'down').map((d) => d.reason.code)).toEqual(['PPP_LOCAL_CLOSE']);
    expect(b.actions(other, 'down').map((d) => d.reason.code)).toEqual(['PPP_PEER_TERMINATED']);
    expect(b.link(side).phase).toBe('dead');
    expect(b.link(other).phase).toBe('dead');
    // The closing side sent a Terminate-Request (code 5), the other a Terminate-Ack (code 6).
    expect(b.sent(side).some((f) => toHex(f).startsWith('ff03c02105'))).toBe(true);
    expect(b.sent(other).some((f) => toHex(f).startsWith('ff03c02106'))).toBe(true);
  });
});

describe('PppLink lifecycle and data', () => {
  it('delivers IPv4 frames only once IPCP is Opened and reports acceptsData', () => {
    const b = papPair();
    b.start();
    expect(b.client.acceptsData(PPP_PROTOCOL.IPV4)).toBe(false);
    const early = b.client.receive(Uint8Array.of(0x21, 0x45, 0, 0), b.now);
    expect(early.some((a) => a.type === 'data')).toBe(false);
    b.run(5_000);
    expect(b.client.acceptsData(PPP_PROTOCOL.IPV4)).toBe(true);
    expect(b.client.acceptsData(PPP_PROTOCOL.COMPRESSED)).toBe(false);
    // A PFC+ACFC compressed IPv4 frame: protocol byte 0x21 then the datagram.
    const data = b.client
      .receive(Uint8Array.of(0x21, 0x45, 0, 0), b.now)
      .find((a) => a.type === 'data');
    expect(data).toMatchObject({ type: 'data', protocol: 0x21 });
    expect(data?.type === 'data' && [...data.payload]).toEqual([0x45, 0, 0]);
    expect(b.client.stats().link?.droppedInPhase).toBeGreaterThanOrEqual(1);
  });

  it('lower layer down reports PPP_LOWER_DOWN; a closed link can be started again', () => {
    const b = papPair();
    b.start();
    b.run(5_000);
    b.handle('client', b.client.lowerDown(b.now));
    expect(b.actions('client', 'down').map((d) => d.reason.code)).toEqual(['PPP_LOWER_DOWN']);
    expect(b.client.phase).toBe('dead');
    // Also while still negotiating (no This-Layer-Down/Finished in the table there).
    const early = new PppLink({ role: 'client', randomBytes: seededRandom(4) });
    early.start(0);
    const actions = early.lowerDown(1);
    expect(actions.filter((a) => a.type === 'down')).toMatchObject([
      { reason: { code: 'PPP_LOWER_DOWN' } },
    ]);
    expect(early.phase).toBe('dead');
    expect(actions.at(-1)).toEqual({ type: 'deadline', at: undefined });
    const c = papPair();
    c.start();
    c.run(5_000);
    c.handle('client', c.client.close(c.now));
    c.run(20_000);
    expect(c.client.phase).toBe('dead');
    c.handle('client', c.client.start(c.now));
    c.handle('server', c.server.start(c.now));
    c.run(40_000);
    expect(c.actions('client', 'up')).toHaveLength(2);
    expect(c.client.phase).toBe('network');
  });

  it('malformed frames and packets are counted, never thrown', () => {
    const b = papPair();
    b.start();
    b.run(5_000);
    for (const hex of [
      '',
      'ff',
      'ff05',
      'c020',
      'ff03c021',
      'ff03c0210101',
      'ff03c02101010009',
      '8021010100ff',
    ]) {
      const frame = Uint8Array.from(hex.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? []);
      expect(() => b.client.receive(frame, b.now)).not.toThrow();
    }
    const stats = b.client.stats().link!;
    expect(stats.malformedFrames).toBe(4);
    expect(stats.malformedPackets).toBe(4);
    expect(b.client.phase).toBe('network');
  });
});
