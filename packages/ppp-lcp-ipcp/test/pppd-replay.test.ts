/**
 * Our cores against the real Debian pptpd + pppd 2.4.9, replayed from the golden captures in
 * `fixtures/golden/` (see its README): every frame one pppd sent is fed, in order, to our core
 * in the other role. Replies to *our* requests must carry our Identifier, so the captured
 * Acks/Naks of requests get their Identifier rewritten (pppd echoes the request's), and where
 * pppd Acked the other pppd's request we Ack ours the same way (pppd Acks what it is sent).
 * With the captured MS-CHAPv2 randomness injected, our CHAP packets must be the captured bytes
 * and the real authenticator response must verify.
 */
import { DEFAULT_MPPE_POLICY, type MppePolicy, mppeCcpPolicy } from '@pptpkit/mppe';
import { ChapAuthenticator, ChapPeer } from '@pptpkit/mschapv2';
import { toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  type Direction,
  type GoldenCapture,
  loadGoldenCapture,
  pppFrames,
} from '../../../fixtures/golden/capture.js';
import {
  CHAP_ALGORITHM,
  type CompressionAgreement,
  CP_CODE,
  PPP_PROTOCOL,
  type PppAction,
  PppLink,
} from '../src/index.js';
import {
  controlFrame,
  decodeSent,
  headerOf,
  type SentPacket,
  sentPackets,
} from './decode-helpers.js';
import { seededRandom } from './harness.js';

interface Captured {
  dir: Direction;
  frame: Uint8Array;
  packet: SentPacket | undefined;
}

/** One golden capture's PPP frames (the GRE payloads, RFC 2637 §4.1: 8 bytes, +4 if S, +4 if A). */
class Capture {
  readonly file: GoldenCapture;
  readonly frames: Captured[];

  constructor(name: string) {
    this.file = loadGoldenCapture(name);
    this.frames = pppFrames(this.file).map(({ dir, frame }) => {
      const isControl = headerOf(frame).protocol >= 0x8000;
      return { dir, frame, packet: isControl ? decodeSent(frame) : undefined };
    });
  }

  all(dir: Direction, protocol: number, codes?: number[]): Captured[] {
    return this.frames.filter(
      (f) =>
        f.dir === dir &&
        f.packet?.protocol === protocol &&
        (codes === undefined || codes.includes(f.packet.code)),
    );
  }

  find(dir: Direction, protocol: number, code: number, nth = 0): Captured {
    const hit = this.all(dir, protocol, [code])[nth];
    if (hit === undefined)
      throw new Error(`capture has no ${dir} ${protocol.toString(16)} code ${code} #${nth}`);
    return hit;
  }

  server(protocol: number, code: number, nth = 0): Captured {
    return this.find('server-to-client', protocol, code, nth);
  }

  client(protocol: number, code: number, nth = 0): Captured {
    return this.find('client-to-server', protocol, code, nth);
  }

  /** The reply `dir` sent to the request with `identifier`. */
  replyTo(dir: Direction, protocol: number, identifier: number): SentPacket {
    const hit = this.all(dir, protocol, [2, 3, 4]).find((f) => f.packet!.identifier === identifier);
    if (hit === undefined)
      throw new Error(`no ${dir} reply to ${protocol.toString(16)} id ${identifier}`);
    return hit.packet!;
  }
}

/** The captured frame with its Identifier replaced (the byte after Code). */
function withIdentifier(c: Captured, identifier: number): Uint8Array {
  const out = c.frame.slice();
  out[c.frame.length - c.packet!.data.length - 3] = identifier;
  return out;
}

function sent(actions: PppAction[], protocol: number, code: number): SentPacket {
  const hit = sentPackets(actions).find((p) => p.protocol === protocol && p.code === code);
  if (hit === undefined) throw new Error(`nothing sent for ${protocol.toString(16)} code ${code}`);
  return hit;
}

const request = (protocol: number, actions: PppAction[]): SentPacket =>
  sent(actions, protocol, CP_CODE.CONFIGURE_REQUEST);
const ackOf = (protocol: number, p: SentPacket): Uint8Array =>
  controlFrame(protocol, CP_CODE.CONFIGURE_ACK, p.identifier, p.data);

