import { DecodeError } from './errors.js';

/**
 * A bounds-checked network-byte-order reader over a `Uint8Array`.
 *
 * Every read past the end throws a {@link DecodeError} with the code given at construction and
 * the offset and field name of the failed read. Reads of byte ranges return views, not copies.
 */
export class ByteReader {
  /** Current read position, relative to the start of the view. */
  offset: number;
  readonly #bytes: Uint8Array;
  readonly #truncatedCode: string;

  /**
   * @param bytes - the input; the reader never modifies it.
   * @param truncatedCode - the error code for reads past the end, e.g. `PPTP_TRUNCATED`.
   * @param offset - where to start reading.
   */
  constructor(bytes: Uint8Array, truncatedCode: string, offset = 0) {
    this.#bytes = bytes;
    this.#truncatedCode = truncatedCode;
    this.offset = offset;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#bytes.length - this.offset;
  }

  /** Total length of the input. */
  get length(): number {
    return this.#bytes.length;
  }

  #need(n: number, field: string): number {
    const at = this.offset;
    if (n < 0 || at + n > this.#bytes.length) {
      throw new DecodeError(
        this.#truncatedCode,
        `input ends at byte ${this.#bytes.length} while reading ${field} (${n} bytes at ${at})`,
        { offset: at, field, needed: n, available: this.#bytes.length - at },
      );
    }
    this.offset = at + n;
    return at;
  }

  /** Reads one byte. */
  u8(field: string): number {
    return this.#bytes[this.#need(1, field)]!;
  }

  /** Reads a big-endian 16-bit unsigned integer. */
  u16(field: string): number {
    const at = this.#need(2, field);
    return (this.#bytes[at]! << 8) | this.#bytes[at + 1]!;
  }

  /** Reads a big-endian 24-bit unsigned integer. */
  u24(field: string): number {
    const at = this.#need(3, field);
    return (this.#bytes[at]! << 16) | (this.#bytes[at + 1]! << 8) | this.#bytes[at + 2]!;
  }

  /** Reads a big-endian 32-bit unsigned integer. */
  u32(field: string): number {
    const at = this.#need(4, field);
    const b = this.#bytes;
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  /** Returns a view of the next `n` bytes. */
  bytes(n: number, field: string): Uint8Array {
    const at = this.#need(n, field);
    return this.#bytes.subarray(at, at + n);
  }

  /** Returns a view of everything left. */
  rest(): Uint8Array {
    const at = this.offset;
    this.offset = this.#bytes.length;
    return this.#bytes.subarray(at);
  }

  /** Skips `n` bytes. */
  skip(n: number, field: string): void {
    this.#need(n, field);
  }

  /** Returns the byte at `offset + ahead` without consuming it, or `undefined` past the end. */
  peek(ahead = 0): number | undefined {
    return this.#bytes[this.offset + ahead];
  }
}
