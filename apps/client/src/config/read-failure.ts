/** Why a file could not be read: a reason in words and, when the system gave one, its errno. */
export interface ReadFailure {
  /** What went wrong, e.g. `no such file`, `permission denied`, `not a regular file (a FIFO)`. */
  readonly reason: string;
  /** The system's error name (`ENOENT`, `EACCES`...), when there is one. */
  readonly errno?: string;
}

/** What a {@link ReadConfigFile} gives: the text, or why there is none. */
export type ReadResult = string | ReadFailure;

/** Reads a configuration file: its text, or why it could not be read. */
export type ReadConfigFile = (path: string) => ReadResult;

/** The failure of a file that does not exist (for readers of files held in memory). */
export const NO_SUCH_FILE: ReadFailure = { reason: 'no such file', errno: 'ENOENT' };

/** Whether a read failed. */
export function isReadFailure(result: ReadResult): result is ReadFailure {
  return typeof result !== 'string';
}

/** Whether a read failed only because the file does not exist (pppd skips such optional files). */
export function isMissing(result: ReadResult): boolean {
  return isReadFailure(result) && result.errno === 'ENOENT';
}

/** The failure in words, e.g. `no such file (ENOENT)`. */
export function readFailureText(failure: ReadFailure): string {
  return failure.errno === undefined ? failure.reason : `${failure.reason} (${failure.errno})`;
}

/** `cannot read 'PATH': REASON (ERRNO)`: the sentence every unreadable file is reported with. */
export function cannotRead(path: string, failure: ReadFailure): string {
  return `cannot read '${path}': ${readFailureText(failure)}`;
}
