/**
 * Copies of the data packets recently sent, and when: what {@link GreSession} resends when the
 * peer's acknowledgments stop at a gap.
 *
 * @module
 */

/** Packets kept (a power of two). */
const SLOTS = 64;
const MASK = SLOTS - 1;
/** The longest packet kept (GRE header included); longer ones are not resent. */
const SLOT_SIZE = 2048;

/** Preallocated copies of the last {@link SLOTS} data packets, by sequence number. */
export class RetransmitRing {
  readonly #data = new Uint8Array(SLOTS * SLOT_SIZE);
  readonly #length = new Uint16Array(SLOTS);
  readonly #sequence = new Uint32Array(SLOTS);
  readonly #sentAt = new Float64Array(SLOTS);
  readonly #used = new Uint8Array(SLOTS);

  /** Keeps a copy of the packet `buf[start, end)` that carries `sequence`, sent at `now`. */
  keep(sequence: number, buf: Uint8Array, start: number, end: number, now: number): void {
    const slot = sequence & MASK;
    const length = end - start;
    if (length > SLOT_SIZE) {
      this.#used[slot] = 0;
      return;
    }
    this.#data.set(buf.subarray(start, end), slot * SLOT_SIZE);
    this.#length[slot] = length;
    this.#sequence[slot] = sequence >>> 0;
    this.#sentAt[slot] = now;
    this.#used[slot] = 1;
  }

  /** When the packet `sequence` was sent, or `undefined` when no copy of it is kept. */
  sentAt(sequence: number): number | undefined {
    const slot = sequence & MASK;
    return this.#used[slot] === 1 && this.#sequence[slot] === sequence >>> 0
      ? this.#sentAt[slot]
      : undefined;
  }

  /**
   * Copies the packet `sequence` to `out` and returns its length, or 0 when no copy is kept.
   *
   * @throws RangeError when `out` is too short for it.
   */
  copy(sequence: number, out: Uint8Array): number {
    if (this.sentAt(sequence) === undefined) return 0;
    const slot = sequence & MASK;
    const length = this.#length[slot]!;
    if (out.length < length) throw new RangeError('out is too short for the packet');
    const at = slot * SLOT_SIZE;
    out.set(this.#data.subarray(at, at + length));
    return length;
  }
}
