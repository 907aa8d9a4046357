import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MPPC_FLAGS, MppcCompressor, MppcDecompressor } from '../src/index.js';
import { noise, packet, session, textLike } from './arbitraries.js';

const MRU = 1500;

/** Runs steps through a compressor and a decompressor, checking every packet and flag rule. */
function roundTrip(
  steps: ReturnType<typeof session> extends fc.Arbitrary<infer S> ? S : never,
  mru: number,
) {
  const c = new MppcCompressor();
  const d = new MppcDecompressor({ mru });
  const wire = new Uint8Array(mru);
  const out = new Uint8Array(mru);
  let sinceFront = 0;
  let mustFlush = false; // both histories start empty: the first packet needs no A
  const seen = { compressed: 0, uncompressed: 0, front: 0, flushed: 0, restarts: 0, resets: 0 };
  for (const step of steps) {
    if (step.kind === 'reset') {
      c.reset();
      mustFlush = true;
      seen.resets++;
      continue;
    }
    const len = c.compress(step.data, wire);
    const flags = c.flags;
    // A exactly when the history had to be reset (start, Reset-Request, after expansion).
    expect((flags & MPPC_FLAGS.FLUSHED) !== 0).toBe(mustFlush);
    if ((flags & MPPC_FLAGS.COMPRESSED) !== 0) {
      seen.compressed++;
      expect(len).toBeLessThanOrEqual(step.data.length);
      mustFlush = false;
      // B at least once per 8192 bytes of history (RFC 2118 §3.1).
      sinceFront =
        (flags & MPPC_FLAGS.AT_FRONT) !== 0 ? step.data.length : sinceFront + step.data.length;
      expect(sinceFront).toBeLessThanOrEqual(8192);
    } else {
      seen.uncompressed++;
      expect(len).toBe(step.data.length);
      expect(wire.subarray(0, len)).toEqual(step.data);
      mustFlush = true;
      sinceFront = 0;
    }
    if ((flags & MPPC_FLAGS.AT_FRONT) !== 0) seen.front++;
    if ((flags & (MPPC_FLAGS.AT_FRONT | MPPC_FLAGS.FLUSHED)) === MPPC_FLAGS.AT_FRONT) {
      seen.restarts++; // the history wrapped: back to the front without a reset
    }
    if ((flags & MPPC_FLAGS.FLUSHED) !== 0) seen.flushed++;
    const n = d.decompress(flags, wire.subarray(0, len), out);
    expect(out.subarray(0, n)).toEqual(step.data);
  }
  return seen;
}

describe('decompress(compress(x)) == x (RFC 2118 §3–§4, fast-check)', () => {
  it('over packet sequences with Reset-Requests, wrap-around, noise, empty and MRU-sized packets', () => {
    const totals = { restarts: 0, resets: 0, uncompressed: 0, empty: 0, mruSized: 0 };
    fc.assert(
      fc.property(session(MRU, 40), (steps) => {
        const seen = roundTrip(steps, MRU);
        totals.restarts += seen.restarts;
        totals.resets += seen.resets;
        totals.uncompressed += seen.uncompressed;
        for (const step of steps) {
          if (step.kind === 'packet' && step.data.length === 0) totals.empty++;
          if (step.kind === 'packet' && step.data.length === MRU) totals.mruSized++;
        }
      }),
      { numRuns: 150 },
    );
    // The generated sessions really covered each case.
    for (const [name, count] of Object.entries(totals)) {
      expect(count, name).toBeGreaterThan(10);
    }
  });

  it('with 8192-byte packets (the MRU can be the whole history)', () => {
    fc.assert(
      fc.property(session(8192, 6), (steps) => {
        roundTrip(steps, 8192);
      }),
      { numRuns: 30 },
    );
  });

  it('a long text-like session wraps the history many times and stays in sync', () => {
    const steps = fc.sample(textLike(MRU, 150), { numRuns: 200, seed: 42 }).map((data) => ({
      kind: 'packet' as const,
      data,
    }));
    const seen = roundTrip(steps, MRU);
    expect(seen.front).toBeGreaterThan(5);
    expect(seen.compressed).toBeGreaterThan(150);
  });

  it('incompressible packets go uncompressed and flush the next packet', () => {
    const steps = fc
      .sample(fc.tuple(noise(MRU), packet(MRU)), { numRuns: 50, seed: 7 })
      .flatMap(([a, b]) => [
        { kind: 'packet' as const, data: a },
        { kind: 'packet' as const, data: b },
      ]);
    const seen = roundTrip(steps, MRU);
    expect(seen.uncompressed).toBeGreaterThan(10);
    expect(seen.flushed).toBeGreaterThan(10);
  });
});

