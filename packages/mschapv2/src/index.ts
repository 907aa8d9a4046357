/**
 * `@pptpkit/mschapv2`: CHAP (RFC 1994) with CHAP-MD5, MS-CHAPv1 (RFC 2433) and MS-CHAPv2
 * (RFC 2759) — the packet codec (with MS-CHAPv2 Change-Password, RFC 2759 §7), the computations in both roles, MS-CHAP failure-message
 * parsing into typed errors, MD4 and DES, and sans-I/O peer and authenticator machines that
 * hand MPPE its key material as bytes; EAP (RFC 3748 over PPP, RFC 2284) with MD5-Challenge
 * and MS-CHAP-V2 in both roles.
 *
 * @packageDocumentation
 */
export {
  ChapAuthenticator,
  type ChapAuthenticatorOptions,
  type ChapAuthenticatorState,
} from './authenticator.js';
export { challengeResponse } from './challenge-response.js';
export {
  decryptPwBlockWithPasswordHash,
  encryptPwBlockWithPasswordHash,
  newPasswordEncryptedWithOldNtPasswordHash,
  ntPasswordHashEncryptedWithBlock,
  oldNtPasswordHashEncryptedWithNewNtPasswordHash,
  PW_BLOCK_SIZE,
} from './change-password.js';
export { chapMd5Response } from './chap-md5.js';
export {
  CHANGE_PASSWORD_LENGTH,
  CHAP_CODE,
  type ChapChangePasswordPacket,
  type ChapMessagePacket,
  type ChapPacket,
  type ChapValuePacket,
  decodeChapPacket,
  encodeChapPacket,
} from './chap-packet.js';
export { desEncrypt7, desEncryptBlock, expandDesKey } from './des.js';
export {
  EapAuthenticator,
  type EapAuthenticatorOptions,
} from './eap-authenticator.js';
export type { EapErrorCode, EapFailureCode } from './eap-errors.js';
export type {
  EapDiagnostic,
  EapDropReason,
  EapMethod,
  EapOutcome,
  EapStep,
} from './eap-exchange.js';
export {
  decodeEapMd5,
  decodeEapMschapv2,
  decodeEapPacket,
  EAP_CODE,
  EAP_MSCHAPV2_OPCODE,
  EAP_TYPE,
  type EapMd5Data,
  type EapMessagePacket,
  type EapMschapv2Data,
  type EapPacket,
  type EapResultPacket,
  encodeEapMd5,
  encodeEapMschapv2,
  encodeEapPacket,
  isEapResult,
} from './eap-packet.js';
export { EapPeer, type EapPeerOptions } from './eap-peer.js';
export { MSCHAP_FAILURE_CODES, type MschapErrorCode } from './errors.js';
export {
  CHAP_ALGORITHM,
  type ChapAlgorithm,
  type ChapDiagnostic,
  type ChapDropReason,
  type ChapKeyMaterial,
  type ChapMd5Keys,
  type ChapOutcome,
  type ChapStep,
  type Mschapv1Keys,
  type Mschapv2Keys,
  type RandomBytes,
} from './exchange.js';
export {
  formatMschapFailure,
  type MschapFailure,
  type Mschapv2Success,
  mschapFailureToError,
  parseMschapFailure,
  parseMschapv2Success,
} from './failure-message.js';
export { md4 } from './md4.js';
export { ntChallengeResponse } from './mschapv1.js';
export {
  challengeHash,
  checkAuthenticatorResponse,
  generateAuthenticatorResponse,
  generateNtResponse,
  userNameForHash,
} from './mschapv2.js';
export {
  hashNtPasswordHash,
  lmPasswordHash,
  MAX_PASSWORD_LENGTH,
  ntPasswordHash,
  passwordToUtf16le,
  utf16leToPassword,
} from './password.js';
export { ChapPeer, type ChapPeerOptions, type ChapPeerState } from './peer.js';
