/**
 * Logging to the system log as pppd does (`syslog(3)` with `LOG_PID`, facility `daemon`):
 * RFC 3164 messages, one datagram each, to the local syslog socket `/dev/log` (journald's or
 * rsyslog's). Like glibc's `syslog(3)` on the local socket, the message carries no HOSTNAME:
 * `<PRI>Mmm dd hh:mm:ss pptpkit[PID]: line`. It only ever receives finished log lines, which
 * the logger has already redacted.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { sendUnixDatagram } from '@pptpkit/linux-net';
import type { LogLevel } from './logger.js';

/** The local syslog socket. */
export const DEV_LOG = '/dev/log';

/** syslog facility `daemon` (RFC 3164 §4.1.1 table 1: 3). */
export const FACILITY_DAEMON = 3;

/**
 * Our levels as syslog severities (RFC 3164 §4.1.1 table 2): error → 3 Error, warn → 4
 * Warning, info → 6 Informational, debug → 7 Debug.
 */
export const SYSLOG_SEVERITY: Readonly<Record<LogLevel, number>> = {
  error: 3,
  warn: 4,
  info: 6,
  debug: 7,
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * The RFC 3164 §4.1.2 TIMESTAMP of `time` in local time: `Mmm dd hh:mm:ss`, the day padded
 * with a space (`Aug  7`).
 */
export function syslogTimestamp(time: Date): string {
  const day = String(time.getDate()).padStart(2, ' ');
  return `${MONTHS[time.getMonth()]} ${day} ${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}`;
}

/**
 * One message: `<PRI>TIMESTAMP TAG[PID]: CONTENT` with PRI = facility × 8 + severity (RFC
 * 3164 §4.1.1). Line breaks in `line` become spaces: one log line, one syslog message.
 */
export function syslogMessage(
  facility: number,
  level: LogLevel,
  time: Date,
  ident: string,
  pid: number,
  line: string,
): string {
  const pri = facility * 8 + SYSLOG_SEVERITY[level];
  return `<${pri}>${syslogTimestamp(time)} ${ident}[${pid}]: ${line.replace(/[\r\n]+/g, ' ')}`;
}

/** Where {@link openSyslog} writes. */
export interface SyslogOptions {
  /** The syslog socket (default `/dev/log`). */
  readonly path?: string;
  /** The TAG (default `pptpkit`). */
  readonly ident?: string;
  /** The pid in the TAG (default `process.pid`). */
  readonly pid?: number;
  /** The facility number (default 3, `daemon`). */
  readonly facility?: number;
  /** Wall-clock time of each message (default `new Date()`). */
  readonly clock?: () => Date;
  /** The datagram sender (default `@pptpkit/linux-net`'s `sendUnixDatagram`). */
  readonly send?: (path: string, data: Uint8Array) => void;
  /**
   * Told once, at the first message the socket refused (later refusals are silent: a log
   * that cannot be written must not stop the tunnel, nor flood another log).
   */
  readonly onError?: (error: Error & { code?: string }) => void;
}

/** A syslog connection; see {@link openSyslog}. */
export interface SyslogWriter {
  /** Sends `line` at `level`; never throws. */
  write(level: LogLevel, line: string): void;
  /** Stops writing; later writes do nothing. */
  close(): void;
}

/**
 * A writer to the local syslog socket, or `undefined` when there is none (`path` missing or
 * not a socket: a container without a syslog daemon). Each line is one datagram, sent without
 * waiting: a daemon that does not keep up loses lines rather than stalling the tunnel.
 */
export function openSyslog(options: SyslogOptions = {}): SyslogWriter | undefined {
  const path = options.path ?? DEV_LOG;
  try {
    if (!statSync(path).isSocket()) return undefined;
  } catch {
    return undefined;
  }
  const ident = options.ident ?? 'pptpkit';
  const pid = options.pid ?? process.pid;
  const facility = options.facility ?? FACILITY_DAEMON;
  const clock = options.clock ?? (() => new Date());
  const send = options.send ?? sendUnixDatagram;
  const encoder = new TextEncoder();
  let open = true;
  let failed = false;
  return {
    write(level, line) {
      if (!open) return;
      try {
        send(path, encoder.encode(syslogMessage(facility, level, clock(), ident, pid, line)));
      } catch (error) {
        if (failed) return;
        failed = true;
        options.onError?.(error as Error & { code?: string });
      }
    },
    close() {
      open = false;
    },
  };
}
