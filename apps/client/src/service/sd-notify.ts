/**
 * systemd's notification protocol (`sd_notify(3)`): newline-separated `NAME=value` assignments
 * in one datagram to the unix socket named by `NOTIFY_SOCKET` (a path, or `@name` in the
 * abstract namespace). Without `NOTIFY_SOCKET` (not started by systemd, or `Type=` other than
 * `notify`) every call does nothing. A failed send is logged once and is never fatal: the
 * tunnel matters more than its supervisor's view of it.
 *
 * @module
 */
import { sendUnixDatagram } from '@pptpkit/linux-net';
import type { Logger } from '../log/logger.js';

/** Sends one datagram to a unix socket (`@pptpkit/linux-net`'s `sendUnixDatagram`). */
export type DatagramSend = (socket: string, data: Uint8Array) => void;

/** The environment variable systemd names its notification socket in. */
export const NOTIFY_SOCKET = 'NOTIFY_SOCKET';

/** What {@link SdNotifier} is built from. */
export interface SdNotifierOptions {
  /** The environment (default `process.env`): `NOTIFY_SOCKET`, `WATCHDOG_USEC`, `WATCHDOG_PID`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** This process's id (default `process.pid`), for `WATCHDOG_PID`. */
  readonly pid?: number;
  /** Where a failed send is reported, once. */
  readonly log: Logger;
  /** The datagram sender (default `sendUnixDatagram`). */
  readonly send?: DatagramSend;
}

/** The variables through which systemd talks to the service's main process. */
const SERVICE_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

/**
 * `env` without systemd's notification and watchdog variables: for the commands we run, so
 * that nothing but this process speaks to systemd for the service (as `sd_notify(3)`'s
 * `unset_environment` intends).
 */
export function withoutServiceVariables(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of SERVICE_VARIABLES) delete out[name];
  return out;
}

/**
 * The half of systemd's watchdog interval at which to ping it, ms, or `undefined` when no
 * watchdog is asked of this process: `WATCHDOG_USEC` unset or not a positive integer, or
 * `WATCHDOG_PID` set to another process (`sd_watchdog_enabled(3)`).
 */
export function watchdogPingMs(
  env: Readonly<Record<string, string | undefined>>,
  pid: number,
): number | undefined {
  const usec = env['WATCHDOG_USEC'];
  if (usec === undefined || !/^[1-9]\d*$/.test(usec)) return undefined;
  const owner = env['WATCHDOG_PID'];
  if (owner !== undefined && owner !== String(pid)) return undefined;
  return Math.max(1, Math.floor(Number(usec) / 2000));
}

/** A `STATUS=` text on one line (an assignment ends at a newline). */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/**
 * Tells systemd how the service is doing. `ready` sends `READY=1` the first time only; the
 * watchdog, when systemd asks for one, pings at half its interval from
 * {@link SdNotifier.startWatchdog} until {@link SdNotifier.close}.
 */
export class SdNotifier {
  /** The socket, or `undefined` when notifications are off. */
  readonly socket: string | undefined;
  /** The watchdog ping interval, ms, when systemd wants pings from this process. */
  readonly watchdogMs: number | undefined;
  readonly #log: Logger;
  readonly #send: DatagramSend;
  #ready = false;
  #failed = false;
  #watchdog: ReturnType<typeof setInterval> | undefined;

  /** @param options - environment, log and sender. */
  constructor(options: SdNotifierOptions) {
    const env = options.env ?? process.env;
    const socket = env[NOTIFY_SOCKET];
    this.socket = socket === undefined || socket === '' ? undefined : socket;
    this.watchdogMs =
      this.socket === undefined ? undefined : watchdogPingMs(env, options.pid ?? process.pid);
    this.#log = options.log;
    this.#send = options.send ?? sendUnixDatagram;
  }

  /**
   * `READY=1` (with `STATUS=` when given) the first time; later calls (a `persist` tunnel back
   * up) send just the status.
   */
  ready(status?: string): void {
    if (this.#ready) {
      if (status !== undefined) this.status(status);
      return;
    }
    this.#ready = true;
    this.#notify(status === undefined ? ['READY=1'] : ['READY=1', `STATUS=${oneLine(status)}`]);
  }

  /** `STATUS=text`: the line `systemctl status` shows. */
  status(text: string): void {
    this.#notify([`STATUS=${oneLine(text)}`]);
  }

  /** `MAINPID=pid`: the service's main process is now `pid` (after forking a copy). */
  mainPid(pid: number): void {
    this.#notify([`MAINPID=${pid}`]);
  }

  /** `STOPPING=1` (with `STATUS=` when given): the service is shutting down. */
  stopping(status?: string): void {
    this.#notify(
      status === undefined ? ['STOPPING=1'] : ['STOPPING=1', `STATUS=${oneLine(status)}`],
    );
  }

  /** `WATCHDOG=1`: one keep-alive ping. */
  watchdog(): void {
    this.#notify(['WATCHDOG=1']);
  }

  /** Pings the watchdog every {@link SdNotifier.watchdogMs} (if set) until `close()`. */
  startWatchdog(): void {
    if (this.watchdogMs === undefined || this.#watchdog !== undefined) return;
    this.watchdog();
    this.#watchdog = setInterval(() => this.watchdog(), this.watchdogMs);
    // The pings never keep the process alive on their own.
    this.#watchdog.unref?.();
  }

  /** Stops the watchdog pings. */
  close(): void {
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  #notify(assignments: readonly string[]): void {
    const socket = this.socket;
    if (socket === undefined) return;
    try {
      this.#send(socket, new TextEncoder().encode(assignments.join('\n')));
    } catch (error) {
      if (this.#failed) return;
      this.#failed = true;
      const e = error as Error & { code?: string; details?: { errnoName?: string } };
      this.#log.warn('cannot notify systemd (further failures are not logged)', {
        socket,
        code: e.code ?? 'NOTIFY_FAILED',
        ...(e.details?.errnoName === undefined ? {} : { errno: e.details.errnoName }),
        reason: e.message,
      });
    }
  }
}

/**
 * Coalesces frequent `STATUS=` updates (sessions coming and going on a busy server): the first
 * goes out at once, later ones at most every `intervalMs`, the last of a burst always.
 */
export class StatusThrottle {
  readonly #notifier: SdNotifier;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #sentAt = Number.NEGATIVE_INFINITY;
  #pending: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param notifier - where the status goes.
   * @param intervalMs - least time between two updates, ms.
   * @param now - a monotonic clock, ms (default `performance.now`).
   */
  constructor(
    notifier: SdNotifier,
    intervalMs: number,
    now: () => number = () => performance.now(),
  ) {
    this.#notifier = notifier;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Sets the status: now, or once the interval since the last one has passed. */
  set(text: string): void {
    if (this.#notifier.socket === undefined) return;
    const wait = this.#sentAt + this.#intervalMs - this.#now();
    if (wait <= 0 && this.#timer === undefined) {
      this.#flush(text);
      return;
    }
    this.#pending = text;
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const pending = this.#pending;
      if (pending !== undefined) this.#flush(pending);
    }, wait);
    this.#timer.unref?.();
  }

  /** Drops a pending update. */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
  }

  #flush(text: string): void {
    this.#pending = undefined;
    this.#sentAt = this.#now();
    this.#notifier.status(text);
  }
}