function chapPeer(capture: Capture, password: string) {
  // The captured Response's value: peer challenge (16), reserved (8), NT-Response (24), flags.
  const peerChallenge = capture.client(PPP_PROTOCOL.CHAP, 2).packet!.data.slice(1, 17);
  return {
    protocol: PPP_PROTOCOL.CHAP,
    algorithm: CHAP_ALGORITHM.MSCHAP_V2,
    create: () =>
      new ChapPeer({
        algorithm: 'mschapv2',
        name: capture.file.user,
        password,
        randomBytes: (n: number) => peerChallenge.slice(0, n),
      }),
  };
}

describe('replay: our client against the captured Debian pptpd + pppd 2.4.9 server', () => {
  const cases: [string, Partial<MppePolicy>, CompressionAgreement][] = [
    ['mschapv2-mppe128-stateless', {}, { keyBits: 128, stateless: true, mppc: false }],
    [
      'mschapv2-mppe40-stateless',
      { allow128: false, allow40: true },
      { keyBits: 40, stateless: true, mppc: false },
    ],
    // The stateful capture's client is a patched pppd that asks -H and Naks the server's +H.
    [
      'mschapv2-mppe128-stateful',
      { stateful: 'prefer' },
      { keyBits: 128, stateless: false, mppc: false },
    ],
  ];

  it.each(cases)('%s: up with the agreed MPPE mode, then Terminate', (name, mppe, expected) => {
    const cap = new Capture(name);
    const link = new PppLink({
      role: 'client',
      randomBytes: seededRandom(2024),
      policy: {
        acceptAuth: [chapPeer(cap, cap.file.password)],
        ccp: mppeCcpPolicy({ ...DEFAULT_MPPE_POLICY, ...mppe }),
        requireMppe: true,
        ipv6: true,
      },
    });
    const now = 1000;

    // LCP: we Ack pppd's request (asyncmap 0, auth chap MS-v2, magic, pcomp, accomp) unchanged.
    const lcpReq = request(PPP_PROTOCOL.LCP, link.start(now));
    const serverLcp = cap.server(PPP_PROTOCOL.LCP, CP_CODE.CONFIGURE_REQUEST);
    const lcpAck = sent(
      link.receive(serverLcp.frame, now),
      PPP_PROTOCOL.LCP,
      CP_CODE.CONFIGURE_ACK,
    );
    expect(toHex(lcpAck.data)).toBe(toHex(serverLcp.packet!.data));
    link.receive(ackOf(PPP_PROTOCOL.LCP, lcpReq), now);
    expect(link.phase).toBe('authenticate');

    // pppd's Echo-Request right after LCP opens is answered with our magic.
    const echoReq = cap.server(PPP_PROTOCOL.LCP, CP_CODE.ECHO_REQUEST);
    const echo = sent(link.receive(echoReq.frame, now), PPP_PROTOCOL.LCP, CP_CODE.ECHO_REPLY);
    expect(toHex(echo.data)).toBe(toHex(lcpReq.data.subarray(2, 6)));

    // CHAP: the captured Challenge yields the captured Response byte for byte, and the real
    // Success (the server's authenticator response) opens the Network phase.
    const response = sent(
      link.receive(cap.server(PPP_PROTOCOL.CHAP, 1).frame, now),
      PPP_PROTOCOL.CHAP,
      2,
    );
    expect(toHex(response.data)).toBe(toHex(cap.client(PPP_PROTOCOL.CHAP, 2).packet!.data));
    const afterSuccess = link.receive(cap.server(PPP_PROTOCOL.CHAP, 3).frame, now);
    expect(afterSuccess.find((a) => a.type === 'authenticated')).toMatchObject({ side: 'peer' });
    expect(link.phase).toBe('network');
    let ccpReq = request(PPP_PROTOCOL.CCP, afterSuccess);
    let ipcpReq = request(PPP_PROTOCOL.IPCP, afterSuccess);
    const ipv6Req = request(PPP_PROTOCOL.IPV6CP, afterSuccess);
    // Our first CCP and IPCP requests are the bytes pppd's client sent.
    expect(toHex(ccpReq.data)).toBe(
      toHex(cap.client(PPP_PROTOCOL.CCP, CP_CODE.CONFIGURE_REQUEST).packet!.data),
    );
    expect(toHex(ipcpReq.data)).toBe(
      toHex(cap.client(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_REQUEST).packet!.data),
    );

    // CCP and IPCP: every server packet in capture order; our replies are pppd's replies.
    let up: PppAction | undefined;
    for (const protocol of [PPP_PROTOCOL.CCP, PPP_PROTOCOL.IPCP]) {
      let ours = 0;
      for (const c of cap.all('server-to-client', protocol, [1, 2, 3, 4])) {
        const p = c.packet!;
        if (p.code === CP_CODE.CONFIGURE_REQUEST) {
          const expectedReply = cap.replyTo('client-to-server', protocol, p.identifier);
          const out = link.receive(c.frame, now);
          up ??= out.find((a) => a.type === 'up');
          const reply = sent(out, protocol, expectedReply.code);
          expect(toHex(reply.data)).toBe(toHex(expectedReply.data));
          continue;
        }
        const current = protocol === PPP_PROTOCOL.CCP ? ccpReq : ipcpReq;
        const out = link.receive(withIdentifier(c, current.identifier), now);
        up ??= out.find((a) => a.type === 'up');
        if (p.code === CP_CODE.CONFIGURE_NAK) {
          ours++;
          const next = request(protocol, out);
          expect(toHex(next.data)).toBe(
            toHex(cap.client(protocol, CP_CODE.CONFIGURE_REQUEST, ours).packet!.data),
          );
          if (protocol === PPP_PROTOCOL.CCP) ccpReq = next;
          else ipcpReq = next;
        }
      }
      if (protocol === PPP_PROTOCOL.CCP) {
        // IPv6CP, negotiated alongside by pppd: Ack its request, take its Ack of ours.
        link.receive(cap.server(PPP_PROTOCOL.IPV6CP, CP_CODE.CONFIGURE_REQUEST).frame, now);
        link.receive(ackOf(PPP_PROTOCOL.IPV6CP, ipv6Req), now);
      }
    }
    expect(up).toMatchObject({
      type: 'up',
      local: '192.168.77.10',
      peer: '192.168.77.1',
      mppe: expected,
      framing: { acfc: true, pfc: true },
    });

    // The server's MPPE frames (protocol 0x00FD, PFC-compressed) are data now.
    const mppeFrame = cap.frames.find(
      (f) => f.dir === 'server-to-client' && f.packet === undefined,
    )!.frame;
    expect(link.receive(mppeFrame, now).find((a) => a.type === 'data')).toMatchObject({
      protocol: PPP_PROTOCOL.COMPRESSED,
    });

    // Terminate: the server's Terminate-Ack ends the link.
    const term = sent(
      link.close(now, 'MPPE disabled'),
      PPP_PROTOCOL.LCP,
      CP_CODE.TERMINATE_REQUEST,
    );
    const end = link.receive(
      withIdentifier(cap.server(PPP_PROTOCOL.LCP, CP_CODE.TERMINATE_ACK), term.identifier),
      now,
    );
    // RFC 1661 §3.7: `down` comes with the Terminate-Ack, not with the Terminate-Request.
    expect(end.filter((a) => a.type === 'down')).toMatchObject([
      { reason: { code: 'PPP_LOCAL_CLOSE', acknowledged: true } },
    ]);
    expect(link.phase).toBe('dead');
  });

  it('mschapv2-mppe128-stateless with startNcpsAfterCcp: IPCP goes out only once CCP opened, pppd bytes', () => {
    const cap = new Capture('mschapv2-mppe128-stateless');
    const link = new PppLink({
      role: 'client',
      randomBytes: seededRandom(2024),
      policy: {
        acceptAuth: [chapPeer(cap, cap.file.password)],
        ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY),
        requireMppe: true,
        startNcpsAfterCcp: true,
      },
    });
    const now = 1000;
    const lcpReq = request(PPP_PROTOCOL.LCP, link.start(now));
    link.receive(cap.server(PPP_PROTOCOL.LCP, CP_CODE.CONFIGURE_REQUEST).frame, now);
    link.receive(ackOf(PPP_PROTOCOL.LCP, lcpReq), now);
    link.receive(cap.server(PPP_PROTOCOL.CHAP, 1).frame, now);
    const afterSuccess = link.receive(cap.server(PPP_PROTOCOL.CHAP, 3).frame, now);
    expect(link.phase).toBe('network');
    // Only CCP starts; pppd's server does the same (its IPCP request comes after its ccp_up).
    expect(sentPackets(afterSuccess).map((p) => p.protocol)).toEqual([PPP_PROTOCOL.CCP]);
    const ccpReq = request(PPP_PROTOCOL.CCP, afterSuccess);
    const ccpOut = [
      ...link.receive(cap.server(PPP_PROTOCOL.CCP, CP_CODE.CONFIGURE_REQUEST).frame, now),
      ...link.receive(
        withIdentifier(cap.server(PPP_PROTOCOL.CCP, CP_CODE.CONFIGURE_ACK), ccpReq.identifier),
        now,
      ),
    ];
    expect(link.ccpAgreement).toEqual({ keyBits: 128, stateless: true, mppc: false });
    // CCP Opened: now our IPCP request, byte-identical to the pppd client's.
    const ipcpReq = request(PPP_PROTOCOL.IPCP, ccpOut);
    expect(toHex(ipcpReq.data)).toBe(
      toHex(cap.client(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_REQUEST).packet!.data),
    );
    link.receive(cap.server(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_REQUEST).frame, now);
    const nak = cap.server(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_NAK);
    const next = request(
      PPP_PROTOCOL.IPCP,
      link.receive(withIdentifier(nak, ipcpReq.identifier), now),
    );
    const done = link.receive(
      withIdentifier(cap.server(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_ACK), next.identifier),
      now,
    );
    expect(done.find((a) => a.type === 'up')).toMatchObject({
      local: '192.168.77.10',
      peer: '192.168.77.1',
      mppe: { keyBits: 128, stateless: true, mppc: false },
    });
  });

  it('wrong password: the same Response, the real Failure E=691, down PPP_AUTH_FAILED and Terminate', () => {
    const cap = new Capture('mschapv2-wrong-password');
    const link = new PppLink({
      role: 'client',
      randomBytes: seededRandom(3),
      policy: { acceptAuth: [chapPeer(cap, cap.file.clientPassword)] },
    });
    const lcpReq = request(PPP_PROTOCOL.LCP, link.start(0));
    link.receive(cap.server(PPP_PROTOCOL.LCP, CP_CODE.CONFIGURE_REQUEST).frame, 0);
    link.receive(ackOf(PPP_PROTOCOL.LCP, lcpReq), 0);
    const response = sent(
      link.receive(cap.server(PPP_PROTOCOL.CHAP, 1).frame, 0),
      PPP_PROTOCOL.CHAP,
      2,
    );
    expect(toHex(response.data)).toBe(toHex(cap.client(PPP_PROTOCOL.CHAP, 2).packet!.data));
    const failure = link.receive(cap.server(PPP_PROTOCOL.CHAP, 4).frame, 0);
    const down = failure.find((a) => a.type === 'down');
    expect(down).toMatchObject({ reason: { code: 'PPP_AUTH_FAILED' } });
    expect(down?.type === 'down' && down.reason.message).not.toContain(cap.file.clientPassword);
    // Like pppd, we then send an LCP Terminate-Request.
    expect(
      sentPackets(failure).some(
        (p) => p.protocol === PPP_PROTOCOL.LCP && p.code === CP_CODE.TERMINATE_REQUEST,
      ),
    ).toBe(true);
    expect(link.phase).toBe('terminate');
  });
});

