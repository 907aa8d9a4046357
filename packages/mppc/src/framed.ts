/**
 * Standalone MPPC (without MPPE): the RFC 2118 §3.1 2-byte header with its own 12-bit
 * coherency count, written and read in caller buffers.
 *
 * @module
 */
import { MppcCompressor, type MppcCompressorOptions } from './compressor.js';
import {
  MPPC_COHERENCY_MASK,
  MPPC_FLAGS,
  MPPC_HEADER_LENGTH,
  MPPC_HISTORY_SIZE,
} from './constants.js';
import { MppcDecompressor, type MppcDecompressorOptions } from './decompressor.js';
import { MPPC_STATUS } from './status.js';

/**
 * MPPC alone: writes the RFC 2118 §3.1 header (`A B C D` + 12-bit coherency count, D always
 * 0) in front of each compressed payload. Use it only when MPPE is not negotiated; with MPPE,
 * the MPPE encryptor owns the header and the count (see the README, "Composition with MPPE").
 * Allocation-free.
 */
export class MppcFramedCompressor {
  readonly #compressor: MppcCompressor;
  #count = 0;

  /** @param options - passed to the inner {@link MppcCompressor}. */
  constructor(options: MppcCompressorOptions = {}) {
    this.#compressor = new MppcCompressor(options);
  }

  /** The coherency count the next packet will carry (0 to 4095). */
  get coherencyCount(): number {
    return this.#count;
  }

  /**
   * The peer's CCP Reset-Request arrived (RFC 1962 §3.1, RFC 2118 §4.3): the history is reset
   * and the next packet is flushed (A set).
   */
  reset(): void {
    this.#compressor.reset();
  }

  /**
   * Compresses the packet `src[start, end)` and writes the 2-byte header and the payload at
   * `dst[at]`.
   *
   * @param src - holds the packet (PPP protocol field and data), at most 8192 bytes.
   * @param start - where the packet starts in `src`.
   * @param end - where it ends.
   * @param dst - receives header + payload from `at`; must hold `end - start + 2` bytes there
   *   (a packet that would expand is sent uncompressed). It must not overlap `src`.
   * @param at - where the header starts in `dst`.
   * @returns the number of bytes written (header included).
   * @throws RangeError when the range lies outside `src`, the packet is longer than 8192
   *   bytes, or `dst` is too short.
   */
  compressRange(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
    if (end - start > MPPC_HISTORY_SIZE) {
      throw new RangeError(`input must be at most ${MPPC_HISTORY_SIZE} bytes`);
    }
    if (!Number.isInteger(at) || at < 0 || dst.length - at < end - start + MPPC_HEADER_LENGTH) {
      throw new RangeError('dst must hold the packet length + 2 bytes from at');
    }
    const length = this.#compressor.compressRange(src, start, end, dst, at + MPPC_HEADER_LENGTH);
    const count = this.#count;
    dst[at] = this.#compressor.flags | (count >>> 8);
    dst[at + 1] = count & 0xff;
    this.#count = (count + 1) & MPPC_COHERENCY_MASK;
    return length + MPPC_HEADER_LENGTH;
  }
}

/**
 * MPPC alone: reads the RFC 2118 §3.1 header, checks the coherency count and decompresses.
 * Allocation-free; never throws on a packet's content.
 *
 * A packet whose count is not the expected one, without the A flag, means packets were lost:
 * it returns `MPPC_STATUS.RESET_NEEDED` (send a CCP Reset-Request) and later compressed packets
 * return `AWAITING_FLUSH` until one with A arrives. A packet with A is accepted whatever its
 * count, and the count resynchronises to it.
 */
export class MppcFramedDecompressor {
  readonly #decompressor: MppcDecompressor;
  #expected = 0;

  /** @param options - the MRU, passed to the inner {@link MppcDecompressor}. */
  constructor(options: MppcDecompressorOptions) {
    this.#decompressor = new MppcDecompressor(options);
  }

  /** True while compressed packets without A are refused. */
  get awaitingFlush(): boolean {
    return this.#decompressor.awaitingFlush;
  }

  /**
   * Decompresses the framed packet (header + payload) `src[start, end)` into `dst` from `at`.
   *
   * @param src - holds the packet.
   * @param start - where its header starts.
   * @param end - where the packet ends.
   * @param dst - receives the PPP packet; must hold at least `mru` bytes from `at` and must not
   *   overlap `src`.
   * @param at - where the packet starts in `dst`.
   * @returns the number of bytes written (≥ 0), or a negative `MPPC_STATUS`: `TOO_SHORT` and
   *   `ENCRYPTED` (dropped, nothing else changes), `RESET_NEEDED` (count gap: send a CCP
   *   Reset-Request), `AWAITING_FLUSH`, or one of the bitstream statuses of
   *   {@link MppcDecompressor.decompressRange} (send a Reset-Request).
   * @throws RangeError when the range lies outside `src` or `dst` holds fewer than `mru` bytes
   *   from `at`.
   */
  decompressRange(
    src: Uint8Array,
    start: number,
    end: number,
    dst: Uint8Array,
    at: number,
  ): number {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end < start ||
      end > src.length
    ) {
      throw new RangeError('input range outside src');
    }
    if (end - start < MPPC_HEADER_LENGTH) return MPPC_STATUS.TOO_SHORT;
    const flags = src[start]! & 0xf0;
    // RFC 3078 §3: D belongs to MPPE; this framing is for MPPC alone.
    if ((flags & MPPC_FLAGS.ENCRYPTED) !== 0) return MPPC_STATUS.ENCRYPTED;
    const count = ((src[start]! & 0x0f) << 8) | src[start + 1]!;
    const expected = this.#expected;
    this.#expected = (count + 1) & MPPC_COHERENCY_MASK;
    if (count !== expected && (flags & MPPC_FLAGS.FLUSHED) === 0) {
      // RFC 2118 §3.1: packets were lost, the history is out of step until a flushed packet.
      this.#decompressor.awaitFlush();
      return MPPC_STATUS.RESET_NEEDED;
    }
    return this.#decompressor.decompressRange(flags, src, start + MPPC_HEADER_LENGTH, end, dst, at);
  }
}
