/**
 * The 2-byte MPPE/MPPC header after PPP protocol 0x00FD (RFC 3078 §3.1, RFC 2118 §3):
 * `A B C D` flag bits and a 12-bit coherency count.
 */

/** Header length in bytes. */
export const MPPE_HEADER_LENGTH = 2;

/** Flag bits of the first header byte (RFC 3078 §3.1; B and C belong to MPPC, RFC 2118). */
export const MPPE_FLAG = {
  /** A, FLUSHED: the tables (RC4, and MPPC history) were reset before this packet. */
  FLUSHED: 0x80,
  /** B: MPPC "packet at front" (history restarted at its beginning); no meaning to MPPE. */
  AT_FRONT: 0x40,
  /** C: MPPC compressed; no meaning to MPPE. */
  COMPRESSED: 0x20,
  /** D: the packet is encrypted. */
  ENCRYPTED: 0x10,
} as const;

/** The flag bits an MPPC compressor may hand to the encryptor (A, B, C). */
export const MPPC_FLAG_MASK = 0xe0;

/** Coherency counts are 12 bits and wrap from 4095 to 0 (RFC 3078 §3.1). */
export const COHERENCY_COUNT_SPACE = 4096;
