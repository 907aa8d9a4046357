import { DEFAULT_MPPE_POLICY, mppeCcpPolicy } from '@pptpkit/mppe';
import { toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  type CcpPolicy,
  CP_CODE,
  type LinkPolicy,
  PapAuthenticator,
  PapPeer,
  PPP_PROTOCOL,
  type RawOption,
} from '../src/index.js';
import { decodeSent } from './decode-helpers.js';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';
import { ScriptedPeer } from './scripted-peer.js';

const { LCP, IPCP, CCP, PAP } = PPP_PROTOCOL;
/** pppd's CCP request `<mppe +H -M +S -L -D -C>` (RFC 3078 §2): 128-bit stateless. */
const MPPE_128_STATELESS = [0x12, 0x06, 0x01, 0x00, 0x00, 0x40];
const IP_ADDRESS = (a: number, b: number, c: number, d: number): number[] => [3, 6, a, b, c, d];

function mppeClient(extra: LinkPolicy = {}): ScriptedPeer {
  return new ScriptedPeer({
    policy: { ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY), requireMppe: true, ...extra },
  });
}

/** Peer's CCP request and its Ack of ours: CCP reaches Opened on the link. */
function openCcp(p: ScriptedPeer): void {
  p.send(CCP, CP_CODE.CONFIGURE_REQUEST, 7, MPPE_128_STATELESS);
  p.ack(CCP);
}

