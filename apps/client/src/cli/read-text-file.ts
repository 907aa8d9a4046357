import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import type { ReadFailure, ReadResult } from '../config/read-failure.js';

/** Largest file read as configuration text, bytes (option files, secrets, logs shown). */
export const MAX_TEXT_FILE: number = 4 << 20;

/** The usual errors of opening a file, in words. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'a directory, not a regular file',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
};

/** A system error as a {@link ReadFailure}. */
function systemFailure(error: unknown): ReadFailure {
  const errno = (error as { code?: unknown }).code;
  if (typeof errno !== 'string') return { reason: (error as Error).message };
  // Node's message is `CODE: description, syscall 'path'`; keep the description.
  const described = /^[A-Z0-9]+: ([^,]+)/.exec((error as Error).message)?.[1];
  return { reason: REASONS[errno] ?? described ?? errno.toLowerCase(), errno };
}

/** What a file that is not a regular file is, for the reason it is refused. */
function kind(stat: Stats): ReadFailure {
  if (stat.isDirectory()) return { reason: REASONS['EISDIR']!, errno: 'EISDIR' };
  const what = stat.isFIFO()
    ? 'a FIFO'
    : stat.isCharacterDevice() || stat.isBlockDevice()
      ? 'a device'
      : stat.isSocket()
        ? 'a socket'
        : 'not a file';
  return { reason: `not a regular file (${what})` };
}

/**
 * Reads a regular file as UTF-8 text, or says why not: the system's error (`ENOENT`, `EACCES`,
 * `ELOOP`, `ENOTDIR`...), a file that is not a regular file (a FIFO, a device such as
 * `/dev/zero`, a directory), or one larger than `limit` bytes, so that a configuration naming
 * one can neither block nor exhaust memory.
 */
export function readTextFile(path: string, limit: number = MAX_TEXT_FILE): ReadResult {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO with no writer returns at once instead of waiting.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return systemFailure(error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return kind(stat);
    if (stat.size > limit) {
      return { reason: `too large (${stat.size} bytes; at most ${limit} are read)` };
    }
    const buf = Buffer.alloc(stat.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    return buf.toString('utf8', 0, got);
  } catch (error) {
    return systemFailure(error);
  } finally {
    closeSync(fd);
  }
}
