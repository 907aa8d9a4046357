import { appendFileSync } from 'node:fs';
import type { PeerSettings } from '../../config/index.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { runLogLevel, withLogString } from './pty-log-options.js';

/** Where a tunnel process logs: stderr (unless detached) and the run directory's log file. */
export interface RunLogTarget {
  /** `text` or `json` lines. */
  readonly format: 'text' | 'json';
  /** The run directory's log file (`pptpkit log`). */
  readonly file: string;
  /** Running detached: no stderr. */
  readonly detached: boolean;
}

/**
 * The tunnel process's logger at {@link runLogLevel} (`debug`, pptp-linux's `--loglevel`), with
 * `--logstring` ({@link withLogString}); also appended to pppd's `logfile` when the peer names
 * one (best effort, as pppd).
 */
export function runLogger(target: RunLogTarget, settings?: PeerSettings): Logger {
  const writeLine = (line: string): void => {
    if (!target.detached) process.stderr.write(`${line}\n`);
    try {
      appendFileSync(target.file, `${line}\n`);
    } catch {
      // The log file is a convenience.
    }
    const extra = settings?.logfile;
    if (extra === undefined) return;
    try {
      appendFileSync(extra, `${line}\n`);
    } catch {
      // Best effort, as pppd.
    }
  };
  const logger = createLogger({
    format: target.format,
    level: runLogLevel(settings),
    write: writeLine,
    clock: () => new Date(),
  });
  return withLogString(logger, settings);
}
