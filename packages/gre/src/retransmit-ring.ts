/**
 * Copies of the data packets sent and not yet acknowledged, and when they were sent: what
 * {@link GreSession} resends when the peer's acknowledgments stop at a gap.
 *
 * @module
 */
import { seqAdd, seqDiff } from './serial.js';
import { SlotPool } from './slot-pool.js';

/** Packets kept at most (a power of two). */
const SLOTS = 64;
const MASK = SLOTS - 1;
/** The longest packet kept (GRE header included); longer ones are not resent. */
const SLOT_SIZE = 2048;

/**
 * Copies of the last {@link SLOTS} data packets, by sequence number, until acknowledged. The
 * copies' storage comes from a pool grown as needed, one {@link SLOT_SIZE} buffer per packet in
 * flight: a session with one packet outstanding holds one, never 64.
 */
export class RetransmitRing {
  readonly #copies: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(
    undefined,
  );
  readonly #pool = new SlotPool(SLOT_SIZE);
  readonly #length = new Uint16Array(SLOTS);
  readonly #sequence = new Uint32Array(SLOTS);
  readonly #sentAt = new Float64Array(SLOTS);
  readonly #used = new Uint8Array(SLOTS);

  /** Copies held now (packets in flight), and spare buffers kept for the next ones. */
  get held(): { readonly copies: number; readonly spare: number } {
    let copies = 0;
    for (const c of this.#copies) if (c !== undefined) copies++;
    return { copies, spare: this.#pool.spare };
  }

  /** Keeps a copy of the packet `buf[start, end)` that carries `sequence`, sent at `now`. */
  keep(sequence: number, buf: Uint8Array, start: number, end: number, now: number): void {
    const slot = sequence & MASK;
    const length = end - start;
    if (length > SLOT_SIZE) {
      this.#free(slot);
      return;
    }
    // The slot's buffer when it still holds a packet 64 back (never acknowledged): reused.
    let copy = this.#copies[slot];
    if (copy === undefined) {
      copy = this.#pool.take();
      this.#copies[slot] = copy;
    }
    copy.set(buf.subarray(start, end));
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
    out.set(this.#copies[slot]!.subarray(0, length));
    return length;
  }

  /**
   * The peer acknowledged every packet after `from` up to `through`: their copies go back to
   * the pool (the last {@link SLOTS} of them at most: older ones were overwritten already).
   */
  release(from: number, through: number): void {
    const n = Math.min(SLOTS, seqDiff(through, from));
    for (let d = 0; d < n; d++) {
      const sequence = seqAdd(through, -d);
      const slot = sequence & MASK;
      if (this.#used[slot] === 1 && this.#sequence[slot] === sequence >>> 0) this.#free(slot);
    }
  }

  /** Lets the spare buffers go: what is held afterwards is the copies of packets in flight. */
  trim(): void {
    this.#pool.trim();
  }

  #free(slot: number): void {
    this.#used[slot] = 0;
    const copy = this.#copies[slot];
    if (copy === undefined) return;
    this.#copies[slot] = undefined;
    this.#pool.give(copy);
  }
}
