/**
 * Regression: the server's answer to the client's authentication (CHAP Success, PAP
 * Authenticate-Ack) lost on the wire. The server is in its Network phase already; the client
 * must repeat its Response/Request until the answer comes again (RFC 1994 §4.1 and RFC 1334
 * §2.2.1: the authenticator MUST allow repeated Responses/Requests after authenticating and
 * return the same reply Code), or its Network phase never starts and the server's CCP gives up.
 */
import { PAP_CODE, PPP_PROTOCOL, type PppHeader, readPppHeader } from '@pptpkit/ppp-lcp-ipcp';
import { describe, expect, it } from 'vitest';
import { CLIENT_MPPE, type TestClientOptions, testClient } from '../src/client-options.js';
import { type FakePptpdOptions, fakePptpd, PPTPD_MPPE } from '../src/fake-pptpd.js';
import { TunnelPair } from '../src/pair.js';

/** CHAP codes (RFC 1994 §4): Response 2, Success 3. */
const CHAP_RESPONSE = 2;
const CHAP_SUCCESS = 3;

/** The code and Identifier of the frames of `protocol` one side sent or received, in order. */
function authPackets(
  p: TunnelPair,
  side: 'client' | 'server',
  direction: 'sent' | 'received',
  protocol: number,
): { code: number; identifier: number }[] {
  const out: { code: number; identifier: number }[] = [];
  for (const f of p[side].frames) {
    const h: PppHeader = { protocol: 0, offset: 0 };
    if (f.direction !== direction || !readPppHeader(f.frame, 0, f.frame.length, h)) continue;
    if (h.protocol !== protocol) continue;
    out.push({ code: f.frame[h.offset]!, identifier: f.frame[h.offset + 1]! });
  }
  return out;
}

const isUp = (p: TunnelPair) => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up';

/**
 * Runs the pair step by step and loses every server → client datagram from the moment the
 * client sent its first `request` (CHAP Response, PAP Authenticate-Request) until the server
 * has authenticated the client: that window holds exactly the server's first answer (the wire
 * decides losses when a datagram is sent, and the answer goes out in the same step as the
 * server's `authenticated` event). Then runs with a clean wire.
 */
function loseFirstAnswer(
  protocol: number,
  request: number,
  client: TestClientOptions,
  server: FakePptpdOptions,
): TunnelPair {
  // Without GRE resends: with them the server's GRE session resends the lost answer itself,
  // and this is about the peers that do not (pptpd, pptp-linux, Windows).
  const p = new TunnelPair({
    seed: 7,
    client: (sink, random) => testClient(sink, random, { ...client, greRetransmit: false }),
    server: (sink, random) => fakePptpd(sink, random, { ...server, greRetransmit: false }),
  });
  p.start();
  let losing = false;
  for (let steps = 0; steps < 10_000; steps++) {
    if (!p.step()) break;
    const requested = authPackets(p, 'client', 'sent', protocol).some((a) => a.code === request);
    if (!losing && requested) {
      losing = true;
      p.toClient.setFaults({ loss: 1 });
    }
    if (losing && p.server.events.some((e) => e.type === 'authenticated')) {
      p.toClient.setFaults({});
      break;
    }
  }
  expect(losing).toBe(true);
  expect(p.toClient.counters.lost).toBeGreaterThanOrEqual(1);
  return p;
}

describe('the server’s answer to the client’s authentication is lost', () => {
  it('MS-CHAPv2 + MPPE: the client repeats its Response, the server repeats Success, both up', () => {
    const p = loseFirstAnswer(PPP_PROTOCOL.CHAP, CHAP_RESPONSE, {}, {});
    expect(p.client.tunnel.state).not.toBe('up');
    expect(p.runUntil(() => isUp(p), 30_000)).toBe(true);
    const responses = authPackets(p, 'client', 'sent', PPP_PROTOCOL.CHAP).filter(
      (a) => a.code === CHAP_RESPONSE,
    );
    // The first Success was lost: the Response went out again with the same Identifier.
    expect(responses.length).toBeGreaterThanOrEqual(2);
    expect(new Set(responses.map((r) => r.identifier)).size).toBe(1);
    const sentSuccess = authPackets(p, 'server', 'sent', PPP_PROTOCOL.CHAP).filter(
      (a) => a.code === CHAP_SUCCESS,
    );
    const gotSuccess = authPackets(p, 'client', 'received', PPP_PROTOCOL.CHAP).filter(
      (a) => a.code === CHAP_SUCCESS,
    );
    expect(sentSuccess.length).toBeGreaterThanOrEqual(2);
    expect(gotSuccess.length).toBe(sentSuccess.length - 1);
    // The server authenticated the client once; repeated Responses only repeat its answer.
    expect(p.server.events.filter((e) => e.type === 'authenticated')).toHaveLength(1);
    expect(p.client.events.filter((e) => e.type === 'authenticated')).toHaveLength(1);
    expect(p.client.tunnel.status(p.clock.now).mppe).toMatchObject({ keyBits: 128 });
  });

  it('PAP: the client repeats its Authenticate-Request, the server repeats Ack, both up', () => {
    const p = loseFirstAnswer(
      PPP_PROTOCOL.PAP,
      PAP_CODE.AUTHENTICATE_REQUEST,
      { auth: ['pap'], mppe: { ...CLIENT_MPPE, required: false, allow128: false } },
      { auth: ['pap'], mppe: { ...PPTPD_MPPE, required: false, allow128: false } },
    );
    expect(p.client.tunnel.state).not.toBe('up');
    expect(p.runUntil(() => isUp(p), 30_000)).toBe(true);
    const requests = authPackets(p, 'client', 'sent', PPP_PROTOCOL.PAP).filter(
      (a) => a.code === PAP_CODE.AUTHENTICATE_REQUEST,
    );
    expect(requests.length).toBeGreaterThanOrEqual(2);
    const acks = authPackets(p, 'server', 'sent', PPP_PROTOCOL.PAP).filter(
      (a) => a.code === PAP_CODE.AUTHENTICATE_ACK,
    );
    expect(acks.length).toBeGreaterThanOrEqual(2);
    expect(p.server.events.filter((e) => e.type === 'authenticated')).toHaveLength(1);
    expect(p.client.events.filter((e) => e.type === 'authenticated')).toHaveLength(1);
  });
});
