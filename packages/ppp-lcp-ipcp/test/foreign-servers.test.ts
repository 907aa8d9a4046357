/**
 * What servers other than pptpd send (Windows RRAS, MikroTik, Cisco, mpd5, pfSense), written
 * from the RFCs: the client must answer as RFC 1661 says and keep going.
 */
import { DEFAULT_MPPE_POLICY, mppeCcpPolicy } from '@pptpkit/mppe';
import { encodeUtf8, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CP_CODE, encodeOptions, PPP_PROTOCOL, type PppAction } from '../src/index.js';
import { controlFrame } from './decode-helpers.js';
import { ScriptedPeer } from './scripted-peer.js';

const { LCP, IPCP, CCP } = PPP_PROTOCOL;
const MAGIC = [5, 6, 0x5a, 0x5a, 0x12, 0x34];
const addr = (type: number, a: number, b: number, c: number, d: number): number[] => [
  type,
  6,
  a,
  b,
  c,
  d,
];

/** LCP options a multilink-capable server may request and we do not implement. */
const UNSUPPORTED_LCP: readonly (readonly [string, number[]])[] = [
  ['Callback 13 (RFC 1570 §2.3), CBCP operation 6 as Windows sends it', [0x0d, 0x03, 0x06]],
  ['MRRU 17 (RFC 1990 §5.1.1)', [0x11, 0x04, 0x05, 0xea]],
  ['Short Sequence Number Header 18 (RFC 1990 §5.1.2)', [0x12, 0x02]],
  [
    'Endpoint Discriminator 19, class 3 IEEE 802.1 address (RFC 1990 §5.1.3)',
    [0x13, 0x09, 0x03, 0x00, 0x0c, 0x29, 0x11, 0x22, 0x33],
  ],
  ['Link Discriminator 23 (RFC 2125 §5.2)', [0x17, 0x04, 0x00, 0x01]],
  [
    'Internationalization 28, UTF-8 "en" (RFC 2484 §2)',
    [0x1c, 0x08, 0x00, 0x00, 0x00, 0x6a, 0x65, 0x6e],
  ],
];

/** Opens IPCP from the Network phase: the peer's address request Acked, ours Nak'd then Acked. */
function finishIpcp(p: ScriptedPeer, peerOptions: number[] = addr(3, 10, 9, 0, 1)): void {
  p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 100, peerOptions);
  const r = p.request(IPCP)!;
  p.send(IPCP, CP_CODE.CONFIGURE_NAK, r.identifier, addr(3, 10, 9, 0, 2));
  p.ack(IPCP);
}

describe('LCP options we do not support are Configure-Rejected and negotiation goes on (RFC 1661 §5.4)', () => {
  it.each(UNSUPPORTED_LCP)('%s', (_name, option) => {
    const p = new ScriptedPeer({});
    p.start();
    const request = [1, 4, 0x05, 0x78, ...option, ...MAGIC, 7, 2, 8, 2];
    p.send(LCP, CP_CODE.CONFIGURE_REQUEST, 1, request);
    const [rej] = p.lastSent();
    expect(rej).toMatchObject({ protocol: LCP, code: CP_CODE.CONFIGURE_REJECT, identifier: 1 });
    expect([...rej!.data]).toEqual(option);
    // The peer drops the option and asks again; we Ack, it Acks ours: Network phase.
    const again = [1, 4, 0x05, 0x78, ...MAGIC, 7, 2, 8, 2];
    p.send(LCP, CP_CODE.CONFIGURE_REQUEST, 2, again);
    expect(p.lastSent()[0]).toMatchObject({ code: CP_CODE.CONFIGURE_ACK, identifier: 2 });
    expect([...p.lastSent()[0]!.data]).toEqual(again);
    p.ack(LCP);
    expect(p.link.phase).toBe('network');
    finishIpcp(p);
    expect(p.actions('up')).toMatchObject([{ local: '10.9.0.2', mtu: 1400 }]);
  });

  it('all of them in one request (a Windows RRAS multilink offer): one Reject listing exactly them, in order', () => {
    const p = new ScriptedPeer({});
    p.start();
    const all = UNSUPPORTED_LCP.flatMap(([, o]) => o);
    p.send(LCP, CP_CODE.CONFIGURE_REQUEST, 9, [...MAGIC, ...all, 7, 2]);
    expect(p.lastSent().map((s) => [s.code, toHex(s.data)])).toEqual([
      [CP_CODE.CONFIGURE_REJECT, toHex(Uint8Array.from(all))],
    ]);
  });
});

