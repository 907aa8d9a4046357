/**
 * CCP option 18 (MPPE/MPPC, RFC 3078 §2, RFC 2118 §2) as a CCP option policy: the shape
 * `@pptpkit/ppp-lcp-ipcp`'s `CcpPolicy` takes, declared here structurally so that this package
 * needs no PPP dependency.
 *
 * @module
 */
import {
  CCP_OPTION_MPPE,
  decodeMppeOption,
  encodeMppeOption,
  type MppeBits,
  type MppePolicy,
  mppeHandleNak,
  mppeInitialRequest,
  mppeJudgePeerRequest,
  mppeNegotiated,
} from './ccp-option.js';

/** A CCP configuration option (RFC 1661 §6): Type and Data. */
export interface CcpRawOption {
  /** The Type field (18 for MPPE/MPPC). */
  readonly type: number;
  /** The Data field. */
  readonly data: Uint8Array;
}

/** What a policy answers to one option of the peer's Configure-Request. */
export type CcpOptionVerdict =
  | { readonly verdict: 'ack' }
  | { readonly verdict: 'nak'; readonly option: CcpRawOption }
  | { readonly verdict: 'reject' };

/** What both sides agreed once CCP opened (`keyBits` 0: MPPC alone, no encryption). */
export interface CcpAgreement {
  /** Session key length: 40, 56 or 128; 0 for MPPC without MPPE. */
  readonly keyBits: number;
  /** Stateless mode (bit H). */
  readonly stateless: boolean;
  /** MPPC compression both ways. */
  readonly mppc: boolean;
}

/** A CCP option policy (structurally `@pptpkit/ppp-lcp-ipcp`'s `CcpPolicy`). */
export interface CcpOptionPolicy {
  /** Options of our first Configure-Request. */
  initialOptions(): CcpRawOption[];
  /** Judges one option of the peer's Configure-Request. */
  judgePeerOption(option: CcpRawOption): CcpOptionVerdict;
  /** The peer Nak'd `ours` suggesting `suggested`: the replacement, or none. */
  handleNak(ours: CcpRawOption, suggested: CcpRawOption): CcpRawOption | undefined;
  /** The peer Rejected `ours`: go on without it, give up, or try these instead. */
  handleReject(ours: CcpRawOption): boolean | readonly CcpRawOption[];
  /** Both sides Acked: the agreement, or `undefined` when it is not acceptable. */
  opened(
    ourAcked: readonly CcpRawOption[],
    peerAcked: readonly CcpRawOption[],
  ): CcpAgreement | undefined;
}

function decode(option: CcpRawOption): MppeBits | undefined {
  if (option.type !== CCP_OPTION_MPPE) return undefined;
  try {
    return decodeMppeOption(option.data);
  } catch {
    return undefined;
  }
}

const mppeOption = (bits: MppeBits): CcpRawOption => ({
  type: CCP_OPTION_MPPE,
  data: encodeMppeOption(bits),
});

const withoutMppc = (bits: MppeBits): MppeBits => ({ ...bits, mppc: false });

/**
 * Adapts `@pptpkit/mppe`'s CCP option 18 functions (RFC 3078 §2) to the CCP policy interface of
 * `@pptpkit/ppp-lcp-ipcp`: we request what the policy allows, judge the server's request, follow
 * its Naks, and report the agreed mode once both sides Acked.
 *
 * MPPC (the C bit, RFC 2118 §2) is never required: the encryption mode is agreed on the MPPE
 * bits alone, and MPPC runs only when both Acked requests carry C. A request from the server
 * with C that we do not want is Nak'ed with C cleared, a Nak of our C is followed (RFC 3078 §2.1).
 */
