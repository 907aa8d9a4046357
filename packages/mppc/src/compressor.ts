/**
 * The RFC 2118 compressor: packet in, flags + payload out, 8192-byte history.
 *
 * @module
 */
import { MPPC_FLAGS, MPPC_HISTORY_SIZE } from './constants.js';

/** Bits of the hash over 3-byte prefixes used to find matches. */
const HASH_BITS = 13;
/** Multiplicative hashing of the 3 bytes: `imul(bytes, HASH_MUL) >>> HASH_SHIFT`. */
const HASH_MUL = 0x9e3779b1;
/** Keeps the top HASH_BITS bits of the product. */
const HASH_SHIFT = 32 - HASH_BITS;
/** How many earlier positions with the same hash are tried per position. */
const MAX_CHAIN = 8;
/** A match this long is taken without looking for a longer one. */
const GOOD_ENOUGH = 64;
/** Literals in a row (as a power of two) before positions start being skipped. */
const SKIP_SHIFT = 5;
/** The most bytes emitted as literals per search once skipping. */
const MAX_SKIP = 9;
/** Longest copy length the RFC 2118 length code can carry (4096–8191 class). */
const MAX_MATCH = 8191;

/** Options of {@link MppcCompressor}. */
export interface MppcCompressorOptions {
  /**
   * How many earlier positions with the same 3-byte hash are tried per position (1 to 64;
   * default 8). Higher compresses a little better and runs slower.
   */
  readonly chainLength?: number;
}

/**
 * Compresses packets with MPPC (RFC 2118 §3–§4), keeping the 8192-byte history across packets.
 *
 * Each call to {@link compress} writes the payload to a caller-provided buffer and returns its
 * length; {@link flags} then holds the A/B/C flags to put in the header (by the MPPE encryptor,
 * or by {@link MppcFramedCompressor} for MPPC alone). The compressor:
 *
 * - restarts at the front of the history (B) when the packet would not fit behind the bytes
 *   already there;
 * - sends a packet uncompressed (C clear, the bytes copied as they are) when compressing it
 *   would make it longer, resets its history and sets A on the next packet (RFC 2118 §3–§4,
 *   as FreeBSD ng_mppc does; the receiver leaves its history alone for an uncompressed packet);
 * - on {@link reset} (a CCP Reset-Request from the peer) resets its history and sets A on the
 *   next packet.
 *
 * Matches are found through a hash table over 3-byte prefixes with short chains; in long runs
 * without a match, positions are skipped progressively (incompressible data costs little). No
 * memory is allocated per packet.
 *
 * @example
 * ```ts
 * const c = new MppcCompressor();
 * const out = new Uint8Array(packet.length);
 * const n = c.compress(packet, out);
 * send(c.flags, out.subarray(0, n));
 * ```
 */
export class MppcCompressor {
  readonly #history = new Uint8Array(MPPC_HISTORY_SIZE);
  /** 1 + the latest history index with a given hash; 0 means none since the last restart. */
  readonly #heads = new Uint16Array(1 << HASH_BITS);
  /** 1 + the previous history index with the same hash as this index; 0 means none. */
  readonly #prev = new Uint16Array(MPPC_HISTORY_SIZE);
  readonly #chainLength: number;
  /** Next history index to fill. */
  #pos = 0;
  /** Set A on the next packet (not on the first: both histories start empty). */
  #flushPending = false;
  #flags = 0;

  /**
   * @param options - match-finder tuning.
   * @throws RangeError when `chainLength` is out of range.
   */
  constructor(options: MppcCompressorOptions = {}) {
    const chainLength = options.chainLength ?? MAX_CHAIN;
    if (!Number.isInteger(chainLength) || chainLength < 1 || chainLength > 64) {
      throw new RangeError('chainLength must be an integer from 1 to 64');
    }
    this.#chainLength = chainLength;
  }

  /**
   * The flags of the last packet {@link compress} produced: `MPPC_FLAGS` bits A (`0x80`), B
   * (`0x40`) and C (`0x20`). 0 before the first packet.
   */
  get flags(): number {
    return this.#flags;
  }

  /**
   * The CCP Reset-Request path (RFC 1962 §3.1, RFC 2118 §4.3): the history is reset and the
   * next packet carries the A (flushed) flag.
   */
  reset(): void {
    this.#flushPending = true;
  }