describe('compressor details', () => {
  it('the first packet is at the front but not flushed; the next continues the history', () => {
    const c = new MppcCompressor();
    const out = new Uint8Array(100);
    const text = new TextEncoder().encode('abcabcabcabcabcabc');
    c.compress(text, out);
    expect(c.flags).toBe(MPPC_FLAGS.AT_FRONT | MPPC_FLAGS.COMPRESSED);
    const n = c.compress(text, out);
    expect(c.flags).toBe(MPPC_FLAGS.COMPRESSED);
    // The whole second packet is one copy from the previous one: offset 18 (10 bits) and
    // length 18 (`1110` + 4 bits = 8 bits) = 18 bits = 3 bytes.
    expect(n).toBe(3);
  });

  it('restarts at the front (B, no A) when the next packet does not fit in the history', () => {
    const c = new MppcCompressor();
    const out = new Uint8Array(8192);
    const block = new Uint8Array(3000).fill(0x61);
    c.compress(block, out);
    c.compress(block, out);
    expect(c.flags & MPPC_FLAGS.AT_FRONT).toBe(0);
    c.compress(block, out); // 9000 > 8192
    expect(c.flags).toBe(MPPC_FLAGS.AT_FRONT | MPPC_FLAGS.COMPRESSED);
  });

  it('reset() (CCP Reset-Request) flushes the next packet only', () => {
    const c = new MppcCompressor();
    const out = new Uint8Array(64);
    const data = new Uint8Array(32).fill(7);
    c.compress(data, out);
    c.reset();
    c.compress(data, out);
    expect(c.flags & MPPC_FLAGS.FLUSHED).toBe(MPPC_FLAGS.FLUSHED);
    c.compress(data, out);
    expect(c.flags & MPPC_FLAGS.FLUSHED).toBe(0);
  });

  it('writes the payload at outputOffset and leaves the bytes before it alone', () => {
    const c = new MppcCompressor();
    const out = new Uint8Array(40).fill(0xee);
    const data = new Uint8Array(30).fill(1);
    const n = c.compress(data, out, 2);
    expect(out[0]).toBe(0xee);
    expect(out[1]).toBe(0xee);
    const d = new MppcDecompressor({ mru: 64 });
    const back = new Uint8Array(64);
    expect(back.subarray(0, d.decompress(c.flags, out, back, 2, n))).toEqual(data);
  });

  it('compresses in place (output is the input buffer), compressible or not', () => {
    fc.assert(
      fc.property(fc.array(packet(MRU), { minLength: 1, maxLength: 8 }), (packets) => {
        const c = new MppcCompressor();
        const d = new MppcDecompressor({ mru: MRU });
        const out = new Uint8Array(MRU);
        for (const p of packets) {
          const buffer = p.slice();
          const n = c.compress(buffer, buffer);
          expect(out.subarray(0, d.decompress(c.flags, buffer, out, 0, n))).toEqual(p);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('rejects misuse with RangeError', () => {
    const c = new MppcCompressor();
    expect(() => c.compress(new Uint8Array(8193), new Uint8Array(9000))).toThrow(RangeError);
    expect(() => c.compress(new Uint8Array(10), new Uint8Array(9))).toThrow(RangeError);
    expect(() => c.compress(new Uint8Array(10), new Uint8Array(10), 1)).toThrow(RangeError);
    expect(() => new MppcCompressor({ chainLength: 0 })).toThrow(RangeError);
    expect(() => new MppcDecompressor({ mru: 0 })).toThrow(RangeError);
    expect(() => new MppcDecompressor({ mru: 8193 })).toThrow(RangeError);
    const d = new MppcDecompressor({ mru: 100 });
    expect(() => d.decompress(0x20, new Uint8Array(1), new Uint8Array(99))).toThrow(RangeError);
    expect(() => d.decompress(0x20, new Uint8Array(1), new Uint8Array(100), 1, 1)).toThrow(
      RangeError,
    );
  });
});
