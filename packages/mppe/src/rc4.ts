/**
 * RC4 (the "ARCFOUR" stream cipher used by MPPE, RFC 3078 §5–§6), written for the data path:
 * the state is one 256-byte `Uint8Array`, keying and encryption work in place on caller buffers,
 * and nothing is allocated after construction.
 */

/**
 * The permutation being worked on. Every call copies its instance's state in and out (2 × 256
 * bytes) so that the byte loop runs on one module-wide array: the JIT can then treat the array as
 * a constant (known length, no bounds checks on `& 255` indexes), which measured about 1.5× faster
 * than a per-instance array on Node 20. JavaScript is single-threaded, so sharing it is safe.
 */
const work = new Uint8Array(256);

/** The identity permutation every key schedule starts from. */
const IDENTITY = Uint8Array.from({ length: 256 }, (_, k) => k);

/** RC4 key schedule of `key[offset .. offset + length)` into {@link work}; no checks. */
function schedule(key: Uint8Array, offset: number, length: number): void {
  const s = work;
  s.set(IDENTITY);
  let j = 0;
  let ki = offset;
  const kend = offset + length;
  for (let i = 0; i < 256; i++) {
    const si = s[i]!;
    j = (j + si + key[ki]!) & 255;
    s[i] = s[j]!;
    s[j] = si;
    if (++ki === kend) ki = offset;
  }
}

/**
 * `key[0 .. length) = rc4(key, key)`: keys RC4 with the bytes and encrypts them in place with
 * the fresh keystream, as the RFC 3078 §7.3 key change does with the interim key. Touches no
 * cipher instance. Internal to the package.
 */
export function rc4SelfEncrypt(key: Uint8Array, length: number): void {
  schedule(key, 0, length);
  const s = work;
  let j = 0;
  for (let i = 1; i <= length; i++) {
    const si = s[i]!;
    j = (j + si) & 255;
    const sj = s[j]!;
    s[i] = sj;
    s[j] = si;
    key[i - 1] = key[i - 1]! ^ s[(si + sj) & 255]!;
  }
}

/** RC4 cipher state (see the module description). */
export class Rc4 {
  readonly #s: Uint8Array = new Uint8Array(256);
  #i = 0;
  #j = 0;

  /**
   * Runs the RC4 key schedule with `key[offset .. offset + length)`.
   *
   * @throws RangeError when the key is empty, longer than 256 bytes or outside `key`.
   */
  setKey(key: Uint8Array, offset = 0, length: number = key.length - offset): void {
    if (length < 1 || length > 256 || offset < 0 || offset + length > key.length) {
      throw new RangeError('RC4 key must be 1 to 256 bytes inside the given buffer');
    }
    schedule(key, offset, length);
    this.#s.set(work);
    this.#i = 0;
    this.#j = 0;
  }

  /** Takes over `other`'s state (its permutation and indexes), as if keyed and run alike. */
  copyFrom(other: Rc4): void {
    this.#s.set(other.#s);
    this.#i = other.#i;
    this.#j = other.#j;
  }

  /**
   * Writes the next `length` bytes of keystream to `dst[dstOffset ..]` (what `process` would XOR
   * over them), moving the state on as far. Bounds are the caller's job.
   */
  keystream(dst: Uint8Array, dstOffset: number, length: number): void {
    const s = work;
    s.set(this.#s);
    let i = this.#i;
    let j = this.#j;
    for (let d = dstOffset, end = dstOffset + length; d < end; d++) {
      i = (i + 1) & 255;
      const si = s[i]!;
      j = (j + si) & 255;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      dst[d] = s[(si + sj) & 255]!;
    }
    this.#s.set(s);
    this.#i = i;
    this.#j = j;
  }

  /**
   * XORs `length` bytes of keystream over `src[srcOffset ..]` into `dst[dstOffset ..]`
   * (encryption and decryption are the same operation). `dst` may be `src`: the output may
   * start at or before the input (`dstOffset <= srcOffset`), never after it.
   *
   * Bounds are the caller's job on this hot path; the public encryptor/decryptor check them.
   */
  process(
    src: Uint8Array,
    srcOffset: number,
    dst: Uint8Array,
    dstOffset: number,
    length: number,
  ): void {
    const s = work;
    s.set(this.#s);
    let i = this.#i;
    let j = this.#j;
    let d = dstOffset;
    for (let k = srcOffset, end = srcOffset + length; k < end; k++, d++) {
      i = (i + 1) & 255;
      const si = s[i]!;
      j = (j + si) & 255;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      dst[d] = src[k]! ^ s[(si + sj) & 255]!;
    }
    this.#s.set(s);
    this.#i = i;
    this.#j = j;
  }
}
