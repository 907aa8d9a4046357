import { ByteReader, DecodeError, NegotiationError } from '@pptpkit/wire';
import type { MppeErrorCode } from './errors.js';

/** CCP option type for MPPE/MPPC (RFC 3078 §2). */
export const CCP_OPTION_MPPE = 18;

/** Length of the whole CCP option 18, type and length octets included (RFC 3078 §2). */
export const CCP_OPTION_MPPE_LENGTH = 6;

/**
 * Bit masks of the 32-bit Supported Bits field of CCP option 18, most significant octet first
 * (RFC 3078 §2; C from RFC 2118 §2).
 */
export const MPPE_BIT = {
  /** H: stateless mode, 0x01 in the most significant octet. */
  H: 0x0100_0000,
  /** M: 56-bit keys, 0x80 in the least significant octet. */
  M: 0x80,
  /** S: 128-bit keys, 0x40 in the least significant octet. */
  S: 0x40,
  /** L: 40-bit keys, 0x20 in the least significant octet. */
  L: 0x20,
  /** D: obsolete, SHOULD NOT be accepted. */
  D: 0x10,
  /** C: MPPC compression (RFC 2118). */
  C: 0x01,
} as const;

/** All bits RFC 3078 §2 defines; the rest are reserved and MUST be 0. */
const KNOWN_BITS = 0x0100_00f1;

/** The Supported Bits of CCP option 18 (RFC 3078 §2). */
export interface MppeBits {
  /** H (0x01000000): stateless mode, a new key for every packet (RFC 3078 §2, §10). */
  readonly stateless: boolean;
  /** M (0x80): 56-bit session keys. */
  readonly mppe56: boolean;
  /** S (0x40): 128-bit session keys. */
  readonly mppe128: boolean;
  /** L (0x20): 40-bit session keys. */
  readonly mppe40: boolean;
  /** D (0x10): obsolete; SHOULD NOT be accepted (RFC 3078 §2). */
  readonly obsoleteD: boolean;
  /** C (0x01): MPPC compression (RFC 2118). */
  readonly mppc: boolean;
  /**
   * Reserved bits that were set (RFC 3078 §2: MUST be 0). Absent or 0 when none; decoding keeps
   * them so that a judge can Nak them away, encoding writes them back.
   */
  readonly reserved?: number;
}

/**
 * Decodes the 4 option-data bytes of CCP option 18 (after the type and length octets).
 *
 * @throws DecodeError `MPPE_BAD_OPTION_LENGTH` unless `data` is exactly 4 bytes.
 */
export function decodeMppeOption(data: Uint8Array): MppeBits {
  if (data.length !== 4) {
    throw new DecodeError<MppeErrorCode>(
      'MPPE_BAD_OPTION_LENGTH',
      `MPPE option data must be 4 bytes, got ${data.length}`,
      { offset: 0, field: 'supportedBits', length: data.length },
    );
  }
  const v = new ByteReader(data, 'MPPE_BAD_OPTION_LENGTH').u32('supportedBits');
  const reserved = (v & ~KNOWN_BITS) >>> 0;
  return {
    stateless: (v & MPPE_BIT.H) !== 0,
    mppe56: (v & MPPE_BIT.M) !== 0,
    mppe128: (v & MPPE_BIT.S) !== 0,
    mppe40: (v & MPPE_BIT.L) !== 0,
    obsoleteD: (v & MPPE_BIT.D) !== 0,
    mppc: (v & MPPE_BIT.C) !== 0,
    ...(reserved === 0 ? {} : { reserved }),
  };
}

/** The 32-bit Supported Bits value of `bits`. */
export function mppeBitsToNumber(bits: MppeBits): number {
  let v = (bits.reserved ?? 0) & ~KNOWN_BITS;
  if (bits.stateless) v |= MPPE_BIT.H;
  if (bits.mppe56) v |= MPPE_BIT.M;
  if (bits.mppe128) v |= MPPE_BIT.S;
  if (bits.mppe40) v |= MPPE_BIT.L;
  if (bits.obsoleteD) v |= MPPE_BIT.D;
  if (bits.mppc) v |= MPPE_BIT.C;
  return v >>> 0;
}

