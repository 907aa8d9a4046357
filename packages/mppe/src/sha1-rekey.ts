/**
 * An allocation-free SHA-1 (FIPS 180-1) for messages of at most 119 bytes (two blocks), which
 * covers RFC 3078 §7.3 `GetNewKeyFromSHA` (8 or 16 + 40 + 8 or 16 + 40 bytes). The data path
 * re-keys on every stateless packet, so this avoids the per-call hasher objects of a general
 * library. Not exported from the package; tests cross-check it against `node:crypto`.
 */

/** Largest message this SHA-1 accepts: two blocks minus the 0x80 byte and 8-byte length. */
export const SHA1_SMALL_MAX = 119;

const block = new Uint8Array(128);
const w = new Int32Array(80);
const h = new Int32Array(5);

function compress(offset: number): void {
  for (let t = 0; t < 16; t++) {
    const p = offset + t * 4;
    w[t] = (block[p]! << 24) | (block[p + 1]! << 16) | (block[p + 2]! << 8) | block[p + 3]!;
  }
  for (let t = 16; t < 80; t++) {
    const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
    w[t] = (x << 1) | (x >>> 31);
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let t = 0;
  for (; t < 20; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 40; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 60; t++) {
    const tmp =
      (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 80; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
}

/** Hashes the first `length` bytes of the internal block buffer and writes `outLength` bytes. */
function finish(length: number, out: Uint8Array, outOffset: number, outLength: number): void {
  block[length] = 0x80;
  const blocks = length + 9 <= 64 ? 1 : 2;
  const total = blocks * 64;
  block.fill(0, length + 1, total);
  const bits = length * 8;
  block[total - 2] = bits >>> 8;
  block[total - 1] = bits & 0xff;
  h[0] = 0x67452301;
  h[1] = 0xefcdab89;
  h[2] = 0x98badcfe;
  h[3] = 0x10325476;
  h[4] = 0xc3d2e1f0;
  compress(0);
  if (blocks === 2) compress(64);
  for (let k = 0; k < outLength; k++)
    out[outOffset + k] = (h[k >> 2]! >>> (24 - (k & 3) * 8)) & 0xff;
}

/**
 * SHA-1 of `data[0 .. length)` (at most {@link SHA1_SMALL_MAX} bytes); writes the first
 * `outLength` (≤ 20) digest bytes to `out[outOffset ..]`.
 */
export function sha1Small(
  data: Uint8Array,
  length: number,
  out: Uint8Array,
  outOffset = 0,
  outLength = 20,
): void {
  if (length > SHA1_SMALL_MAX || length > data.length || outLength > 20) {
    throw new RangeError('sha1Small handles at most 119 input and 20 output bytes');
  }
  for (let k = 0; k < length; k++) block[k] = data[k]!;
  finish(length, out, outOffset, outLength);
}

/**
 * RFC 3078 §7.3 `GetNewKeyFromSHA`: `SHA1(StartKey | 40×00 | SessionKey | 40×F2)` truncated to
 * `length` bytes, written to `out[outOffset ..]` (which may be `session`). Allocation-free.
 */
export function getNewKeyFromShaInto(
  start: Uint8Array,
  session: Uint8Array,
  length: number,
  out: Uint8Array,
  outOffset = 0,
): void {
  let p = 0;
  for (let k = 0; k < length; k++) block[p++] = start[k]!;
  for (let k = 0; k < 40; k++) block[p++] = 0;
  for (let k = 0; k < length; k++) block[p++] = session[k]!;
  for (let k = 0; k < 40; k++) block[p++] = 0xf2;
  finish(p, out, outOffset, length);
}
