import { constantTimeEqual, encodeUtf8, toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  type AuthMethod,
  DEFAULT_AUTOMATON_CONFIG,
  PapAuthenticator,
  PapPeer,
  PPP_PROTOCOL,
  PppLink,
} from '../src/index.js';
import { headerOf } from './decode-helpers.js';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';

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
        localAddress: ipv4('10.0.0.1'),
        peerAddress: ipv4('10.0.0.2'),
        dns: [ipv4('8.8.8.8'), ipv4('1.1.1.1')],
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
    expect(early.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
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

describe('nextDeadline (one convention: monotonic ms, Infinity when idle)', () => {
  it('follows the LCP Restart timer from start, and is Infinity before start and once dead', () => {
    const link = new PppLink({ role: 'client', randomBytes: seededRandom(5) });
    expect(link.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    link.start(100);
    const at = 100 + DEFAULT_AUTOMATON_CONFIG.restartMs;
    expect(link.nextDeadline()).toBe(at);
    // Early: nothing is retransmitted and the deadline stands.
    expect(link.timeout(at - 1).filter((a) => a.type === 'send')).toEqual([]);
    expect(link.nextDeadline()).toBe(at);
    // Due: the Configure-Request goes out again and the timer restarts (RFC 1661 §4.6).
    expect(link.timeout(at).filter((a) => a.type === 'send')).toHaveLength(1);
    expect(link.nextDeadline()).toBe(at + DEFAULT_AUTOMATON_CONFIG.restartMs);
    link.lowerDown(at + 1);
    expect(link.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('covers the LCP echo timer once the link is up', () => {
    const b = papPair();
    b.start();
    b.run(5_000);
    const at = b.client.nextDeadline();
    expect(at).toBeGreaterThan(b.now);
    expect(Number.isFinite(at)).toBe(true);
    expect(b.client.timeout(at - 1).filter((a) => a.type === 'send')).toEqual([]);
    const [echo] = b.client.timeout(at).flatMap((a) => (a.type === 'send' ? [a.frame] : []));
    expect(headerOf(echo!).protocol).toBe(PPP_PROTOCOL.LCP);
    expect(echo![headerOf(echo!).offset]).toBe(9); // Echo-Request (RFC 1661 §5.8)
  });

  it('covers the authentication machines: a lost PAP request is resent at its deadline', () => {
    const b = papPair();
    // The server never hears PAP: the client's Authenticate-Request must be retransmitted.
    b.filter = (from, frame) =>
      from === 'client' && headerOf(frame).protocol === PPP_PROTOCOL.PAP ? [] : [frame];
    b.start();
    b.run(0);
    expect(b.client.phase).toBe('authenticate');
    const sentPap = (): number =>
      b.actions('client', 'send').filter((a) => headerOf(a.frame).protocol === PPP_PROTOCOL.PAP)
        .length;
    const before = sentPap();
    expect(before).toBe(1);
    // PapPeer's default retransmission interval (3 s) is the earliest timer now.
    const at = b.client.nextDeadline();
    expect(at).toBe(b.now + 3_000);
    b.run(at);
    expect(sentPap()).toBe(2);
  });
});

describe('receiveRange', () => {
  /** A link pair that is up, with an IPv4 frame (`21` + 20 bytes) placed at `buf[7, 28)`. */
  function upWithFrame(): { b: BackToBack; buf: Uint8Array } {
    const b = papPair();
    b.start();
    b.run(5_000);
    const buf = new Uint8Array(40).fill(0xee);
    buf[7] = 0x21;
    buf.set([0x45, 0, 0, 20], 8);
    return { b, buf };
  }

  it('reads the frame in place and copies it: the buffer may be reused at once', () => {
    const { b, buf } = upWithFrame();
    const actions = b.client.receiveRange(buf, 7, 28, b.now);
    const data = actions.find((a) => a.type === 'data');
    expect(data).toMatchObject({ type: 'data', protocol: PPP_PROTOCOL.IPV4 });
    const payload = data?.type === 'data' ? data.payload : new Uint8Array(0);
    expect(toHex(payload)).toBe(toHex(buf.subarray(8, 28)));
    buf.fill(0);
    expect(payload[0]).toBe(0x45);
    // The same frame through receive() gives the same actions.
    const { b: twin, buf: same } = upWithFrame();
    expect(twin.client.receive(same.slice(7, 28), twin.now)).toEqual(actions);
  });

  it('counts a range that ends inside the header as malformed, and refuses bad ranges', () => {
    const { b, buf } = upWithFrame();
    buf.set([0xff, 0x03, 0x00], 7);
    const before = b.client.counters.malformedFrames;
    b.client.receiveRange(buf, 7, 9, b.now);
    expect(b.client.counters.malformedFrames).toBe(before + 1);
    expect(() => b.client.receiveRange(buf, 30, 20, b.now)).toThrow(RangeError);
    expect(() => b.client.receiveRange(buf, 0, 41, b.now)).toThrow(RangeError);
  });
});
