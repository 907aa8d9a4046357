/**
 * A growable network-byte-order writer for control-plane messages.
 *
 * Not for per-packet paths: those write into caller-provided buffers directly.
 */
export class ByteWriter {
  #buf: Uint8Array;
  #length = 0;

  /** @param capacity - initial capacity in bytes. */
  constructor(capacity = 64) {
    this.#buf = new Uint8Array(Math.max(1, capacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  #reserve(n: number): number {
    const at = this.#length;
    if (at + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, at + n));
      next.set(this.#buf.subarray(0, at));
      this.#buf = next;
    }
    this.#length = at + n;
    return at;
  }

  #checkRange(value: number, bits: number): void {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
      throw new RangeError(`value ${value} does not fit in ${bits} unsigned bits`);
    }
  }

  /** Appends one byte. */
  u8(value: number): this {
    this.#checkRange(value, 8);
    this.#buf[this.#reserve(1)] = value;
    return this;
  }

  /** Appends a big-endian 16-bit unsigned integer. */
  u16(value: number): this {
    this.#checkRange(value, 16);
    const at = this.#reserve(2);
    this.#buf[at] = value >>> 8;
    this.#buf[at + 1] = value;
    return this;
  }

  /** Appends a big-endian 24-bit unsigned integer. */
  u24(value: number): this {
    this.#checkRange(value, 24);
    const at = this.#reserve(3);
    this.#buf[at] = value >>> 16;
    this.#buf[at + 1] = value >>> 8;
    this.#buf[at + 2] = value;
    return this;
  }

  /** Appends a big-endian 32-bit unsigned integer. */
  u32(value: number): this {
    this.#checkRange(value, 32);
    const at = this.#reserve(4);
    this.#buf[at] = value >>> 24;
    this.#buf[at + 1] = value >>> 16;
    this.#buf[at + 2] = value >>> 8;
    this.#buf[at + 3] = value;
    return this;
  }

  /** Appends bytes. */
  bytes(value: Uint8Array): this {
    const at = this.#reserve(value.length);
    this.#buf.set(value, at);
    return this;
  }

  /** Appends `n` zero bytes. */
  zeros(n: number): this {
    const at = this.#reserve(n);
    this.#buf.fill(0, at, at + n);
    return this;
  }

  /** Overwrites a big-endian 16-bit value at `offset` (e.g. a length field written last). */
  setU16(offset: number, value: number): this {
    this.#checkRange(value, 16);
    if (offset < 0 || offset + 2 > this.#length)
      throw new RangeError('setU16 outside written bytes');
    this.#buf[offset] = value >>> 8;
    this.#buf[offset + 1] = value;
    return this;
  }

  /** Returns a copy of the bytes written. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#length);
  }
}