describe('LCP Identification (12) and Time-Remaining (13) from Windows (RFC 1570 §2.1–2.2)', () => {
  const identification = [0, 0, 0, 0, ...encodeUtf8('MSRASV5.20')];
  const timeRemaining = [0x5a, 0x5a, 0x12, 0x34, 0, 0, 0x0e, 0x10, 0x41];

  it('are accepted silently before and after LCP is Opened, and the link still comes up', () => {
    const p = new ScriptedPeer({});
    p.start();
    expect(p.send(LCP, 12, 3, identification).filter((a) => a.type === 'send')).toEqual([]);
    p.send(LCP, CP_CODE.CONFIGURE_REQUEST, 1, MAGIC);
    p.ack(LCP);
    for (const [code, data] of [
      [12, identification],
      [13, timeRemaining],
      [12, [0, 0]], // shorter than its Magic-Number: still not worth a Code-Reject
    ] as const) {
      const actions = p.send(LCP, code, 4, [...data]);
      expect(actions.filter((a) => a.type === 'send')).toEqual([]);
    }
    expect(p.link.stats().lcp?.ignored).toBe(4);
    finishIpcp(p);
    expect(p.actions('up')).toHaveLength(1);
    expect(p.actions('down')).toHaveLength(0);
  });
});

describe('IPCP answers of foreign servers (RFC 1332, RFC 1877)', () => {
  function network(requestDns = true): ScriptedPeer {
    const p = new ScriptedPeer({ ipcp: { requestDns } });
    p.openLcp(MAGIC);
    return p;
  }

  it('a Nak that also suggests NBNS 130/132 we did not ask for: hints ignored (RFC 1661 §5.3)', () => {
    const p = network();
    const r = p.request(IPCP)!;
    expect(toHex(r.data)).toBe('030600000000' + '810600000000' + '830600000000');
    p.send(IPCP, CP_CODE.CONFIGURE_NAK, r.identifier, [
      ...addr(3, 192, 168, 7, 20),
      ...addr(129, 192, 168, 7, 1),
      ...addr(130, 192, 168, 7, 2),
      ...addr(131, 192, 168, 7, 3),
      ...addr(132, 192, 168, 7, 4),
    ]);
    const next = p.request(IPCP)!;
    expect(toHex(next.data)).toBe('0306c0a80714' + '8106c0a80701' + '8306c0a80703');
    p.ack(IPCP);
    p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 1, addr(3, 192, 168, 7, 1));
    expect(p.actions('up')).toMatchObject([
      { local: '192.168.7.20', peer: '192.168.7.1', dns: ['192.168.7.1', '192.168.7.3'], nbns: [] },
    ]);
  });

  it('a Nak of our 0.0.0.0 with an address is adopted (RFC 1332 §3.3)', () => {
    const p = network(false);
    const r = p.request(IPCP)!;
    p.send(IPCP, CP_CODE.CONFIGURE_NAK, r.identifier, addr(3, 172, 16, 0, 9));
    expect(toHex(p.request(IPCP)!.data)).toBe('0306ac100009');
    p.ack(IPCP);
    p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 1, addr(3, 172, 16, 0, 1));
    expect(p.actions('up')[0]?.local).toBe('172.16.0.9');
  });

  it('a Configure-Reject of the DNS options drops them and goes on (RFC 1877 §1, RFC 1661 §5.4)', () => {
    const p = network();
    const r = p.request(IPCP)!;
    p.send(IPCP, CP_CODE.CONFIGURE_REJECT, r.identifier, [
      ...addr(129, 0, 0, 0, 0),
      ...addr(131, 0, 0, 0, 0),
    ]);
    const next = p.request(IPCP)!;
    expect(toHex(next.data)).toBe('030600000000');
    finishIpcp(p);
    expect(p.actions('up')).toMatchObject([{ local: '10.9.0.2', dns: [] }]);
    expect(p.actions('down')).toHaveLength(0);
  });

  it('a server whose IPCP request has no IP-Address option at all: Acked, peer 0.0.0.0', () => {
    const p = network(false);
    p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, 5, []);
    expect(p.lastSent().map((s) => [s.code, s.identifier, s.data.length])).toEqual([
      [CP_CODE.CONFIGURE_ACK, 5, 0],
    ]);
    const r = p.request(IPCP)!;
    p.send(IPCP, CP_CODE.CONFIGURE_NAK, r.identifier, addr(3, 10, 1, 1, 5));
    p.ack(IPCP);
    expect(p.actions('up')).toMatchObject([{ local: '10.1.1.5', peer: '0.0.0.0' }]);
  });
});

