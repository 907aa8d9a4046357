/**
 * Heap measurement around a target's run: bytes in use after a forced GC (Node's
 * `--expose-gc`), or `undefined` without it.
 *
 * @module
 */

/** Heap in use after a full GC, or `undefined` when GC cannot be forced. */
export function heapAfterGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return undefined;
  gc();
  return process.memoryUsage().heapUsed;
}
