/**
 * The errors this package throws: one class with a stable `code`, mapped from the kernel's
 * errno so that a missing capability is named, not just reported as `EPERM`.
 *
 * @module
 */
/// <reference types="node" />
import { constants } from 'node:os';
import { PptpkitError } from '@pptpkit/wire';

/** Every error code this package throws. */
export type LinuxNetErrorCode =
  | 'LINUXNET_ADDON_MISSING'
  | 'LINUXNET_NO_CAPABILITY'
  | 'LINUXNET_NO_ACCESS'
  | 'LINUXNET_TUN_UNAVAILABLE'
  | 'LINUXNET_BUSY'
  | 'LINUXNET_EXISTS'
  | 'LINUXNET_NOT_FOUND'
  | 'LINUXNET_NO_ROUTE'
  | 'LINUXNET_CLOSED'
  | 'LINUXNET_SYSCALL_FAILED';

/** The Linux capability an operation needs. */
export type LinuxCapability = 'CAP_NET_ADMIN' | 'CAP_NET_RAW';

/** Non-secret context attached to a {@link LinuxNetError}. */
export interface LinuxNetErrorDetails {
  /** What this package was doing, e.g. `openTun` or `addRoute`. */
  readonly operation: string;
  /** The failing system call, when there is one. */
  readonly syscall?: string;
  /** The kernel's errno number, when there is one. */
  readonly errno?: number;
  /** The errno's symbolic name, e.g. `EPERM`. */
  readonly errnoName?: string;
  /** The capability the operation needs, for `LINUXNET_NO_CAPABILITY`. */
  readonly capability?: LinuxCapability;
  /** Further non-secret context (interface name, destination prefix, ...). */
  readonly [key: string]: string | number | boolean | undefined;
}

/** An error from the kernel side of pptpkit; a `PptpkitError` from `@pptpkit/wire`. */
export class LinuxNetError extends PptpkitError<LinuxNetErrorCode> {
  declare readonly details: LinuxNetErrorDetails;

  /**
   * @param code - stable error code.
   * @param message - a sentence for humans.
   * @param details - operation, errno and capability.
   * @param cause - the underlying error, if any.
   */
  constructor(
    code: LinuxNetErrorCode,
    message: string,
    details: LinuxNetErrorDetails,
    cause?: unknown,
  ) {
    super(code, message, { details, cause });
    this.name = 'LinuxNetError';
  }
}

/**
 * errno number → name, from Node's own table. Where two names share a number the later one
 * wins, except that 11 is `EAGAIN` (what `errno(3)` and the socket man pages call it), not
 * `EWOULDBLOCK`.
 */
const errnoNames: ReadonlyMap<number, string> = new Map([
  ...Object.entries(constants.errno).map(([name, value]): [number, string] => [value, name]),
  [constants.errno.EAGAIN, 'EAGAIN'],
]);

/** The symbolic name of an errno number (`EPERM`), or `E<number>` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** The errno number for a name, or `undefined`. */
export function errnoNumber(name: string): number | undefined {
  return (constants.errno as Readonly<Record<string, number>>)[name];
}

/** What an operation needs and how to explain a failure of it. */
export interface FailureContext {
  /** The operation name for `details.operation`. */
  readonly operation: string;
  /** The capability that `EPERM`/`EACCES` means is missing. */
  readonly capability: LinuxCapability;
  /** Extra non-secret details. */
  readonly extra?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** Maps an errno from `operation` to the package's error. */
export function errorFromErrno(
  errno: number,
  syscall: string | undefined,
  context: FailureContext,
  cause?: unknown,
): LinuxNetError {
  const name = errnoName(errno);
  const details: LinuxNetErrorDetails = {
    ...context.extra,
    operation: context.operation,
    syscall,
    errno,
    errnoName: name,
  };
  const where = syscall === undefined ? context.operation : `${context.operation} (${syscall})`;
  switch (name) {
    case 'EPERM':
    case 'EACCES':
      return new LinuxNetError(
        'LINUXNET_NO_CAPABILITY',
        `${where} needs ${context.capability}: run as root or grant it (setcap ${context.capability.toLowerCase()}+ep)`,
        { ...details, capability: context.capability },
        cause,
      );
    case 'EEXIST':
      return new LinuxNetError('LINUXNET_EXISTS', `${where}: already exists`, details, cause);
    case 'EBUSY':
      return new LinuxNetError(
        'LINUXNET_BUSY',
        `${where}: device or resource busy`,
        details,
        cause,
      );
    case 'ESRCH':
    case 'ENODEV':
    case 'EADDRNOTAVAIL':
    case 'ENOENT':
      return new LinuxNetError('LINUXNET_NOT_FOUND', `${where}: no such object`, details, cause);
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new LinuxNetError('LINUXNET_NO_ROUTE', `${where}: no route`, details, cause);
    default:
      return new LinuxNetError(
        'LINUXNET_SYSCALL_FAILED',
        `${where} failed: ${name}`,
        details,
        cause,
      );
  }
}

/** Maps an error thrown by the addon (it carries `errno` and `syscall`). */
export function errorFromNative(error: unknown, context: FailureContext): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { errno, syscall } = error as { errno?: unknown; syscall?: unknown };
  if (typeof errno !== 'number') return error;
  return errorFromErrno(errno, typeof syscall === 'string' ? syscall : undefined, context, error);
}

/** The error for using an object after `close()`. */
export function closedError(operation: string): LinuxNetError {
  return new LinuxNetError('LINUXNET_CLOSED', `${operation}: already closed`, { operation });
}
