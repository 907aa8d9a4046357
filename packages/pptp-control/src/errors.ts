/**
 * The error codes of `@pptpkit/pptp-control` and the mapping from every RFC 2637 result code
 * to a typed error with a sentence a person can read.
 *
 * @module
 */
import {
  AuthenticationError,
  NegotiationError,
  PptpkitError,
  ProtocolError,
  TimeoutError,
} from '@pptpkit/wire';
import {
  CDN_RESULT_MEANINGS,
  type CodeMeaning,
  describeGeneralError,
  GENERAL_ERROR_MEANINGS,
  OCRP_RESULT_MEANINGS,
  SCCRP_RESULT_MEANINGS,
  STOP_REASON_MEANINGS,
  STOPCCRP_RESULT_MEANINGS,
} from './result-codes.js';

/** Codes of the `DecodeError`s thrown by the codec and the framer. */
export type PptpDecodeErrorCode =
  | 'PPTP_TRUNCATED'
  | 'PPTP_BAD_LENGTH'
  | 'PPTP_BAD_MESSAGE_TYPE'
  | 'PPTP_BAD_MAGIC'
  | 'PPTP_UNKNOWN_CONTROL_TYPE'
  | 'PPTP_RESERVED_NONZERO';

/** Codes for the General Error Codes of RFC 2637 §2.16, carried in `details.generalError`. */
export type PptpGeneralErrorCode =
  | 'PPTP_GENERAL_NONE'
  | 'PPTP_GENERAL_NOT_CONNECTED'
  | 'PPTP_GENERAL_BAD_FORMAT'
  | 'PPTP_GENERAL_BAD_VALUE'
  | 'PPTP_GENERAL_NO_RESOURCE'
  | 'PPTP_GENERAL_BAD_CALL_ID'
  | 'PPTP_GENERAL_PAC_ERROR'
  | 'PPTP_GENERAL_UNKNOWN';

/** Codes for Start-Control-Connection-Reply results other than success (RFC 2637 §2.2). */
export type PptpSccrpErrorCode =
  | 'PPTP_SCCRP_GENERAL_ERROR'
  | 'PPTP_SCCRP_CHANNEL_EXISTS'
  | 'PPTP_SCCRP_NOT_AUTHORIZED'
  | 'PPTP_SCCRP_VERSION_NOT_SUPPORTED'
  | 'PPTP_SCCRP_UNKNOWN_RESULT';

/** Codes for Outgoing-Call-Reply results other than Connected (RFC 2637 §2.8). */
export type PptpOcrpErrorCode =
  | 'PPTP_OCRP_GENERAL_ERROR'
  | 'PPTP_OCRP_NO_CARRIER'
  | 'PPTP_OCRP_BUSY'
  | 'PPTP_OCRP_NO_DIAL_TONE'
  | 'PPTP_OCRP_TIME_OUT'
  | 'PPTP_OCRP_DO_NOT_ACCEPT'
  | 'PPTP_OCRP_UNKNOWN_RESULT';

/** Codes for Call-Disconnect-Notify results (RFC 2637 §2.13). */
export type PptpCdnErrorCode =
  | 'PPTP_CDN_LOST_CARRIER'
  | 'PPTP_CDN_GENERAL_ERROR'
  | 'PPTP_CDN_ADMIN_SHUTDOWN'
  | 'PPTP_CDN_REQUEST'
  | 'PPTP_CDN_UNKNOWN_RESULT';

/** Codes for Stop-Control-Connection-Reply results other than OK (RFC 2637 §2.4). */
export type PptpStopCcrpErrorCode = 'PPTP_STOPCCRP_GENERAL_ERROR' | 'PPTP_STOPCCRP_UNKNOWN_RESULT';

