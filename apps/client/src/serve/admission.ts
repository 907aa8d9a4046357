/**
 * Who may open a control connection to `pptpkit serve`, for a server on the open internet:
 * the session limit (pptpd's `connections`), a limit on connections per source address that
 * have not authenticated yet, and a growing delay after failed authentication. Sans-I/O: the
 * shell asks and reports, with the time.
 *
 * @module
 */

/** Limits of {@link Admission}. */
export interface AdmissionLimits {
  /** Sessions at once, authenticated or not (`connections`). */
  readonly maxSessions: number;
  /** Control connections at once from one source address that have not authenticated. */
  readonly maxPendingPerSource: number;
  /** First wait after a failed authentication from a source, ms; doubles per failure. */
  readonly failureDelayMs: number;
  /** Longest wait after failures, ms. */
  readonly maxFailureDelayMs: number;
  /** A source's failures are forgotten this long after its last one, ms. */
  readonly failureMemoryMs: number;
  /** Sources remembered for their failures at once (oldest forgotten first). */
  readonly maxRememberedSources: number;
}

/** Defaults: 16 pending per source, 1 s doubling to 60 s after failures, kept 10 minutes. */
export const DEFAULT_ADMISSION: Omit<AdmissionLimits, 'maxSessions'> = {
  maxPendingPerSource: 16,
  failureDelayMs: 1000,
  maxFailureDelayMs: 60_000,
  failureMemoryMs: 600_000,
  maxRememberedSources: 4096,
};

/** Why a connection was turned away. */
export type Refusal = 'sessions' | 'pending' | 'failures';

interface Failures {
  count: number;
  last: number;
  until: number;
}

/** Admission control; counts by source address (a 32-bit IPv4 number). */
export class Admission {
  readonly #limits: AdmissionLimits;
  #sessions = 0;
  readonly #pending = new Map<number, number>();
  /** Insertion order is age order: a source is re-inserted on each failure. */
  readonly #failures = new Map<number, Failures>();
  /** Connections turned away, by reason. */
  readonly refused: Record<Refusal, number> = { sessions: 0, pending: 0, failures: 0 };

  /** @param limits - the limits. */
  constructor(limits: AdmissionLimits) {
    this.#limits = limits;
  }

  /**
   * Whether a new control connection from `source` may start a session; when it may, it is
   * counted as a session and as pending for its source until {@link Admission.authenticated}
   * or {@link Admission.ended}.
   */
  admit(source: number, now: number): Refusal | undefined {
    let refusal: Refusal | undefined;
    const failed = this.#failures.get(source);
    if (failed !== undefined && now - failed.last > this.#limits.failureMemoryMs) {
      this.#failures.delete(source);
    } else if (failed !== undefined && now < failed.until) refusal = 'failures';
    if (refusal === undefined && this.#sessions >= this.#limits.maxSessions) refusal = 'sessions';
    const pending = this.#pending.get(source) ?? 0;
    if (refusal === undefined && pending >= this.#limits.maxPendingPerSource) refusal = 'pending';
    if (refusal !== undefined) {
      this.refused[refusal]++;
      return refusal;
    }
    this.#sessions++;
    this.#pending.set(source, pending + 1);
    return undefined;
  }

  /** A session from `source` authenticated: it no longer counts as pending. */
  authenticated(source: number): void {
    this.#unpend(source);
  }

  /** A session ended; `pending` when it never authenticated. */
  ended(source: number, pending: boolean): void {
    this.#sessions--;
    if (pending) this.#unpend(source);
  }

  /** Authentication from `source` failed: its next connections wait (doubling per failure). */
  failed(source: number, now: number): void {
    const l = this.#limits;
    const before = this.#failures.get(source);
    const count =
      before !== undefined && now - before.last <= l.failureMemoryMs ? before.count + 1 : 1;
    const delay = Math.min(l.maxFailureDelayMs, l.failureDelayMs * 2 ** Math.min(count - 1, 30));
    this.#failures.delete(source);
    this.#failures.set(source, { count, last: now, until: now + delay });
    if (this.#failures.size > l.maxRememberedSources) {
      const oldest = this.#failures.keys().next().value as number;
      this.#failures.delete(oldest);
    }
  }

  /** How long `source` must still wait after its failures, ms (0: none). */
  waitFor(source: number, now: number): number {
    const f = this.#failures.get(source);
    return f === undefined ? 0 : Math.max(0, f.until - now);
  }

  #unpend(source: number): void {
    const n = (this.#pending.get(source) ?? 1) - 1;
    if (n <= 0) this.#pending.delete(source);
    else this.#pending.set(source, n);
  }
}
