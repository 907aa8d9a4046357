import type { PacketChannel } from '@pptpkit/linux-net';
import type { PacketPort } from './io.js';

/** Packets gathered before a batch is written at once. */
const BATCH = 64;
/** Bytes per batch slot: a PPTP packet (MTU 1500 plus headers) fits; larger ones go alone. */
const SLOT = 2048;

/**
 * A `@pptpkit/linux-net` channel (the TUN or the raw GRE socket) as a {@link PacketPort}. Writes
 * are copied into a slab and sent together with `writeBatch` (sendmmsg on the socket) at the end
 * of the current turn of the event loop, or as soon as the slab is full: a burst the core sends
 * while handling one read batch leaves in one system call. A read error ends reading and is
 * handed to `onError`, never thrown.
 */
export function packetPort(channel: PacketChannel): PacketPort {
  const slab = new Uint8Array(BATCH * SLOT);
  const offsets = new Uint32Array(BATCH);
  const lengths = new Uint32Array(BATCH);
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
      channel.writeBatch(slab, offsets, lengths, n);
    } catch (error) {
      // Runs from a microtask: an error here must not become an uncaught exception.
      failed?.(error as Error);
    }
  };
  return {
    write(buf, offset, length) {
      if (closed) return false;
      if (length > SLOT) {
        flush();
        return channel.write(buf, offset, length);
      }
      slab.set(buf.subarray(offset, offset + length), count * SLOT);
      lengths[count] = length;
      count++;
      if (count === BATCH) flush();
      else if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
      return true;
    },
    startReading(handler, afterBatch, onError) {
      failed = onError;
      channel.startReading(
        (batch) => {
          for (let i = 0; i < batch.count; i++) {
            const start = batch.offsets[i]!;
            handler(batch.buffer, start, start + batch.lengths[i]!);
          }
          afterBatch?.();
          flush();
        },
        { onError: (error) => onError?.(error) },
      );
    },
    close() {
      if (closed) return;
      flush();
      closed = true;
      channel.close();
    },
  };
}
