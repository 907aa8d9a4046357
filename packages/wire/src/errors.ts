/**
 * The error base shared by every pptpkit package.
 *
 * Each error carries a stable string `code` (e.g. `GRE_BAD_VERSION`) that callers can switch on,
 * and a `details` record with non-secret context (offsets, field names, numeric codes). Errors
 * are branded with a `Symbol.for` key so that `instanceof` works across duplicate copies of a
 * package in one process.
 *
 * @module
 */

/** Marks pptpkit errors; `Symbol.for` so duplicate package copies share it. */
const brand: unique symbol = Symbol.for('@pptpkit/wire/error');

/** The kinds of pptpkit error; each has its own subclass. */
export type ErrorKind =
  | 'PptpkitError'
  | 'DecodeError'
  | 'ProtocolError'
  | 'AuthenticationError'
  | 'NegotiationError'
  | 'TimeoutError';

/** Non-secret context attached to an error. Never put passwords, hashes or keys here. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

/** Options accepted by every pptpkit error constructor. */
export interface PptpkitErrorOptions {
  /** Non-secret context: offsets, field names, numeric result codes. */
  readonly details?: ErrorDetails;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * Base class of every error thrown by a pptpkit package.
 *
 * @typeParam C - the package's union of error codes.
 */
export class PptpkitError<C extends string = string> extends Error {
  /** Which subclass this is; survives duplicate package copies, unlike the constructor. */
  static readonly kind: ErrorKind = 'PptpkitError';
  /** Stable machine-readable code, e.g. `MPPE_BAD_HEADER`. */
  readonly code: C;
  /** Non-secret context. */
  readonly details: ErrorDetails;
  /** Which subclass this is. */
  readonly kind: ErrorKind;

  /**
   * @param code - stable error code.
   * @param message - a sentence for humans; must not contain secrets.
   * @param options - details and cause.
   */
  constructor(code: C, message: string, options: PptpkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const kind = (new.target as { kind?: ErrorKind }).kind ?? 'PptpkitError';
    this.name = kind;
    this.kind = kind;
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, brand, { value: true });
  }

  /**
   * Brand-based `instanceof`. `PptpkitError` matches every branded error and each of the
   * standard subclasses matches by `kind`, so both work across duplicate package copies; a
   * package's own subclass (which declares no `kind`) matches by prototype chain as usual.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || !(brand in value)) return false;
    if (!Object.hasOwn(this, 'kind'))
      return Object.prototype.isPrototypeOf.call(this.prototype, value);
    if (this.kind === 'PptpkitError') return true;
    return (value as { kind?: unknown }).kind === this.kind;
  }
}

/** Where in the input a decoder gave up. */
export interface DecodeErrorDetails {
  /** Byte offset in the decoded buffer. */
  readonly offset: number;
  /** The field being read or checked. */
  readonly field: string;
  /** Any further non-secret context. */
  readonly [key: string]: string | number | boolean | undefined;
}

/** Malformed input: a decoder read past the end or found a value the RFC forbids. */
export class DecodeError<C extends string = string> extends PptpkitError<C> {
  static override readonly kind: ErrorKind = 'DecodeError';
  declare readonly details: DecodeErrorDetails;

  /**
   * @param code - stable error code.
   * @param message - a sentence for humans.
   * @param details - offset and field where decoding failed.
   */
  constructor(code: C, message: string, details: DecodeErrorDetails) {
    super(code, message, { details });
  }
}

/** The peer broke the protocol in a way a state machine cannot absorb. */
export class ProtocolError<C extends string = string> extends PptpkitError<C> {
  static override readonly kind: ErrorKind = 'ProtocolError';
}

/** Authentication failed or could not be completed. */
export class AuthenticationError<C extends string = string> extends PptpkitError<C> {
  static override readonly kind: ErrorKind = 'AuthenticationError';
}

/** The two sides could not agree on options. */
export class NegotiationError<C extends string = string> extends PptpkitError<C> {
  static override readonly kind: ErrorKind = 'NegotiationError';
}

/** Something expected did not happen in time. */
export class TimeoutError<C extends string = string> extends PptpkitError<C> {
  static override readonly kind: ErrorKind = 'TimeoutError';
}
