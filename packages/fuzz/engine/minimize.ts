/**
 * Shrinks a failing input while it keeps failing the same way, so that a reproducer is short
 * enough to read.
 *
 * @module
 */
import { runInput, WorstStep } from './outcome.js';
import type { FuzzTarget } from './target.js';

/** Limits of one minimisation. */
export interface MinimizeBudget {
  /** Most runs of the target. */
  readonly runs: number;
  /** Most wall-clock milliseconds. */
  readonly ms: number;
}

/**
 * Removes chunks of `input` (halves, then quarters, ... then single octets), keeping each
 * removal after which the input still fails with `signature`; then tries zeroing octets.
 * Returns the smallest failing input found.
 */
export function minimizeInput(
  target: FuzzTarget,
  input: Uint8Array,
  signature: string,
  budget: MinimizeBudget,
  onRun: (input: Uint8Array) => void = () => undefined,
): Uint8Array {
  const timer = new WorstStep();
  const stopAt = performance.now() + budget.ms;
  let runs = 0;
  const fails = (candidate: Uint8Array): boolean => {
    runs++;
    onRun(candidate);
    const { outcome } = runInput(target, candidate, timer);
    return (
      (outcome.kind === 'exception' || outcome.kind === 'invariant') &&
      outcome.signature === signature
    );
  };
  const exhausted = (): boolean => runs >= budget.runs || performance.now() >= stopAt;
  let best = input;
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1 && !exhausted(); chunk >>= 1) {
    for (let at = 0; at < best.length && !exhausted(); ) {
      const candidate = new Uint8Array(best.length - Math.min(chunk, best.length - at));
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + chunk), at);
      if (fails(candidate)) best = candidate;
      else at += chunk;
    }
  }
  for (let at = 0; at < best.length && !exhausted(); at++) {
    if (best[at] === 0) continue;
    const candidate = best.slice();
    candidate[at] = 0;
    if (fails(candidate)) best = candidate;
  }
  return best;
}
