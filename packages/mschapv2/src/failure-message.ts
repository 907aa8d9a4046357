/**
 * MS-CHAP Failure and Success message text (RFC 2433 §3, RFC 2759 §5–6).
 *
 * @module
 */
import { AuthenticationError, fromHex, toHex } from '@pptpkit/wire';
import { MSCHAP_FAILURE_CODES, type MschapErrorCode } from './errors.js';

/** The fields of an MS-CHAP Failure message `E=… R=… C=… V=… M=…`; absent fields are undefined. */
export interface MschapFailure {
  /** `E=`: the decimal error code (691 wrong password, 648 expired, ...). */
  readonly error?: number;
  /** `R=1`: the authenticator allows a retry with new credentials. */
  readonly retryAllowed: boolean;
  /** `C=`: the new challenge for a retry (8 bytes for v1, 16 for v2), if valid hex. */
  readonly challenge?: Uint8Array;
  /** `V=`: the password-change protocol version (3 for MS-CHAPv2). */
  readonly version?: number;
  /** `M=`: human-readable text, everything after `M=` to the end. */
  readonly message?: string;
}

/** Longest decimal field accepted, so a hostile `E=999…` cannot lose precision. */
const MAX_DIGITS = 10;

/** Parses a decimal field, or undefined if it is not 1–10 ASCII digits. */
function decimal(text: string): number | undefined {
  return text.length > 0 && text.length <= MAX_DIGITS && /^[0-9]+$/.test(text)
    ? Number(text)
    : undefined;
}

/**
 * Parses the Message of an MS-CHAP Failure packet (RFC 2433 §3, RFC 2759 §6).
 *
 * Lenient: fields may be missing, unknown fields are ignored, malformed values leave the field
 * undefined. Never throws.
 */
export function parseMschapFailure(text: string): MschapFailure {
  let error: number | undefined;
  let retryAllowed = false;
  let challenge: Uint8Array | undefined;
  let version: number | undefined;
  let message: string | undefined;
  let at = 0;
  while (at < text.length) {
    while (at < text.length && text[at] === ' ') at++;
    if (text.startsWith('M=', at)) {
      message = text.slice(at + 2);
      break;
    }
    let end = text.indexOf(' ', at);
    if (end < 0) end = text.length;
    const token = text.slice(at, end);
    at = end;
    const value = token.slice(2);
    if (token.startsWith('E=')) error = decimal(value);
    else if (token.startsWith('R=')) retryAllowed = value === '1';
    else if (token.startsWith('V=')) version = decimal(value);
    else if (token.startsWith('C=') && /^([0-9A-Fa-f]{2})+$/.test(value))
      challenge = fromHex(value);
  }
  return { error, retryAllowed, challenge, version, message };
}

/**
 * Formats an MS-CHAP Failure message. MS-CHAPv2 (RFC 2759 §6) requires `C=` (16 bytes) and
 * uses `V=3`; MS-CHAPv1 (RFC 2433 §3) makes `C=` (8 bytes) and `V=` optional and has no `M=`.
 */
export function formatMschapFailure(failure: MschapFailure): string {
  const parts = [`E=${failure.error ?? 691}`, `R=${failure.retryAllowed ? 1 : 0}`];
  if (failure.challenge !== undefined) parts.push(`C=${toHex(failure.challenge).toUpperCase()}`);
  if (failure.version !== undefined) parts.push(`V=${failure.version}`);
  if (failure.message !== undefined) parts.push(`M=${failure.message}`);
  return parts.join(' ');
}

/** Human sentences for the known failure codes. */
const SENTENCES: Readonly<Record<number, string>> = {
  646: 'logon is not allowed at this time of day (E=646)',
  647: 'the account is disabled (E=647)',
  648: 'the password has expired (E=648)',
  649: 'the account has no dial-in permission (E=649)',
  691: 'the user name or password was rejected (E=691)',
  709: 'the server reports an error while changing the password (E=709)',
};

/**
 * Turns a parsed Failure message into the typed error a peer reports: the code comes from
 * {@link MSCHAP_FAILURE_CODES} (unknown or missing `E=` gives `MSCHAP_UNKNOWN_FAILURE`), and
 * `details` carries `mschapError`, `retryAllowed`, `challenge` (hex), `version` and the server's
 * `serverMessage`.
 */
export function mschapFailureToError(failure: MschapFailure): AuthenticationError<MschapErrorCode> {
  const known =
    failure.error === undefined
      ? undefined
      : (MSCHAP_FAILURE_CODES as Readonly<Record<number, MschapErrorCode>>)[failure.error];
  const code: MschapErrorCode = known ?? 'MSCHAP_UNKNOWN_FAILURE';
  const why =
    known === undefined
      ? `the server refused authentication with ${failure.error === undefined ? 'no error code' : `E=${failure.error}`}`
      : SENTENCES[failure.error!]!;
  return new AuthenticationError<MschapErrorCode>(code, `MS-CHAP authentication failed: ${why}`, {
    details: {
      mschapError: failure.error,
      retryAllowed: failure.retryAllowed,
      challenge: failure.challenge === undefined ? undefined : toHex(failure.challenge),
      version: failure.version,
      serverMessage: failure.message,
    },
  });
}

/** The fields of an MS-CHAPv2 Success message `S=<40 hex> M=<text>` (RFC 2759 §5). */
export interface Mschapv2Success {
  /** The `S=` token (42 characters), or undefined when the message does not start with one. */
  readonly authenticatorResponse?: string;
  /** The text after ` M=`, if any. */
  readonly message?: string;
}

/** Parses an MS-CHAPv2 Success message. Never throws. */
export function parseMschapv2Success(text: string): Mschapv2Success {
  const match = /^(S=[0-9A-Fa-f]{40})(?: M=([\s\S]*)| *$)/.exec(text);
  if (match === null) {
    const m = text.indexOf('M=');
    return { message: m < 0 ? undefined : text.slice(m + 2) };
  }
  return { authenticatorResponse: match[1], message: match[2] };
}
