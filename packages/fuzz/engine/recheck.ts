/**
 * Whether a saved reproducer still fails the way it was saved: then a new input with the same
 * signature is the same bug, and needs no file of its own; otherwise (the bug was fixed, and
 * this is another one that breaks the same invariant) the new input is saved beside it.
 *
 * @module
 */
import { hexToBytes } from './bytes.js';
import { runInput, WorstStep } from './outcome.js';
import type { Reproducer } from './reproducer.js';
import type { FuzzTarget } from './target.js';

/**
 * Replays `reproducer` against `target`. An exception or invariant must come back with the
 * same signature; a slow input must still take over `slowMs` (best of three); a hang cannot be
 * replayed in-process and counts as still failing.
 */
export function reproducerStillFails(
  target: FuzzTarget,
  reproducer: Reproducer,
  slowMs: number,
): boolean {
  if (reproducer.kind === 'hang') return true;
  const input = hexToBytes(reproducer.inputHex);
  const timer = new WorstStep();
  if (reproducer.kind === 'slow') {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3 && best > slowMs; i++)
      best = Math.min(best, runInput(target, input, timer).ms);
    return best > slowMs;
  }
  const { outcome } = runInput(target, input, timer);
  return (
    (outcome.kind === 'exception' || outcome.kind === 'invariant') &&
    outcome.signature === reproducer.signature
  );
}
