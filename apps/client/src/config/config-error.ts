import { type ErrorDetails, PptpkitError } from '@pptpkit/wire';
import { cannotRead, type ReadFailure } from './read-failure.js';

/** Stable codes of configuration errors. */
export type ConfigErrorCode =
  | 'CONFIG_UNKNOWN_OPTION'
  | 'CONFIG_UNSUPPORTED_OPTION'
  | 'CONFIG_MISSING_ARGUMENT'
  | 'CONFIG_BAD_VALUE'
  | 'CONFIG_INCLUDE_LOOP'
  | 'CONFIG_INCLUDE_LIMIT'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_NO_SERVER'
  | 'CONFIG_NO_SECRET';

/** Where in the configuration something was found. */
export interface ConfigLocation {
  /** Path of the file (or `<command line>`). */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

/**
 * Builds a configuration error that names the file, line and option, as
 * `file:line: option: problem`; `more` adds details (never a secret).
 */
export function configError(
  code: ConfigErrorCode,
  where: ConfigLocation,
  option: string,
  problem: string,
  more: ErrorDetails = {},
): PptpkitError<ConfigErrorCode> {
  return new PptpkitError(code, `${where.file}:${where.line}: ${option}: ${problem}`, {
    details: { file: where.file, line: where.line, option, ...more },
  });
}

/**
 * `CONFIG_UNREADABLE` for a file read as a whole rather than from an option's place (a secrets
 * or password file): `WHAT: cannot read 'PATH': REASON (ERRNO)`, with `path` and `errno` in
 * the details.
 */
export function unreadableFile(
  what: string,
  path: string,
  failure: ReadFailure,
): PptpkitError<ConfigErrorCode> {
  return new PptpkitError<ConfigErrorCode>(
    'CONFIG_UNREADABLE',
    `${what}: ${cannotRead(path, failure)}`,
    { details: { path, ...(failure.errno === undefined ? {} : { errno: failure.errno }) } },
  );
}
