import type { Logger, LogLevel } from '../../log/logger.js';
import type { RunLogSettings } from './run-log.js';

/**
 * The level of a tunnel's log: `debug` with the peer's `debug` or pptp-linux's `--loglevel 2`
 * (`pty "pptp HOST --loglevel N"`), `warn` with `--loglevel 0`, else `info`.
 */
export function runLogLevel(settings: RunLogSettings | undefined): LogLevel {
  const pptpLevel = settings?.pptp?.logLevel;
  if (settings?.debug || pptpLevel === 2) return 'debug';
  return pptpLevel === 0 ? 'warn' : 'info';
}

/**
 * `logger` with the `pty` command's `--logstring NAME` on every record as `logstring` (where
 * pptp-linux puts it in its syslog lines); `logger` itself without one.
 */
export function withLogString(logger: Logger, settings: RunLogSettings | undefined): Logger {
  const logstring = settings?.pptp?.logString;
  if (logstring === undefined) return logger;
  return {
    debug: (m, f) => logger.debug(m, { logstring, ...f }),
    info: (m, f) => logger.info(m, { logstring, ...f }),
    warn: (m, f) => logger.warn(m, { logstring, ...f }),
    error: (m, f) => logger.error(m, { logstring, ...f }),
  };
}
