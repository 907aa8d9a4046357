/**
 * The authenticator's answer (PAP Authenticate-Ack/Nak, CHAP Success) lost on the wire: the
 * peer repeats its request, the authenticator — already in its Network phase — repeats its
 * answer (RFC 1334 §2.2.1, RFC 1994 §4.1), and the peer's link completes authentication late.
 */
import { ChapPeer } from '@pptpkit/mschapv2';
import { constantTimeEqual, encodeUtf8, toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  type AuthMethod,
  CHAP_ALGORITHM,
  CP_CODE,
  decodePapPacket,
  encodePapPacket,
  PAP_CODE,
  PapAuthenticator,
  PapPeer,
  PPP_PROTOCOL,
} from '../src/index.js';
import { decodeSent, headerOf } from './decode-helpers.js';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';
import { ScriptedPeer } from './scripted-peer.js';

const { LCP, IPCP, PAP, CHAP } = PPP_PROTOCOL;

const request = (identifier: number, user = 'alice', password = 'secret'): Uint8Array =>
  encodePapPacket({
    type: 'request',
    identifier,
    peerId: encodeUtf8(user),
    password: encodeUtf8(password),
  });

describe('PapPeer repeats its Authenticate-Request (RFC 1334 §2.2.1)', () => {
  it('each request has a new Identifier and the same credentials; Ack for any of them succeeds', () => {
    const peer = new PapPeer({ username: 'alice', password: 'secret', identifier: 254 });
    const first = peer.start(0);
    expect(first.deadline).toBe(3000);
    const second = peer.timeout(3000);
    const third = peer.timeout(6000);
    expect(third.deadline).toBe(9000);
    const sent = [first, second, third].map((s) => decodePapPacket(s.send!));
    // §2.2.1: "The Identifier field MUST be changed each time an Authenticate-Request packet
    // is issued" (here across the 8-bit wrap).
    expect(sent.map((p) => p.identifier)).toEqual([254, 255, 0]);
    for (const p of sent) {
      expect(p.type === 'request' && [toHex(p.peerId), toHex(p.password)]).toEqual([
        toHex(encodeUtf8('alice')),
        toHex(encodeUtf8('secret')),
      ]);
    }
    // An Identifier never sent is not an answer to us; a late Ack to the second request is.
    const ack = (identifier: number) =>
      encodePapPacket({ type: 'ack', identifier, message: encodeUtf8('ok') });
    expect(peer.receive(ack(1)).diagnostic?.message).toBe('unexpected PAP packet dropped');
    expect(peer.receive(ack(253)).outcome).toBeUndefined();
    expect(peer.receive(ack(255)).outcome).toEqual({ type: 'success', message: 'ok' });
    expect(peer.timeout(9000)).toEqual({});
    expect(peer.receive(ack(0)).outcome).toBeUndefined();
  });

  it('gives up with PPP_PAP_TIMEOUT after maxRequests', () => {
    const peer = new PapPeer({ username: 'u', password: 'p', maxRequests: 2, retransmitMs: 100 });
    expect(peer.start(0).send).toBeDefined();
    expect(peer.timeout(100).send).toBeDefined();
    const out = peer.timeout(200);
    expect(out.send).toBeUndefined();
    expect(out.outcome?.type === 'failure' && out.outcome.error).toMatchObject({
      code: 'PPP_PAP_TIMEOUT',
    });
  });
});

describe('PapAuthenticator answers repeated requests after its decision (RFC 1334 §2.2.1)', () => {
  for (const ok of [true, false]) {
    it(`${ok ? 'Ack' : 'Nak'}: the same reply Code again, with each request's Identifier, no second decision`, () => {
      let checks = 0;
      const auth = new PapAuthenticator({
        verify: () => {
          checks++;
          return ok;
        },
      });
      const first = auth.receive(request(1));
      expect(first.outcome?.type).toBe(ok ? 'success' : 'failure');
      const code = ok ? PAP_CODE.AUTHENTICATE_ACK : PAP_CODE.AUTHENTICATE_NAK;
      for (const identifier of [1, 2, 9]) {
        const again = auth.receive(request(identifier, 'alice', 'other'));
        expect(again.outcome).toBeUndefined();
        const reply = again.send!;
        // §2.2.2: the Identifier is copied from the request that caused this reply.
        expect([reply[0], reply[1]]).toEqual([code, identifier]);
        expect(reply.subarray(2)).toEqual(first.send!.subarray(2));
      }
      expect(checks).toBe(1);
      expect(auth.timeout()).toEqual({});
    });
  }
});

