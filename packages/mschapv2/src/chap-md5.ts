/**
 * CHAP with MD5 (RFC 1994 §4.1, algorithm 5).
 *
 * @module
 */
import { md5 } from '@noble/hashes/legacy.js';

/**
 * The CHAP-MD5 Response value: MD5 of Identifier ‖ secret ‖ Challenge (RFC 1994 §4.1 and §2).
 *
 * @param identifier - the Challenge's Identifier, 0–255.
 * @param secret - the shared secret's bytes (pptpkit uses the UTF-8 of the password).
 * @param challenge - the Challenge's Value.
 * @returns a new 16-byte digest.
 */
export function chapMd5Response(
  identifier: number,
  secret: Uint8Array,
  challenge: Uint8Array,
): Uint8Array {
  return md5
    .create()
    .update(Uint8Array.of(identifier & 0xff))
    .update(secret)
    .update(challenge)
    .digest();
}
