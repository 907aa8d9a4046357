/**
 * Where the last non-throwing check failed. The per-packet checks return only an error code so
 * that a malformed packet costs no allocation on the session's path; the throwing decoders read
 * the position from here to build their `DecodeError`. Not exported from the package.
 *
 * @module
 */
import { DecodeError } from '@pptpkit/wire';
import { GRE_ERROR_CODES, type GreErrorCode } from './errors.js';

/** Offset and field of the most recent failed check (JavaScript is single-threaded). */
export const lastFailure: { offset: number; field: string } = { offset: 0, field: '' };

/** Records a failure position and returns its code, for `return fail(...)` in checks. */
export function fail(code: GreErrorCode, offset: number, field: string): GreErrorCode {
  lastFailure.offset = offset;
  lastFailure.field = field;
  return code;
}

/** Builds the `DecodeError` for the failure just recorded. */
export function failureError(code: GreErrorCode, base: number): DecodeError<GreErrorCode> {
  return new DecodeError(code, `${GRE_ERROR_CODES[code]} (${lastFailure.field})`, {
    offset: lastFailure.offset - base,
    field: lastFailure.field,
  });
}
