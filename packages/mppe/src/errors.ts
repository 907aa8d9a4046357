/**
 * The stable error codes thrown by `@pptpkit/mppe`.
 *
 * Per-packet problems on the data path are never thrown: they are numeric statuses
 * (`MPPE_STATUS`).
 */
export type MppeErrorCode =
  /** CCP option 18 data is not exactly 4 bytes (RFC 3078 §2). */
  | 'MPPE_BAD_OPTION_LENGTH'
  /** Negotiation left no key strength both sides allow (RFC 3078 §2.1). */
  | 'MPPE_NO_COMMON_MODE'
  /** The peer insists on stateful mode and the policy refuses it (RFC 3078 §2, H bit). */
  | 'MPPE_STATEFUL_REFUSED';
