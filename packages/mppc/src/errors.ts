/**
 * The error codes this package throws, always inside a `DecodeError` from `@pptpkit/wire`.
 *
 * @module
 */

/** Every code of a `DecodeError` thrown by `@pptpkit/mppc`. */
export type MppcErrorCode =
  | 'MPPC_BAD_OFFSET'
  | 'MPPC_BAD_LENGTH'
  | 'MPPC_TRUNCATED'
  | 'MPPC_OUTPUT_TOO_LARGE'
  | 'MPPC_HISTORY_OVERFLOW'
  | 'MPPC_AWAITING_FLUSH'
  | 'MPPC_COUNT_MISMATCH'
  | 'MPPC_UNEXPECTED_ENCRYPTION';