describe('replay: our server against the captured pppd client', () => {
  it('sends the captured Challenge and Success bytes, the same CCP/IPCP requests and IPCP Nak, then up', () => {
    const cap = new Capture('mschapv2-mppe128-stateless');
    const capturedChallenge = cap.server(PPP_PROTOCOL.CHAP, 1).packet!;
    const value = capturedChallenge.data.slice(1, 17);
    const server = new PppLink({
      role: 'server',
      randomBytes: seededRandom(7),
      policy: {
        requireAuth: [
          {
            protocol: PPP_PROTOCOL.CHAP,
            algorithm: CHAP_ALGORITHM.MSCHAP_V2,
            create: () =>
              new ChapAuthenticator({
                algorithm: 'mschapv2',
                name: 'pptpd',
                // Inject the captured Identifier and challenge value.
                randomBytes: (n) =>
                  n === 1 ? Uint8Array.of(capturedChallenge.identifier) : value.slice(0, n),
                lookupPassword: (name) => (name === cap.file.user ? cap.file.password : undefined),
              }),
          },
        ],
        ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY),
        requireMppe: true,
        ipv6: true,
      },
      ipcp: { localAddress: 0xc0a84d01, peerAddress: 0xc0a84d0a },
    });
    const now = 5000;
    const lcpReq = request(PPP_PROTOCOL.LCP, server.start(now));
    // Like pptpd's pppd we ask for CHAP MS-v2.
    expect(toHex(lcpReq.data)).toContain('0305c22381');
    const clientLcp = cap.client(PPP_PROTOCOL.LCP, CP_CODE.CONFIGURE_REQUEST);
    expect(
      toHex(
        sent(server.receive(clientLcp.frame, now), PPP_PROTOCOL.LCP, CP_CODE.CONFIGURE_ACK).data,
      ),
    ).toBe(toHex(clientLcp.packet!.data));
    const challenge = sent(
      server.receive(ackOf(PPP_PROTOCOL.LCP, lcpReq), now),
      PPP_PROTOCOL.CHAP,
      1,
    );
    expect(toHex(challenge.data)).toBe(toHex(capturedChallenge.data));
    expect(challenge.identifier).toBe(capturedChallenge.identifier);
    const afterResponse = server.receive(cap.client(PPP_PROTOCOL.CHAP, 2).frame, now);
    // The Success carries the same authenticator response (S=...) pppd computed.
    expect(toHex(sent(afterResponse, PPP_PROTOCOL.CHAP, 3).data)).toBe(
      toHex(cap.server(PPP_PROTOCOL.CHAP, 3).packet!.data),
    );
    expect(afterResponse.find((a) => a.type === 'authenticated')).toMatchObject({
      side: 'authenticator',
      peerName: 'pptpkit',
    });
    const ccpReq = request(PPP_PROTOCOL.CCP, afterResponse);
    const ipcpReq = request(PPP_PROTOCOL.IPCP, afterResponse);
    const ipv6Req = request(PPP_PROTOCOL.IPV6CP, afterResponse);
    expect(toHex(ccpReq.data)).toBe(
      toHex(cap.server(PPP_PROTOCOL.CCP, CP_CODE.CONFIGURE_REQUEST).packet!.data),
    );
    expect(toHex(ipcpReq.data)).toBe(
      toHex(cap.server(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_REQUEST).packet!.data),
    );

    server.receive(cap.client(PPP_PROTOCOL.CCP, CP_CODE.CONFIGURE_REQUEST).frame, now);
    server.receive(
      withIdentifier(cap.client(PPP_PROTOCOL.CCP, CP_CODE.CONFIGURE_ACK), ccpReq.identifier),
      now,
    );
    // IPCP: the client's 0.0.0.0 gets the Nak pppd sent; its second request is Acked.
    const nak = sent(
      server.receive(cap.client(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_REQUEST).frame, now),
      PPP_PROTOCOL.IPCP,
      CP_CODE.CONFIGURE_NAK,
    );
    expect(toHex(nak.data)).toBe(
      toHex(cap.server(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_NAK).packet!.data),
    );
    server.receive(cap.client(PPP_PROTOCOL.IPV6CP, CP_CODE.CONFIGURE_REQUEST).frame, now);
    server.receive(ackOf(PPP_PROTOCOL.IPV6CP, ipv6Req), now);
    server.receive(
      withIdentifier(cap.client(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_ACK), ipcpReq.identifier),
      now,
    );
    const last = server.receive(
      cap.client(PPP_PROTOCOL.IPCP, CP_CODE.CONFIGURE_REQUEST, 1).frame,
      now,
    );
    expect(last.find((a) => a.type === 'up')).toMatchObject({
      local: '192.168.77.1',
      peer: '192.168.77.10',
      mppe: { keyBits: 128, stateless: true, mppc: false },
    });
    // The client's Terminate-Request "MPPE disabled" is acked with its Identifier.
    const term = cap.client(PPP_PROTOCOL.LCP, CP_CODE.TERMINATE_REQUEST);
    const end = server.receive(term.frame, now);
    expect(sent(end, PPP_PROTOCOL.LCP, CP_CODE.TERMINATE_ACK).identifier).toBe(
      term.packet!.identifier,
    );
    expect(end.find((a) => a.type === 'down')).toMatchObject({
      reason: { code: 'PPP_PEER_TERMINATED' },
    });
  });
});
