import { DecodeError, fromHex, NegotiationError, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CCP_OPTION_MPPE,
  DEFAULT_MPPE_POLICY,
  decodeMppeOption,
  encodeMppeOption,
  formatMppeBits,
  type MppeBits,
  type MppeMode,
  type MppePolicy,
  mppeHandleNak,
  mppeInitialRequest,
  mppeJudgePeerRequest,
  mppeNegotiated,
} from '../src/index.js';

/** Parses pppd's log notation, e.g. `<mppe +H -M +S -L -D -C>`. */
function bits(pppd: string): MppeBits {
  const on = (c: string): boolean => {
    if (pppd.includes(`+${c}`)) return true;
    if (pppd.includes(`-${c}`)) return false;
    throw new Error(`no ${c} in ${pppd}`);
  };
  return {
    stateless: on('H'),
    mppe56: on('M'),
    mppe128: on('S'),
    mppe40: on('L'),
    obsoleteD: on('D'),
    mppc: on('C'),
  };
}

const policy = (p: Partial<MppePolicy>): MppePolicy => ({ ...DEFAULT_MPPE_POLICY, ...p });
const allStrengths = policy({ allow40: true, allow56: true });

describe('CCP option 18 encoding (RFC 3078 §2)', () => {
  it('type is 18', () => {
    expect(CCP_OPTION_MPPE).toBe(18);
  });

  it('bit positions: H = 0x01 in the first octet; M S L D C = 0x80 0x40 0x20 0x10 0x01 in the last', () => {
    const one = (b: Partial<MppeBits>): string =>
      toHex(encodeMppeOption({ ...bits('<mppe -H -M -S -L -D -C>'), ...b }));
    expect(one({ stateless: true })).toBe('01000000');
    expect(one({ mppe56: true })).toBe('00000080');
    expect(one({ mppe128: true })).toBe('00000040');
    expect(one({ mppe40: true })).toBe('00000020');
    expect(one({ obsoleteD: true })).toBe('00000010');
    expect(one({ mppc: true })).toBe('00000001');
  });

  it("pppd's server request <mppe +H -M +S -L -D -C> is 01 00 00 40", () => {
    const b = decodeMppeOption(fromHex('01000040'));
    expect(b).toEqual(bits('<mppe +H -M +S -L -D -C>'));
    expect(formatMppeBits(b)).toBe('<mppe +H -M +S -L -D -C>');
  });

  it('keeps reserved bits so they can be Nak-ed away', () => {
    const b = decodeMppeOption(fromHex('02000040'));
    expect(b.reserved).toBe(0x0200_0000);
    expect(toHex(encodeMppeOption(b))).toBe('02000040');
    expect(mppeJudgePeerRequest(b, DEFAULT_MPPE_POLICY)).toEqual({
      verdict: 'nak',
      bits: bits('<mppe +H -M +S -L -D -C>'),
    });
  });

  it('property: encode(decode(x)) = x for any 4 bytes, and decode(encode(b)) = b', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (data) => {
        const decoded = decodeMppeOption(data);
        expect(toHex(encodeMppeOption(decoded))).toBe(toHex(data));
        expect(decodeMppeOption(encodeMppeOption(decoded))).toEqual(decoded);
      }),
    );
  });

  it('property: any other length is a DecodeError MPPE_BAD_OPTION_LENGTH', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 12 }).filter((d) => d.length !== 4),
        (data) => {
          try {
            decodeMppeOption(data);
            expect.unreachable();
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
            expect((error as DecodeError).code).toBe('MPPE_BAD_OPTION_LENGTH');
          }
        },
      ),
    );
  });
});

