/**
 * Why an MPPC decompressor dropped a packet: the negative values `decompress`,
 * `decompressRange` and the framed `decompressRange` return. A non-negative return is the
 * decompressed length. Dropping is never an exception: the peer's packets are untrusted.
 *
 * @module
 */

/**
 * The drop statuses. After any of them except `TOO_SHORT` and `ENCRYPTED` the history is out of
 * step with the peer's: compressed packets are refused with `AWAITING_FLUSH` until one with the
 * A (flushed) flag arrives, and the caller should send a CCP Reset-Request (RFC 1962 §3.1,
 * RFC 2118 §4.3).
 */
export const MPPC_STATUS = {
  /** Framed (MPPC alone): shorter than the 2-byte header (RFC 2118 §3.1). */
  TOO_SHORT: -1,
  /** Framed: the D (encrypted) bit is set; it is MPPE's (RFC 3078 §3), not MPPC alone's. */
  ENCRYPTED: -2,
  /**
   * Framed: the coherency count jumped without the A flag, so packets were lost (RFC 2118
   * §3.1). Send a CCP Reset-Request; compressed packets then return `AWAITING_FLUSH` until a
   * flushed one arrives.
   */
  RESET_NEEDED: -3,
  /**
   * The history is out of step (after an earlier drop or `awaitFlush()`): the compressed packet
   * was discarded. A Reset-Request is outstanding; repeat it now and then if nothing comes.
   */
  AWAITING_FLUSH: -4,
  /** The bitstream ends inside a token (RFC 2118 §4). */
  TRUNCATED: -5,
  /** A copy offset of 0 or of 8192–8511: outside the 1..8191 the history reaches (§4.2.1). */
  BAD_OFFSET: -6,
  /** A length code of twelve or more 1 bits, longer than the 4096–8191 class (§4.2.2). */
  BAD_LENGTH: -7,
  /** The packet decompresses to more than the MRU (or, uncompressed, is longer than it). */
  TOO_LONG: -8,
  /** The packet runs past the end of the 8192-byte history without a B restart (§3). */
  HISTORY_OVERFLOW: -9,
} as const;

/** A value of {@link MPPC_STATUS}. */
export type MppcStatus = (typeof MPPC_STATUS)[keyof typeof MPPC_STATUS];

/** One sentence per status, for logs and diagnostics. */
const MESSAGES: Readonly<Record<MppcStatus, string>> = {
  [MPPC_STATUS.TOO_SHORT]: 'packet shorter than its 2-byte MPPC header',
  [MPPC_STATUS.ENCRYPTED]: 'D (encrypted) flag set on a packet for MPPC alone',
  [MPPC_STATUS.RESET_NEEDED]: 'coherency count jumped: packets were lost',
  [MPPC_STATUS.AWAITING_FLUSH]:
    'history out of sync: compressed packets are discarded until one has the A flag',
  [MPPC_STATUS.TRUNCATED]: 'bitstream ends inside a token',
  [MPPC_STATUS.BAD_OFFSET]: 'copy offset 0 or beyond the 8192-byte history (at most 8191)',
  [MPPC_STATUS.BAD_LENGTH]: 'length code longer than 12 bits',
  [MPPC_STATUS.TOO_LONG]: 'packet decompresses to more than the MRU',
  [MPPC_STATUS.HISTORY_OVERFLOW]: 'packet runs past the end of the history',
};

/**
 * A sentence for humans describing an {@link MppcStatus}; never contains packet data.
 *
 * @throws RangeError when `status` is not an {@link MppcStatus} (programmer misuse).
 */
export function mppcStatusMessage(status: MppcStatus): string {
  const message = MESSAGES[status];
  if (message === undefined) throw new RangeError(`not an MPPC status: ${status}`);
  return message;
}
