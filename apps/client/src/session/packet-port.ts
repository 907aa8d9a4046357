import type { PacketChannel } from '@pptpkit/linux-net';
import type { PacketPort } from './io.js';
import { WriteBatch } from './write-batch.js';

/**
 * A `@pptpkit/linux-net` channel (the TUN or the raw GRE socket) as a {@link PacketPort}. Writes
 * are copied into a {@link WriteBatch} and sent together with `writeBatch` (sendmmsg on the
 * socket) at the end of the current turn of the event loop, or as soon as the slab is full: a
 * burst the core sends while handling one read batch leaves in one system call. A read error
 * ends reading and is handed to `onError`, never thrown.
 */
export function packetPort(channel: PacketChannel): PacketPort {
  const batch = new WriteBatch((slab, offsets, lengths, _destinations, count) =>
    channel.writeBatch(slab, offsets, lengths, count),
  );
  return {
    write(buf, offset, length) {
      if (batch.closed) return false;
      if (batch.add(buf, offset, length)) return true;
      batch.flush();
      return channel.write(buf, offset, length);
    },
    startReading(handler, afterBatch, onError) {
      batch.onError = onError;
      channel.startReading(
        (read) => {
          for (let i = 0; i < read.count; i++) {
            const start = read.offsets[i]!;
            handler(read.buffer, start, start + read.lengths[i]!);
          }
          afterBatch?.();
          batch.flush();
        },
        { onError: (error) => onError?.(error) },
      );
    },
    close() {
      if (batch.closed) return;
      batch.close();
      channel.close();
    },
  };
}
