/**
 * "Did you mean" for a mistyped command or option: the closest known word within a small edit
 * distance.
 *
 * @module
 */

/** Levenshtein distance between `a` and `b` (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known word closest to `word`, when it is close enough to be a typo (at most 2 edits, and
 * fewer than half the word's length); `undefined` otherwise.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    // The distance is at least the difference in length: a word far longer or shorter than
    // every known one (a garbled options file) costs no edit-distance table.
    if (Math.abs(k.length - word.length) > 2) continue;
    const d = distance(word, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= 2 && bestDistance * 2 < word.length ? best : undefined;
}

/** ` (did you mean X?)` when a close known word exists, else `''`. */
export function didYouMean(word: string, known: readonly string[]): string {
  const k = closest(word, known);
  return k === undefined ? '' : ` (did you mean ${k}?)`;
}
