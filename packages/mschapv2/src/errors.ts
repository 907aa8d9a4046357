/**
 * The error codes of `@pptpkit/mschapv2` and the table of MS-CHAP failure codes.
 *
 * @module
 */

/** Every error code this package produces. */
export type MschapErrorCode =
  | 'MSCHAP_TRUNCATED'
  | 'MSCHAP_BAD_LENGTH'
  | 'MSCHAP_BAD_CODE'
  | 'MSCHAP_BAD_VALUE_SIZE'
  | 'MSCHAP_PASSWORD_TOO_LONG'
  | 'MSCHAP_AUTH_FAILED'
  | 'MSCHAP_RESTRICTED_LOGON_HOURS'
  | 'MSCHAP_ACCOUNT_DISABLED'
  | 'MSCHAP_PASSWORD_EXPIRED'
  | 'MSCHAP_NO_DIALIN_PERMISSION'
  | 'MSCHAP_CHANGING_PASSWORD'
  | 'MSCHAP_UNKNOWN_FAILURE'
  | 'MSCHAP_BAD_AUTHENTICATOR_RESPONSE'
  | 'MSCHAP_TIMEOUT'
  | 'MSCHAP_NO_SUCCESS';

/**
 * The error codes of an MS-CHAP Failure message's `E=` field (RFC 2433 §3, RFC 2759 §6),
 * mapped to this package's stable codes. Codes not listed map to `MSCHAP_UNKNOWN_FAILURE`.
 */
export const MSCHAP_FAILURE_CODES: {
  readonly 646: 'MSCHAP_RESTRICTED_LOGON_HOURS';
  readonly 647: 'MSCHAP_ACCOUNT_DISABLED';
  readonly 648: 'MSCHAP_PASSWORD_EXPIRED';
  readonly 649: 'MSCHAP_NO_DIALIN_PERMISSION';
  readonly 691: 'MSCHAP_AUTH_FAILED';
  readonly 709: 'MSCHAP_CHANGING_PASSWORD';
} = {
  646: 'MSCHAP_RESTRICTED_LOGON_HOURS',
  647: 'MSCHAP_ACCOUNT_DISABLED',
  648: 'MSCHAP_PASSWORD_EXPIRED',
  649: 'MSCHAP_NO_DIALIN_PERMISSION',
  691: 'MSCHAP_AUTH_FAILED',
  709: 'MSCHAP_CHANGING_PASSWORD',
} as const;