/** Codes for how a control connection or a call ended, raised by the state machines. */
export type PptpSessionErrorCode =
  | 'PPTP_TIMEOUT_SCCRQ'
  | 'PPTP_TIMEOUT_SCCRP'
  | 'PPTP_TIMEOUT_OCRP'
  | 'PPTP_TIMEOUT_CDN'
  | 'PPTP_TIMEOUT_STOPCCRP'
  | 'PPTP_PEER_DEAD'
  | 'PPTP_STOPPED_LOCALLY'
  | 'PPTP_STOPPED_BY_PEER'
  | 'PPTP_CALL_CLEARED'
  | 'PPTP_CLOSED_AFTER_CLEAR'
  | 'PPTP_TCP_CLOSED'
  | 'PPTP_VERSION_NOT_SUPPORTED'
  | 'PPTP_UNEXPECTED_MESSAGE'
  | 'PPTP_ECHO_GENERAL_ERROR';

/** Every error code this package produces. */
export type PptpControlErrorCode =
  | PptpDecodeErrorCode
  | PptpSccrpErrorCode
  | PptpOcrpErrorCode
  | PptpCdnErrorCode
  | PptpStopCcrpErrorCode
  | PptpSessionErrorCode;

/** An error of this package: a `PptpkitError` (or subclass) with one of its codes. */
export type PptpControlError = PptpkitError<PptpControlErrorCode>;

const GENERAL_ERROR_CODES: readonly PptpGeneralErrorCode[] = [
  'PPTP_GENERAL_NONE',
  'PPTP_GENERAL_NOT_CONNECTED',
  'PPTP_GENERAL_BAD_FORMAT',
  'PPTP_GENERAL_BAD_VALUE',
  'PPTP_GENERAL_NO_RESOURCE',
  'PPTP_GENERAL_BAD_CALL_ID',
  'PPTP_GENERAL_PAC_ERROR',
];

/** Maps a General Error Code (RFC 2637 §2.16) to its stable code. */
export function generalErrorCode(code: number): PptpGeneralErrorCode {
  return GENERAL_ERROR_CODES[code] ?? 'PPTP_GENERAL_UNKNOWN';
}

/** Sentence and details shared by every result-code error. */
function resultError<C extends PptpControlErrorCode>(
  Kind: typeof PptpkitError,
  code: C,
  message: string,
  meaning: CodeMeaning | undefined,
  result: number,
  errorCode: number,
  extra: Readonly<Record<string, string | number>> = {},
): PptpkitError<C> {
  const what = meaning === undefined ? `unknown result code ${result}` : meaning.sentence;
  const name = meaning === undefined ? '' : ` "${meaning.name}"`;
  const general =
    errorCode !== 0 || code.endsWith('GENERAL_ERROR')
      ? ` (${describeGeneralError(errorCode)})`
      : '';
  return new Kind(code, `${message} result ${result}${name}: ${what}${general}`, {
    details: {
      resultCode: result,
      errorCode,
      generalError: generalErrorCode(errorCode),
      generalErrorName: GENERAL_ERROR_MEANINGS[errorCode]?.name,
      ...extra,
    },
  }) as PptpkitError<C>;
}

const SCCRP_CODES: Readonly<Record<number, PptpSccrpErrorCode>> = {
  2: 'PPTP_SCCRP_GENERAL_ERROR',
  3: 'PPTP_SCCRP_CHANNEL_EXISTS',
  4: 'PPTP_SCCRP_NOT_AUTHORIZED',
  5: 'PPTP_SCCRP_VERSION_NOT_SUPPORTED',
};

/**
 * The typed error for a Start-Control-Connection-Reply whose Result Code is not 1
 * (RFC 2637 §2.2). Result 4 is an `AuthenticationError`, result 5 a `NegotiationError`, the
 * rest `ProtocolError`s.
 */
export function sccrpError(
  resultCode: number,
  errorCode: number,
): PptpkitError<PptpSccrpErrorCode> {
  const code = SCCRP_CODES[resultCode] ?? 'PPTP_SCCRP_UNKNOWN_RESULT';
  const Kind =
    resultCode === 4 ? AuthenticationError : resultCode === 5 ? NegotiationError : ProtocolError;
  return resultError(
    Kind,
    code,
    'Start-Control-Connection-Reply',
    SCCRP_RESULT_MEANINGS[resultCode],
    resultCode,
    errorCode,
  );
}

