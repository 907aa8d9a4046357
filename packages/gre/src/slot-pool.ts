/**
 * Slot-sized copy buffers, allocated on first need and reused: what lets the retransmit ring and
 * the reorder buffer hold memory for the packets they keep now, not for their capacity.
 *
 * @module
 */

/**
 * Lends out buffers of one size and takes them back. A buffer is allocated only when none is
 * spare, so after the first burst the pool reaches its high-water mark and allocates nothing
 * more; {@link SlotPool.trim} lets the spare ones go (an idle session).
 */
export class SlotPool {
  readonly #size: number;
  readonly #spare: Uint8Array[] = [];

  /** @param size - bytes of each buffer. */
  constructor(size: number) {
    this.#size = size;
  }

  /** Buffers held in reserve now (lent ones are not counted). */
  get spare(): number {
    return this.#spare.length;
  }

  /** A buffer of the pool's size: a spare one, or a new one when none is. */
  take(): Uint8Array {
    return this.#spare.pop() ?? new Uint8Array(this.#size);
  }

  /** Takes back a buffer {@link SlotPool.take} lent. */
  give(buf: Uint8Array): void {
    this.#spare.push(buf);
  }

  /** Lets every spare buffer go (lent ones stay with their holders). */
  trim(): void {
    this.#spare.length = 0;
  }
}