  /**
   * Compresses one packet.
   *
   * @param input - the packet (PPP protocol field and data), at most 8192 bytes.
   * @param output - receives the payload from `outputOffset`; must hold at least
   *   `input.length` bytes there (an uncompressed packet is copied there too, so the payload
   *   is always in `output`). It may be the same memory as `input` (compression in place).
   * @param outputOffset - where the payload starts in `output` (default 0), e.g. 2 to leave
   *   room for the header that MPPE or {@link MppcFramedCompressor} writes in place.
   * @returns the payload length; the packet's flags are then in {@link flags}.
   * @throws RangeError when `input` is longer than 8192 bytes or `output` is too short.
   */
  compress(input: Uint8Array, output: Uint8Array, outputOffset = 0): number {
    return this.compressRange(input, 0, input.length, output, outputOffset);
  }

  /**
   * Compresses the packet `input[inputStart, inputEnd)`: {@link compress} without a view of
   * the packet to make, for per-packet paths that keep it inside a larger reused buffer.
   *
   * @param input - the buffer holding the packet (PPP protocol field and data).
   * @param inputStart - where the packet starts in `input`.
   * @param inputEnd - where it ends; at most 8192 bytes after `inputStart`.
   * @param output - as for {@link compress}; may be the same memory as `input`.
   * @param outputOffset - where the payload starts in `output`.
   * @returns the payload length; the packet's flags are then in {@link flags}.
   * @throws RangeError when the range is invalid or too long, or `output` is too short.
   */
  compressRange(
    input: Uint8Array,
    inputStart: number,
    inputEnd: number,
    output: Uint8Array,
    outputOffset = 0,
  ): number {
    if (
      !Number.isInteger(inputStart) ||
      !Number.isInteger(inputEnd) ||
      inputStart < 0 ||
      inputEnd < inputStart ||
      inputEnd > input.length
    ) {
      throw new RangeError('input range must lie within input');
    }
    const n = inputEnd - inputStart;
    if (n > MPPC_HISTORY_SIZE) {
      throw new RangeError(`input must be at most ${MPPC_HISTORY_SIZE} bytes`);
    }
    if (!Number.isInteger(outputOffset) || outputOffset < 0 || output.length - outputOffset < n) {
      throw new RangeError('output must hold the input length from outputOffset');
    }
    let flags = 0;
    if (this.#flushPending) {
      flags |= MPPC_FLAGS.FLUSHED;
      this.#flushPending = false;
      this.#restart();
    } else if (this.#pos + n > MPPC_HISTORY_SIZE) {
      this.#restart();
    }
    if (this.#pos === 0) flags |= MPPC_FLAGS.AT_FRONT;
    const start = this.#pos;
    const hist = this.#history;
    if (inputStart === 0 && inputEnd === input.length) hist.set(input, start);
    else for (let i = 0; i < n; i++) hist[start + i] = input[inputStart + i]!;
    const length = this.#encode(start, start + n, output, outputOffset, outputOffset + n);
    if (length < 0) {
      // Compressing would expand it: send it as it is (C clear), then (RFC 2118 §3–§4) reset
      // the history and flush the next packet, so both sides agree again without it.
      // From the history, since `output` may share memory with `input` (in place).
      for (let i = 0; i < n; i++) output[outputOffset + i] = hist[start + i]!;
      this.#flushPending = true;
      this.#restart();
      this.#flags = flags & MPPC_FLAGS.FLUSHED;
      return n;
    }
    this.#pos = start + n;
    this.#flags = flags | MPPC_FLAGS.COMPRESSED;
    return length;
  }

  /** Back to the front of the history; forget the match positions of the previous pass. */
  #restart(): void {
    this.#pos = 0;
    this.#heads.fill(0);
  }

