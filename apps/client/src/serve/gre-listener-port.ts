/**
 * `@pptpkit/linux-net`'s {@link GreListener} as the server's {@link SharedGrePort}: reads hand
 * over each packet's source; writes are copied into a slab and sent together with
 * `writeBatchTo` (sendmmsg) at the end of the current turn of the event loop, or as soon as
 * the slab is full.
 *
 * @module
 */
import type { GreListener } from '@pptpkit/linux-net';
import type { SharedGrePort } from './shared-gre.js';

/** Packets gathered before a batch is written at once. */
const BATCH = 64;
/** Bytes per batch slot: a PPTP packet (MTU 1500 plus headers) fits; larger ones go alone. */
const SLOT = 2048;

/** Wraps `listener`. */
export function greListenerPort(listener: GreListener): SharedGrePort {
  const slab = new Uint8Array(BATCH * SLOT);
  const offsets = new Uint32Array(BATCH);
  const lengths = new Uint32Array(BATCH);
  const destinations = new Uint32Array(BATCH);
  for (let i = 0; i < BATCH; i++) offsets[i] = i * SLOT;
  let count = 0;
  let scheduled = false;
  let closed = false;
  let failed: ((error: Error) => void) | undefined;
  const flush = (): void => {
    scheduled = false;
    if (count === 0 || closed) return;
    const n = count;
    count = 0;
    try {
      listener.writeBatchTo(slab, offsets, lengths, destinations, n);
    } catch (error) {
      failed?.(error as Error);
    }
  };
  return {
    startReading(handler, afterBatch, onError) {
      failed = onError;
      const sources = listener.sources;
      listener.startReading(
        (batch) => {
          for (let i = 0; i < batch.count; i++) {
            const start = batch.offsets[i]!;
            handler(sources[i]!, batch.buffer, start, start + batch.lengths[i]!);
          }
          afterBatch();
          flush();
        },
        { onError },
      );
    },
    writeTo(destination, buf, start, end) {
      if (closed) return;
      const length = end - start;
      if (length > SLOT) {
        flush();
        try {
          listener.writeTo(buf, start, length, destination);
        } catch (error) {
          failed?.(error as Error);
        }
        return;
      }
      slab.set(buf.subarray(start, end), count * SLOT);
      lengths[count] = length;
      destinations[count] = destination;
      count++;
      if (count === BATCH) flush();
      else if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    stats() {
      return { ...listener.stats } as Record<string, number>;
    },
    close() {
      if (closed) return;
      flush();
      closed = true;
      listener.close();
    },
  };
}
