/**
 * RFC 2118 constants: the history size, the header flag bits and the coherency-count mask.
 *
 * @module
 */

/** Size in bytes of the MPPC history buffer (RFC 2118 §3: 8192 bytes). */
export const MPPC_HISTORY_SIZE = 8192;

/**
 * The MPPC flag bits, as they sit in the first byte of the 2-byte header shared with MPPE
 * (RFC 2118 §3.1, RFC 3078 §3). The core API takes and returns flags in this form
 * (`0x80 | 0x40 | 0x20`); the full 16-bit header is `flags << 8 | coherencyCount`.
 */
export const MPPC_FLAGS: {
  /** A: the history was reset before this packet; it can always be decompressed. */
  readonly FLUSHED: 0x80;
  /** B: the packet was placed at the front of the history (history pointer back to 0). */
  readonly AT_FRONT: 0x40;
  /** C: the payload is compressed; when clear, it is the packet's bytes as they were. */
  readonly COMPRESSED: 0x20;
  /** D: the payload is encrypted (MPPE's bit; never set by this package). */
  readonly ENCRYPTED: 0x10;
} = {
  FLUSHED: 0x80,
  AT_FRONT: 0x40,
  COMPRESSED: 0x20,
  ENCRYPTED: 0x10,
} as const;

/** The 12-bit coherency count wraps at 4096 (RFC 2118 §3.1); this masks it. */
export const MPPC_COHERENCY_MASK = 0x0fff;

/** Length in bytes of the header written and read by the standalone (framed) mode. */
export const MPPC_HEADER_LENGTH = 2;