describe('startNcpsAfterCcp (pppd start_networks order when MPPE is required)', () => {
  it('holds IPCP until CCP is Opened, keeps the newest early IPCP request and answers it then', () => {
    const p = mppeClient({ startNcpsAfterCcp: true });
    p.openLcp();
    // Network phase: only CCP is started.
    expect(p.request(CCP)).toBeDefined();
    expect(p.request(IPCP)).toBeUndefined();
    expect(p.link.status()).toMatchObject({ phase: 'network', ipcp: 'Initial', ncpsHeld: true });
    // A server that starts IPCP at once (Windows RRAS): its requests are kept, not answered.
    expect(p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 40, IP_ADDRESS(10, 0, 0, 1))).toEqual([]);
    expect(p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 41, IP_ADDRESS(10, 0, 0, 1))).toEqual([]);
    // Other early IPCP packets are dropped (counted).
    p.send(IPCP, CP_CODE.TERMINATE_REQUEST, 42);
    expect(p.link.counters.heldNcpRequests).toBe(2);
    expect(p.sent().filter((s) => s.protocol === IPCP)).toHaveLength(0);
    openCcp(p);
    expect(p.link.ccpState).toBe('Opened');
    // CCP Opened: our IPCP request goes out and the newest held request (41) is Acked, once.
    const ipcp = p.lastSent().filter((s) => s.protocol === IPCP);
    expect(ipcp.map((s) => [s.code, s.identifier === 41])).toEqual([
      [CP_CODE.CONFIGURE_REQUEST, false],
      [CP_CODE.CONFIGURE_ACK, true],
    ]);
    expect(p.link.status().ncpsHeld).toBe(false);
    p.send(IPCP, CP_CODE.CONFIGURE_NAK, p.request(IPCP)!.identifier, IP_ADDRESS(10, 0, 0, 9));
    p.ack(IPCP);
    expect(p.actions('up')).toMatchObject([
      { local: '10.0.0.9', peer: '10.0.0.1', mppe: { keyBits: 128, stateless: true } },
    ]);
  });

  it('without the option every NCP starts at once (unchanged behaviour)', () => {
    const p = mppeClient();
    p.openLcp();
    expect(p.request(IPCP)).toBeDefined();
    expect(p.request(CCP)).toBeDefined();
    expect(p.link.status().ncpsHeld).toBe(false);
  });

  it('CCP Protocol-Rejected (RFC 1661 §5.7): IPCP starts when MPPE is optional, never when required', () => {
    const optional = new ScriptedPeer({
      policy: {
        ccp: mppeCcpPolicy({ ...DEFAULT_MPPE_POLICY, required: false }),
        startNcpsAfterCcp: true,
      },
    });
    optional.openLcp();
    optional.send(LCP, CP_CODE.PROTOCOL_REJECT, 9, [
      0x80,
      0xfd,
      ...optional.request(CCP)!.frame.subarray(4),
    ]);
    expect(optional.request(IPCP)).toBeDefined();
    optional.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 1, IP_ADDRESS(10, 0, 0, 1));
    optional.send(
      IPCP,
      CP_CODE.CONFIGURE_NAK,
      optional.request(IPCP)!.identifier,
      IP_ADDRESS(10, 0, 0, 2),
    );
    optional.ack(IPCP);
    expect(optional.actions('up')).toHaveLength(1);
    expect(optional.actions('up')[0]?.mppe).toBeUndefined();

    const required = mppeClient({ startNcpsAfterCcp: true });
    required.openLcp();
    required.send(LCP, CP_CODE.PROTOCOL_REJECT, 9, [0x80, 0xfd]);
    expect(required.actions('down').map((d) => d.reason.code)).toEqual(['PPP_MPPE_REQUIRED']);
    expect(required.request(IPCP)).toBeUndefined();
  });

  it('back to back, both sides holding: up with MPPE, and no IPCP frame before CCP opened', () => {
    const b = new BackToBack(
      {
        randomBytes: seededRandom(21),
        policy: {
          ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY),
          requireMppe: true,
          startNcpsAfterCcp: true,
        },
      },
      {
        randomBytes: seededRandom(22),
        policy: {
          ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY),
          requireMppe: true,
          startNcpsAfterCcp: true,
        },
        ipcp: { localAddress: ipv4('10.5.0.1'), peerAddress: ipv4('10.5.0.2') },
      },
    );
    b.start();
    b.run(10_000);
    expect(b.actions('client', 'up')).toMatchObject([
      { local: '10.5.0.2', mppe: { keyBits: 128 } },
    ]);
    expect(b.actions('server', 'up')).toHaveLength(1);
    // Each side's first IPCP frame follows both CCP Configure-Acks (its own and the peer's).
    const wire = b.log.flatMap((l) =>
      l.action.type === 'send' ? [{ side: l.side, ...decodeSent(l.action.frame) }] : [],
    );
    for (const side of ['client', 'server'] as const) {
      const firstIpcp = wire.findIndex((f) => f.side === side && f.protocol === IPCP);
      const acks = wire.flatMap((f, i) =>
        f.protocol === CCP && f.code === CP_CODE.CONFIGURE_ACK ? [i] : [],
      );
      expect(acks).toHaveLength(2);
      expect(firstIpcp).toBeGreaterThan(Math.max(...acks));
    }
    // Everything happened on the first exchange: no Restart timeout was needed.
    expect(b.log.filter((l) => l.action.type === 'up').every((l) => l.at === 0)).toBe(true);
  });
});

describe('status accessors', () => {
  it('CCP state and agreement, LCP echo round-trip time (RFC 1661 §5.8 Identifier match)', () => {
    const p = mppeClient();
    expect(p.link.ccpState).toBe('Initial');
    expect(p.link.ccpAgreement).toBeUndefined();
    p.openLcp();
    expect(p.link.ccpState).toBe('Req-Sent');
    openCcp(p);
    expect(p.link.ccpAgreement).toEqual({ keyBits: 128, stateless: true, mppc: false });
    expect(p.link.lcpEchoRttMs).toBeUndefined();
    // The first Echo-Request is due after the 30 s interval.
    p.timeout(30_000);
    const echo = p.lastSent().find((s) => s.protocol === LCP && s.code === CP_CODE.ECHO_REQUEST)!;
    expect(p.link.status().lcpEchoesUnanswered).toBe(1);
    p.now = 30_042;
    // A reply with another Identifier resets the failure count but is not timed.
    p.send(LCP, CP_CODE.ECHO_REPLY, (echo.identifier + 1) & 0xff, [0, 0, 0, 0]);
    expect(p.link.lcpEchoRttMs).toBeUndefined();
    p.send(LCP, CP_CODE.ECHO_REPLY, echo.identifier, [0, 0, 0, 0]);
    expect(p.link.lcpEchoRttMs).toBe(42);
    expect(p.link.status()).toEqual({
      phase: 'network',
      lcp: 'Opened',
      ipcp: 'Req-Sent',
      ccp: 'Opened',
      ccpAgreement: { keyBits: 128, stateless: true, mppc: false },
      lcpEchoRttMs: 42,
      lcpEchoesUnanswered: 0,
      ncpsHeld: false,
    });
  });
});

