/**
 * MS-CHAPv2 password change computations (RFC 2759 §8.9–8.13): the PWBLOCK holding the new
 * password encrypted with the old NT password hash, and the old hash encrypted with the new.
 *
 * @module
 */
import { desEncrypt7 } from './des.js';
import { rc4 } from './rc4.js';

/** Size of a PWBLOCK (RFC 2759 §8.9): 256 UTF-16 code units of password, then a 4-octet length. */
export const PW_BLOCK_SIZE = 516;

/** Bytes of the Password part of a PWBLOCK. */
const PASSWORD_AREA = 512;

/**
 * RFC 2759 §8.10 EncryptPwBlockWithPasswordHash: `fill` (the random octets the RFC fills the
 * block with) gets the password right-aligned in its first 512 bytes and the password's byte
 * length, little-endian, in the last 4; the whole is RC4-encrypted with `passwordHash`.
 *
 * @param password - the password as UTF-16LE (see `passwordToUtf16le`), at most 512 bytes.
 * @param passwordHash - the 16-byte key.
 * @param fill - 516 random bytes; not modified.
 * @returns a new 516-byte encrypted PWBLOCK.
 * @throws RangeError on wrong input lengths.
 */
export function encryptPwBlockWithPasswordHash(
  password: Uint8Array,
  passwordHash: Uint8Array,
  fill: Uint8Array,
): Uint8Array {
  if (password.length > PASSWORD_AREA || password.length % 2 !== 0) {
    throw new RangeError('the password must be 0 to 256 UTF-16 code units');
  }
  if (passwordHash.length !== 16) throw new RangeError('the password hash must be 16 bytes');
  if (fill.length !== PW_BLOCK_SIZE)
    throw new RangeError(`the fill must be ${PW_BLOCK_SIZE} bytes`);
  const clear = fill.slice();
  clear.set(password, PASSWORD_AREA - password.length);
  new DataView(clear.buffer).setUint32(PASSWORD_AREA, password.length, true);
  return rc4(passwordHash, clear);
}

/**
 * The inverse of {@link encryptPwBlockWithPasswordHash}, as the authenticator needs it: RC4-
 * decrypts the block and extracts the password.
 *
 * @returns the password as UTF-16LE bytes (a new buffer), or `undefined` when the decrypted
 *   length is odd or over 512 — a wrong old password hash or a corrupted block. Never throws
 *   on the block's content.
 * @throws RangeError if `block` is not 516 bytes or `passwordHash` not 16.
 */
export function decryptPwBlockWithPasswordHash(
  block: Uint8Array,
  passwordHash: Uint8Array,
): Uint8Array | undefined {
  if (block.length !== PW_BLOCK_SIZE) throw new RangeError(`a PWBLOCK is ${PW_BLOCK_SIZE} bytes`);
  if (passwordHash.length !== 16) throw new RangeError('the password hash must be 16 bytes');
  const clear = rc4(passwordHash, block);
  const length = new DataView(clear.buffer).getUint32(PASSWORD_AREA, true);
  if (length > PASSWORD_AREA || length % 2 !== 0) return undefined;
  return clear.slice(PASSWORD_AREA - length, PASSWORD_AREA);
}

/**
 * RFC 2759 §8.9 NewPasswordEncryptedWithOldNtPasswordHash, taking the old NT password hash
 * instead of the old password (the same value: the RFC hashes the old password first).
 *
 * @param newPassword - UTF-16LE, at most 512 bytes.
 * @param oldPasswordHash - NtPasswordHash of the old password.
 * @param fill - 516 random bytes.
 * @returns a new 516-byte encrypted PWBLOCK.
 */
export function newPasswordEncryptedWithOldNtPasswordHash(
  newPassword: Uint8Array,
  oldPasswordHash: Uint8Array,
  fill: Uint8Array,
): Uint8Array {
  return encryptPwBlockWithPasswordHash(newPassword, oldPasswordHash, fill);
}

/**
 * RFC 2759 §8.13 NtPasswordHashEncryptedWithBlock: each 8-byte half of `passwordHash`
 * DES-encrypted with the matching 7 bytes of `block`.
 *
 * @returns a new 16-byte value.
 * @throws RangeError unless both inputs are 16 bytes.
 */
export function ntPasswordHashEncryptedWithBlock(
  passwordHash: Uint8Array,
  block: Uint8Array,
): Uint8Array {
  if (passwordHash.length !== 16 || block.length !== 16) {
    throw new RangeError('NtPasswordHashEncryptedWithBlock needs two 16-byte inputs');
  }
  const out = new Uint8Array(16);
  out.set(desEncrypt7(passwordHash.subarray(0, 8), block.subarray(0, 7)), 0);
  out.set(desEncrypt7(passwordHash.subarray(8, 16), block.subarray(7, 14)), 8);
  return out;
}

/**
 * RFC 2759 §8.12 OldNtPasswordHashEncryptedWithNewNtPasswordHash, taking both NT password
 * hashes instead of the passwords.
 *
 * @returns a new 16-byte Encrypted-Hash.
 */
export function oldNtPasswordHashEncryptedWithNewNtPasswordHash(
  newPasswordHash: Uint8Array,
  oldPasswordHash: Uint8Array,
): Uint8Array {
  return ntPasswordHashEncryptedWithBlock(oldPasswordHash, newPasswordHash);
}
