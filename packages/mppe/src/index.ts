/**
 * `@pptpkit/mppe`: Microsoft Point-to-Point Encryption (RFC 3078) with its key derivation
 * (RFC 3079) — CCP option 18 negotiation, RC4, and allocation-free stateless and stateful
 * encryptors and decryptors.
 *
 * @packageDocumentation
 */
export {
  CCP_OPTION_MPPE,
  CCP_OPTION_MPPE_LENGTH,
  DEFAULT_MPPE_POLICY,
  decodeMppeOption,
  encodeMppeOption,
  formatMppeBits,
  MPPE_BIT,
  type MppeBits,
  type MppeMode,
  type MppePolicy,
  mppeBitsToNumber,
  mppeHandleNak,
  mppeInitialRequest,
  mppeJudgePeerRequest,
  mppeNegotiated,
} from './ccp-option.js';
export {
  type CcpAgreement,
  type CcpOptionPolicy,
  type CcpOptionVerdict,
  type CcpRawOption,
  mppcOnlyCcpPolicy,
  mppeCcpPolicy,
} from './ccp-policy.js';
export type { MppeCipherOptions, MppeDecryptorOptions } from './cipher-options.js';
export {
  MPPE_KEY_CHANGE_BUDGET,
  MPPE_REORDER_WINDOW,
  MPPE_STALE_ZONE,
  MppeDecryptor,
} from './decryptor.js';
export { MppeEncryptor } from './encryptor.js';
export type { MppeErrorCode } from './errors.js';
export {
  MPPE_RECOVERY_CANDIDATES,
  MPPE_RECOVERY_MAX_GAP,
  MPPE_RECOVERY_MAX_LENGTH,
} from './gap-recovery.js';
export {
  COHERENCY_COUNT_SPACE,
  MPPC_FLAG_MASK,
  MPPE_FLAG,
  MPPE_HEADER_LENGTH,
} from './header.js';
export {
  deriveMsChapV1StartKey,
  deriveMsChapV2StartKeys,
  getAsymmetricStartKey,
  getMasterKey,
  getNewKeyFromSha,
  getStartKey,
  initialSessionKey,
  type MppeKeyBits,
  type MppeRole,
  type MppeStartKeys,
  type MsChapV1KeyInput,
  type MsChapV2KeyInput,
  mppeKeyLength,
  reduceSessionKey,
} from './key-derivation.js';
export { Rc4 } from './rc4.js';
export { MPPE_STATUS, type MppeStatus } from './status.js';
