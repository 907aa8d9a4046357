import { join } from 'node:path';

/** Where a tunnel keeps its run-time files. */
export interface RunPaths {
  /** The directory (`/run/pptpkit`, or `$PPTPKIT_RUN_DIR`). */
  readonly dir: string;
  /** The control socket. */
  readonly socket: string;
  /** The log file, kept across runs and rotated (`pptpkit log`; in {@link logDir}). */
  readonly log: string;
  /** The host-change journal (undone after a crash). */
  readonly journal: string;
  /** Present while the tunnel is up: pid and interface. */
  readonly state: string;
}

/** The run directory: `$PPTPKIT_RUN_DIR` or `/run/pptpkit`. */
export function runDir(): string {
  return process.env['PPTPKIT_RUN_DIR'] ?? '/run/pptpkit';
}

/**
 * The log directory: `$PPTPKIT_LOG_DIR`; else, when `$PPTPKIT_RUN_DIR` is set (tests, the lab),
 * the run directory, so that such runs never write to `/var/log`; else `/var/log/pptpkit`.
 */
export function logDir(): string {
  const env = process.env;
  return env['PPTPKIT_LOG_DIR'] ?? env['PPTPKIT_RUN_DIR'] ?? '/var/log/pptpkit';
}

/** The file name used for `peer` (a `/` would leave the directory). */
const fileBase = (peer: string): string => peer.replaceAll('/', '_');

/** The log file of tunnel `peer` (`serve` for the server). */
export function logPath(peer: string): string {
  return join(logDir(), `${fileBase(peer)}.log`);
}

/** The run-time files of tunnel `peer`. */
export function runPaths(peer: string): RunPaths {
  const dir = runDir();
  const base = fileBase(peer);
  return {
    dir,
    socket: join(dir, `${base}.sock`),
    log: logPath(peer),
    journal: join(dir, `${base}.journal`),
    state: join(dir, `${base}.state`),
  };
}
