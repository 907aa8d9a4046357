/**
 * MD4 (RFC 1320), needed by MS-CHAP's NtPasswordHash (RFC 2759 §8.3, RFC 2433 §A.2).
 *
 * Written here because OpenSSL 3 (and so `node:crypto`) refuses MD4 without the legacy
 * provider, and protocol packages must not import `node:*` anyway.
 *
 * @module
 */

/** Rotates a 32-bit value left by `s` bits. */
function rotl(x: number, s: number): number {
  return (x << s) | (x >>> (32 - s));
}

/** Round 2 and round 3 additive constants (RFC 1320 §3.4). */
const K2 = 0x5a827999;
const K3 = 0x6ed9eba1;

/**
 * Computes the MD4 digest (RFC 1320) of `message`.
 *
 * @returns a new 16-byte digest.
 */
export function md4(message: Uint8Array): Uint8Array {
  const length = message.length;
  // RFC 1320 §3.1–3.2: pad with 0x80, zeros to 56 mod 64, then the bit length (64-bit LE).
  const padded = new Uint8Array((((length + 8) >>> 6) + 1) << 6);
  padded.set(message);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, (length << 3) >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(length / 0x20000000), true);

  // RFC 1320 §3.3: initial state.
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Int32Array(16);

  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getInt32(block + i * 4, true);
    const aa = a;
    const bb = b;
    const cc = c;
    const dd = d;

    // Round 1: F(x,y,z) = xy v not(x) z, shifts 3 7 11 19.
    for (let i = 0; i < 16; i += 4) {
      a = rotl((a + ((b & c) | (~b & d)) + x[i]!) | 0, 3);
      d = rotl((d + ((a & b) | (~a & c)) + x[i + 1]!) | 0, 7);
      c = rotl((c + ((d & a) | (~d & b)) + x[i + 2]!) | 0, 11);
      b = rotl((b + ((c & d) | (~c & a)) + x[i + 3]!) | 0, 19);
    }
    // Round 2: G(x,y,z) = xy v xz v yz, word order by column, shifts 3 5 9 13.
    for (let i = 0; i < 4; i++) {
      a = rotl((a + ((b & c) | (b & d) | (c & d)) + x[i]! + K2) | 0, 3);
      d = rotl((d + ((a & b) | (a & c) | (b & c)) + x[i + 4]! + K2) | 0, 5);
      c = rotl((c + ((d & a) | (d & b) | (a & b)) + x[i + 8]! + K2) | 0, 9);
      b = rotl((b + ((c & d) | (c & a) | (d & a)) + x[i + 12]! + K2) | 0, 13);
    }
    // Round 3: H(x,y,z) = x xor y xor z, word order 0 2 1 3, shifts 3 9 11 15.
    for (const i of [0, 2, 1, 3]) {
      a = rotl((a + (b ^ c ^ d) + x[i]! + K3) | 0, 3);
      d = rotl((d + (a ^ b ^ c) + x[i + 8]! + K3) | 0, 9);
      c = rotl((c + (d ^ a ^ b) + x[i + 4]! + K3) | 0, 11);
      b = rotl((b + (c ^ d ^ a) + x[i + 12]! + K3) | 0, 15);
    }

    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }

  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  outView.setInt32(0, a, true);
  outView.setInt32(4, b, true);
  outView.setInt32(8, c, true);
  outView.setInt32(12, d, true);
  return out;
}
