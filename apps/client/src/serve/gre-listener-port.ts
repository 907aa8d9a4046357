/**
 * `@pptpkit/linux-net`'s {@link GreListener} as the server's {@link SharedGrePort}: reads hand
 * over each packet's source; writes are gathered in a {@link WriteBatch} and sent together with
 * `writeBatchTo` (sendmmsg) at the end of the current turn of the event loop, or as soon as the
 * slab is full.
 *
 * @module
 */
import type { GreListener } from '@pptpkit/linux-net';
import { WriteBatch } from '../session/write-batch.js';
import type { SharedGrePort } from './shared-gre.js';

/** Wraps `listener`. */
export function greListenerPort(listener: GreListener): SharedGrePort {
  const batch = new WriteBatch((slab, offsets, lengths, destinations, count) =>
    listener.writeBatchTo(slab, offsets, lengths, destinations, count),
  );
  return {
    startReading(handler, afterBatch, onError) {
      batch.onError = onError;
      const sources = listener.sources;
      listener.startReading(
        (read) => {
          for (let i = 0; i < read.count; i++) {
            const start = read.offsets[i]!;
            handler(sources[i]!, read.buffer, start, start + read.lengths[i]!);
          }
          afterBatch();
          batch.flush();
        },
        { onError },
      );
    },
    writeTo(destination, buf, start, end) {
      if (batch.closed || batch.add(buf, start, end - start, destination)) return;
      batch.flush();
      try {
        listener.writeTo(buf, start, end - start, destination);
      } catch (error) {
        batch.onError?.(error as Error);
      }
    },
    stats() {
      return { ...listener.stats } as Record<string, number>;
    },
    close() {
      if (batch.closed) return;
      batch.close();
      listener.close();
    },
  };
}
