import { appendFileSync } from 'node:fs';
import type { PeerSettings } from '../../config/index.js';
import { createLogger, type Logger, type LogLevel } from '../../log/logger.js';

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
 * The level of a tunnel's log: `debug` with the peer's `debug` or pptp-linux's `--loglevel 2`,
 * `warn` with `--loglevel 0`, else `info`.
 */
export function runLogLevel(settings: PeerSettings | undefined): LogLevel {
  const pptpLevel = settings?.pptp?.logLevel;
  if (settings?.debug || pptpLevel === 2) return 'debug';
  return pptpLevel === 0 ? 'warn' : 'info';
}

/**
 * The tunnel process's logger at {@link runLogLevel}, every record carrying the `pty` command's
 * `--logstring` as `logstring` when it has one; also appended to pppd's `logfile` when the peer
 * names one (best effort, as pppd).
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
  const logstring = settings?.pptp?.logString;
  if (logstring === undefined) return logger;
  return {
    debug: (m, f) => logger.debug(m, { logstring, ...f }),
    info: (m, f) => logger.info(m, { logstring, ...f }),
    warn: (m, f) => logger.warn(m, { logstring, ...f }),
    error: (m, f) => logger.error(m, { logstring, ...f }),
  };
}
