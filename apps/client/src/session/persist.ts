import { APP_CODE } from '../log/app-codes.js';
import type { Logger } from '../log/logger.js';
import type { SessionResult } from './session.js';

/** How {@link runPersistent} reconnects (pppd `persist`, `maxfail`, `holdoff`). */
export interface PersistOptions {
  /** Reconnect after the link ends. */
  readonly persist: boolean;
  /** Give up after this many consecutive attempts that never came up; 0 = never give up. */
  readonly maxfail: number;
  /** Wait this long before reconnecting, ms. */
  readonly holdoffMs: number;
  /** One tunnel attempt. */
  readonly attempt: () => Promise<SessionResult>;
  /** True once the user asked to stop (signal, `pptpkit down`). */
  readonly stopped: () => boolean;
  /** Waits `ms` (resolves early when stopped, if it can). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Log. */
  readonly log: Logger;
  /**
   * Told before each wait for a reconnect: the number the next attempt has among consecutive
   * failures (1 after an attempt that came up), which `maxfail` limits.
   */
  readonly onReconnect?: (attempt: number) => void;
}

/**
 * Runs tunnel attempts the way pppd does: once without `persist`; with it, again after every
 * end (after `holdoff`), until the user stops it or `maxfail` attempts in a row failed to come
 * up (an attempt that came up resets the count). Returns the last attempt's result.
 */
export async function runPersistent(o: PersistOptions): Promise<SessionResult> {
  let failures = 0;
  for (;;) {
    const result = await o.attempt();
    if (!o.persist || o.stopped()) return result;
    failures = result.wasUp ? 0 : failures + 1;
    if (o.maxfail > 0 && failures >= o.maxfail) {
      o.log.error('too many failed attempts, giving up', {
        code: APP_CODE.maxfail,
        maxfail: o.maxfail,
      });
      return result;
    }
    o.log.info('reconnecting', { holdoffSeconds: o.holdoffMs / 1000, reason: result.reason });
    o.onReconnect?.(failures + 1);
    await o.sleep(o.holdoffMs);
    if (o.stopped()) return result;
  }
}
