/**
 * The one GRE socket all of `pptpkit serve`'s sessions share, as the shell uses it: packets
 * in with their source address, packets out to a destination, batched like the client's
 * {@link packetPort}.
 *
 * @module
 */

/** A shared GRE socket. */
export interface SharedGrePort {
  /**
   * Starts delivering packets: `buf[start, end)` (GRE header first) from `source` (IPv4 as a
   * 32-bit number), valid only during the call; `afterBatch` once per kernel batch; `onError`
   * once if the socket fails for good.
   */
  startReading(
    handler: (source: number, buf: Uint8Array, start: number, end: number) => void,
    afterBatch: () => void,
    onError: (error: Error) => void,
  ): void;
  /** Queues `buf[start, end)` for `destination`; sent with the rest of this turn's packets. */
  writeTo(destination: number, buf: Uint8Array, start: number, end: number): void;
  /** Counters of the socket (received, sent, dropped...). */
  stats(): Readonly<Record<string, number>>;
  /** Closes the socket. Idempotent. */
  close(): void;
}
