import {
  closeSync,
  fchmodSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** A log file's size cap: past it the file is rotated. */
export const LOG_FILE_CAP: number = 1024 * 1024;

/** How many rotated files are kept (`PEER.log.1` … `PEER.log.3`); the oldest is dropped. */
export const LOG_FILES_KEPT: number = 3;

/** The files of log `path`, newest first: `path`, `path.1` … `path.N`. */
export function logFiles(path: string, kept: number = LOG_FILES_KEPT): string[] {
  return [path, ...Array.from({ length: kept }, (_, i) => `${path}.${i + 1}`)];
}

/** How a {@link LogFile} is bounded and reports trouble. */
export interface LogFileOptions {
  /** Rotate before a line would take the file past this many bytes. */
  readonly cap?: number;
  /** Rotated files kept. */
  readonly kept?: number;
  /** Told once, at the first failure to write (later failures are silent). */
  readonly onError?: (error: Error) => void;
}

/**
 * An append-only log file that keeps earlier runs and stays bounded: a line that would take it
 * past the cap first rotates it (`PEER.log` → `PEER.log.1` → … → `PEER.log.N`, the oldest
 * dropped), so the files never hold more than `(N + 1) × cap` bytes (plus one over-long line).
 * Mode 0640 (it names users and addresses). Best effort: a failure is reported once and never
 * thrown; later lines are tried again (a full disk may clear).
 */
export class LogFile {
  readonly #path: string;
  readonly #cap: number;
  readonly #kept: number;
  readonly #onError: ((error: Error) => void) | undefined;
  #size: number | undefined;
  /** Whether the current file's mode was set (once per file: an older file may be 0644). */
  #modeSet = false;
  #reported = false;

  /** @param path - the current file; its directory is created if needed. */
  constructor(path: string, options: LogFileOptions = {}) {
    this.#path = path;
    this.#cap = options.cap ?? LOG_FILE_CAP;
    this.#kept = options.kept ?? LOG_FILES_KEPT;
    this.#onError = options.onError;
  }

  /** Appends `line` and a newline, rotating first when the file would pass the cap. */
  append(line: string): void {
    const bytes = Buffer.from(`${line}\n`);
    try {
      if (this.#size === undefined) {
        mkdirSync(dirname(this.#path), { recursive: true, mode: 0o755 });
        this.#size = fileSize(this.#path);
      }
      if (this.#size > 0 && this.#size + bytes.length > this.#cap) this.#rotate();
      const fd = openSync(this.#path, 'a', 0o640);
      try {
        if (!this.#modeSet) fchmodSync(fd, 0o640);
        this.#modeSet = true;
        writeSync(fd, bytes);
      } finally {
        closeSync(fd);
      }
      this.#size += bytes.length;
    } catch (error) {
      // Measure again next time: the file may have been written in part, or moved.
      this.#size = undefined;
      if (this.#reported) return;
      this.#reported = true;
      this.#onError?.(error as Error);
    }
  }

  #rotate(): void {
    const files = logFiles(this.#path, this.#kept);
    rmSync(files[files.length - 1]!, { force: true });
    for (let i = files.length - 2; i >= 0; i--) {
      try {
        renameSync(files[i]!, files[i + 1]!);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    this.#size = 0;
    this.#modeSet = false;
  }
}

/** The size of `path`, 0 when it does not exist. */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
