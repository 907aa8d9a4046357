/**
 * The timer and count options every CHAP and EAP machine takes.
 *
 * @module
 */

/**
 * Checks a machine's wait (`waitName`: ms, positive) and its count of sends (`countName`: a
 * positive integer).
 *
 * @throws RangeError naming the option that is out of range.
 */
export function checkRetransmitLimits(
  waitName: string,
  wait: number,
  countName: string,
  count: number,
): void {
  if (!(wait > 0)) throw new RangeError(`${waitName} must be positive`);
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`${countName} must be a positive integer`);
  }
}
