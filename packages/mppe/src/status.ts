/**
 * Why `MppeDecryptor.decrypt` (or `retryLast`) dropped a packet: negative return values. A
 * non-negative return is the plaintext length. Dropping is never an exception: the peer's
 * packets are untrusted.
 */
export const MPPE_STATUS = {
  /** Shorter than the 2-byte MPPE header. */
  TOO_SHORT: -1,
  /** D (encrypted) bit clear (RFC 3078 §3.1); MPPE never sends such packets. */
  NOT_ENCRYPTED: -2,
  /**
   * FLUSHED bit missing where it is mandatory: every stateless packet (RFC 3078 §3.1), every
   * stateful "flag" packet (low byte of the count 0xFF).
   */
  NOT_FLUSHED: -3,
  /** Stateless: this coherency count was already decrypted (duplicate or replay). */
  DUPLICATE: -4,
  /** Stateless: older than the reorder window; its key is no longer kept. */
  STALE: -5,
  /**
   * Stateful: this packet revealed lost synchronisation (a gap in the count, or a packet that
   * could not be used). Send a CCP Reset-Request (RFC 3078 §8.2).
   */
  RESET_NEEDED: -6,
  /**
   * Stateful: still waiting for a FLUSHED packet after a loss; the packet was discarded. A
   * Reset-Request is outstanding (resend it on the CCP restart timer if nothing comes).
   */
  DISCARDING: -7,
  /**
   * Stateless: the count is further ahead than the keys computed so far reach, and reaching it
   * would cost more than `MPPE_KEY_CHANGE_BUDGET` key changes: only after genuine jumps over
   * thousands of lost packets used the computed keys up (a forged packet then gets it too).
   * The keys computed towards it are kept, so later packets at that distance decrypt.
   */
  KEY_NOT_READY: -8,
  /**
   * `retryLast` only: no other key is worth trying for the packet just accepted (stateless
   * mode, a packet that did not end a stateful discarding, or every key change the gap allows
   * tried). Take it back with `rejectLast`.
   */
  NO_OTHER_KEY: -9,
} as const;

/** A value of {@link MPPE_STATUS}. */
export type MppeStatus = (typeof MPPE_STATUS)[keyof typeof MPPE_STATUS];
