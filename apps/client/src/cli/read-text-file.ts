import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Largest file read as configuration text, bytes (option files, secrets, logs shown). */
export const MAX_TEXT_FILE: number = 4 << 20;

/**
 * Reads a regular file as UTF-8 text: `undefined` when it does not exist, cannot be opened, or
 * is not a regular file (a FIFO, a device such as `/dev/zero`, a directory), so that a
 * configuration naming one can neither block nor exhaust memory. At most `limit` bytes are
 * read: a longer file comes back cut, and the options reader refuses it by its length.
 */
export function readTextFile(path: string, limit: number = MAX_TEXT_FILE): string | undefined {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO with no writer returns at once instead of waiting.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(stat.size, limit));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    return buf.toString('utf8', 0, got);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
