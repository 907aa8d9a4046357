/**
 * Password encodings and the password hashes of MS-CHAP: NtPasswordHash, HashNtPasswordHash
 * (RFC 2759 §8.3–8.4, RFC 2433 §A.2) and LmPasswordHash (RFC 2433 §A.1).
 *
 * @module
 */
import { AuthenticationError, encodeUtf8 } from '@pptpkit/wire';
import { desEncrypt7 } from './des.js';
import type { MschapErrorCode } from './errors.js';
import { md4 } from './md4.js';

/** The longest password MS-CHAP accepts, in UTF-16 code units (RFC 2759 §8.3: 0 to 256). */
export const MAX_PASSWORD_LENGTH: 256 = 256;

/**
 * Encodes a password as UTF-16LE (the "Unicode" of RFC 2759 §8.3).
 *
 * @throws AuthenticationError `MSCHAP_PASSWORD_TOO_LONG` if the password has more than
 *   {@link MAX_PASSWORD_LENGTH} UTF-16 code units. The message never contains the password.
 */
export function passwordToUtf16le(password: string): Uint8Array {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AuthenticationError<MschapErrorCode>(
      'MSCHAP_PASSWORD_TOO_LONG',
      `MS-CHAP passwords are limited to ${MAX_PASSWORD_LENGTH} characters`,
      { details: { maxLength: MAX_PASSWORD_LENGTH } },
    );
  }
  const out = new Uint8Array(password.length * 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    out[i * 2] = unit & 0xff;
    out[i * 2 + 1] = unit >>> 8;
  }
  return out;
}

/**
 * Decodes UTF-16LE bytes (an even number of them) into a string: the inverse of
 * {@link passwordToUtf16le}, for the new password of an MS-CHAPv2 Change-Password.
 */
export function utf16leToPassword(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2)
    out += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
  return out;
}

/**
 * RFC 2759 §8.3 NtPasswordHash: MD4 of the UTF-16LE password.
 *
 * @returns a new 16-byte hash.
 * @throws AuthenticationError `MSCHAP_PASSWORD_TOO_LONG` (see {@link passwordToUtf16le}).
 */
export function ntPasswordHash(password: string): Uint8Array {
  return md4(passwordToUtf16le(password));
}

/**
 * RFC 2759 §8.4 HashNtPasswordHash: MD4 of the 16-byte NT password hash.
 *
 * @returns a new 16-byte hash.
 */
export function hashNtPasswordHash(passwordHash: Uint8Array): Uint8Array {
  return md4(passwordHash);
}

/** RFC 2433 §A.1 "StdText", the block DesHash encrypts. */
const LM_MAGIC = encodeUtf8('KGS!@#$%');

/**
 * RFC 2433 §A.1 LmPasswordHash, needed for MPPE 40/56-bit keys from MS-CHAPv1 (RFC 3079 §2).
 *
 * The password's UTF-8 bytes have ASCII `a`–`z` upper-cased and are cut or zero-padded to 14
 * bytes (as pppd does); each 7-byte half is the DES key that encrypts `KGS!@#$%`. The RFC's
 * "OEM code page" is not modelled: non-ASCII passwords give pppd's result, not Windows'.
 *
 * @returns a new 16-byte hash.
 */
export function lmPasswordHash(password: string): Uint8Array {
  const upper = new Uint8Array(14);
  const bytes = encodeUtf8(password);
  for (let i = 0; i < 14 && i < bytes.length; i++) {
    const b = bytes[i]!;
    upper[i] = b >= 0x61 && b <= 0x7a ? b - 0x20 : b;
  }
  const out = new Uint8Array(16);
  out.set(desEncrypt7(LM_MAGIC, upper.subarray(0, 7)), 0);
  out.set(desEncrypt7(LM_MAGIC, upper.subarray(7, 14)), 8);
  return out;
}
