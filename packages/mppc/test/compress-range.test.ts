import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MppcCompressor } from '../src/index.js';
import { session } from './arbitraries.js';

describe('MppcCompressor.compressRange', () => {
  it('a packet inside a larger buffer compresses exactly as the bare packet (same payload, flags, history)', () => {
    fc.assert(
      fc.property(session(1400, 40), fc.nat(64), fc.nat(64), (steps, before, after) => {
        const bare = new MppcCompressor();
        const ranged = new MppcCompressor();
        const outBare = new Uint8Array(1400);
        const outRanged = new Uint8Array(1400 + 3);
        for (const step of steps) {
          if (step.kind === 'reset') {
            bare.reset();
            ranged.reset();
            continue;
          }
          const n = bare.compress(step.data, outBare);
          // The packet sits between junk bytes, which must not leak into the history.
          const buffer = new Uint8Array(before + step.data.length + after).fill(0xa5);
          buffer.set(step.data, before);
          const m = ranged.compressRange(buffer, before, before + step.data.length, outRanged, 3);
          expect(m).toBe(n);
          expect(ranged.flags).toBe(bare.flags);
          expect(outRanged.subarray(3, 3 + m)).toEqual(outBare.subarray(0, n));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rejects a range outside the buffer or longer than the history', () => {
    const c = new MppcCompressor();
    const out = new Uint8Array(9000);
    expect(() => c.compressRange(new Uint8Array(10), 4, 2, out)).toThrow(RangeError);
    expect(() => c.compressRange(new Uint8Array(10), 0, 11, out)).toThrow(RangeError);
    expect(() => c.compressRange(new Uint8Array(10), -1, 5, out)).toThrow(RangeError);
    expect(() => c.compressRange(new Uint8Array(8200), 0, 8193, out)).toThrow(RangeError);
  });
});
