/**
 * Standalone MPPC (without MPPE): the 2-byte header with its own 12-bit coherency count.
 *
 * @module
 */
import { DecodeError } from '@pptpkit/wire';
import { MppcCompressor, type MppcCompressorOptions } from './compressor.js';
import {
  MPPC_COHERENCY_MASK,
  MPPC_FLAGS,
  MPPC_HEADER_LENGTH,
  MPPC_HISTORY_SIZE,
} from './constants.js';
import { MppcDecompressor, type MppcDecompressorOptions } from './decompressor.js';
import type { MppcErrorCode } from './errors.js';

/**
 * MPPC alone: writes the RFC 2118 §3.1 header (`A B C D` + 12-bit coherency count, D always
 * 0) in front of each compressed payload. Use it only when MPPE is not negotiated; with MPPE,
 * the MPPE encryptor owns the header and the count (see the README, "Composition with MPPE").
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

  /** CCP Reset-Request received: the next packet is flushed (A set). */
  reset(): void {
    this.#compressor.reset();
  }

  /**
   * Compresses one packet and writes header + payload.
   *
   * @param input - the packet, at most 8192 bytes.
   * @param output - receives the framed packet; must hold `input.length + 2` bytes.
   * @returns the framed length.
   * @throws RangeError when `input` is too long or `output` too short.
   */
  compress(input: Uint8Array, output: Uint8Array): number {
    if (input.length > MPPC_HISTORY_SIZE) {
      throw new RangeError(`input must be at most ${MPPC_HISTORY_SIZE} bytes`);
    }
    if (output.length < input.length + MPPC_HEADER_LENGTH) {
      throw new RangeError('output must hold input.length + 2 bytes');
    }
    const length = this.#compressor.compress(input, output, MPPC_HEADER_LENGTH);
    const flags = this.#compressor.flags;
    output[0] = flags | (this.#count >>> 8);
    output[1] = this.#count & 0xff;
    this.#count = (this.#count + 1) & MPPC_COHERENCY_MASK;
    return length + MPPC_HEADER_LENGTH;
  }
}

/**
 * MPPC alone: reads the RFC 2118 §3.1 header, checks the coherency count and decompresses.
 *
 * A packet whose count is not the expected one, without the A flag, means packets were lost:
 * it throws `MPPC_COUNT_MISMATCH` and later packets throw `MPPC_AWAITING_FLUSH` until one with
 * A arrives; the caller sends a CCP Reset-Request on either. A packet with A is accepted
 * whatever its count, and the count resynchronises to it.
 */
export class MppcFramedDecompressor {
  readonly #decompressor: MppcDecompressor;
  #expected = 0;

  /** @param options - the MRU, passed to the inner {@link MppcDecompressor}. */
  constructor(options: MppcDecompressorOptions) {
    this.#decompressor = new MppcDecompressor(options);
  }

  /** True while packets without A are refused. */
  get awaitingFlush(): boolean {
    return this.#decompressor.awaitingFlush;
  }

  /**
   * Decompresses one framed packet.
   *
   * @param packet - header + payload.
   * @param output - receives the packet; must hold at least `mru` bytes.
   * @returns the number of bytes written to `output`.
   * @throws DecodeError with an {@link MppcErrorCode}.
   */
  decompress(packet: Uint8Array, output: Uint8Array): number {
    if (packet.length < MPPC_HEADER_LENGTH) {
      throw new DecodeError<MppcErrorCode>('MPPC_TRUNCATED', 'packet shorter than its header', {
        offset: 0,
        field: 'header',
      });
    }
    const flags = packet[0]! & 0xf0;
    const count = ((packet[0]! & 0x0f) << 8) | packet[1]!;
    if ((flags & MPPC_FLAGS.ENCRYPTED) !== 0) {
      // RFC 3078 §3: D belongs to MPPE; this framing is for MPPC alone.
      throw new DecodeError<MppcErrorCode>(
        'MPPC_UNEXPECTED_ENCRYPTION',
        'D (encrypted) flag set on a packet for MPPC alone',
        { offset: 0, field: 'flags' },
      );
    }
    const expected = this.#expected;
    this.#expected = (count + 1) & MPPC_COHERENCY_MASK;
    if (count !== expected && (flags & MPPC_FLAGS.FLUSHED) === 0) {
      this.#decompressor.awaitFlush();
      throw new DecodeError<MppcErrorCode>(
        'MPPC_COUNT_MISMATCH',
        'coherency count jumped: packets were lost',
        { offset: 0, field: 'coherency-count', expected, received: count },
      );
    }
    return this.#decompressor.decompress(flags, packet, output, MPPC_HEADER_LENGTH);
  }
}