describe('close() reports down only when the peer heard it (RFC 1661 §3.7, §4.6)', () => {
  it('down comes with the Terminate-Ack, acknowledged', () => {
    const p = new ScriptedPeer({});
    p.openLcp();
    const actions = p.close('bye');
    expect(p.lastSent().map((s) => s.code)).toEqual([CP_CODE.TERMINATE_REQUEST]);
    expect(actions.some((a) => a.type === 'down')).toBe(false);
    expect(p.link.phase).toBe('terminate');
    const req = p.lastSent()[0]!;
    p.send(LCP, CP_CODE.TERMINATE_ACK, req.identifier);
    expect(p.actions('down')).toEqual([
      { type: 'down', reason: { code: 'PPP_LOCAL_CLOSE', message: 'bye', acknowledged: true } },
    ]);
    expect(p.link.phase).toBe('dead');
  });

  it('a silent peer: Max-Terminate (2) Terminate-Requests, then down, not acknowledged', () => {
    const p = new ScriptedPeer({});
    p.openLcp();
    p.close();
    expect(p.timeout(3_000).some((a) => a.type === 'down')).toBe(false);
    expect(p.lastSent().map((s) => s.code)).toEqual([CP_CODE.TERMINATE_REQUEST]);
    p.timeout(6_000);
    expect(p.actions('down').map((d) => d.reason)).toEqual([
      { code: 'PPP_LOCAL_CLOSE', message: 'closed locally', acknowledged: false },
    ]);
    expect(p.link.phase).toBe('dead');
  });

  it('close() while still negotiating also waits; close() of a dead link reports nothing new', () => {
    const p = new ScriptedPeer({});
    p.start();
    expect(p.close().some((a) => a.type === 'down')).toBe(false);
    p.send(LCP, CP_CODE.TERMINATE_ACK, p.lastSent()[0]!.identifier);
    expect(p.actions('down')).toHaveLength(1);
    expect(p.close().some((a) => a.type === 'down')).toBe(false);
  });
});

describe('authentication refused by the server is PPP_AUTH_FAILED', () => {
  const papClient = (): ScriptedPeer =>
    new ScriptedPeer({
      policy: {
        acceptAuth: [
          { protocol: PAP, create: () => new PapPeer({ username: 'u', password: 'p' }) },
        ],
      },
    });
  // The peer asks to authenticate us with PAP (LCP option 3, c023).
  const lcpWithPap = [3, 4, 0xc0, 0x23, 5, 6, 1, 2, 3, 4];

  it('a server that hangs up (Terminate-Request) instead of answering our PAP request', () => {
    const p = papClient();
    p.openLcp(lcpWithPap);
    expect(p.link.phase).toBe('authenticate');
    p.send(LCP, CP_CODE.TERMINATE_REQUEST, 77);
    expect(p.actions('down').map((d) => d.reason.code)).toEqual(['PPP_AUTH_FAILED']);
  });

  it('PAP Authenticate-Nak (RFC 1334 §2.2.2) followed by Terminate-Request', () => {
    const p = papClient();
    p.openLcp(lcpWithPap);
    const req = p.sent().find((s) => s.protocol === PAP)!;
    p.send(PAP, 3, req.identifier, [0]);
    p.send(LCP, CP_CODE.TERMINATE_REQUEST, 78);
    expect(p.actions('down').map((d) => d.reason.code)).toEqual(['PPP_AUTH_FAILED']);
  });

  it('a peer already in its Network phase (Success lost) that hangs up is PPP_PEER_TERMINATED', () => {
    const p = papClient();
    p.openLcp(lcpWithPap);
    p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 1, IP_ADDRESS(10, 0, 0, 1));
    p.send(LCP, CP_CODE.TERMINATE_REQUEST, 79);
    expect(p.actions('down').map((d) => d.reason.code)).toEqual(['PPP_PEER_TERMINATED']);
  });

  it('back to back: the server refusing a PAP password ends the client with PPP_AUTH_FAILED', () => {
    const b = new BackToBack(
      {
        randomBytes: seededRandom(5),
        policy: {
          acceptAuth: [
            { protocol: PAP, create: () => new PapPeer({ username: 'u', password: 'bad' }) },
          ],
        },
      },
      {
        randomBytes: seededRandom(6),
        policy: {
          requireAuth: [
            { protocol: PAP, create: () => new PapAuthenticator({ verify: () => false }) },
          ],
        },
      },
    );
    b.start();
    b.run(30_000);
    expect(b.actions('client', 'down').map((d) => d.reason.code)).toEqual(['PPP_AUTH_FAILED']);
  });
});

