/**
 * Single-block DES encryption (FIPS 46-3) and the MS-CHAP 7-byte key form (RFC 2759 §8.6).
 *
 * MS-CHAP only ever encrypts a few 8-byte blocks per authentication, so this is a plain,
 * table-driven bit-level implementation chosen for clarity, not speed. Written here because
 * OpenSSL 3 (and so `node:crypto`) refuses `des-ecb` without the legacy provider.
 *
 * @module
 */

/** Initial permutation IP (FIPS 46-3), 1-based bit positions. */
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64,
  56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53,
  45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];

/** Final permutation IP⁻¹. */
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37,
  5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2,
  42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];

/** Expansion E: 32 → 48 bits. */
const E = [
  32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19,
  20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];

/** Permutation P applied to the S-box output. */
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13,
  30, 6, 22, 11, 4, 25,
];

/** Permuted choice 1: 64-bit key → 56 bits (parity bits dropped). */
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60,
  52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21,
  13, 5, 28, 20, 12, 4,
];

/** Permuted choice 2: 56 → 48-bit round key. */
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52,
  31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];

/** Left rotations of the key halves per round. */
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/** The eight S-boxes, each 4 rows × 16 columns. */
const S = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11,
    9, 5, 3, 8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5,
    11, 3, 14, 10, 0, 6, 13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10,
    6, 9, 11, 5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2,
    11, 6, 7, 12, 0, 5, 14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12,
    11, 15, 1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4,
    15, 14, 3, 11, 5, 2, 12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1,
    10, 14, 9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9,
    4, 5, 11, 12, 7, 2, 14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10,
    3, 9, 8, 6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6,
    15, 0, 9, 10, 4, 5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14,
    0, 11, 3, 8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10,
    11, 14, 1, 7, 6, 0, 8, 13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12,
    2, 15, 8, 6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9,
    5, 0, 15, 14, 2, 3, 12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11,
    0, 14, 9, 2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13,
    15, 12, 9, 0, 3, 5, 6, 11,
  ],
];

/** Unpacks bytes into one array entry (0 or 1) per bit, most significant bit first. */
function toBits(bytes: Uint8Array): Uint8Array {
  const bits = new Uint8Array(bytes.length * 8);
  for (let i = 0; i < bits.length; i++) bits[i] = (bytes[i >>> 3]! >>> (7 - (i & 7))) & 1;
  return bits;
}

/** Applies a 1-based permutation table to a bit array. */
function permute(bits: Uint8Array, table: readonly number[]): Uint8Array {
  const out = new Uint8Array(table.length);
  for (let i = 0; i < table.length; i++) out[i] = bits[table[i]! - 1]!;
  return out;
}

/** The sixteen 48-bit round keys of a 64-bit DES key. */
function roundKeys(key: Uint8Array): Uint8Array[] {
  const cd = permute(toBits(key), PC1);
  const c = Array.from(cd.subarray(0, 28));
  const d = Array.from(cd.subarray(28));
  const keys: Uint8Array[] = [];
  for (const shift of SHIFTS) {
    for (let s = 0; s < shift; s++) {
      c.push(c.shift()!);
      d.push(d.shift()!);
    }
    keys.push(permute(Uint8Array.from([...c, ...d]), PC2));
  }
  return keys;
}

/** The cipher function f(R, K) of FIPS 46-3. */
function feistel(right: Uint8Array, key: Uint8Array): Uint8Array {
  const x = permute(right, E);
  for (let i = 0; i < 48; i++) x[i]! ^= key[i]!;
  const sOut = new Uint8Array(32);
  for (let box = 0; box < 8; box++) {
    const o = box * 6;
    const row = (x[o]! << 1) | x[o + 5]!;
    const col = (x[o + 1]! << 3) | (x[o + 2]! << 2) | (x[o + 3]! << 1) | x[o + 4]!;
    const v = S[box]![row * 16 + col]!;
    for (let b = 0; b < 4; b++) sOut[box * 4 + b] = (v >>> (3 - b)) & 1;
  }
  return permute(sOut, P);
}

/**
 * Encrypts one 8-byte block with single DES under an 8-byte key (parity bits ignored).
 *
 * @param key - 8 bytes.
 * @param block - 8 bytes of plaintext.
 * @returns a new 8-byte ciphertext.
 * @throws RangeError if `key` or `block` is not 8 bytes.
 */
export function desEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  if (key.length !== 8) throw new RangeError('DES key must be 8 bytes');
  if (block.length !== 8) throw new RangeError('DES block must be 8 bytes');
  const keys = roundKeys(key);
  const bits = permute(toBits(block), IP);
  let left: Uint8Array = bits.slice(0, 32);
  let right: Uint8Array = bits.slice(32);
  for (const k of keys) {
    const f = feistel(right, k);
    for (let i = 0; i < 32; i++) f[i]! ^= left[i]!;
    left = right;
    right = f;
  }
  const preOutput = new Uint8Array(64);
  preOutput.set(right);
  preOutput.set(left, 32);
  const outBits = permute(preOutput, FP);
  const out = new Uint8Array(8);
  for (let i = 0; i < 64; i++) out[i >>> 3]! |= outBits[i]! << (7 - (i & 7));
  return out;
}

/**
 * Expands a 7-byte (56-bit) key into the 8-byte DES form by inserting an odd-parity bit as the
 * low bit of every byte (RFC 2759 §8.6 DesEncrypt, example in RFC 2759 §9.3).
 *
 * @param key7 - 7 bytes.
 * @returns a new 8-byte key with odd parity.
 * @throws RangeError if `key7` is not 7 bytes.
 */
export function expandDesKey(key7: Uint8Array): Uint8Array {
  if (key7.length !== 7) throw new RangeError('7-byte DES key expected');
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    // Bits 7i .. 7i+6 of the 56-bit key, most significant first.
    let v = 0;
    for (let b = 0; b < 7; b++) {
      const bit = i * 7 + b;
      v = (v << 1) | ((key7[bit >>> 3]! >>> (7 - (bit & 7))) & 1);
    }
    let ones = 0;
    for (let t = v; t !== 0; t >>>= 1) ones += t & 1;
    out[i] = (v << 1) | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

/**
 * RFC 2759 §8.6 DesEncrypt: encrypts 8 bytes of `clear` with single DES under a 7-byte key
 * expanded by {@link expandDesKey}.
 *
 * @param clear - 8 bytes.
 * @param key7 - 7 bytes.
 * @returns a new 8-byte ciphertext.
 */
export function desEncrypt7(clear: Uint8Array, key7: Uint8Array): Uint8Array {
  return desEncryptBlock(expandDesKey(key7), clear);
}
