/**
 * The RFC 2118 decompressor: flags + payload in, the original packet out, 8192-byte history.
 *
 * @module
 */
import { DecodeError, type DecodeErrorDetails } from '@pptpkit/wire';
import { MPPC_FLAGS, MPPC_HISTORY_SIZE } from './constants.js';
import type { MppcErrorCode } from './errors.js';

/**
 * The history plus as many zero bytes after it: a copy that reaches back past the front after
 * a B restart reads forward linearly and may run past index 8191, where it reads zeros (as
 * FreeRDP's decoder does, and its encoder relies on). Nothing is ever written there.
 */
const HISTORY_WITH_ZERO_TAIL = 2 * MPPC_HISTORY_SIZE;

/** Options of {@link MppcDecompressor}. */
export interface MppcDecompressorOptions {
  /**
   * The most bytes one packet may decompress to (the negotiated MRU, counting the PPP protocol
   * field that MPPC compresses along with the data). 1 to 8192.
   */
  readonly mru: number;
}

/**
 * Decompresses MPPC packets (RFC 2118 §3–§4) in order, keeping the 8192-byte history across
 * packets.
 *
 * The caller gives the A/B/C flags of each packet (from the MPPE decryptor when MPPE is on, or
 * from {@link MppcFramedDecompressor} for MPPC alone) and the payload. Every bitstream the peer
 * can send either decompresses or throws a `DecodeError` with an {@link MppcErrorCode}; the
 * work per packet is bounded by its input length and the MRU. After an error the history is
 * out of sync with the peer's: the decompressor then refuses every packet without the A
 * (flushed) flag with `MPPC_AWAITING_FLUSH` until one arrives; the caller should send a CCP
 * Reset-Request (RFC 1962 §3.1, RFC 2118 §4.3) so that the peer flushes.
 *
 * @example
 * ```ts
 * const d = new MppcDecompressor({ mru: 1500 });
 * const out = new Uint8Array(1500);
 * const n = d.decompress(flags, payload, out); // out.subarray(0, n) is the PPP packet
 * ```
 */
export class MppcDecompressor {
  /** The most bytes one packet may produce. */
  readonly mru: number;
  readonly #history = new Uint8Array(HISTORY_WITH_ZERO_TAIL);
  /** Next history index to write. */
  #ptr = 0;
  /** Indexes `[0, validEnd)` were written since the last flush; the rest are zero. */
  #validEnd = 0;
  #awaitingFlush = false;

  /**
   * @param options - the MRU (required, 1 to 8192).
   * @throws RangeError when the MRU is out of range.
   */
  constructor(options: MppcDecompressorOptions) {
    const { mru } = options;
    if (!Number.isInteger(mru) || mru < 1 || mru > MPPC_HISTORY_SIZE) {
      throw new RangeError(`mru must be an integer from 1 to ${MPPC_HISTORY_SIZE}`);
    }
    this.mru = mru;
  }

  /** True while packets without the A flag are refused (after an error or {@link awaitFlush}). */
  get awaitingFlush(): boolean {
    return this.#awaitingFlush;
  }

  /**
   * Marks the history as out of sync (e.g. the caller saw a packet lost): packets without the
   * A flag are refused with `MPPC_AWAITING_FLUSH` until a flushed packet arrives.
   */
  awaitFlush(): void {
    this.#awaitingFlush = true;
  }

  /** Forgets the whole history, as if newly constructed. */
  reset(): void {
    this.#flush();
    this.#awaitingFlush = false;
  }

