/**
 * One timer for many tunnel cores: each core's `nextDeadline()` kept in a min-heap, one
 * `setTimeout` armed for the earliest. After feeding a core anything, the shell calls
 * {@link DeadlineScheduler.touch} so its deadline is read again (a stale heap entry is skipped
 * when it comes up).
 */

/** What the scheduler drives: a core with a deadline and a timeout. */
export interface TimedCore {
  /** When `timeout` is next due (monotonic ms); `Infinity` when nothing is. */
  nextDeadline(): number;
  /** Runs what is due. */
  timeout(now: number): void;
}

/** Calls each registered core's `timeout` at its `nextDeadline`, with one timer. */
export class DeadlineScheduler {
  readonly #now: () => number;
  readonly #cores: (TimedCore | undefined)[] = [];
  /** The deadline each core is in the heap for (NaN: none). */
  readonly #scheduledAt: number[] = [];
  /** Heap of [deadline, core index] pairs, flattened. */
  #heapAt: number[] = [];
  #heapCore: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  /** Timer wake-ups so far. */
  wakeUps = 0;

  /** @param now - the monotonic clock the cores use. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Registers `core`; returns its index for {@link DeadlineScheduler.touch}. */
  add(core: TimedCore): number {
    this.#cores.push(core);
    this.#scheduledAt.push(Number.NaN);
    const index = this.#cores.length - 1;
    this.touch(index);
    return index;
  }

  /** Forgets core `index` (its heap entries become stale). */
  remove(index: number): void {
    this.#cores[index] = undefined;
    this.#scheduledAt[index] = Number.NaN;
  }

  /** Reads core `index`'s deadline again and schedules it. */
  touch(index: number): void {
    const core = this.#cores[index];
    if (core === undefined) return;
    const at = core.nextDeadline();
    if (at === this.#scheduledAt[index]) return;
    if (!Number.isFinite(at)) {
      this.#scheduledAt[index] = Number.NaN;
      return;
    }
    this.#scheduledAt[index] = at;
    this.#push(at, index);
    if (at < this.#armedAt) this.#arm(at);
  }

  /** Stops the timer. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - this.#now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.wakeUps++;
    const now = this.#now();
    while (this.#heapAt.length > 0 && (this.#heapAt[0] ?? 0) <= now) {
      const at = this.#heapAt[0]!;
      const index = this.#heapCore[0]!;
      this.#pop();
      if (this.#scheduledAt[index] !== at) continue;
      this.#scheduledAt[index] = Number.NaN;
      this.#cores[index]?.timeout(now);
      this.touch(index);
    }
    const next = this.#heapAt[0];
    if (next !== undefined && next < this.#armedAt) this.#arm(next);
  }

  #push(at: number, index: number): void {
    const a = this.#heapAt;
    const c = this.#heapCore;
    let i = a.length;
    a.push(at);
    c.push(index);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= at) break;
      a[i] = a[parent]!;
      c[i] = c[parent]!;
      i = parent;
    }
    a[i] = at;
    c[i] = index;
  }

  #pop(): void {
    const a = this.#heapAt;
    const c = this.#heapCore;
    const lastAt = a.pop()!;
    const lastCore = c.pop()!;
    const n = a.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && a[child + 1]! < a[child]!) child++;
      if (a[child]! >= lastAt) break;
      a[i] = a[child]!;
      c[i] = c[child]!;
      i = child;
    }
    a[i] = lastAt;
    c[i] = lastCore;
  }
}
