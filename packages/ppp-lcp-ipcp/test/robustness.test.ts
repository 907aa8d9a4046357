import { DEFAULT_MPPE_POLICY } from '@pptpkit/mppe';
import { toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CP_CODE,
  encodeOptions,
  PapAuthenticator,
  PapPeer,
  PPP_PROTOCOL,
  type PppAction,
  PppLink,
  type RawOption,
} from '../src/index.js';
import { controlFrame, type SentPacket, sentPackets } from './decode-helpers.js';

const replies = (actions: PppAction[]): SentPacket[] =>
  sentPackets(actions).filter((p) => p.code !== CP_CODE.CONFIGURE_REQUEST);

import { mppeCcpPolicy } from '@pptpkit/mppe';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';

const PROTOCOLS = [
  0x80fd, 0x80fd, 0xc021, 0xc023, 0xc223, 0xc227, 0x8021, 0x8057, 0x80fd, 0x0021, 0x0057, 0x00fd,
  0x8039, 0x0201,
];

/** Frames that are sometimes well-formed control packets and sometimes garbage. */
const frameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc
    .record({
      protocol: fc.constantFrom(...PROTOCOLS),
      code: fc.integer({ min: 0, max: 20 }),
      identifier: fc.nat(255),
      data: fc.uint8Array({ maxLength: 40 }),
    })
    .map(({ protocol, code, identifier, data }) => controlFrame(protocol, code, identifier, data)),
  fc
    .record({
      protocol: fc.constantFrom(...PROTOCOLS),
      code: fc.integer({ min: 1, max: 4 }),
      identifier: fc.nat(255),
      options: fc.array(fc.record({ type: fc.nat(255), data: fc.uint8Array({ maxLength: 10 }) }), {
        maxLength: 5,
      }),
    })
    .map(({ protocol, code, identifier, options }) =>
      controlFrame(protocol, code, identifier, encodeOptions(options)),
    ),
);

/** Every frame sent is non-empty; the link always says when to call `timeout` (never NaN). */
function checkActions(actions: PppAction[], link: PppLink): void {
  const at = link.nextDeadline();
  expect(at === Number.POSITIVE_INFINITY || Number.isFinite(at)).toBe(true);
  for (const a of actions) if (a.type === 'send') expect(a.frame.length).toBeGreaterThan(0);
}

