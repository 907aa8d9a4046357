/**
 * Packets written during one turn of the event loop, gathered in a slab and handed to one
 * batched send (sendmmsg) at its end, or as soon as the slab is full: what the client's ports
 * and the server's shared GRE socket have in common.
 *
 * @module
 */

/** Packets gathered before a batch is sent at once. */
const BATCH = 64;
/** Bytes per slot: a PPTP packet (MTU 1500 plus headers) fits; larger ones go alone. */
export const WRITE_SLOT = 2048;

/** Sends `count` packets: `slab[offsets[i], offsets[i] + lengths[i])`, to `destinations[i]`. */
export type BatchSend = (
  slab: Uint8Array,
  offsets: Uint32Array,
  lengths: Uint32Array,
  destinations: Uint32Array,
  count: number,
) => void;

/** A slab of packets waiting for the end of the current turn. */
export class WriteBatch {
  readonly #slab = new Uint8Array(BATCH * WRITE_SLOT);
  readonly #offsets = new Uint32Array(BATCH);
  readonly #lengths = new Uint32Array(BATCH);
  readonly #destinations = new Uint32Array(BATCH);
  readonly #send: BatchSend;
  #count = 0;
  #scheduled = false;
  #closed = false;
  /** Told of a send that threw (from a microtask: it must not become an uncaught exception). */
  onError: ((error: Error) => void) | undefined;

  /** @param send - the batched send. */
  constructor(send: BatchSend) {
    this.#send = send;
    for (let i = 0; i < BATCH; i++) this.#offsets[i] = i * WRITE_SLOT;
  }

  /** Whether {@link WriteBatch.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Copies `buf[offset, offset + length)` (for `destination`, when the send takes one) into the
   * slab; false, copying nothing, when it is closed or the packet is longer than a slot (send
   * that one alone, after {@link WriteBatch.flush}).
   */
  add(buf: Uint8Array, offset: number, length: number, destination = 0): boolean {
    if (this.#closed || length > WRITE_SLOT) return false;
    const i = this.#count;
    this.#slab.set(buf.subarray(offset, offset + length), i * WRITE_SLOT);
    this.#lengths[i] = length;
    this.#destinations[i] = destination;
    this.#count = i + 1;
    if (this.#count === BATCH) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.flush);
    }
    return true;
  }

  /** Sends what is gathered now. */
  readonly flush = (): void => {
    this.#scheduled = false;
    if (this.#count === 0 || this.#closed) return;
    const n = this.#count;
    this.#count = 0;
    try {
      this.#send(this.#slab, this.#offsets, this.#lengths, this.#destinations, n);
    } catch (error) {
      this.onError?.(error as Error);
    }
  };

  /** Sends what is gathered, then takes no more. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
  }
}