describe('Protocol-Reject and Code-Reject (RFC 1661 §5.6, §5.7)', () => {
  it.each([
    [true, 'PPP_MPPE_REQUIRED'],
    [false, undefined],
  ])('CCP Protocol-Rejected with requireMppe %s', (required, code) => {
    const p = new ScriptedPeer({
      policy: {
        ccp: mppeCcpPolicy({ ...DEFAULT_MPPE_POLICY, required }),
        requireMppe: required,
      },
    });
    p.openLcp(MAGIC);
    const ccp = p.request(CCP)!;
    p.send(LCP, CP_CODE.PROTOCOL_REJECT, 50, [0x80, 0xfd, ...ccp.frame.subarray(4)]);
    if (code !== undefined) {
      expect(p.actions('down').map((d) => d.reason.code)).toEqual([code]);
      return;
    }
    expect(p.link.ccpState).toBe('Stopped');
    finishIpcp(p);
    expect(p.actions('up')).toHaveLength(1);
    expect(p.actions('up')[0]?.mppe).toBeUndefined();
  });

  it('a Code-Reject of a code the automaton does not need (Echo-Request) keeps the link up and stops echoes', () => {
    const p = new ScriptedPeer({});
    p.openLcp(MAGIC);
    finishIpcp(p);
    p.timeout(30_000);
    const echo = p.lastSent().find((s) => s.code === CP_CODE.ECHO_REQUEST)!;
    p.send(LCP, CP_CODE.CODE_REJECT, 60, [...echo.frame.subarray(4)]);
    expect(p.link.lcpState).toBe('Opened');
    // The peer cannot answer echoes: keepalive stops instead of failing the link later.
    for (let t = 60_000; t <= 300_000; t += 30_000) p.timeout(t);
    expect(p.sent().filter((s) => s.code === CP_CODE.ECHO_REQUEST)).toHaveLength(1);
    expect(p.actions('down')).toHaveLength(0);
  });

  it('a Code-Reject of Configure-Request is catastrophic (RXJ-): the link goes down with a reason', () => {
    const p = new ScriptedPeer({});
    p.openLcp(MAGIC);
    finishIpcp(p);
    p.send(LCP, CP_CODE.CODE_REJECT, 61, [1, 1, 0, 4]);
    p.timeout(3_000);
    p.timeout(6_000);
    expect(p.actions('down').map((d) => d.reason)).toEqual([
      {
        code: 'PPP_NEGOTIATION_FAILED',
        message: 'peer Code-Rejected LCP code 1, which RFC 1661 requires',
      },
    ]);
    expect(p.link.phase).toBe('dead');
  });

  it('an unknown LCP code from the peer is Code-Rejected with the packet (RFC 1661 §5.6)', () => {
    const p = new ScriptedPeer({});
    p.openLcp(MAGIC);
    p.send(LCP, 0x20, 7, [1, 2, 3]);
    expect(p.lastSent().map((s) => [s.code, toHex(s.data)])).toEqual([
      [CP_CODE.CODE_REJECT, '20070007010203'],
    ]);
  });
});