describe('negotiation table (RFC 3078 §2.1 and pppd 2.4.9 behaviour)', () => {
  const judgeCases: {
    name: string;
    peer: string;
    policy: MppePolicy;
    expected: 'ack' | 'reject' | string;
  }[] = [
    {
      name: "pppd server's request, default policy (stateless, 128 required): Ack",
      peer: '<mppe +H -M +S -L -D -C>',
      policy: DEFAULT_MPPE_POLICY,
      expected: 'ack',
    },
    {
      name: "pppd server's request, every strength allowed: Ack (one strength already)",
      peer: '<mppe +H -M +S -L -D -C>',
      policy: allStrengths,
      expected: 'ack',
    },
    {
      name: "pppd server's +H with stateful 'allow': Ack (we follow the peer)",
      peer: '<mppe +H -M +S -L -D -C>',
      policy: policy({ stateful: 'allow' }),
      expected: 'ack',
    },
    {
      name: "pppd server's +H with stateful 'prefer': Nak -H (pppd with mppe-stateful accepts)",
      peer: '<mppe +H -M +S -L -D -C>',
      policy: policy({ stateful: 'prefer' }),
      expected: '<mppe -H -M +S -L -D -C>',
    },
    {
      name: 'initiator offers S, M and L: Nak down to exactly the strongest allowed (S)',
      peer: '<mppe +H +M +S +L -D -C>',
      policy: allStrengths,
      expected: '<mppe +H -M +S -L -D -C>',
    },
    {
      name: 'offer S, M, L, but only 56 allowed: Nak to M',
      peer: '<mppe +H +M +S +L -D -C>',
      policy: policy({ allow128: false, allow56: true }),
      expected: '<mppe +H +M -S -L -D -C>',
    },
    {
      name: "peer asks stateful (-H), policy 'refuse': Nak with +H",
      peer: '<mppe -H -M +S -L -D -C>',
      policy: DEFAULT_MPPE_POLICY,
      expected: '<mppe +H -M +S -L -D -C>',
    },
    {
      name: "peer asks stateful (-H), policy 'allow': Ack (as pppd mppe-stateful does)",
      peer: '<mppe -H -M +S -L -D -C>',
      policy: policy({ stateful: 'allow' }),
      expected: 'ack',
    },
    {
      name: 'peer offers 40 only, 128 required: Nak with our strongest (+S)',
      peer: '<mppe +H -M -S +L -D -C>',
      policy: DEFAULT_MPPE_POLICY,
      expected: '<mppe +H -M +S -L -D -C>',
    },
    {
      name: 'peer offers 40 only, MPPE not required and 40 not allowed: Reject',
      peer: '<mppe +H -M -S +L -D -C>',
      policy: policy({ required: false }),
      expected: 'reject',
    },
    {
      name: 'peer sets the obsolete D bit: Nak it away (RFC 3078 §2: SHOULD NOT be accepted)',
      peer: '<mppe +H -M +S -L +D -C>',
      policy: DEFAULT_MPPE_POLICY,
      expected: '<mppe +H -M +S -L -D -C>',
    },
    {
      name: 'peer asks MPPC (C) and we do not compress: Nak C away',
      peer: '<mppe +H -M +S -L -D +C>',
      policy: DEFAULT_MPPE_POLICY,
      expected: '<mppe +H -M +S -L -D -C>',
    },
    {
      name: 'peer asks MPPC (C) and the policy allows it: Ack',
      peer: '<mppe +H -M +S -L -D +C>',
      policy: policy({ mppc: true }),
      expected: 'ack',
    },
    {
      name: 'a policy that allows no strength always rejects',
      peer: '<mppe +H -M +S -L -D -C>',
      policy: policy({ allow128: false }),
      expected: 'reject',
    },
  ];

  for (const c of judgeCases) {
    it(`judge: ${c.name}`, () => {
      const verdict = mppeJudgePeerRequest(bits(c.peer), c.policy);
      if (c.expected === 'ack' || c.expected === 'reject') {
        expect(verdict).toEqual({ verdict: c.expected });
      } else {
        expect(verdict).toEqual({ verdict: 'nak', bits: bits(c.expected) });
      }
    });
  }

  it('initial request: default is <mppe +H -M +S -L -D -C>, what stock pppd Acks', () => {
    expect(formatMppeBits(mppeInitialRequest(DEFAULT_MPPE_POLICY))).toBe(
      '<mppe +H -M +S -L -D -C>',
    );
    expect(formatMppeBits(mppeInitialRequest(allStrengths))).toBe('<mppe +H +M +S +L -D -C>');
    expect(formatMppeBits(mppeInitialRequest(policy({ stateful: 'prefer', mppc: true })))).toBe(
      '<mppe -H -M +S -L -D +C>',
    );
  });

  it('handleNak: server Naks our S/M/L offer to +S: request exactly +S', () => {
    const next = mppeHandleNak(
      bits('<mppe +H +M +S +L -D -C>'),
      bits('<mppe +H -M +S -L -D -C>'),
      allStrengths,
    );
    expect(formatMppeBits(next)).toBe('<mppe +H -M +S -L -D -C>');
  });

  it("handleNak: pppd mppe-stateful Naks our +H with -H; 'allow' follows", () => {
    const next = mppeHandleNak(
      bits('<mppe +H -M +S -L -D -C>'),
      bits('<mppe -H -M +S -L -D -C>'),
      policy({ stateful: 'allow' }),
    );
    expect(formatMppeBits(next)).toBe('<mppe -H -M +S -L -D -C>');
  });

  it("handleNak: a -H Nak with 'refuse' throws MPPE_STATEFUL_REFUSED", () => {
    expect(() =>
      mppeHandleNak(
        bits('<mppe +H -M +S -L -D -C>'),
        bits('<mppe -H -M +S -L -D -C>'),
        DEFAULT_MPPE_POLICY,
      ),
    ).toThrow(expect.objectContaining({ code: 'MPPE_STATEFUL_REFUSED' }));
  });

  it("handleNak: stock pppd Naks our -H ('prefer') back to +H: accepted", () => {
    const next = mppeHandleNak(
      bits('<mppe -H -M +S -L -D -C>'),
      bits('<mppe +H -M +S -L -D -C>'),
      policy({ stateful: 'prefer' }),
    );
    expect(formatMppeBits(next)).toBe('<mppe +H -M +S -L -D -C>');
  });

  it('handleNak: a strength we did not offer or do not allow throws MPPE_NO_COMMON_MODE', () => {
    const run = (): MppeBits =>
      mppeHandleNak(
        bits('<mppe +H -M +S -L -D -C>'),
        bits('<mppe +H -M -S +L -D -C>'),
        DEFAULT_MPPE_POLICY,
      );
    expect(run).toThrow(NegotiationError);
    expect(run).toThrow(expect.objectContaining({ code: 'MPPE_NO_COMMON_MODE' }));
  });

  it('negotiated: same strength and H in both directions, else undefined', () => {
    const s = bits('<mppe +H -M +S -L -D -C>');
    expect(mppeNegotiated(s, s)).toEqual({ keyBits: 128, stateless: true, mppc: false });
    expect(mppeNegotiated(s, bits('<mppe -H -M +S -L -D -C>'))).toBeUndefined();
    expect(mppeNegotiated(s, bits('<mppe +H -M -S +L -D -C>'))).toBeUndefined();
    expect(mppeNegotiated(s, bits('<mppe +H -M +S +L -D -C>'))).toBeUndefined();
    expect(mppeNegotiated(s, bits('<mppe +H -M +S -L -D +C>'))).toBeUndefined();
    const l = bits('<mppe -H -M -S +L -D +C>');
    expect(mppeNegotiated(l, l)).toEqual({ keyBits: 40, stateless: false, mppc: true });
  });
});

