/**
 * 32-bit serial-number arithmetic for GRE sequence and acknowledgment numbers, which wrap from
 * 0xFFFFFFFF to 0 (RFC 1982 style comparison with a 2^31 horizon).
 *
 * @module
 */

/**
 * Signed distance from `b` to `a` modulo 2^32, in [-2^31, 2^31): positive when `a` comes after
 * `b`. Both arguments are unsigned 32-bit integers.
 */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `seq + n` modulo 2^32. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}
