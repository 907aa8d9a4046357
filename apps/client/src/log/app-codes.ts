/**
 * The stable codes of the application's own error (and some warning) lines, for what is no
 * `PptpkitError` of a package: every `log.error` carries a code (`ErrorFields` in logger.ts), the
 * package error's own when there is one, else one of these. Each is listed in the README's
 * error table.
 *
 * @module
 */
import { PptpkitError } from '@pptpkit/wire';

/** The application's own codes, by what went wrong. */
export const APP_CODE = {
  /** A bug escaped a guard (an exception out of an I/O callback or the run itself). */
  internal: 'INTERNAL_ERROR',
  /** A write to the control connection or the GRE socket failed (that packet is lost). */
  writeFailed: 'IO_WRITE_FAILED',
  /** A descriptor the tunnel reads (GRE socket, TUN device) failed: the session ends. */
  portFailed: 'IO_PORT_FAILED',
  /** What follows a tunnel's `up` (state file, scripts, telling the parent) failed. */
  afterUpFailed: 'AFTER_UP_FAILED',
  /** A step of the teardown threw, rejected or hung; the next step ran. */
  stopStepFailed: 'STOP_STEP_FAILED',
  /** Host changes (routes, addresses, DNS) that could not be undone. */
  hostUndoFailed: 'HOST_UNDO_FAILED',
  /** `persist` gave up after `maxfail` attempts in a row that never came up. */
  maxfail: 'PERSIST_MAXFAIL',
  /** A second signal during the teardown: the process exits at once. */
  secondSignal: 'SIGNAL_SECOND',
  /** The server's name did not resolve to an IPv4 address. */
  serverUnresolvable: 'SERVER_UNRESOLVABLE',
  /** The rtnetlink socket could not be opened. */
  rtnetlinkUnavailable: 'RTNETLINK_UNAVAILABLE',
  /** The run directory (`/run/pptpkit`) could not be created. */
  runDirUnusable: 'RUN_DIR_UNUSABLE',
  /** The tunnel (or the server) is already running. */
  alreadyRunning: 'ALREADY_RUNNING',
  /** `serve` could not open its sockets or its interface. */
  serveSetupFailed: 'SERVE_SETUP_FAILED',
  /** `serve` could not start listening. */
  serveStartFailed: 'SERVE_START_FAILED',
  /** A server session's route (or proxy ARP entry) could not be added: the session ends. */
  serveRouteFailed: 'SERVE_ROUTE_FAILED',
  /** The log file cannot be written (a warning: logging goes on elsewhere). */
  logFileUnwritable: 'LOG_FILE_UNWRITABLE',
  /** `--syslog` was asked for, but `/dev/log` is missing or refuses (a warning). */
  syslogUnwritable: 'SYSLOG_UNWRITABLE',
} as const;

/** One of the application's own codes. */
export type AppCode = (typeof APP_CODE)[keyof typeof APP_CODE];

/** The stable code of `error`: a `PptpkitError`'s own, else `fallback`. */
export function errorCode(error: unknown, fallback: AppCode): string {
  return error instanceof PptpkitError ? error.code : fallback;
}

/** `{ code }` of `error` when it is a `PptpkitError`, else nothing: for warning lines. */
export function codeField(error: unknown): { readonly code?: string } {
  return error instanceof PptpkitError ? { code: error.code } : {};
}
