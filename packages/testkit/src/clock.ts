/**
 * A fake monotonic clock for tests that never sleep.
 *
 * @module
 */

/** Monotonic milliseconds that move only when told to. */
export class FakeClock {
  #now: number;

  /** @param start - the first reading, ms. */
  constructor(start = 1000) {
    this.#now = start;
  }

  /** The current reading, ms. */
  get now(): number {
    return this.#now;
  }

  /**
   * Moves to `at` (never back).
   *
   * @throws RangeError when `at` is in the past.
   */
  advanceTo(at: number): void {
    if (at < this.#now) throw new RangeError(`the clock cannot go back from ${this.#now} to ${at}`);
    this.#now = at;
  }
}
