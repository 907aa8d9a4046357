/**
 * The DES-based ChallengeResponse shared by MS-CHAPv1 and MS-CHAPv2 (RFC 2759 §8.5,
 * RFC 2433 §A.5).
 *
 * @module
 */
import { desEncrypt7 } from './des.js';

/**
 * RFC 2759 §8.5 ChallengeResponse: the 16-byte password hash zero-padded to 21 bytes gives
 * three 7-byte DES keys, each encrypting the 8-byte challenge.
 *
 * @param challenge - 8 bytes.
 * @param passwordHash - the 16-byte NT password hash.
 * @returns a new 24-byte response.
 * @throws RangeError on wrong input lengths.
 */
export function challengeResponse(challenge: Uint8Array, passwordHash: Uint8Array): Uint8Array {
  if (challenge.length !== 8) throw new RangeError('ChallengeResponse needs an 8-byte challenge');
  if (passwordHash.length !== 16) throw new RangeError('ChallengeResponse needs a 16-byte hash');
  const z = new Uint8Array(21);
  z.set(passwordHash);
  const out = new Uint8Array(24);
  for (let i = 0; i < 3; i++) out.set(desEncrypt7(challenge, z.subarray(i * 7, i * 7 + 7)), i * 8);
  return out;
}
