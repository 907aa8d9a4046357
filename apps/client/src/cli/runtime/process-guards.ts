import { EXIT } from '../../exit-codes.js';
import { APP_CODE } from '../../log/app-codes.js';
import type { Logger } from '../../log/logger.js';

/** What {@link guardProcess} installed, to take back when the run ends. */
export interface ProcessGuards {
  /** Whether an unexpected error escaped everything else (the run then exits 1). */
  readonly internalError: () => boolean;
  /** Removes the handlers. */
  remove(): void;
}

/**
 * SIGINT/SIGTERM/SIGHUP and unexpected errors end the run in order through `stop`. A launcher
 * that relays a signal to us as well as its process group (tsx, timeout) delivers it twice
 * within a few ms: only a later, separate signal forces the exit (status 5). A bug that escapes
 * every callback guard is logged and stops the run in order (exit 1, the host restored) instead
 * of killing the process with the host changed.
 */
export function guardProcess(log: Logger, stop: () => void): ProcessGuards {
  let firstSignalAt: number | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    const now = performance.now();
    if (firstSignalAt !== undefined && now - firstSignalAt < 500) return;
    if (firstSignalAt !== undefined) {
      log.error('second signal: exiting at once', { code: APP_CODE.secondSignal, signal: name });
      process.exit(EXIT.signal);
    }
    firstSignalAt = now;
    log.info('signal received, tearing down', { signal: name });
    stop();
  };
  let internal = false;
  const onUnexpected = (error: unknown): void => {
    log.error('internal error', { code: APP_CODE.internal, error });
    if (internal) return;
    internal = true;
    stop();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onUnexpected);
  process.on('unhandledRejection', onUnexpected);
  return {
    internalError: () => internal,
    remove: () => {
      for (const s of signals) process.off(s, onSignal);
      process.off('uncaughtException', onUnexpected);
      process.off('unhandledRejection', onUnexpected);
    },
  };
}