describe('robustness (fast-check)', () => {
  it('arbitrary frames into running links (any phase) never throw', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(frameArb, fc.boolean(), fc.nat(5000)), { maxLength: 30 }),
        fc.nat(40_000),
        (frames, settle) => {
          const b = new BackToBack(
            {
              randomBytes: seededRandom(7),
              policy: { ipv6: true, ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY) },
            },
            {
              randomBytes: seededRandom(8),
              policy: { ccp: mppeCcpPolicy({ ...DEFAULT_MPPE_POLICY, required: false }) },
              ipcp: { localAddress: ipv4('10.1.1.1'), peerAddress: ipv4('10.1.1.2') },
            },
          );
          b.start();
          b.run(settle % 3 === 0 ? 0 : settle);
          for (const [frame, toClient, dt] of frames) {
            const side = toClient ? 'client' : 'server';
            const actions = b.link(side).receive(frame, b.now);
            checkActions(actions, b.link(side));
            b.handle(side, actions);
            b.run(b.now + dt);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('unknown options come back in a Configure-Reject byte-for-byte (LCP, IPCP)', () => {
    const unknownLcp = fc.record({
      type: fc.integer({ min: 0, max: 255 }).filter((t) => ![1, 2, 3, 4, 5, 7, 8].includes(t)),
      data: fc.uint8Array({ maxLength: 12 }),
    });
    fc.assert(
      fc.property(
        fc.array(unknownLcp, { minLength: 1, maxLength: 5 }),
        fc.nat(255),
        (unknown, id) => {
          const link = new PppLink({ role: 'client', randomBytes: seededRandom(9) });
          link.start(0);
          // Interleave valid options the link accepts (MRU, PFC) with the unknown ones.
          const options: RawOption[] = [
            { type: 1, data: Uint8Array.of(5, 0xdc) },
            ...unknown,
            { type: 7, data: new Uint8Array(0) },
          ];
          const out = sentPackets(
            link.receive(controlFrame(PPP_PROTOCOL.LCP, 1, id, encodeOptions(options)), 0),
          );
          expect(out).toHaveLength(1);
          expect(out[0]!.code).toBe(CP_CODE.CONFIGURE_REJECT);
          expect(out[0]!.identifier).toBe(id);
          expect(toHex(out[0]!.data)).toBe(toHex(encodeOptions(unknown)));
        },
      ),
    );
    const unknownIpcp = fc.record({
      type: fc.integer({ min: 0, max: 255 }).filter((t) => ![3, 129, 130, 131, 132].includes(t)),
      data: fc.uint8Array({ maxLength: 12 }),
    });
    fc.assert(
      fc.property(fc.array(unknownIpcp, { minLength: 1, maxLength: 5 }), (unknown) => {
        const b = new BackToBack(
          { randomBytes: seededRandom(1) },
          {
            randomBytes: seededRandom(2),
            ipcp: { localAddress: ipv4('10.1.1.1'), peerAddress: ipv4('10.1.1.2') },
          },
        );
        b.start();
        b.run(1000);
        const frame = controlFrame(
          PPP_PROTOCOL.IPCP,
          1,
          200,
          encodeOptions([{ type: 3, data: Uint8Array.of(10, 1, 1, 1) }, ...unknown]),
        );
        // In Opened the peer's new request restarts IPCP (tld, scr, scn): look at the reply.
        const out = sentPackets(b.client.receive(frame, b.now)).filter(
          (p) => p.protocol === PPP_PROTOCOL.IPCP && p.code !== 1,
        );
        expect(out[0]!.code).toBe(CP_CODE.CONFIGURE_REJECT);
        expect(toHex(out[0]!.data)).toBe(toHex(encodeOptions(unknown)));
      }),
    );
  });

  it("IPCP: VJ compression is Rejected; a 0.0.0.0 request is Nak'd with the address we assign (RFC 1332 §3.2–3.3)", () => {
    const b = new BackToBack(
      { randomBytes: seededRandom(1) },
      {
        randomBytes: seededRandom(2),
        ipcp: {
          localAddress: ipv4('10.1.1.1'),
          peerAddress: ipv4('10.1.1.2'),
          dns: [ipv4('9.9.9.9')],
        },
      },
    );
    b.start();
    b.run(1000);
    // VJ (0x002d, max-slot 15, comp-slot 1) plus an address request.
    const vj = [2, 6, 0x00, 0x2d, 0x0f, 0x01];
    const rej = replies(
      b.server.receive(controlFrame(PPP_PROTOCOL.IPCP, 1, 50, [...vj, 3, 6, 0, 0, 0, 0]), b.now),
    );
    expect(rej[0]?.code).toBe(CP_CODE.CONFIGURE_REJECT);
    expect([...rej[0]!.data]).toEqual(vj);
    const nak = replies(
      b.server.receive(
        controlFrame(
          PPP_PROTOCOL.IPCP,
          1,
          51,
          [3, 6, 0, 0, 0, 0, 129, 6, 0, 0, 0, 0, 131, 6, 0, 0, 0, 0],
        ),
        b.now,
      ),
    );
    // RFC 1877: the primary DNS we have is Nak'd in; the secondary we lack is Rejected first.
    expect(nak[0]?.code).toBe(CP_CODE.CONFIGURE_REJECT);
    expect(toHex(nak[0]!.data)).toBe('830600000000');
    const nak2 = replies(
      b.server.receive(
        controlFrame(PPP_PROTOCOL.IPCP, 1, 52, [3, 6, 0, 0, 0, 0, 129, 6, 0, 0, 0, 0]),
        b.now,
      ),
    );
    expect(nak2[0]?.code).toBe(CP_CODE.CONFIGURE_NAK);
    expect(toHex(nak2[0]!.data)).toBe('03060a010102' + '810609090909');
  });
});

describe('lossy and duplicating wire (fast-check)', () => {
  it('LCP + PAP + IPCP (+ IPv6CP): any ≤ 8 lost frames and any duplicates among the first 60 still give exactly one up each', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(59), { maxLength: 8 }),
        fc.uniqueArray(fc.nat(59), { maxLength: 10 }),
        fc.boolean(),
        (lost, duplicated, ipv6) => {
          const b = new BackToBack(
            {
              randomBytes: seededRandom(17),
              policy: {
                ipv6,
                acceptAuth: [
                  {
                    protocol: PPP_PROTOCOL.PAP,
                    create: () => new PapPeer({ username: 'u', password: 'p' }),
                  },
                ],
              },
            },
            {
              randomBytes: seededRandom(18),
              policy: {
                ipv6,
                requireAuth: [
                  {
                    protocol: PPP_PROTOCOL.PAP,
                    create: () =>
                      new PapAuthenticator({
                        verify: (u, p) => u === 'u' && p.length === 1 && p[0] === 0x70,
                      }),
                  },
                ],
              },
              ipcp: { localAddress: ipv4('10.2.0.1'), peerAddress: ipv4('10.2.0.2') },
            },
          );
          let n = 0;
          b.filter = (_from, frame) => {
            const i = n++;
            if (lost.includes(i)) return [];
            return duplicated.includes(i) ? [frame, frame] : [frame];
          };
          b.start();
          b.run(120_000);
          expect(b.actions('client', 'up')).toHaveLength(1);
          expect(b.actions('server', 'up')).toHaveLength(1);
          expect(b.actions('client', 'down')).toHaveLength(0);
          expect(b.actions('client', 'up')[0]?.local).toBe('10.2.0.2');
        },
      ),
      { numRuns: 200 },
    );
  });
});
