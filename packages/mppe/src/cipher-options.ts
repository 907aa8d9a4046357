import type { MppeKeyBits } from './key-derivation.js';

/** Configuration of one direction's `MppeEncryptor` or `MppeDecryptor`. */
export interface MppeCipherOptions {
  /**
   * The start key of this direction: `send` of `deriveMsChapV2StartKeys` for the encryptor,
   * `receive` for the decryptor (or the single MS-CHAPv1 start key for both).
   */
  readonly startKey: Uint8Array;
  /** Negotiated strength (`mppeNegotiated(...).keyBits`). */
  readonly keyBits: MppeKeyBits;
  /** Stateless mode (H bit negotiated): a new key for every packet (RFC 3078 §7.1). */
  readonly stateless: boolean;
}

/** Configuration of an `MppeDecryptor`. */
export interface MppeDecryptorOptions extends MppeCipherOptions {
  /**
   * Stateful mode: recover the keystream across a gap of up to `MPPE_RECOVERY_MAX_GAP` lost
   * packets that cannot have changed the key, instead of asking for a CCP Reset-Request
   * (`decrypt` returns the plaintext under the likeliest offset and sets `guessed`;
   * `retryLast` tries the next, `rejectLast` falls back). Only for a caller that checks every
   * plaintext and calls `retryLast`/`rejectLast` on garbage, and never with MPPC (the lost
   * packets are missing from its history too). Default false; ignored when stateless.
   */
  readonly recoverGaps?: boolean;
  /**
   * Stateless mode: how many keys of the first cycle to compute at creation, from count 0
   * (1..4096, default 4096: every jump a first packet may make decrypts at once). Fewer make a
   * decryptor cheap to create (each key is a SHA-1 and an RC4 run: 4,096 cost about 6 ms),
   * which a server starting many sessions at once wants; the rest follow as packets arrive,
   * within each packet's key-change budget, as after `trim`. A packet that jumps past the keys
   * computed so far is dropped as `KEY_NOT_READY` until they catch up.
   */
  readonly initialKeys?: number;
}
