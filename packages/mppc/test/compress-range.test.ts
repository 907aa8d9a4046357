import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MppcCompressor, MppcDecompressor } from '../src/index.js';
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

describe('MppcDecompressor.decompressRange', () => {
  it('a payload inside a larger buffer, written at an offset, decodes as decompress() does', () => {
    fc.assert(
      fc.property(session(1400, 40), fc.nat(64), fc.nat(64), (steps, before, at) => {
        const c = new MppcCompressor();
        const bare = new MppcDecompressor({ mru: 1400 });
        const ranged = new MppcDecompressor({ mru: 1400 });
        const wire = new Uint8Array(1400);
        const outBare = new Uint8Array(1400);
        const outRanged = new Uint8Array(at + 1400 + 5).fill(0x5a);
        for (const step of steps) {
          if (step.kind === 'reset') {
            c.reset();
            continue;
          }
          const n = c.compress(step.data, wire);
          const buffer = new Uint8Array(before + n + 7).fill(0xa5);
          buffer.set(wire.subarray(0, n), before);
          const k = bare.decompress(c.flags, wire, outBare, 0, n);
          const m = ranged.decompressRange(c.flags, buffer, before, before + n, outRanged, at);
          expect(m).toBe(k);
          expect(outRanged.subarray(at, at + m)).toEqual(step.data);
          // Nothing written before `at` or past the packet.
          expect(outRanged.subarray(0, at).every((b) => b === 0x5a)).toBe(true);
          expect(outRanged[at + 1400]).toBe(0x5a);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a range outside the input or an output with less than the MRU after the offset', () => {
    const d = new MppcDecompressor({ mru: 100 });
    const input = new Uint8Array(10);
    expect(() => d.decompressRange(0x20, input, 4, 2, new Uint8Array(100), 0)).toThrow(RangeError);
    expect(() => d.decompressRange(0x20, input, 0, 11, new Uint8Array(100), 0)).toThrow(RangeError);
    expect(() => d.decompressRange(0x20, input, 0, 10, new Uint8Array(100), 1)).toThrow(RangeError);
    expect(() => d.decompressRange(0x20, input, 0, 10, new Uint8Array(100), -1)).toThrow(
      RangeError,
    );
  });
});