describe('CcpPolicy.handleReject fallback proposals', () => {
  /** Offers option 18 with MPPC (C bit), falls back to MPPE-only when the peer rejects it. */
  function fallbackPolicy(calls: RawOption[]): CcpPolicy {
    const base = mppeCcpPolicy({ ...DEFAULT_MPPE_POLICY, required: false });
    return {
      ...base,
      initialOptions: () => [{ type: 18, data: Uint8Array.of(0x01, 0, 0, 0x41) }],
      handleReject: (ours) => {
        calls.push(ours);
        return [{ type: 18, data: Uint8Array.of(0x01, 0, 0, 0x40) }];
      },
    };
  }

  it('"MPPC rejected → retry with MPPE only": the next request carries the fallback (RFC 1661 §5.4)', () => {
    const calls: RawOption[] = [];
    const p = new ScriptedPeer({ policy: { ccp: fallbackPolicy(calls) } });
    p.openLcp();
    const first = p.request(CCP)!;
    expect(toHex(first.data)).toBe('120601000041');
    p.send(CCP, CP_CODE.CONFIGURE_REJECT, first.identifier, first.data);
    expect(calls.map((o) => toHex(o.data))).toEqual(['01000041']);
    const second = p.request(CCP)!;
    expect(second.identifier).not.toBe(first.identifier);
    expect(toHex(second.data)).toBe('120601000040');
    openCcp(p);
    expect(p.link.ccpAgreement).toEqual({ keyBits: 128, stateless: true, mppc: false });
  });

  it('a peer that rejects every fallback fails CCP after Max-Failure proposals', () => {
    const calls: RawOption[] = [];
    const p = new ScriptedPeer({
      policy: { ccp: fallbackPolicy(calls), requireMppe: true },
      automaton: { maxFailure: 3 },
    });
    p.openLcp();
    for (let i = 0; i < 10 && p.actions('down').length === 0; i++) {
      const r = p.request(CCP)!;
      p.send(CCP, CP_CODE.CONFIGURE_REJECT, r.identifier, r.data);
    }
    expect(calls).toHaveLength(4);
    expect(p.actions('down').map((d) => d.reason.code)).toEqual(['PPP_MPPE_REQUIRED']);
  });

  it('boolean answers keep their meaning: true drops the option, false fails CCP', () => {
    for (const answer of [true, false]) {
      const p = new ScriptedPeer({
        policy: {
          ccp: { ...mppeCcpPolicy(DEFAULT_MPPE_POLICY), handleReject: () => answer },
          requireMppe: !answer,
        },
      });
      p.openLcp();
      const r = p.request(CCP)!;
      p.send(CCP, CP_CODE.CONFIGURE_REJECT, r.identifier, r.data);
      if (answer) {
        expect(toHex(p.request(CCP)!.data)).toBe('');
        expect(p.actions('down')).toHaveLength(0);
      } else expect(p.actions('down').map((d) => d.reason.code)).toEqual(['PPP_MPPE_REQUIRED']);
    }
  });
});
