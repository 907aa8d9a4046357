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
} from '@pptpkit/mppe';
import type { CcpPolicy, CompressionAgreement, RawOption } from '@pptpkit/ppp-lcp-ipcp';
import type { MppeSettings } from '../config/index.js';

/** The `@pptpkit/mppe` policy that a peer's MPPE settings describe. */
export function mppePolicyFromSettings(mppe: MppeSettings, mppc: boolean): MppePolicy {
  return {
    required: mppe.required,
    allow128: mppe.allow128,
    allow56: false,
    allow40: mppe.allow40,
    stateful: mppe.preferStateful === true ? 'prefer' : mppe.allowStateful ? 'allow' : 'refuse',
    mppc,
  };
}

/**
 * The CCP policy for a peer's settings: MPPE (with the MPPC bit when `mppc`), MPPC alone
 * (`nomppe mppc`), or `undefined` when neither is wanted (CCP is then Protocol-Rejected).
 */
export function ccpPolicyFromSettings(mppe: MppeSettings, mppc: boolean): CcpPolicy | undefined {
  if (mppe.allow128 || mppe.allow40) return mppeCcpPolicy(mppePolicyFromSettings(mppe, mppc));
  return mppc ? mppcOnlyCcpPolicy() : undefined;
}

function decode(option: RawOption): MppeBits | undefined {
  if (option.type !== CCP_OPTION_MPPE) return undefined;
  try {
    return decodeMppeOption(option.data);
  } catch {
    return undefined;
  }
}

const mppeOption = (bits: MppeBits): RawOption => ({
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
export function mppeCcpPolicy(policy: MppePolicy): CcpPolicy {
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
    opened(ourAcked, peerAcked): CompressionAgreement | undefined {
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
export function mppcOnlyCcpPolicy(): CcpPolicy {
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
    opened(ourAcked, peerAcked): CompressionAgreement | undefined {
      const ours = ourAcked.map(decode).find((b) => b !== undefined);
      const theirs = peerAcked.map(decode).find((b) => b !== undefined);
      if (ours === undefined || theirs === undefined) return undefined;
      if (!isMppcOnly(ours) || !isMppcOnly(theirs)) return undefined;
      return { keyBits: 0, stateless: false, mppc: true };
    },
  };
}
