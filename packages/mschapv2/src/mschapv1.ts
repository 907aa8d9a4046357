/**
 * MS-CHAPv1 computations and the Response value layout (RFC 2433).
 *
 * @module
 */
import { challengeResponse } from './challenge-response.js';

/**
 * RFC 2433 §A.5 NtChallengeResponse: ChallengeResponse of the 8-byte challenge under the NT
 * password hash.
 *
 * @param challenge - the authenticator's 8-byte challenge.
 * @param passwordHash - NtPasswordHash of the password.
 * @returns a new 24-byte response.
 */
export function ntChallengeResponse(challenge: Uint8Array, passwordHash: Uint8Array): Uint8Array {
  return challengeResponse(challenge, passwordHash);
}

/** Length of an MS-CHAPv1 Response value (RFC 2433 §2: 24 LM + 24 NT + 1 flag). */
export const MSCHAPV1_RESPONSE_SIZE = 49;

/** The fields of an MS-CHAPv1 Response value (RFC 2433 §2). */
export interface Mschapv1ResponseValue {
  /** LAN Manager compatible response, 24 bytes (pptpkit sends zeros). */
  readonly lmResponse: Uint8Array;
  /** Windows NT compatible response, 24 bytes. */
  readonly ntResponse: Uint8Array;
  /** The "use Windows NT response" flag. */
  readonly useNt: boolean;
}

/** Encodes an MS-CHAPv1 Response value; pptpkit never sends LM responses (all zero). */
export function encodeMschapv1ResponseValue(ntResponse: Uint8Array): Uint8Array {
  const out = new Uint8Array(MSCHAPV1_RESPONSE_SIZE);
  out.set(ntResponse, 24);
  out[48] = 1;
  return out;
}

/** Splits a 49-byte MS-CHAPv1 Response value into its fields (views, not copies). */
export function decodeMschapv1ResponseValue(value: Uint8Array): Mschapv1ResponseValue {
  return {
    lmResponse: value.subarray(0, 24),
    ntResponse: value.subarray(24, 48),
    useNt: value[48] === 1,
  };
}
