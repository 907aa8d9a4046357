import { toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { CP_CODE, decodeLcpOption, PPP_PROTOCOL, type PppAction, PppLink } from '../src/index.js';
import { controlFrame, optionsOf, type SentPacket, sentPackets } from './decode-helpers.js';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';

const LCP = PPP_PROTOCOL.LCP;

function plainPair(clientLcp = {}, serverLcp = {}): BackToBack {
  return new BackToBack(
    { randomBytes: seededRandom(11), lcp: clientLcp },
    {
      randomBytes: seededRandom(12),
      lcp: serverLcp,
      ipcp: { localAddress: ipv4('192.168.0.1'), peerAddress: ipv4('192.168.0.2') },
    },
  );
}

function lcpRequests(b: BackToBack, side: 'client' | 'server'): SentPacket[] {
  return sentPackets(b.actions(side, 'send')).filter(
    (p) => p.protocol === LCP && p.code === CP_CODE.CONFIGURE_REQUEST,
  );
}

describe('negotiation scenarios (back to back, fake clock)', () => {
  it('a peer that Naks our MRU: we adopt its value (RFC 1661 §6.1)', () => {
    const b = plainPair({ mru: 64 });
    b.start();
    b.run(10_000);
    const nak = sentPackets(b.actions('server', 'send')).find(
      (p) => p.protocol === LCP && p.code === CP_CODE.CONFIGURE_NAK,
    );
    expect(nak && optionsOf(nak).map(decodeLcpOption)).toEqual([{ type: 'mru', mru: 128 }]);
    const reqs = lcpRequests(b, 'client');
    expect(reqs.length).toBe(2);
    expect(optionsOf(reqs[1]!).map(decodeLcpOption)[0]).toEqual({ type: 'mru', mru: 128 });
    expect(reqs[1]!.identifier).not.toBe(reqs[0]!.identifier);
    expect(b.actions('server', 'up')[0]?.mtu).toBe(128);
    expect(b.actions('client', 'up')[0]?.mtu).toBe(1500);
  });

  it('lost Configure-Requests are retransmitted after the restart timer', () => {
    const b = plainPair();
    let dropped = 0;
    b.filter = (from, frame) => {
      if (from === 'client' && toHex(frame).startsWith('ff03c02101') && dropped < 2) {
        dropped++;
        return [];
      }
      return [frame];
    };
    b.start();
    b.run(20_000);
    expect(dropped).toBe(2);
    const reqs = lcpRequests(b, 'client');
    expect(reqs.length).toBeGreaterThanOrEqual(3);
    expect(
      b.log.find((l) => l.side === 'client' && l.action.type === 'send' && l.at === 3000),
    ).toBeDefined();
    expect(b.actions('client', 'up')).toHaveLength(1);
    expect(b.actions('server', 'up')).toHaveLength(1);
  });

  it('duplicated frames in both directions still give exactly one up each', () => {
    const b = plainPair();
    b.filter = (_from, frame) => [frame, frame];
    b.start();
    b.run(20_000);
    expect(b.actions('client', 'up')).toHaveLength(1);
    expect(b.actions('server', 'up')).toHaveLength(1);
    expect(b.actions('client', 'up')[0]?.local).toBe('192.168.0.2');
    expect(b.client.phase).toBe('network');
  });

  it('echo keepalive: 4 unanswered Echo-Requests at 30 s intervals bring the link down', () => {
    const b = plainPair();
    b.start();
    b.run(1_000);
    expect(b.actions('client', 'up')).toHaveLength(1);
    // While both answer, echoes flow and nothing goes down.
    b.run(100_000);
    expect(b.actions('client', 'down')).toHaveLength(0);
    const replies = sentPackets(b.actions('server', 'send')).filter(
      (p) => p.code === CP_CODE.ECHO_REPLY,
    );
    expect(replies.length).toBeGreaterThanOrEqual(3);
    // The server stops answering.
    b.filter = (from, frame) => (from === 'server' ? [] : [frame]);
    const silentFrom = b.now;
    b.run(silentFrom + 200_000);
    const down = b.log.find((l) => l.side === 'client' && l.action.type === 'down');
    expect(down?.action).toMatchObject({ reason: { code: 'PPP_ECHO_TIMEOUT' } });
    const echoes = sentPackets(
      b.log
        .filter((l) => l.side === 'client' && l.at > silentFrom && l.at <= down!.at)
        .map((l) => l.action),
    ).filter((p) => p.code === CP_CODE.ECHO_REQUEST);
    expect(echoes).toHaveLength(4);
  });

  it('echoFailure 0 (pppd lcp-echo-failure 0) never declares the peer dead, yet keeps echoing', () => {
    // The server sends no echoes of its own, so it stays up while its replies are lost.
    const b = plainPair({ echoIntervalMs: 30_000, echoFailure: 0 }, { echoIntervalMs: 0 });
    b.start();
    b.run(1_000);
    expect(b.actions('client', 'up')).toHaveLength(1);
    // The server stops answering for a hundred intervals.
    b.filter = (from, frame) => (from === 'server' ? [] : [frame]);
    const silentFrom = b.now;
    b.run(silentFrom + 100 * 30_000);
    expect(b.actions('client', 'down')).toHaveLength(0);
    expect(b.client.phase).toBe('network');
    const echoesAfter = (from: number) =>
      sentPackets(
        b.log.filter((l) => l.side === 'client' && l.at > from).map((l) => l.action),
      ).filter((p) => p.protocol === LCP && p.code === CP_CODE.ECHO_REQUEST);
    expect(echoesAfter(silentFrom)).toHaveLength(100);
    expect(b.client.status().lcpEchoesUnanswered).toBe(100);
    // When the server answers again the round trip is measured and the count starts over.
    b.filter = (_from, frame) => [frame];
    const backFrom = b.now;
    b.run(backFrom + 30_000);
    expect(echoesAfter(backFrom)).toHaveLength(1);
    expect(b.client.status()).toMatchObject({ lcpEchoesUnanswered: 0, lcpEchoRttMs: 0 });
  });

  it('a peer renegotiating LCP while Opened (pppd re-sends with a new Identifier): the link comes back up', () => {
    const b = plainPair();
    b.start();
    b.run(5_000);
    const [first] = lcpRequests(b, 'client');
    b.inject('server', controlFrame(LCP, 1, (first!.identifier + 100) & 0xff, first!.data));
    b.run(60_000);
    for (const side of ['client', 'server'] as const) {
      expect(b.actions(side, 'down')).toHaveLength(0);
      expect(b.actions(side, 'up').length).toBeGreaterThanOrEqual(2);
      expect(b.link(side).phase).toBe('network');
    }
    expect(b.actions('client', 'up').at(-1)?.local).toBe('192.168.0.2');
  });

  it('a silent peer: Max-Configure (10) requests 3 s apart, then PPP_NEGOTIATION_FAILED (RFC 1661 §4.6)', () => {
    const b = plainPair();
    b.filter = (from, frame) => (from === 'server' ? [] : [frame]);
    b.handle('client', b.client.start(0));
    b.run(120_000);
    expect(lcpRequests(b, 'client')).toHaveLength(10);
    const down = b.log.find((l) => l.side === 'client' && l.action.type === 'down');
    expect(down?.at).toBe(30_000);
    expect(down?.action).toMatchObject({ reason: { code: 'PPP_NEGOTIATION_FAILED' } });
    expect(b.client.phase).toBe('dead');
  });

  it('the peer requires PAP and we refuse it: a clear PPP_AUTH_REFUSED down', () => {
    const b = new BackToBack(
      { randomBytes: seededRandom(3), policy: { acceptAuth: [] } },
      {
        randomBytes: seededRandom(4),
        policy: {
          requireAuth: [{ protocol: PPP_PROTOCOL.PAP, create: () => ({ receive: () => ({}) }) }],
        },
      },
    );
    b.start();
    b.run(120_000);
    const clientDown = b.actions('client', 'down');
    expect(clientDown).toHaveLength(1);
    expect(clientDown[0]?.reason.code).toBe('PPP_AUTH_REFUSED');
    expect(clientDown[0]?.reason.message).toContain('PAP');
    expect(b.actions('server', 'down')[0]?.reason.code).toBe('PPP_AUTH_REFUSED');
    expect(b.client.phase).toBe('dead');
  });

  it('Max-Failure: after 5 Naks of the auth protocol the 6th answer is a Reject (RFC 1661 §4.6)', () => {
    const nobody = { create: () => ({ receive: () => ({}) }) };
    const b = new BackToBack(
      {
        randomBytes: seededRandom(5),
        policy: { acceptAuth: [{ protocol: PPP_PROTOCOL.CHAP, algorithm: 5, ...nobody }] },
      },
      {
        randomBytes: seededRandom(6),
        policy: { requireAuth: [{ protocol: PPP_PROTOCOL.PAP, ...nobody }] },
      },
    );
    b.start();
    b.run(120_000);
    const replies = sentPackets(b.actions('client', 'send')).filter(
      (p) =>
        p.protocol === LCP &&
        (p.code === CP_CODE.CONFIGURE_NAK || p.code === CP_CODE.CONFIGURE_REJECT),
    );
    // (The peer's request crossing its own Terminate may draw one more Reject.)
    expect(replies.map((p) => p.code).slice(0, 6)).toEqual([3, 3, 3, 3, 3, 4]);
    expect(toHex(replies[0]!.data)).toBe('0305c22305');
    expect(toHex(replies[5]!.data)).toBe('0304c023');
    expect(b.actions('client', 'down')[0]?.reason).toMatchObject({ code: 'PPP_AUTH_REFUSED' });
    expect(b.actions('client', 'down')[0]?.reason.message).toContain('PAP');
    expect(b.actions('server', 'down')[0]?.reason.code).toBe('PPP_AUTH_REFUSED');
  });

  it("a peer that asks for EAP is Nak'd with our CHAP algorithm (RFC 1661 §6.2)", () => {
    const link = new PppLink({
      role: 'client',
      randomBytes: seededRandom(5),
      policy: {
        acceptAuth: [
          { protocol: PPP_PROTOCOL.CHAP, algorithm: 0x81, create: () => ({ receive: () => ({}) }) },
        ],
      },
    });
    link.start(0);
    const out = link.receive(
      controlFrame(LCP, 1, 7, [0x03, 0x04, 0xc2, 0x27, 0x05, 0x06, 1, 2, 3, 4]),
      0,
    );
    const [nak] = sentPackets(out);
    expect(nak?.code).toBe(CP_CODE.CONFIGURE_NAK);
    expect(toHex(nak!.data)).toBe('0305c22381');
  });
});

describe('scripted peer (pppd-like frames)', () => {
  function client(): { link: PppLink; first: SentPacket } {
    const link = new PppLink({ role: 'client', randomBytes: seededRandom(21) });
    const first = sentPackets(link.start(0))[0]!;
    return { link, first };
  }

  it('a peer that Rejects PFC and ACFC: we stop asking and send full headers', () => {
    const { link, first } = client();
    expect(optionsOf(first).map((o) => o.type)).toEqual([5, 7, 8]);
    const out1 = link.receive(
      controlFrame(LCP, CP_CODE.CONFIGURE_REJECT, first.identifier, [7, 2, 8, 2]),
      10,
    );
    const second = sentPackets(out1)[0]!;
    expect(second.code).toBe(CP_CODE.CONFIGURE_REQUEST);
    expect(optionsOf(second).map((o) => o.type)).toEqual([5]);
    expect(second.identifier).not.toBe(first.identifier);
    link.receive(controlFrame(LCP, CP_CODE.CONFIGURE_ACK, second.identifier, second.data), 20);
    // pppd's request: asyncmap 0, magic (no PFC/ACFC here); ACCM is accepted and ignored.
    const out2 = link.receive(
      controlFrame(LCP, 1, 1, [2, 6, 0, 0, 0, 0, 5, 6, 0x11, 0x22, 0x33, 0x44]),
      30,
    );
    const ack = sentPackets(out2)[0]!;
    expect(ack.code).toBe(CP_CODE.CONFIGURE_ACK);
    expect(toHex(ack.data)).toBe('02060000000005061122334' + '4');
    expect(link.lcpState).toBe('Opened');
    expect(link.framing).toEqual({ acfc: false, pfc: false });
    // The first IPCP request goes out with FF 03 and a two-byte protocol.
    const ipcp = out2.find(
      (a): a is Extract<PppAction, { type: 'send' }> => a.type === 'send' && a.frame[2] === 0x80,
    );
    expect(toHex(ipcp!.frame).slice(0, 8)).toBe('ff038021');
  });

  it('a Configure-Ack whose options differ from our request is discarded (RFC 1661 §5.2)', () => {
    const { link, first } = client();
    link.receive(controlFrame(LCP, CP_CODE.CONFIGURE_ACK, first.identifier, [7, 2]), 5);
    expect(link.lcpState).toBe('Req-Sent');
    link.receive(
      controlFrame(LCP, CP_CODE.CONFIGURE_ACK, (first.identifier + 1) & 0xff, first.data),
      5,
    );
    expect(link.lcpState).toBe('Req-Sent');
    link.receive(controlFrame(LCP, CP_CODE.CONFIGURE_ACK, first.identifier, first.data), 5);
    expect(link.lcpState).toBe('Ack-Rcvd');
  });

  it('unknown LCP options are Rejected byte-for-byte, known ones kept out of the Reject', () => {
    const { link } = client();
    const callback = [0x0d, 0x07, 0x02, 0x74, 0x65, 0x73, 0x74];
    const mrru = [0x11, 0x04, 0x05, 0xdc];
    const out = link.receive(
      controlFrame(LCP, 1, 3, [1, 4, 5, 0xdc, ...callback, 5, 6, 1, 2, 3, 4, ...mrru]),
      0,
    );
    const rej = sentPackets(out)[0]!;
    expect(rej.code).toBe(CP_CODE.CONFIGURE_REJECT);
    expect(rej.identifier).toBe(3);
    expect([...rej.data]).toEqual([...callback, ...mrru]);
  });

  it('Echo-Request gets an Echo-Reply with our magic and the same data; Discard, Identification, Time-Remaining are silent', () => {
    const { link, first } = client();
    const ourMagic = [...optionsOf(first)[0]!.data];
    link.receive(controlFrame(LCP, CP_CODE.CONFIGURE_ACK, first.identifier, first.data), 0);
    link.receive(controlFrame(LCP, 1, 1, [5, 6, 9, 9, 9, 9]), 0);
    expect(link.lcpState).toBe('Opened');
    const reply = sentPackets(
      link.receive(controlFrame(LCP, 9, 42, [9, 9, 9, 9, 0x61, 0x62]), 1),
    )[0]!;
    expect(reply.code).toBe(CP_CODE.ECHO_REPLY);
    expect(reply.identifier).toBe(42);
    expect([...reply.data]).toEqual([...ourMagic, 0x61, 0x62]);
    for (const code of [11, 12, 13]) {
      expect(sentPackets(link.receive(controlFrame(LCP, code, 1, [9, 9, 9, 9, 0x41]), 2))).toEqual(
        [],
      );
    }
    // An unknown code is Code-Rejected (RFC 1661 §5.6) with the whole packet.
    const cj = sentPackets(link.receive(controlFrame(LCP, 42, 7, [1, 2, 3]), 3))[0]!;
    expect(cj.code).toBe(CP_CODE.CODE_REJECT);
    expect(toHex(cj.data)).toBe('2a070007010203');
  });

  it('an unknown protocol is Protocol-Rejected once LCP is Opened (RFC 1661 §5.7)', () => {
    const { link, first } = client();
    expect(sentPackets(link.receive(Uint8Array.of(0xff, 0x03, 0x80, 0x39, 1, 2), 0))).toEqual([]);
    link.receive(controlFrame(LCP, CP_CODE.CONFIGURE_ACK, first.identifier, first.data), 0);
    link.receive(controlFrame(LCP, 1, 1, [5, 6, 9, 9, 9, 9]), 0);
    const pr = sentPackets(link.receive(Uint8Array.of(0xff, 0x03, 0x80, 0x39, 1, 2), 0))[0]!;
    expect(pr.code).toBe(CP_CODE.PROTOCOL_REJECT);
    expect(toHex(pr.data)).toBe('80390102');
    // IPv6CP (Debian pppd starts it) is Protocol-Rejected when IPv6 is off.
    const pr6 = sentPackets(
      link.receive(controlFrame(PPP_PROTOCOL.IPV6CP, 1, 1, [1, 10, 1, 2, 3, 4, 5, 6, 7, 8]), 0),
    )[0]!;
    expect(toHex(pr6.data).slice(0, 4)).toBe('8057');
  });

  it('loopback: our own Configure-Requests fed back make the link give up with PPP_LOOPBACK', () => {
    const link = new PppLink({ role: 'client', randomBytes: seededRandom(31) });
    let actions = link.start(0);
    let down: PppAction | undefined;
    for (let i = 0; i < 50 && down === undefined; i++) {
      const next: PppAction[] = [];
      for (const a of actions) if (a.type === 'send') next.push(...link.receive(a.frame, i));
      down = next.find((a) => a.type === 'down');
      actions = next;
      if (!next.some((a) => a.type === 'send')) actions = link.timeout(i * 3000 + 3000);
    }
    expect(down).toMatchObject({ reason: { code: 'PPP_LOOPBACK' } });
  });
});