describe('two links back to back, the first answer lost', () => {
  const papPeer: AuthMethod = {
    protocol: PAP,
    create: () => new PapPeer({ username: 'alice', password: 'secret' }),
  };
  const papServer: AuthMethod = {
    protocol: PAP,
    create: () =>
      new PapAuthenticator({
        verify: (user, password) =>
          user === 'alice' && constantTimeEqual(password, encodeUtf8('secret')),
      }),
  };

  it('PAP Authenticate-Ack dropped: the repeated request gets a new Ack and both links reach up', () => {
    const b = new BackToBack(
      { randomBytes: seededRandom(1), policy: { acceptAuth: [papPeer] } },
      {
        randomBytes: seededRandom(2),
        policy: { requireAuth: [papServer] },
        ipcp: { localAddress: ipv4('10.0.0.1'), peerAddress: ipv4('10.0.0.2') },
      },
    );
    let dropped = 0;
    b.filter = (from, frame) => {
      const h = headerOf(frame);
      if (from === 'server' && h.protocol === PAP && dropped === 0) {
        dropped++;
        return [];
      }
      return [frame];
    };
    b.start();
    b.run(30_000);
    expect(dropped).toBe(1);
    const pap = (side: 'client' | 'server') =>
      b.log.flatMap((l) =>
        l.side === side && l.action.type === 'send' && decodeSent(l.action.frame).protocol === PAP
          ? [{ at: l.at, packet: decodeSent(l.action.frame) }]
          : [],
      );
    const requests = pap('client');
    expect(requests.map((r) => r.packet.code)).toEqual([1, 1]);
    expect(requests[1]!.at - requests[0]!.at).toBe(3000);
    expect(requests[1]!.packet.identifier).not.toBe(requests[0]!.packet.identifier);
    // The server answered both: the second Ack while in its Network phase.
    const acks = pap('server');
    expect(acks.map((a) => [a.packet.code, a.packet.identifier])).toEqual(
      requests.map((r) => [PAP_CODE.AUTHENTICATE_ACK, r.packet.identifier]),
    );
    expect(b.actions('server', 'authenticated')).toHaveLength(1);
    expect(b.actions('client', 'authenticated')).toHaveLength(1);
    expect(b.actions('client', 'up')).toHaveLength(1);
    expect(b.actions('server', 'up')).toHaveLength(1);
    expect(b.actions('client', 'down')).toHaveLength(0);
  });
});

describe('a late answer after the peer moved on to its Network phase', () => {
  /** A client that authenticates with CHAP-MD5, against a scripted server. */
  function chapClient(): ScriptedPeer {
    return new ScriptedPeer({
      policy: {
        acceptAuth: [
          {
            protocol: CHAP,
            algorithm: CHAP_ALGORITHM.MD5,
            create: () =>
              new ChapPeer({
                algorithm: 'chap-md5',
                name: 'alice',
                password: 'secret',
                randomBytes: seededRandom(4),
              }),
          },
        ],
      },
    });
  }
  /** LCP options of the scripted server: CHAP with MD5 (RFC 1994 §3), a magic number. */
  const lcpWithChapMd5 = [3, 5, 0xc2, 0x23, 5, 5, 6, 1, 2, 3, 4];

  it('CHAP: the link repeats the Response at its deadline, and a Success after NCP traffic completes authentication', () => {
    const p = chapClient();
    p.openLcp(lcpWithChapMd5);
    expect(p.link.phase).toBe('authenticate');
    // Challenge: Identifier 7, Value-Size 4, Value, Name "srv" (RFC 1994 §4.1).
    p.send(CHAP, 1, 7, [4, 9, 8, 7, 6, 0x73, 0x72, 0x76]);
    const [response] = p.lastSent();
    expect(response).toMatchObject({ protocol: CHAP, code: 2, identifier: 7 });
    expect(p.link.nextDeadline()).toBe(3000);
    // The server's Success is lost; it is in its Network phase and sends IPCP, discarded here
    // (RFC 1661 §3.5).
    p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 1, [3, 6, 10, 0, 0, 1]);
    expect(p.lastSent()).toEqual([]);
    expect(p.link.counters.droppedInPhase).toBe(1);
    expect(p.timeout(2999)).toEqual([]);
    const [again] = p.timeout(3000).flatMap((a) => (a.type === 'send' ? [a.frame] : []));
    expect(toHex(again!)).toBe(toHex(response!.frame));
    expect(p.link.nextDeadline()).toBe(6000);
    // The server repeats its Success for the repeated Response (RFC 1994 §4.1).
    p.send(CHAP, 3, 7, []);
    expect(p.actions('authenticated')).toMatchObject([{ side: 'peer' }]);
    expect(p.link.phase).toBe('network');
    expect(p.lastSent().map((s) => [s.protocol, s.code])).toContainEqual([
      IPCP,
      CP_CODE.CONFIGURE_REQUEST,
    ]);
    // The server's retransmitted IPCP request is answered now; no Response goes out any more.
    p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 2, [3, 6, 10, 0, 0, 1]);
    expect(p.lastSent().map((s) => [s.protocol, s.code])).toEqual([[IPCP, CP_CODE.CONFIGURE_ACK]]);
    expect(
      p.timeout(6000).filter((a) => a.type === 'send' && decodeSent(a.frame).protocol === CHAP),
    ).toEqual([]);
    expect(p.actions('down')).toHaveLength(0);
  });

  it('PAP: an Ack after NCP traffic completes authentication; the LCP link stays up', () => {
    const p = new ScriptedPeer({
      policy: {
        acceptAuth: [
          { protocol: PAP, create: () => new PapPeer({ username: 'u', password: 'p' }) },
        ],
      },
    });
    p.openLcp([3, 4, 0xc0, 0x23, 5, 6, 1, 2, 3, 4]);
    const first = p.sent().find((s) => s.protocol === PAP)!;
    p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 1, [3, 6, 10, 0, 0, 1]);
    const [retry] = p
      .timeout(3000)
      .flatMap((a) => (a.type === 'send' ? [decodeSent(a.frame)] : []))
      .filter((s) => s.protocol === PAP);
    expect(retry?.identifier).toBe((first.identifier + 1) & 0xff);
    p.send(PAP, PAP_CODE.AUTHENTICATE_ACK, retry!.identifier, [0]);
    expect(p.actions('authenticated')).toMatchObject([{ side: 'peer' }]);
    expect(p.link.phase).toBe('network');
    expect(p.link.lcpState).toBe('Opened');
    expect(p.sent().some((s) => s.protocol === LCP && s.code === CP_CODE.TERMINATE_REQUEST)).toBe(
      false,
    );
  });
});