  /** Back to a zeroed history (RFC 2118: histories start as zeroes), pointer at the front. */
  #flush(): void {
    this.#history.fill(0, 0, this.#validEnd);
    this.#ptr = 0;
    this.#validEnd = 0;
  }

  /**
   * Decompresses one packet into `output`.
   *
   * Flag handling (RFC 2118 §3.1): A resets the history; B moves the history pointer back to
   * the front; when C is clear the payload is the packet itself and is copied as it is without
   * touching the history (the sender reset its history and flushes the next packet).
   *
   * @param flags - the packet's flags, `MPPC_FLAGS` bits (`0x80` A, `0x40` B, `0x20` C).
   * @param input - holds the payload (what follows the 2-byte header, after decryption).
   * @param output - receives the packet from index 0; must hold at least `mru` bytes and
   *   must not overlap `input`.
   * @param inputOffset - where the payload starts in `input` (default 0), so a whole framed
   *   packet can be passed without making a view of it.
   * @param inputLength - the payload length (default: the rest of `input`).
   * @returns the number of bytes written to `output`.
   * @throws DecodeError with an {@link MppcErrorCode} for a bitstream the RFC does not allow.
   * @throws RangeError when `output` is shorter than the MRU or the range is outside `input`.
   */
  decompress(
    flags: number,
    input: Uint8Array,
    output: Uint8Array,
    inputOffset = 0,
    inputLength: number = input.length - inputOffset,
  ): number {
    if (output.length < this.mru) {
      throw new RangeError(`output must hold at least mru (${this.mru}) bytes`);
    }
    if (
      !Number.isInteger(inputOffset) ||
      !Number.isInteger(inputLength) ||
      inputOffset < 0 ||
      inputLength < 0 ||
      inputOffset + inputLength > input.length
    ) {
      throw new RangeError('inputOffset/inputLength outside input');
    }
    if ((flags & MPPC_FLAGS.FLUSHED) !== 0) {
      this.#flush();
      this.#awaitingFlush = false;
    }
    if ((flags & MPPC_FLAGS.COMPRESSED) === 0) {
      if (inputLength > this.mru) {
        throw this.#fail('MPPC_OUTPUT_TOO_LARGE', 'uncompressed packet longer than the MRU', {
          offset: this.mru,
          field: 'payload',
          length: inputLength,
        });
      }
      if (inputOffset === 0 && inputLength === input.length) output.set(input);
      else for (let k = 0; k < inputLength; k++) output[k] = input[inputOffset + k]!;
      return inputLength;
    }
    if (this.#awaitingFlush) {
      throw new DecodeError<MppcErrorCode>(
        'MPPC_AWAITING_FLUSH',
        'history out of sync: compressed packets are discarded until one has the A flag',
        { offset: 0, field: 'flags' },
      );
    }
    if ((flags & MPPC_FLAGS.AT_FRONT) !== 0) this.#ptr = 0;
    return this.#decode(input, inputOffset, inputOffset + inputLength, output);
  }

  #decode(input: Uint8Array, base: number, inputEnd: number, output: Uint8Array): number {
    const hist = this.#history;
    const end = inputEnd - base;
    const totalBits = end * 8;
    const start = this.#ptr;
    // One counter bounds both the history (8192) and the output (MRU): every byte produced
    // goes to both, at the same pace.
    const limit = Math.min(MPPC_HISTORY_SIZE, start + this.mru);
    let ptr = start;
    let acc = 0; // bits right-aligned; only the low `n` bits are meaningful
    let n = 0;
    let i = 0; // bytes loaded into acc, counting virtual zero bytes past the end
    while (i * 8 - n + 8 <= totalBits) {
      const tokenBit = i * 8 - n;
      while (n <= 24) {
        acc = (acc << 8) | (i < end ? input[base + i]! : 0);
        i++;
        n += 8;
      }
      if (((acc >>> (n - 1)) & 1) === 0) {
        // RFC 2118 §4.1: literal 0x00–0x7F is `0` + 7 bits.
        if (ptr >= limit) this.#overflow(ptr, start, tokenBit);
        const b = (acc >>> (n - 8)) & 0x7f;
        n -= 8;
        hist[ptr] = b;
        output[ptr - start] = b;
        ptr++;
        continue;
      }
      if (((acc >>> (n - 2)) & 3) === 2) {
        // Literal 0x80–0xFF is `10` + low 7 bits.
        if (tokenBit + 9 > totalBits) this.#truncated(ptr, start, tokenBit, 'literal');
        if (ptr >= limit) this.#overflow(ptr, start, tokenBit);
        const b = 0x80 | ((acc >>> (n - 9)) & 0x7f);
        n -= 9;
        hist[ptr] = b;
        output[ptr - start] = b;
        ptr++;
        continue;
      }
      // Copy tuple, RFC 2118 §4.2: offset (§4.2.1) then length (§4.2.2).
      let offset: number;
      const top4 = (acc >>> (n - 4)) & 0xf;
      if (top4 === 0xf) {
        offset = (acc >>> (n - 10)) & 0x3f;
        n -= 10;
      } else if (top4 === 0xe) {
        offset = ((acc >>> (n - 12)) & 0xff) + 64;
        n -= 12;
      } else {
        offset = ((acc >>> (n - 16)) & 0x1fff) + 320;
        n -= 16;
      }
      while (n <= 24) {
        acc = (acc << 8) | (i < end ? input[base + i]! : 0);
        i++;
        n += 8;
      }
      let length: number;
      const top12 = (acc >>> (n - 12)) & 0xfff;
      if (top12 < 0x800) {
        length = 3;
        n -= 1;
      } else {
        // k leading ones then a zero, then k + 1 low bits: lengths 2^(k+1) .. 2^(k+2) - 1.
        const k = Math.clz32(~(top12 << 20));
        if (k >= 12) {
          this.#commit(ptr);
          throw this.#fail('MPPC_BAD_LENGTH', 'length code longer than 12 bits', {
            offset: tokenBit >>> 3,
            field: 'length',
          });
        }
        const bits = k + 1;
        length = (1 << bits) | ((acc >>> (n - 2 * bits)) & ((1 << bits) - 1));
        n -= 2 * bits;
      }
      if (i * 8 - n > totalBits) this.#truncated(ptr, start, tokenBit, 'copy');
      if (ptr + length > limit) this.#overflow(ptr + length - 1, start, tokenBit);
      // RFC 2118 §4.2.1: an offset reaches back 1..8191 bytes. Offset 0 would copy the byte
      // being written; the 13-bit class (offset − 320) can also spell 8192..8511, further back
      // than the 8192-byte history reaches (8192 would copy the byte being written, too).
      if (offset === 0 || offset >= MPPC_HISTORY_SIZE) this.#badOffset(ptr, tokenBit, offset);
      // Back past the front (offset > ptr): the end of the history from before the last B
      // restart, read forward from there. History never written since the last flush reads as
      // zeros (the histories start zeroed), and so does a copy running past index 8191: FreeRDP's
      // encoder emits both (a match running one byte into the zeros after the older data).
      let src = offset <= ptr ? ptr - offset : ptr - offset + MPPC_HISTORY_SIZE;
      let o = ptr - start;
      for (let j = 0; j < length; j++) {
        const b = hist[src++]!;
        hist[ptr++] = b;
        output[o++] = b;
      }
    }
    this.#ptr = ptr;
    if (ptr > this.#validEnd) this.#validEnd = ptr;
    return ptr - start;
  }

  #fail(
    code: MppcErrorCode,
    message: string,
    details: DecodeErrorDetails,
  ): DecodeError<MppcErrorCode> {
    this.#awaitingFlush = true;
    return new DecodeError<MppcErrorCode>(code, message, details);
  }

  #commit(ptr: number): void {
    this.#ptr = ptr;
    if (ptr > this.#validEnd) this.#validEnd = ptr;
  }

  #overflow(ptr: number, start: number, tokenBit: number): never {
    this.#commit(Math.min(ptr, MPPC_HISTORY_SIZE));
    if (ptr - start >= this.mru) {
      throw this.#fail('MPPC_OUTPUT_TOO_LARGE', 'packet decompresses to more than the MRU', {
        offset: tokenBit >>> 3,
        field: 'token',
        mru: this.mru,
      });
    }
    throw this.#fail('MPPC_HISTORY_OVERFLOW', 'packet runs past the end of the history', {
      offset: tokenBit >>> 3,
      field: 'token',
    });
  }

  #truncated(ptr: number, start: number, tokenBit: number, field: string): never {
    this.#commit(ptr);
    throw this.#fail('MPPC_TRUNCATED', 'bitstream ends inside a token', {
      offset: tokenBit >>> 3,
      field,
      produced: ptr - start,
    });
  }

  #badOffset(ptr: number, tokenBit: number, offset: number): never {
    this.#commit(ptr);
    const message =
      offset === 0
        ? 'copy offset 0 (the byte being written)'
        : `copy offset ${offset} beyond the 8192-byte history (at most 8191)`;
    throw this.#fail('MPPC_BAD_OFFSET', message, {
      offset: tokenBit >>> 3,
      field: 'copy-offset',
      copyOffset: offset,
    });
  }
}
