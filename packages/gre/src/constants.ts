/**
 * Wire constants of enhanced GRE (RFC 2637 §4.1).
 *
 * @module
 */

/** GRE protocol type for PPTP (RFC 2637 §4.1, "Protocol Type: Set to hex 880B"). */
export const GRE_PROTOCOL_PPTP = 0x880b;

/** The enhanced GRE version number (RFC 2637 §4.1, "Ver: Must contain 1"). */
export const GRE_VERSION_ENHANCED = 1;

/** Length of the mandatory part: flags, version, protocol, payload length, call ID. */
export const GRE_BASE_HEADER_LENGTH = 8;

/**
 * The longest enhanced GRE header (sequence and acknowledgment both present). Reserve this
 * many bytes in front of a payload handed to `GreSession.writeData`.
 */
export const GRE_MAX_HEADER_LENGTH = 16;

/** Largest payload the 16-bit payload-length half of the key can describe. */
export const GRE_MAX_PAYLOAD_LENGTH = 0xffff;

/**
 * Bits of the first 16-bit word of the header (RFC 2637 §4.1 numbers bits from the most
 * significant one: C is bit 0, Ver is bits 13–15).
 */
export const GreFlag = {
  /** Bit 0, checksum present: must be 0. */
  checksum: 0x8000,
  /** Bit 1, routing present: must be 0. */
  routing: 0x4000,
  /** Bit 2, key present: must be 1. */
  key: 0x2000,
  /** Bit 3, sequence number present: 1 when a payload is carried. */
  sequence: 0x1000,
  /** Bit 4, strict source route: must be 0. */
  strictSourceRoute: 0x0800,
  /** Bits 5–7, recursion control: must be 0. */
  recursion: 0x0700,
  /** Bit 8, acknowledgment number present. */
  ack: 0x0080,
  /** Bits 9–12, flags: must be 0. */
  reserved: 0x0078,
  /** Bits 13–15, version: must be 1. */
  version: 0x0007,
} as const;
