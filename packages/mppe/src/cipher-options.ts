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