describe('padding after the PPP payload (RFC 1661 §2, §5)', () => {
  it('octets beyond the Length field are ignored: the Ack echoes only the options', () => {
    const p = new ScriptedPeer({});
    p.start();
    const frame = controlFrame(LCP, CP_CODE.CONFIGURE_REQUEST, 1, [...MAGIC, 7, 2]);
    const padded = new Uint8Array(frame.length + 12);
    padded.set(frame);
    padded.fill(0x7e, frame.length);
    p.frame(padded);
    expect(p.lastSent().map((s) => [s.code, toHex(s.data)])).toEqual([
      [CP_CODE.CONFIGURE_ACK, toHex(Uint8Array.from([...MAGIC, 7, 2]))],
    ]);
    p.ack(LCP);
    // A padded Echo-Request is answered from its Length, not the frame's.
    const echo = controlFrame(LCP, CP_CODE.ECHO_REQUEST, 9, [1, 2, 3, 4, 0xaa]);
    const paddedEcho = new Uint8Array(echo.length + 3);
    paddedEcho.set(echo);
    p.frame(paddedEcho);
    const [reply] = p.lastSent();
    expect(reply).toMatchObject({ code: CP_CODE.ECHO_REPLY, identifier: 9 });
    expect(reply!.data).toHaveLength(5);
    expect(reply!.data[4]).toBe(0xaa);
  });
});

describe('arbitrary input in every phase (fast-check)', () => {
  const protocols = [LCP, IPCP, CCP, 0xc023, 0xc223, 0x8057, 0x0021, 0x00fd, 0x8031];
  const frameArb = fc.oneof(
    fc.uint8Array({ maxLength: 80 }),
    fc
      .record({
        protocol: fc.constantFrom(...protocols),
        code: fc.integer({ min: 0, max: 16 }),
        identifier: fc.nat(255),
        options: fc.array(fc.record({ type: fc.nat(255), data: fc.uint8Array({ maxLength: 8 }) }), {
          maxLength: 4,
        }),
        padding: fc.uint8Array({ maxLength: 6 }),
      })
      .map(({ protocol, code, identifier, options, padding }) => {
        const f = controlFrame(protocol, code, identifier, encodeOptions(options));
        const out = new Uint8Array(f.length + padding.length);
        out.set(f);
        out.set(padding, f.length);
        return out;
      }),
  );
  /** Brings a scripted client to a given point: 0 fresh, 1 LCP Opened + NCPs held, 2 up, 3 closing. */
  function at(stage: number): ScriptedPeer {
    const p = new ScriptedPeer({
      policy: {
        ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY),
        requireMppe: true,
        startNcpsAfterCcp: true,
      },
    });
    if (stage === 0) {
      p.start();
      return p;
    }
    p.openLcp(MAGIC);
    if (stage === 1) return p;
    p.send(CCP, CP_CODE.CONFIGURE_REQUEST, 7, [0x12, 0x06, 0x01, 0x00, 0x00, 0x40]);
    p.ack(CCP);
    finishIpcp(p);
    if (stage === 3) p.close();
    return p;
  }

  it('never throws, always has a deadline (a number or Infinity), and keeps every answer bounded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.tuple(frameArb, fc.nat(4000)), { maxLength: 60 }),
        (stage, frames) => {
          const p = at(stage);
          for (const [frame, dt] of frames) {
            let actions: PppAction[] = [];
            expect(() => {
              actions = p.frame(frame);
              actions = [...actions, ...p.timeout(p.now + dt)];
            }).not.toThrow();
            const at = p.link.nextDeadline();
            expect(at === Number.POSITIVE_INFINITY || Number.isFinite(at)).toBe(true);
            // One frame in yields a handful of actions, and no frame out exceeds the peer's MRU.
            expect(actions.length).toBeLessThanOrEqual(24);
            for (const a of actions)
              if (a.type === 'send') expect(a.frame.length).toBeLessThanOrEqual(1504);
          }
          expect(p.actions('down').length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the queue of early NCP requests is bounded: 1000 held requests give exactly one answer', () => {
    const p = at(1);
    for (let i = 0; i < 1000; i++)
      p.send(IPCP, CP_CODE.CONFIGURE_REQUEST, i & 0xff, addr(3, 10, 0, (i >> 8) & 0xff, i & 0xff));
    expect(p.link.counters.heldNcpRequests).toBe(1000);
    p.send(CCP, CP_CODE.CONFIGURE_REQUEST, 7, [0x12, 0x06, 0x01, 0x00, 0x00, 0x40]);
    p.ack(CCP);
    const answers = p
      .lastSent()
      .filter((s) => s.protocol === IPCP && s.code !== CP_CODE.CONFIGURE_REQUEST);
    expect(answers.map((s) => [s.code, s.identifier, toHex(s.data)])).toEqual([
      [CP_CODE.CONFIGURE_ACK, 999 & 0xff, '03060a0003e7'],
    ]);
  });
});
