import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createLogger } from '../log/logger.js';
import { SdNotifier } from '../service/sd-notify.js';

/** Set in the environment of the detached copy that runs the tunnel. */
const DETACHED_ENV = 'PPTPKIT_DETACHED';

/** The message the detached copy sends its parent once the tunnel is up. */
export interface UpMessage {
  readonly up: true;
}

/** The detached copy asks its parent for the password typed at the parent's prompt. */
interface SecretRequest {
  readonly want: 'secret';
}

/** The parent's answer to a {@link SecretRequest}: the typed password, if any. */
interface SecretReply {
  readonly secret?: string;
}

/** Whether this process is the detached copy started by {@link detach}. */
export function isDetachedChild(): boolean {
  return process.env[DETACHED_ENV] === '1';
}

/** The parent's notifier: its only message is `MAINPID=`; a failure is reported on stderr. */
function parentNotifier(): SdNotifier {
  const log = createLogger({
    format: 'text',
    level: 'warn',
    write: (line) => process.stderr.write(`pptpkit: ${line}\n`),
    clock: () => new Date(),
  });
  return new SdNotifier({ log });
}

/**
 * `--background` (pppd `updetach`): runs the tunnel in a detached copy of this process and
 * resolves once it is up (0) or with the copy's exit status if it ended first. `argv` is this
 * command line; `log` is where the copy writes its log (its last lines are shown on failure);
 * `secret`, a password typed at this process's prompt, goes to the copy over the IPC channel
 * when it asks ({@link secretFromParent}), never in its arguments or environment.
 *
 * Under systemd (`Type=notify`), this process tells systemd at once that the copy is the
 * service's main process (`MAINPID=`, accepted with `NotifyAccess=main` because it still is
 * the main process); the copy then sends `READY=1` and `STATUS=` itself, and pings the
 * watchdog (`WATCHDOG_PID`, which names this process, is not passed on).
 */
export function detach(
  argv: readonly string[],
  log: string,
  secret?: string,
  notify: SdNotifier = parentNotifier(),
): Promise<ExitCode> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, [DETACHED_ENV]: '1' };
    delete env['WATCHDOG_PID'];
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...argv], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env,
    });
    if (child.pid !== undefined) notify.mainPid(child.pid);
    let settled = false;
    child.on('message', (message: Partial<UpMessage & SecretRequest>) => {
      if (message.want === 'secret') {
        const reply: SecretReply = secret === undefined ? {} : { secret };
        if (child.connected) child.send(reply);
        return;
      }
      if (message.up !== true || settled) return;
      settled = true;
      process.stdout.write(
        `tunnel up; it runs in the background (pid ${child.pid}), log: ${log}\n`,
      );
      if (child.connected) child.disconnect();
      child.unref();
      resolve(EXIT.ok);
    });
    child.on('exit', (code) => {
      if (settled) return;
      settled = true;
      let tail = '';
      try {
        tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-5).join('\n');
      } catch {
        // No log yet: the status below is all there is.
      }
      process.stderr.write(
        `${tail}\npptpkit: the tunnel did not come up (exit ${code ?? 'signal'}); log: ${log}\n`,
      );
      resolve((code ?? EXIT.fatal) as ExitCode);
    });
  });
}

/**
 * The detached copy's side: tells the starting process "up" at most once, then lets go of it.
 * After the first call nothing depends on the parent: later calls (every reconnect of a
 * `persist` tunnel) do nothing, and a parent that is already gone is no error.
 */
export class ParentReport {
  readonly #channel: ParentChannel | undefined;
  #sent = false;

  /** @param channel - the IPC channel to the parent (default: this process's, if any). */
  constructor(channel: ParentChannel | undefined = processChannel()) {
    this.#channel = channel;
  }

  /** Reports that the tunnel is up, the first time only. */
  up(): void {
    if (this.#sent) return;
    this.#sent = true;
    const channel = this.#channel;
    if (channel === undefined || !channel.connected) return;
    const message: UpMessage = { up: true };
    // With a callback, a failed send is handed to it instead of becoming an 'error' event.
    channel.send(message, () => {
      if (channel.connected) channel.disconnect();
    });
  }
}

/** The parts of a child process's IPC channel {@link ParentReport} uses. */
export interface ParentChannel {
  /** Whether the channel is still open. */
  readonly connected: boolean;
  /** Sends a message; `done` runs once it was handed over, or with the error. */
  send(message: UpMessage, done: (error: Error | null) => void): void;
  /** Closes the channel. */
  disconnect(): void;
}

/** This process's channel to its parent, when it was started with one. */
function processChannel(): ParentChannel | undefined {
  if (process.send === undefined || !isDetachedChild()) return undefined;
  return {
    get connected() {
      return process.connected;
    },
    send: (message, done) => {
      process.send?.(message, undefined, undefined, done);
    },
    disconnect: () => process.disconnect(),
  };
}

/**
 * The detached copy's side of the prompt: asks the parent for the password it prompted for
 * before detaching. `undefined` when it has none, is gone, or does not answer within `waitMs`.
 */
export function secretFromParent(waitMs = 5000): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (process.send === undefined || !isDetachedChild() || !process.connected) {
      resolve(undefined);
      return;
    }
    const done = (secret: string | undefined): void => {
      clearTimeout(timer);
      process.removeListener('message', onMessage);
      process.removeListener('disconnect', onGone);
      resolve(secret);
    };
    const onMessage = (message: SecretReply): void =>
      done(typeof message.secret === 'string' ? message.secret : undefined);
    const onGone = (): void => done(undefined);
    const timer = setTimeout(onGone, waitMs);
    process.on('message', onMessage);
    process.once('disconnect', onGone);
    const request: SecretRequest = { want: 'secret' };
    process.send(request);
  });
}
