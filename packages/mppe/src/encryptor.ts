import type { MppeCipherOptions } from './cipher-options.js';
import { MPPC_FLAG_MASK, MPPE_FLAG, MPPE_HEADER_LENGTH } from './header.js';
import { KeySchedule } from './key-schedule.js';
import { Rc4 } from './rc4.js';

/**
 * The sending half of MPPE (RFC 3078 §3, §7): numbers packets with the 12-bit coherency count,
 * changes keys (every packet when stateless; on "flag" packets whose count's low byte is 0xFF,
 * after a CCP Reset-Request, and on any packet flushed by MPPC when stateful) and encrypts with
 * RC4 into a caller buffer. Allocates nothing per packet.
 *
 * Key changes follow the Linux kernel (`ppp_mppe`), which pppd peers run: every packet that
 * carries the FLUSHED bit in stateful mode was preceded by a key change. The first packet has
 * count 0; a stateful session starts with the initial session key and no FLUSHED bit.
 */
export class MppeEncryptor {
  readonly #keys: KeySchedule;
  readonly #rc4: Rc4 = new Rc4();
  readonly #stateless: boolean;
  #count = 0xfff;
  #resetPending = false;

  /**
   * @param options - the send-direction start key, strength and mode.
   * @throws TypeError on a start key of the wrong length.
   */
  constructor(options: MppeCipherOptions) {
    this.#keys = new KeySchedule(options.startKey, options.keyBits);
    this.#stateless = options.stateless;
    this.#rc4.setKey(this.#keys.session, 0, this.#keys.length);
  }

  /** Coherency count of the last packet sent (4095 before the first). */
  get coherencyCount(): number {
    return this.#count;
  }

  /**
   * Whether the next {@link encrypt} will set FLUSHED (stateless mode, a flag packet, or a
   * Reset-Request pending). An MPPC compressor must reset its history for that packet.
   */
  get nextPacketFlushed(): boolean {
    return this.#stateless || this.#resetPending || ((this.#count + 1) & 0xff) === 0xff;
  }

  /**
   * A CCP Reset-Request arrived (RFC 3078 §8.2): the next packet changes key and is flushed.
   * No effect in stateless mode, where every packet is.
   */
  resetRequested(): void {
    this.#resetPending = true;
  }

  /**
   * Writes the 2-byte header and the encrypted `src[srcOffset .. srcOffset + length)` to
   * `dst[dstOffset ..]` and returns the bytes written (`length + 2`). The plaintext starts with
   * the PPP protocol field (or is MPPC output). `dst` may be `src` when `dstOffset + 2 <=
   * srcOffset` (keep two bytes of headroom in front of the packet).
   *
   * @param mppcFlags - A/B/C bits from an MPPC compressor (0 without MPPC). A set here also
   *   forces an MPPE key change in stateful mode, since the receiver re-keys on every FLUSHED.
   * @throws RangeError on out-of-bounds offsets, an overlapping `dst`, or flag bits outside
   *   A/B/C.
   */
  encrypt(
    src: Uint8Array,
    srcOffset: number,
    length: number,
    dst: Uint8Array,
    dstOffset: number,
    mppcFlags = 0,
  ): number {
    if (
      srcOffset < 0 ||
      length < 0 ||
      srcOffset + length > src.length ||
      dstOffset < 0 ||
      dstOffset + MPPE_HEADER_LENGTH + length > dst.length ||
      (mppcFlags & ~MPPC_FLAG_MASK) !== 0 ||
      (dst.buffer === src.buffer &&
        dst.byteOffset + dstOffset + MPPE_HEADER_LENGTH > src.byteOffset + srcOffset &&
        dst.byteOffset + dstOffset < src.byteOffset + srcOffset + length)
    ) {
      throw new RangeError('MPPE encrypt: bad offsets, lengths, overlap or flag bits');
    }
    const count = (this.#count + 1) & 0xfff;
    this.#count = count;
    const flushed =
      this.#stateless ||
      this.#resetPending ||
      (count & 0xff) === 0xff ||
      (mppcFlags & MPPE_FLAG.FLUSHED) !== 0;
    if (flushed) {
      this.#keys.rekey(this.#rc4);
      this.#resetPending = false;
    }
    this.#rc4.process(src, srcOffset, dst, dstOffset + MPPE_HEADER_LENGTH, length);
    dst[dstOffset] =
      mppcFlags | MPPE_FLAG.ENCRYPTED | (flushed ? MPPE_FLAG.FLUSHED : 0) | (count >>> 8);
    dst[dstOffset + 1] = count & 0xff;
    return length + MPPE_HEADER_LENGTH;
  }
}