/** Runs both CCP directions to completion (at most 5 rounds each) with our helpers on both ends. */
function negotiate(a: MppePolicy, b: MppePolicy): MppeMode | 'failed' | 'mismatch' {
  const direction = (self: MppePolicy, other: MppePolicy): MppeBits | undefined => {
    let request = mppeInitialRequest(self);
    for (let round = 0; round < 5; round++) {
      const answer = mppeJudgePeerRequest(request, other);
      if (answer.verdict === 'ack') return request;
      if (answer.verdict === 'reject') return undefined;
      try {
        request = mppeHandleNak(request, answer.bits, self);
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  const ab = direction(a, b);
  const ba = direction(b, a);
  if (ab === undefined || ba === undefined) return 'failed';
  return mppeNegotiated(ab, ba) ?? 'mismatch';
}

describe('negotiation between two policies (property)', () => {
  const arbPolicy = fc.record({
    required: fc.constant(true),
    allow128: fc.boolean(),
    allow56: fc.boolean(),
    allow40: fc.boolean(),
    stateful: fc.constantFrom('refuse' as const, 'allow' as const, 'prefer' as const),
    mppc: fc.boolean(),
  });

  it('picks the strongest common strength, one H, and C only if both compress', () => {
    fc.assert(
      fc.property(arbPolicy, arbPolicy, (a, b) => {
        const result = negotiate(a, b);
        const common = [
          a.allow128 && b.allow128 ? 128 : 0,
          a.allow56 && b.allow56 ? 56 : 0,
          a.allow40 && b.allow40 ? 40 : 0,
        ].find((x) => x > 0);
        const prefers = a.stateful === 'prefer' || b.stateful === 'prefer';
        const refuses = a.stateful === 'refuse' || b.stateful === 'refuse';
        if (common === undefined || (prefers && refuses)) {
          expect(result).toBe('failed');
          return;
        }
        expect(result).toEqual({ keyBits: common, stateless: !prefers, mppc: a.mppc && b.mppc });
      }),
      { numRuns: 500 },
    );
  });
});
