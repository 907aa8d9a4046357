import {
  CCP_OPTION_MPPE,
  decodeMppeOption,
  encodeMppeOption,
  type MppePolicy,
  mppeHandleNak,
  mppeInitialRequest,
  mppeJudgePeerRequest,
  mppeNegotiated,
} from '@pptpkit/mppe';
import type { CcpPolicy, RawOption } from '../src/index.js';

/** The few lines the app writes to plug `@pptpkit/mppe`'s option-18 policy into CCP. */
export function mppeCcpPolicy(policy: MppePolicy): CcpPolicy {
  const option = (data: Uint8Array): RawOption => ({ type: CCP_OPTION_MPPE, data });
  const find = (list: readonly RawOption[]) => list.find((o) => o.type === CCP_OPTION_MPPE);
  return {
    initialOptions: () => [option(encodeMppeOption(mppeInitialRequest(policy)))],
    judgePeerOption: (o) => {
      if (o.type !== CCP_OPTION_MPPE) return { verdict: 'reject' };
      const v = mppeJudgePeerRequest(decodeMppeOption(o.data), policy);
      return v.verdict === 'nak' ? { verdict: 'nak', option: option(encodeMppeOption(v.bits)) } : v;
    },
    handleNak: (ours, nak) =>
      option(
        encodeMppeOption(
          mppeHandleNak(decodeMppeOption(ours.data), decodeMppeOption(nak.data), policy),
        ),
      ),
    handleReject: () => !policy.required,
    opened: (ours, peer) => {
      const a = find(ours);
      const b = find(peer);
      return a && b
        ? mppeNegotiated(decodeMppeOption(a.data), decodeMppeOption(b.data))
        : undefined;
    },
  };
}
