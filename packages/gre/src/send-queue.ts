/**
 * The packets the `queue` send-window policy holds while the peer's receive window is full,
 * oldest first, in buffers of a {@link SlotPool}: memory for the packets waiting now only.
 *
 * @module
 */
import { SlotPool } from './slot-pool.js';

/** Most packets held; a packet beyond is refused (the sender then drops it). */
export const SEND_QUEUE_LIMIT = 64;

/** Bytes of each held copy: the largest PPTP payload a 1500-byte path carries, with room. */
const SLOT_SIZE = 2048;

/** A FIFO of payload copies with the time each was queued. */
export class SendQueue {
  readonly #pool = new SlotPool(SLOT_SIZE);
  readonly #bufs: (Uint8Array | undefined)[] = new Array(SEND_QUEUE_LIMIT).fill(undefined);
  readonly #lengths = new Uint32Array(SEND_QUEUE_LIMIT);
  readonly #at = new Float64Array(SEND_QUEUE_LIMIT);
  #head = 0;
  #size = 0;

  /** Packets held. */
  get size(): number {
    return this.#size;
  }

  /** When the oldest held packet was queued (`Infinity` when none is). */
  get headQueuedAt(): number {
    return this.#size === 0 ? Number.POSITIVE_INFINITY : this.#at[this.#head]!;
  }

  /** Length of the oldest held payload (0 when none is). */
  get headLength(): number {
    return this.#size === 0 ? 0 : this.#lengths[this.#head]!;
  }

  /** Copies `buf[start, start + length)`; false when the queue is full or the payload too long. */
  push(buf: Uint8Array, start: number, length: number, now: number): boolean {
    if (this.#size === SEND_QUEUE_LIMIT || length > SLOT_SIZE) return false;
    const slot = (this.#head + this.#size) % SEND_QUEUE_LIMIT;
    const copy = this.#pool.take();
    copy.set(buf.subarray(start, start + length));
    this.#bufs[slot] = copy;
    this.#lengths[slot] = length;
    this.#at[slot] = now;
    this.#size++;
    return true;
  }

  /** Moves the oldest payload to `out[at...]` and returns its length (0: the queue is empty). */
  shift(out: Uint8Array, at: number): number {
    if (this.#size === 0) return 0;
    const slot = this.#head;
    const copy = this.#bufs[slot]!;
    const length = this.#lengths[slot]!;
    out.set(copy.subarray(0, length), at);
    this.#pool.give(copy);
    this.#bufs[slot] = undefined;
    this.#head = (slot + 1) % SEND_QUEUE_LIMIT;
    this.#size--;
    return length;
  }

  /** Lets the spare buffers go (an idle session). */
  trim(): void {
    this.#pool.trim();
  }
}