const OCRP_CODES: Readonly<Record<number, PptpOcrpErrorCode>> = {
  2: 'PPTP_OCRP_GENERAL_ERROR',
  3: 'PPTP_OCRP_NO_CARRIER',
  4: 'PPTP_OCRP_BUSY',
  5: 'PPTP_OCRP_NO_DIAL_TONE',
  6: 'PPTP_OCRP_TIME_OUT',
  7: 'PPTP_OCRP_DO_NOT_ACCEPT',
};

/** The typed error for an Outgoing-Call-Reply whose Result Code is not 1 (RFC 2637 §2.8). */
export function ocrpError(
  resultCode: number,
  errorCode: number,
  causeCode: number,
): ProtocolError<PptpOcrpErrorCode> {
  return resultError(
    ProtocolError,
    OCRP_CODES[resultCode] ?? 'PPTP_OCRP_UNKNOWN_RESULT',
    'Outgoing-Call-Reply',
    OCRP_RESULT_MEANINGS[resultCode],
    resultCode,
    errorCode,
    { causeCode },
  ) as ProtocolError<PptpOcrpErrorCode>;
}

const CDN_CODES: Readonly<Record<number, PptpCdnErrorCode>> = {
  1: 'PPTP_CDN_LOST_CARRIER',
  2: 'PPTP_CDN_GENERAL_ERROR',
  3: 'PPTP_CDN_ADMIN_SHUTDOWN',
  4: 'PPTP_CDN_REQUEST',
};

/** The typed error describing a Call-Disconnect-Notify (RFC 2637 §2.13). */
export function cdnError(
  resultCode: number,
  errorCode: number,
  causeCode: number,
): ProtocolError<PptpCdnErrorCode> {
  return resultError(
    ProtocolError,
    CDN_CODES[resultCode] ?? 'PPTP_CDN_UNKNOWN_RESULT',
    'Call-Disconnect-Notify',
    CDN_RESULT_MEANINGS[resultCode],
    resultCode,
    errorCode,
    { causeCode },
  ) as ProtocolError<PptpCdnErrorCode>;
}

/** The typed error for a Stop-Control-Connection-Reply whose Result Code is not 1 (§2.4). */
export function stopCcrpError(
  resultCode: number,
  errorCode: number,
): ProtocolError<PptpStopCcrpErrorCode> {
  return resultError(
    ProtocolError,
    resultCode === 2 ? 'PPTP_STOPCCRP_GENERAL_ERROR' : 'PPTP_STOPCCRP_UNKNOWN_RESULT',
    'Stop-Control-Connection-Reply',
    STOPCCRP_RESULT_MEANINGS[resultCode],
    resultCode,
    errorCode,
  ) as ProtocolError<PptpStopCcrpErrorCode>;
}

/** The error recording that the peer sent a Stop-Control-Connection-Request (§2.3). */
export function stoppedByPeer(reason: number): PptpkitError<'PPTP_STOPPED_BY_PEER'> {
  const meaning = STOP_REASON_MEANINGS[reason];
  const why =
    meaning === undefined ? `unknown reason ${reason}` : `${meaning.name}: ${meaning.sentence}`;
  return new PptpkitError(
    'PPTP_STOPPED_BY_PEER',
    `the peer stopped the control connection (${why})`,
    {
      details: { reason },
    },
  );
}

/** Builds a `TimeoutError` for a reply that did not arrive in time. */
export function timeoutError(
  code: Extract<PptpSessionErrorCode, `PPTP_TIMEOUT_${string}` | 'PPTP_PEER_DEAD'>,
  message: string,
  waitedMs: number,
): TimeoutError<PptpSessionErrorCode> {
  return new TimeoutError(code, message, { details: { waitedMs } });
}