  /**
   * Writes the tokens for history[start, end) at output[from, limit); -1 if they overflow.
   * The bit writer is inlined (locals, not fields): this loop is the hot path.
   */
  #encode(start: number, end: number, output: Uint8Array, from: number, limit: number): number {
    const hist = this.#history;
    const heads = this.#heads;
    const prev = this.#prev;
    const chainLength = this.#chainLength;
    // Bits not yet written are the low `nb` bits of `acc` (bits above them are stale and never
    // reach the output: a byte is taken as `acc >>> nb` truncated to 8 bits).
    let acc = 0;
    let nb = 0;
    let o = from;
    let p = start;
    let misses = 0;
    while (p < end) {
      let bestLength = 0;
      let bestDistance = 0;
      if (p + 2 < end) {
        const h =
          Math.imul((hist[p]! << 16) | (hist[p + 1]! << 8) | hist[p + 2]!, HASH_MUL) >>> HASH_SHIFT;
        let candidate = heads[h]! - 1;
        prev[p] = heads[h]!;
        heads[h] = p + 1;
        const maxLength = Math.min(end - p, MAX_MATCH);
        for (let tries = 0; candidate >= 0 && tries < chainLength; tries++) {
          if (
            hist[candidate + bestLength] === hist[p + bestLength] &&
            hist[candidate] === hist[p] &&
            hist[candidate + 1] === hist[p + 1] &&
            hist[candidate + 2] === hist[p + 2]
          ) {
            let k = 3;
            while (k < maxLength && hist[candidate + k] === hist[p + k]) k++;
            if (k > bestLength) {
              bestLength = k;
              bestDistance = p - candidate;
              if (k >= GOOD_ENOUGH || k === maxLength) break;
            }
          }
          const next = prev[candidate]! - 1;
          if (next >= candidate) break;
          candidate = next;
        }
      }
      if (bestLength < 3) {
        // After many literals in a row the data looks incompressible: also emit the next few
        // bytes as literals without searching at them (more the longer it lasts), as LZ4 does.
        let count = Math.min(1 + (misses >>> SKIP_SHIFT), MAX_SKIP, end - p);
        misses++;
        for (; count > 0; count--) {
          // RFC 2118 §4.1: `0` + 7 bits below 0x80, `10` + the low 7 bits from 0x80. Both
          // are b + 0x80·hi in 8 + hi bits (hi = top bit of b): no branch, which matters on
          // incompressible data where a branch on b would be mispredicted half of the time.
          const b = hist[p++]!;
          const hi = b >>> 7;
          acc = (acc << (8 + hi)) | (b + (hi << 7));
          nb += 8 + hi;
          while (nb >= 8) {
            nb -= 8;
            if (o < limit) output[o] = acc >>> nb;
            o++;
          }
        }
      } else {
        misses = 0;
        // RFC 2118 §4.2.1: the offset class...
        if (bestDistance < 64) {
          acc = (acc << 10) | 0x3c0 | bestDistance;
          nb += 10;
        } else if (bestDistance < 320) {
          acc = (acc << 12) | 0xe00 | (bestDistance - 64);
          nb += 12;
        } else {
          acc = (acc << 16) | 0xc000 | (bestDistance - 320);
          nb += 16;
        }
        while (nb >= 8) {
          nb -= 8;
          if (o < limit) output[o] = acc >>> nb;
          o++;
        }
        // ...then (§4.2.2) the length class: 3 is `0`; otherwise msb - 1 ones, a zero and the
        // msb low bits of the length.
        if (bestLength === 3) {
          acc <<= 1;
          nb += 1;
        } else {
          const msb = 31 - Math.clz32(bestLength);
          const prefix = ((1 << (msb - 1)) - 1) << 1;
          acc = (acc << (2 * msb)) | (prefix << msb) | (bestLength & ((1 << msb) - 1));
          nb += 2 * msb;
        }
        const matchEnd = p + bestLength;
        const insertEnd = Math.min(matchEnd, end - 2);
        for (p++; p < insertEnd; p++) {
          const h =
            Math.imul((hist[p]! << 16) | (hist[p + 1]! << 8) | hist[p + 2]!, HASH_MUL) >>>
            HASH_SHIFT;
          prev[p] = heads[h]!;
          heads[h] = p + 1;
        }
        p = matchEnd;
      }
      while (nb >= 8) {
        nb -= 8;
        if (o < limit) output[o] = acc >>> nb;
        o++;
      }
      if (o > limit) return -1;
    }
    if (nb > 0) {
      // Pad the last byte with zero bits (RFC 2118 §4).
      if (o < limit) output[o] = acc << (8 - nb);
      o++;
    }
    return o > limit ? -1 : o - from;
  }
}
