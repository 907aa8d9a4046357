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

/**
 * Adapts `@pptpkit/mppe`'s CCP option 18 functions (RFC 3078 §2) to the CCP policy interface of
 * `@pptpkit/ppp-lcp-ipcp`: we request what the policy allows, judge the server's request, follow
 * its Naks, and report the agreed mode once both sides Acked.
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
    handleReject: (ours) => ours.type !== CCP_OPTION_MPPE || !policy.required,
    opened(ourAcked, peerAcked): CompressionAgreement | undefined {
      const ours = ourAcked.map(decode).find((b) => b !== undefined);
      const theirs = peerAcked.map(decode).find((b) => b !== undefined);
      if (ours === undefined || theirs === undefined) return undefined;
      const mode = mppeNegotiated(ours, theirs);
      if (mode === undefined) return undefined;
      return { keyBits: mode.keyBits, stateless: mode.stateless, mppc: mode.mppc };
    },
  };
}
