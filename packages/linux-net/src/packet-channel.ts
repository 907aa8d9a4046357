/**
 * The batched packet channel shared by the TUN device and the raw GRE socket: a readiness
 * watcher in the addon drains up to `maxBatch` packets per wake-up into one preallocated slab
 * and calls JS once per batch; writes go out one call per batch.
 *
 * @module
 */
import type { NativePacketChannel } from './addon.js';
import { closedError, errorFromErrno, type LinuxCapability } from './errors.js';

/** The most packets one wake-up drains (and the size of the slab in slots). */
export const MAX_BATCH = 64;

/** Bytes per slab slot: the largest IPv4 datagram, so nothing is ever truncated. */
export const SLOT_SIZE = 65536;

/**
 * Packets received in one wake-up. Packet `i` is
 * `buffer.subarray(offsets[i], offsets[i] + lengths[i])`. The object and its arrays are reused:
 * they are valid only until the handler returns, so copy what you keep.
 */
export interface PacketBatch {
  /** Number of packets in this batch (1 to `maxBatch`). */
  readonly count: number;
  /** The receive slab (shared by every batch). */
  readonly buffer: Uint8Array;
  /** Start of each packet in `buffer`. */
  readonly offsets: Uint32Array;
  /** Length of each packet. */
  readonly lengths: Uint32Array;
}

/** Called once per received batch. */
export type PacketBatchHandler = (batch: PacketBatch) => void;

/** Options of {@link PacketChannel.startReading}. */
export interface ReadOptions {
  /** Packets drained per wake-up, 1 to 64 (default 64). */
  readonly maxBatch?: number;
  /**
   * Called when the descriptor fails for good (reading has stopped). Without it the error is
   * thrown as an uncaught exception.
   */
  readonly onError?: (error: Error) => void;
}

/** Counters of a channel (a snapshot). */
export interface ChannelStats {
  /** Packets delivered to the handler. */
  readonly receivedPackets: number;
  /** Handler calls. */
  readonly receiveBatches: number;
  /** Packets dropped because they did not fit a slot. */
  readonly truncated: number;
  /** Packets dropped because their IPv4 header was invalid (raw socket only). */
  readonly malformed: number;
  /** Receive calls that failed with an error other than "would block". */
  readonly receiveErrors: number;
  /** errno of the last receive error (0 if none). */
  readonly lastReceiveErrno: number;
  /** Packets the kernel accepted. */
  readonly sentPackets: number;
  /** Packets the kernel refused (queue full, unreachable, ...). */
  readonly sendDropped: number;
  /** errno of the last refused send (0 if none). */
  readonly lastSendErrno: number;
}

/** Slots of the stats array shared with the addon (see `packet_channel.h`). */
const stat = {
  received: 0,
  batches: 1,
  truncated: 2,
  malformed: 3,
  receiveErrors: 4,
  lastReceiveErrno: 5,
  sendDropped: 6,
  lastSendErrno: 7,
} as const;

/** The batch object handed to the handler; reused for every batch. */
class ReusedBatch implements PacketBatch {
  count = 0;
  readonly buffer: Uint8Array = new Uint8Array(MAX_BATCH * SLOT_SIZE);
  readonly offsets: Uint32Array = new Uint32Array(MAX_BATCH);
  readonly lengths: Uint32Array = new Uint32Array(MAX_BATCH);
}

/** A non-blocking packet descriptor with batched reads and writes. */
export abstract class PacketChannel {
  readonly #native: NativePacketChannel;
  readonly #stats: Float64Array;
  readonly #capability: LinuxCapability;
  readonly #what: string;
  readonly #sources: Uint32Array | undefined;
  #batch: ReusedBatch | undefined;
  #sent = 0;
  #reading = false;
  #closed = false;

  /** @internal */
  protected constructor(
    native: NativePacketChannel,
    stats: Float64Array,
    capability: LinuxCapability,
    what: string,
    sources?: Uint32Array,
  ) {
    this.#native = native;
    this.#stats = stats;
    this.#capability = capability;
    this.#what = what;
    this.#sources = sources;
  }

  /** True after {@link PacketChannel.close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True while a handler is installed. */
  get reading(): boolean {
    return this.#reading;
  }

