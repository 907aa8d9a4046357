/**
 * Error codes of `@pptpkit/gre`.
 *
 * @module
 */

/**
 * Every error code this package puts on a `DecodeError`, with the sentence that explains it.
 */
export const GRE_ERROR_CODES = {
  /** Input ends before the header, or before the payload the header announces. */
  GRE_TRUNCATED: 'the packet ends before its header or its announced payload',
  /** Version field is not 1 (RFC 2637 §4.1). */
  GRE_BAD_VERSION: 'the GRE version is not 1 (enhanced GRE)',
  /** Protocol type is not 0x880B (RFC 2637 §4.1). */
  GRE_BAD_PROTOCOL: 'the GRE protocol type is not 0x880B (PPP)',
  /** C, R, s, Recur or Flags set, K clear, or neither S nor A set (RFC 2637 §4.1). */
  GRE_BAD_FLAGS: 'a GRE flag that RFC 2637 §4.1 fixes has the wrong value',
  /** More bytes than header plus payload length, or a payload on an acknowledgment-only packet. */
  GRE_LENGTH_MISMATCH: 'the payload length field does not match the packet',
} as const;

/** The union of this package's error codes. */
export type GreErrorCode = keyof typeof GRE_ERROR_CODES;
