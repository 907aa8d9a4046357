/**
 * The RFC 2118 decompressor: flags + payload in, the original packet out, 8192-byte history.
 *
 * @module
 */
import { MPPC_FLAGS, MPPC_HISTORY_SIZE } from './constants.js';
import { MPPC_STATUS, type MppcStatus } from './status.js';

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
 * can send either decompresses (the length is returned) or is dropped with a negative
 * {@link MPPC_STATUS}, never an exception; the work per packet is bounded by its input length
 * and the MRU. After a drop the history is out of sync with the peer's: the decompressor then
 * refuses every compressed packet without the A (flushed) flag with `AWAITING_FLUSH` until one
 * arrives; the caller should send a CCP Reset-Request (RFC 1962 §3.1, RFC 2118 §4.3) so that
 * the peer flushes.
 *
 * @example
 * ```ts
 * const d = new MppcDecompressor({ mru: 1500 });
 * const out = new Uint8Array(1500);
 * const n = d.decompress(flags, payload, out); // out.subarray(0, n) is the PPP packet
 * if (n === MPPC_STATUS.AWAITING_FLUSH) repeatResetRequestNowAndThen();
 * else if (n < 0) sendCcpResetRequest(); // mppcStatusMessage(n) says why
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
   * Marks the history as out of sync (e.g. the caller saw a packet lost): compressed packets
   * without the A flag are refused with `MPPC_STATUS.AWAITING_FLUSH` until a flushed packet
   * arrives.
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
   * Decompresses one packet into `output` from index 0: {@link decompressRange} with the
   * payload given as an offset and a length.
   *
   * @param flags - the packet's flags, `MPPC_FLAGS` bits (`0x80` A, `0x40` B, `0x20` C).
   * @param input - holds the payload (what follows the 2-byte header, after decryption).
   * @param output - receives the packet from index 0; must hold at least `mru` bytes and
   *   must not overlap `input`.
   * @param inputOffset - where the payload starts in `input` (default 0), so a whole framed
   *   packet can be passed without making a view of it.
   * @param inputLength - the payload length (default: the rest of `input`).
   * @returns the number of bytes written to `output`, or a negative {@link MppcStatus}.
   * @throws RangeError when `output` is shorter than the MRU or the range is outside `input`.
   */
  decompress(
    flags: number,
    input: Uint8Array,
    output: Uint8Array,
    inputOffset = 0,
    inputLength: number = input.length - inputOffset,
  ): number {
    return this.decompressRange(flags, input, inputOffset, inputOffset + inputLength, output, 0);
  }

  /**
   * Decompresses the payload `input[inputStart, inputEnd)` into `output` from `outputOffset`.
   * Allocation-free; never throws on the payload's content.
   *
   * Flag handling (RFC 2118 §3.1): A resets the history; B moves the history pointer back to
   * the front; when C is clear the payload is the packet itself and is copied as it is without
   * touching the history (the sender reset its history and flushes the next packet).
   *
   * @param flags - the packet's flags, `MPPC_FLAGS` bits (`0x80` A, `0x40` B, `0x20` C).
   * @param input - holds the payload (what follows the 2-byte header, after decryption).
   * @param inputStart - where the payload starts in `input`.
   * @param inputEnd - where it ends.
   * @param output - receives the packet; must hold at least `mru` bytes from `outputOffset` and
   *   must not overlap `input`.
   * @param outputOffset - where the packet starts in `output`.
   * @returns the number of bytes written to `output` (≥ 0), or a negative {@link MppcStatus}
   *   (`AWAITING_FLUSH`, `TRUNCATED`, `BAD_OFFSET`, `BAD_LENGTH`, `TOO_LONG`,
   *   `HISTORY_OVERFLOW`); see {@link mppcStatusMessage}.
   * @throws RangeError when the input range lies outside `input`, or `output` holds fewer than
   *   `mru` bytes from `outputOffset`.
   */
  decompressRange(
    flags: number,
    input: Uint8Array,
    inputStart: number,
    inputEnd: number,
    output: Uint8Array,
    outputOffset: number,
  ): number {
    if (
      !Number.isInteger(inputStart) ||
      !Number.isInteger(inputEnd) ||
      inputStart < 0 ||
      inputEnd < inputStart ||
      inputEnd > input.length
    ) {
      throw new RangeError('input range outside input');
    }
    if (
      !Number.isInteger(outputOffset) ||
      outputOffset < 0 ||
      output.length - outputOffset < this.mru
    ) {
      throw new RangeError(`output must hold at least mru (${this.mru}) bytes from outputOffset`);
    }
    if ((flags & MPPC_FLAGS.FLUSHED) !== 0) {
      this.#flush();
      this.#awaitingFlush = false;
    }
    const length = inputEnd - inputStart;
    if ((flags & MPPC_FLAGS.COMPRESSED) === 0) {
      if (length > this.mru) return this.#fail(MPPC_STATUS.TOO_LONG);
      if (inputStart === 0 && inputEnd === input.length) output.set(input, outputOffset);
      else for (let k = 0; k < length; k++) output[outputOffset + k] = input[inputStart + k]!;
      return length;
    }
    if (this.#awaitingFlush) return MPPC_STATUS.AWAITING_FLUSH;
    if ((flags & MPPC_FLAGS.AT_FRONT) !== 0) this.#ptr = 0;
    return this.#decode(input, inputStart, inputEnd, output, outputOffset);
  }

  #decode(
    input: Uint8Array,
    base: number,
    inputEnd: number,
    output: Uint8Array,
    outputOffset: number,
  ): number {
    const hist = this.#history;
    const end = inputEnd - base;
    const totalBits = end * 8;
    const start = this.#ptr;
    // output[ptr - shift] is the byte written to hist[ptr].
    const shift = start - outputOffset;
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
        if (ptr >= limit) return this.#overflow(ptr, start);
        const b = (acc >>> (n - 8)) & 0x7f;
        n -= 8;
        hist[ptr] = b;
        output[ptr - shift] = b;
        ptr++;
        continue;
      }
      if (((acc >>> (n - 2)) & 3) === 2) {
        // Literal 0x80–0xFF is `10` + low 7 bits.
        if (tokenBit + 9 > totalBits) return this.#truncated(ptr);
        if (ptr >= limit) return this.#overflow(ptr, start);
        const b = 0x80 | ((acc >>> (n - 9)) & 0x7f);
        n -= 9;
        hist[ptr] = b;
        output[ptr - shift] = b;
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
          return this.#fail(MPPC_STATUS.BAD_LENGTH);
        }
        const bits = k + 1;
        length = (1 << bits) | ((acc >>> (n - 2 * bits)) & ((1 << bits) - 1));
        n -= 2 * bits;
      }
      if (i * 8 - n > totalBits) return this.#truncated(ptr);
      if (ptr + length > limit) return this.#overflow(ptr + length - 1, start);
      // RFC 2118 §4.2.1: an offset reaches back 1..8191 bytes. Offset 0 would copy the byte
      // being written; the 13-bit class (offset − 320) can also spell 8192..8511, further back
      // than the 8192-byte history reaches (8192 would copy the byte being written, too).
      if (offset === 0 || offset >= MPPC_HISTORY_SIZE) {
        this.#commit(ptr);
        return this.#fail(MPPC_STATUS.BAD_OFFSET);
      }
      // Back past the front (offset > ptr): the end of the history from before the last B
      // restart, read forward from there. History never written since the last flush reads as
      // zeros (the histories start zeroed), and so does a copy running past index 8191: FreeRDP's
      // encoder emits both (a match running one byte into the zeros after the older data).
      let src = offset <= ptr ? ptr - offset : ptr - offset + MPPC_HISTORY_SIZE;
      let o = ptr - shift;
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

  /** Drops the packet: the history is out of step until a flushed packet arrives. */
  #fail(status: MppcStatus): MppcStatus {
    this.#awaitingFlush = true;
    return status;
  }

  #commit(ptr: number): void {
    this.#ptr = ptr;
    if (ptr > this.#validEnd) this.#validEnd = ptr;
  }

  /** A token would write at history index `ptr`, past the MRU or the history's end. */
  #overflow(ptr: number, start: number): MppcStatus {
    this.#commit(Math.min(ptr, MPPC_HISTORY_SIZE));
    return this.#fail(
      ptr - start >= this.mru ? MPPC_STATUS.TOO_LONG : MPPC_STATUS.HISTORY_OVERFLOW,
    );
  }

  #truncated(ptr: number): MppcStatus {
    this.#commit(ptr);
    return this.#fail(MPPC_STATUS.TRUNCATED);
  }
}
