import { describe, expect, it } from 'vitest';
import { WRITE_SLOT, WriteBatch } from '../../src/session/write-batch.js';

/** A WriteBatch whose sends are recorded: each as [packet bytes..., destination] lists. */
function recorded() {
  const sends: { packets: number[][]; destinations: number[] }[] = [];
  const batch = new WriteBatch((slab, offsets, lengths, destinations, count) => {
    const packets: number[][] = [];
    for (let i = 0; i < count; i++) {
      packets.push([...slab.subarray(offsets[i]!, offsets[i]! + lengths[i]!)]);
    }
    sends.push({ packets, destinations: [...destinations.subarray(0, count)] });
  });
  return { batch, sends };
}

describe('WriteBatch', () => {
  it('sends what one turn wrote in one batch, copies and destinations in order', async () => {
    const { batch, sends } = recorded();
    const buf = Uint8Array.of(9, 1, 2, 3, 4);
    expect(batch.add(buf, 1, 2, 7)).toBe(true);
    expect(batch.add(buf, 3, 2, 8)).toBe(true);
    buf.fill(0);
    expect(sends).toHaveLength(0);
    await Promise.resolve();
    expect(sends).toEqual([
      {
        packets: [
          [1, 2],
          [3, 4],
        ],
        destinations: [7, 8],
      },
    ]);
  });

  it('sends at once when the slab is full, refuses a packet longer than a slot, and closes', () => {
    const { batch, sends } = recorded();
    const p = new Uint8Array(10);
    for (let i = 0; i < 64; i++) batch.add(p, 0, 10, i);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.destinations).toHaveLength(64);
    expect(batch.add(new Uint8Array(WRITE_SLOT + 1), 0, WRITE_SLOT + 1)).toBe(false);
    batch.add(p, 0, 10);
    batch.close();
    expect(sends).toHaveLength(2);
    expect(batch.add(p, 0, 10)).toBe(false);
  });

  it('hands a send that throws to onError instead of throwing', async () => {
    const errors: Error[] = [];
    const batch = new WriteBatch(() => {
      throw new Error('EBADF');
    });
    batch.onError = (e) => errors.push(e);
    batch.add(new Uint8Array(4), 0, 4);
    await Promise.resolve();
    expect(errors.map((e) => e.message)).toEqual(['EBADF']);
  });
});