export function mppeCcpPolicy(policy: MppePolicy): CcpOptionPolicy {
  return {
    initialOptions: () => [mppeOption(mppeInitialRequest(policy))],
    judgePeerOption(option) {
      const bits = decode(option);
      if (bits === undefined) return { verdict: 'reject' };
      const verdict = mppeJudgePeerRequest(bits, policy);
      if (verdict.verdict === 'nak') return { verdict: 'nak', option: mppeOption(verdict.bits) };
      return verdict;
    },
    handleNak(ours, suggested) {
      const mine = decode(ours);
      const theirs = decode(suggested);
      if (mine === undefined || theirs === undefined) return undefined;
      return mppeOption(mppeHandleNak(mine, theirs, policy));
    },
    handleReject(ours) {
      // A server without MPPC may Configure-Reject option 18 because of the C bit alone
      // (RFC 1661 §5.4): try once more with MPPE only before giving up on encryption.
      const bits = decode(ours);
      if (bits?.mppc === true && (bits.mppe128 || bits.mppe40 || bits.mppe56))
        return [mppeOption(withoutMppc(bits))];
      return ours.type !== CCP_OPTION_MPPE || !policy.required;
    },
    opened(ourAcked, peerAcked): CcpAgreement | undefined {
      const ours = ourAcked.map(decode).find((b) => b !== undefined);
      const theirs = peerAcked.map(decode).find((b) => b !== undefined);
      if (ours === undefined || theirs === undefined) return undefined;
      // RFC 1962 §2: each request says what its sender decompresses, so C may differ by
      // direction; MPPC then stays off (the data path still decompresses what it receives).
      const mode = mppeNegotiated(withoutMppc(ours), withoutMppc(theirs));
      if (mode === undefined) return undefined;
      return {
        keyBits: mode.keyBits,
        stateless: mode.stateless,
        mppc: ours.mppc && theirs.mppc && policy.mppc,
      };
    },
  };
}

/** Option 18 with only C set: MPPC without encryption (RFC 2118 §2). */
const MPPC_ONLY: MppeBits = {
  stateless: false,
  mppe56: false,
  mppe128: false,
  mppe40: false,
  obsoleteD: false,
  mppc: true,
};

const isMppcOnly = (bits: MppeBits): boolean =>
  bits.mppc &&
  !bits.stateless &&
  !bits.mppe128 &&
  !bits.mppe56 &&
  !bits.mppe40 &&
  !bits.obsoleteD &&
  !bits.reserved;

/**
 * CCP for `nomppe mppc`: MPPC alone (RFC 2118 §2: option 18 with only the C bit). We request C
 * alone, Ack a server's C alone, Nak a request that adds MPPE bits to C down to C alone, and
 * Configure-Reject a request without C (we run no encryption). A Nak without C or a Reject of
 * our request ends the attempt without compression; the link comes up uncompressed.
 *
 * The agreement it reports has `keyBits: 0` (no encryption) and `stateless: false` (the MPPC
 * history is kept across packets).
 */
export function mppcOnlyCcpPolicy(): CcpOptionPolicy {
  return {
    initialOptions: () => [mppeOption(MPPC_ONLY)],
    judgePeerOption(option) {
      const bits = decode(option);
      if (bits === undefined || !bits.mppc) return { verdict: 'reject' };
      return isMppcOnly(bits)
        ? { verdict: 'ack' }
        : { verdict: 'nak', option: mppeOption(MPPC_ONLY) };
    },
    handleNak(_ours, suggested) {
      const theirs = decode(suggested);
      return theirs?.mppc === true ? mppeOption(MPPC_ONLY) : undefined;
    },
    handleReject: () => true,
    opened(ourAcked, peerAcked): CcpAgreement | undefined {
      const ours = ourAcked.map(decode).find((b) => b !== undefined);
      const theirs = peerAcked.map(decode).find((b) => b !== undefined);
      if (ours === undefined || theirs === undefined) return undefined;
      if (!isMppcOnly(ours) || !isMppcOnly(theirs)) return undefined;
      return { keyBits: 0, stateless: false, mppc: true };
    },
  };
}
