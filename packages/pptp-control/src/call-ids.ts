/**
 * Call ID allocation for one control connection (RFC 2637 §3.2.2).
 *
 * @module
 */

/** The largest Call ID. 0 is never allocated: a refused call's Outgoing-Call-Reply carries it. */
const MAX_CALL_ID = 0xffff;

/**
 * Hands out Call IDs unique among the live calls of one control connection (RFC 2637 §3.2.2:
 * "MUST be unique for the tunnel"): a random first ID, then the following ones in turn (65535
 * wraps to 1), skipping IDs still in use. A freed ID therefore comes back only after the counter
 * has gone round the whole space, so late packets of an old call do not reach a new one. Each
 * allocation probes one ID plus one per live call it skips: O(1) amortised, and never more
 * probes than there are live calls.
 */
export class CallIdAllocator {
  /** The next ID to try; 0 until the first allocation draws the random start. */
  #next = 0;

  /**
   * Allocates a Call ID not in `live`.
   *
   * @param live - the live calls of the connection, by Call ID.
   * @param randomU16 - draws the random first ID (called on the first allocation only).
   * @throws RangeError when all 65535 Call IDs are in use.
   */
  allocate(live: ReadonlyMap<number, unknown>, randomU16: () => number): number {
    if (live.size >= MAX_CALL_ID) {
      throw new RangeError('every Call ID of this control connection is in use');
    }
    let id = this.#next === 0 ? randomU16() || 1 : this.#next;
    while (live.has(id)) id = id === MAX_CALL_ID ? 1 : id + 1;
    this.#next = id === MAX_CALL_ID ? 1 : id + 1;
    return id;
  }
}
