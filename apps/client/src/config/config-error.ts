import { PptpkitError } from '@pptpkit/wire';

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
 * `file:line: option: problem`.
 */
export function configError(
  code: ConfigErrorCode,
  where: ConfigLocation,
  option: string,
  problem: string,
): PptpkitError<ConfigErrorCode> {
  return new PptpkitError(code, `${where.file}:${where.line}: ${option}: ${problem}`, {
    details: { file: where.file, line: where.line, option },
  });
}