  /**
   * Starts delivering received packets to `onBatch`, one call per wake-up with up to
   * `maxBatch` packets. The slab (4 MiB) is allocated on the first call and reused.
   */
  startReading(onBatch: PacketBatchHandler, options: ReadOptions = {}): void {
    if (this.#closed) throw closedError(`${this.#what}.startReading`);
    if (this.#reading) throw new TypeError('already reading: call stopReading() first');
    const maxBatch = options.maxBatch ?? MAX_BATCH;
    if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH) {
      throw new RangeError(`maxBatch must be an integer from 1 to ${MAX_BATCH}`);
    }
    const batch = this.#batch ?? new ReusedBatch();
    this.#batch = batch;
    const { onError } = options;
    this.#native.start(
      batch.buffer,
      SLOT_SIZE,
      batch.offsets,
      batch.lengths,
      maxBatch,
      (count, fatal) => {
        if (count > 0) {
          batch.count = count;
          onBatch(batch);
        }
        if (fatal !== 0) {
          this.#reading = false;
          this.#native.stop();
          const error = errorFromErrno(fatal, 'read', {
            operation: `${this.#what}.read`,
            capability: this.#capability,
          });
          if (onError === undefined) throw error;
          onError(error);
        }
      },
      this.#sources,
    );
    this.#reading = true;
  }

  /** Stops the readiness watcher; packets queue in the kernel until reading starts again. */
  stopReading(): void {
    if (!this.#reading) return;
    this.#native.stop();
    this.#reading = false;
  }

  /**
   * Writes one packet (`packet[offset, offset + length)`). Returns false when the kernel
   * refused it (counted in `sendDropped`); never blocks.
   */
  write(packet: Uint8Array, offset = 0, length: number = packet.length - offset): boolean {
    if (this.#closed) throw closedError(`${this.#what}.write`);
    try {
      const ok = this.#native.writeOne(packet, offset, length);
      if (ok) this.#sent++;
      return ok;
    } catch (error) {
      throw this.#mapError(error, 'write');
    }
  }

  /**
   * Writes `count` packets, packet `i` being `buffer[offsets[i], offsets[i] + lengths[i])`,
   * in one call into the addon (`sendmmsg` for sockets). Returns how many the kernel accepted;
   * the rest are counted in `sendDropped`.
   */
  writeBatch(
    buffer: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    count: number,
  ): number {
    if (this.#closed) throw closedError(`${this.#what}.writeBatch`);
    try {
      const sent = this.#native.writeBatch(buffer, offsets, lengths, count);
      this.#sent += sent;
      return sent;
    } catch (error) {
      throw this.#mapError(error, 'writeBatch');
    }
  }

  /**
   * {@link PacketChannel.write} to an IPv4 destination (unsigned 32-bit, host order): for the
   * unconnected raw socket.
   *
   * @internal
   */
  protected writeOneTo(
    packet: Uint8Array,
    offset: number,
    length: number,
    destination: number,
  ): boolean {
    if (this.#closed) throw closedError(`${this.#what}.writeTo`);
    try {
      const ok = this.#native.writeOneTo(packet, offset, length, destination);
      if (ok) this.#sent++;
      return ok;
    } catch (error) {
      throw this.#mapError(error, 'writeTo');
    }
  }

  /**
   * {@link PacketChannel.writeBatch} with a destination per packet: for the unconnected raw
   * socket.
   *
   * @internal
   */
  protected writeManyTo(
    buffer: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    destinations: Uint32Array,
    count: number,
  ): number {
    if (this.#closed) throw closedError(`${this.#what}.writeBatchTo`);
    try {
      const sent = this.#native.writeBatchTo(buffer, offsets, lengths, destinations, count);
      this.#sent += sent;
      return sent;
    } catch (error) {
      throw this.#mapError(error, 'writeBatchTo');
    }
  }

  /** A snapshot of the counters. */
  get stats(): ChannelStats {
    const s = this.#stats;
    return {
      receivedPackets: s[stat.received] ?? 0,
      receiveBatches: s[stat.batches] ?? 0,
      truncated: s[stat.truncated] ?? 0,
      malformed: s[stat.malformed] ?? 0,
      receiveErrors: s[stat.receiveErrors] ?? 0,
      lastReceiveErrno: s[stat.lastReceiveErrno] ?? 0,
      sentPackets: this.#sent,
      sendDropped: s[stat.sendDropped] ?? 0,
      lastSendErrno: s[stat.lastSendErrno] ?? 0,
    };
  }

  /** Lets the process exit while this channel is reading (like `socket.unref()`). */
  unref(): void {
    this.#native.unref();
  }

  /** Undoes {@link PacketChannel.unref}: a reading channel keeps the process alive. */
  ref(): void {
    this.#native.ref();
  }

  /** Stops reading and closes the descriptor. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reading = false;
    this.#native.close();
  }

  #mapError(error: unknown, operation: string): unknown {
    if (error instanceof RangeError) return error;
    const { errno, syscall } = error as { errno?: unknown; syscall?: unknown };
    if (typeof errno !== 'number') return error;
    return errorFromErrno(
      errno,
      typeof syscall === 'string' ? syscall : undefined,
      { operation: `${this.#what}.${operation}`, capability: this.#capability },
      error,
    );
  }
}

/** The stats array shared with the addon. */
export function newStatsArray(): Float64Array {
  return new Float64Array(8);
}
