/**
 * RC4, needed by MS-CHAPv2's EncryptPwBlockWithPasswordHash (RFC 2759 §8.11).
 *
 * @module
 */

/**
 * RC4-encrypts (or decrypts: the operation is its own inverse) `data` with `key`.
 *
 * @param key - 1 to 256 bytes.
 * @returns a new buffer of `data.length` bytes.
 */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}