/** Encodes `bits` as the 4 option-data bytes of CCP option 18 (RFC 3078 §2). */
export function encodeMppeOption(bits: MppeBits): Uint8Array {
  const v = mppeBitsToNumber(bits);
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** Formats bits the way pppd logs them, e.g. `<mppe +H -M +S -L -D -C>`. */
export function formatMppeBits(bits: MppeBits): string {
  const f = (on: boolean, c: string): string => (on ? '+' : '-') + c;
  const extra = bits.reserved ? ` reserved=0x${bits.reserved.toString(16)}` : '';
  return `<mppe ${f(bits.stateless, 'H')} ${f(bits.mppe56, 'M')} ${f(bits.mppe128, 'S')} ${f(bits.mppe40, 'L')} ${f(bits.obsoleteD, 'D')} ${f(bits.mppc, 'C')}${extra}>`;
}

/**
 * What a side allows when negotiating MPPE over CCP.
 *
 * `stateful` (the H bit, RFC 3078 §2):
 * - `'refuse'`: stateless only. We request +H, Nak a peer's -H with +H, and fail on a Nak that
 *   asks us for -H. This is stock pppd's behaviour and the safe choice against it.
 * - `'allow'`: we request +H but follow a peer that wants stateful: we Ack its -H request and
 *   accept a Nak of our +H with -H (what pppd's `mppe-stateful` does).
 * - `'prefer'`: we request -H and Nak a peer's +H with -H; a Nak back to +H is accepted. Stock
 *   pppd Configure-Rejects a -H request and closes on a -H Nak, so use this only with peers
 *   known to run stateful (pppd with `mppe-stateful`).
 */
export interface MppePolicy {
  /** MPPE must be negotiated: the judge never Configure-Rejects option 18. */
  readonly required: boolean;
  /** 128-bit keys (S) are acceptable. */
  readonly allow128: boolean;
  /** 56-bit keys (M) are acceptable. */
  readonly allow56: boolean;
  /** 40-bit keys (L) are acceptable. */
  readonly allow40: boolean;
  /** Stateful mode handling; see the interface description. */
  readonly stateful: 'refuse' | 'allow' | 'prefer';
  /** MPPC compression (C bit) may be negotiated alongside encryption. */
  readonly mppc: boolean;
}

/** MPPE-128 required, stateless only, no MPPC: the policy that works with stock pppd. */
export const DEFAULT_MPPE_POLICY: MppePolicy = {
  required: true,
  allow128: true,
  allow56: false,
  allow40: false,
  stateful: 'refuse',
  mppc: false,
};

/** Key strength in bits, strongest first. */
type Strength = 128 | 56 | 40;

function strongest(bits: MppeBits, policy: MppePolicy): Strength | undefined {
  if (bits.mppe128 && policy.allow128) return 128;
  if (bits.mppe56 && policy.allow56) return 56;
  if (bits.mppe40 && policy.allow40) return 40;
  return undefined;
}

function strongestAllowed(policy: MppePolicy): Strength | undefined {
  return strongest({ ...NO_BITS, mppe128: true, mppe56: true, mppe40: true }, policy);
}

const NO_BITS: MppeBits = {
  stateless: false,
  mppe56: false,
  mppe128: false,
  mppe40: false,
  obsoleteD: false,
  mppc: false,
};

function withStrength(strength: Strength, stateless: boolean, mppc: boolean): MppeBits {
  return {
    stateless,
    mppe56: strength === 56,
    mppe128: strength === 128,
    mppe40: strength === 40,
    obsoleteD: false,
    mppc,
  };
}

function strengthCount(bits: MppeBits): number {
  return (bits.mppe128 ? 1 : 0) + (bits.mppe56 ? 1 : 0) + (bits.mppe40 ? 1 : 0);
}

/**
 * Our first CCP Configure-Request option 18: every strength the policy allows (RFC 3078 §2.1:
 * "the negotiation initiator SHOULD request all of the options it supports"), H unless the
 * policy prefers stateful, C when MPPC is allowed.
 */
export function mppeInitialRequest(policy: MppePolicy): MppeBits {
  return {
    stateless: policy.stateful !== 'prefer',
    mppe56: policy.allow56,
    mppe128: policy.allow128,
    mppe40: policy.allow40,
    obsoleteD: false,
    mppc: policy.mppc,
  };
}

/**
 * Judges the option 18 of the peer's CCP Configure-Request (RFC 3078 §2.1).
 *
 * - Ack when it carries exactly one strength the policy allows, an acceptable H, no D, no C we
 *   do not want and no reserved bits.
 * - Otherwise Nak with the strongest strength both allow, alone, with H and C corrected.
 * - When no strength is common: Nak with our strongest if MPPE is `required` (the peer then
 *   moves or gives up), Configure-Reject otherwise. A policy that allows no strength always
 *   rejects.
 */
export function mppeJudgePeerRequest(
  peer: MppeBits,
  policy: MppePolicy,
): { verdict: 'ack' } | { verdict: 'nak'; bits: MppeBits } | { verdict: 'reject' } {
  const ours = strongestAllowed(policy);
  if (ours === undefined) return { verdict: 'reject' };
  const common = strongest(peer, policy);
  if (common === undefined && !policy.required) return { verdict: 'reject' };
  const strength = common ?? ours;
  const stateless =
    policy.stateful === 'refuse' ? true : policy.stateful === 'prefer' ? false : peer.stateless;
  const mppc = peer.mppc && policy.mppc;
  const answer = withStrength(strength, stateless, mppc);
  const clean =
    common !== undefined &&
    strengthCount(peer) === 1 &&
    peer.stateless === stateless &&
    peer.mppc === mppc &&
    !peer.obsoleteD &&
    !peer.reserved;
  return clean ? { verdict: 'ack' } : { verdict: 'nak', bits: answer };
}

/**
 * Our next Configure-Request after the peer Nak'ed our option 18 (RFC 3078 §2.1: request the
 * option the Nak suggests, or give up).
 *
 * The strength is the strongest one present in our request, in the Nak and in the policy; H
 * follows the Nak unless the policy refuses stateful mode; C stays only if all three have it.
 *
 * @throws NegotiationError `MPPE_NO_COMMON_MODE` when no strength is left,
 *   `MPPE_STATEFUL_REFUSED` when the Nak asks for stateful mode and the policy refuses it.
 */
export function mppeHandleNak(ours: MppeBits, nak: MppeBits, policy: MppePolicy): MppeBits {
  const both: MppeBits = {
    ...NO_BITS,
    mppe128: ours.mppe128 && nak.mppe128,
    mppe56: ours.mppe56 && nak.mppe56,
    mppe40: ours.mppe40 && nak.mppe40,
  };
  const strength = strongest(both, policy);
  if (strength === undefined) {
    throw new NegotiationError<MppeErrorCode>(
      'MPPE_NO_COMMON_MODE',
      `no MPPE key strength left: we asked ${formatMppeBits(ours)}, peer suggested ${formatMppeBits(nak)}`,
    );
  }
  if (!nak.stateless && policy.stateful === 'refuse') {
    throw new NegotiationError<MppeErrorCode>(
      'MPPE_STATEFUL_REFUSED',
      'peer asks for MPPE stateful mode, which the policy refuses',
    );
  }
  return withStrength(strength, nak.stateless, ours.mppc && nak.mppc && policy.mppc);
}

/** The MPPE mode both directions run, from {@link mppeNegotiated}. */
export interface MppeMode {
  /** Session key length. */
  readonly keyBits: 40 | 56 | 128;
  /** Stateless mode (H): a new key for every packet. */
  readonly stateless: boolean;
  /** MPPC compression (C) runs under the encryption. */
  readonly mppc: boolean;
}

function onlyStrength(bits: MppeBits): Strength | undefined {
  if (strengthCount(bits) !== 1) return undefined;
  return bits.mppe128 ? 128 : bits.mppe56 ? 56 : 40;
}

/**
 * The mode in force once both Configure-Requests were Ack'ed, or `undefined` if the two do not
 * describe one usable mode: each must carry exactly one strength, and both directions must have
 * the same strength, the same H and the same C (the caller should then close CCP/the link).
 */
export function mppeNegotiated(ourAcked: MppeBits, peerAcked: MppeBits): MppeMode | undefined {
  const a = onlyStrength(ourAcked);
  const b = onlyStrength(peerAcked);
  if (a === undefined || a !== b) return undefined;
  if (ourAcked.stateless !== peerAcked.stateless || ourAcked.mppc !== peerAcked.mppc) {
    return undefined;
  }
  if (ourAcked.obsoleteD || peerAcked.obsoleteD || ourAcked.reserved || peerAcked.reserved) {
    return undefined;
  }
  return { keyBits: a, stateless: ourAcked.stateless, mppc: ourAcked.mppc };
}
