import { encodeUtf8 } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MPPC_FLAGS,
  MPPC_STATUS,
  MppcFramedCompressor,
  MppcFramedDecompressor,
  type MppcStatus,
  mppcStatusMessage,
} from '../src/index.js';
import { session } from './arbitraries.js';

/** Compresses `data` into a fresh buffer and returns header + payload. */
function frame(c: MppcFramedCompressor, data: Uint8Array): Uint8Array {
  const wire = new Uint8Array(data.length + 2);
  return wire.subarray(0, c.compressRange(data, 0, data.length, wire, 0));
}

describe('standalone MPPC framing (RFC 2118 §3.1 header, 12-bit coherency count)', () => {
  it('writes A B C D + count big-endian, D clear, the count counting from 0', () => {
    const c = new MppcFramedCompressor();
    const out = new Uint8Array(64);
    const data = encodeUtf8('aaaaaaaaaaaaaaaaaaaaaaaa');
    c.compressRange(data, 0, data.length, out, 0);
    expect(out[0]).toBe(MPPC_FLAGS.AT_FRONT | MPPC_FLAGS.COMPRESSED);
    expect(out[1]).toBe(0);
    c.compressRange(data, 0, data.length, out, 0);
    expect(out[0]).toBe(MPPC_FLAGS.COMPRESSED);
    expect(out[1]).toBe(1);
    expect(c.coherencyCount).toBe(2);
  });

  it('works on ranges: a packet inside a larger buffer, written and read at an offset', () => {
    const c = new MppcFramedCompressor();
    const d = new MppcFramedDecompressor({ mru: 100 });
    const data = encodeUtf8('xxxx hello hello hello hello yyyy');
    const tx = new Uint8Array(80).fill(0xee);
    const n = c.compressRange(data, 5, 28, tx, 11);
    // Nothing written outside [11, 11 + n).
    expect(tx[10]).toBe(0xee);
    expect(tx[11 + n]).toBe(0xee);
    const rx = new Uint8Array(120).fill(0xee);
    const m = d.decompressRange(tx, 11, 11 + n, rx, 7);
    expect(m).toBe(23);
    expect(rx.subarray(7, 7 + m)).toEqual(data.subarray(5, 28));
    expect(rx[6]).toBe(0xee);
    expect(rx[7 + m]).toBe(0xee);
  });

  it('the count wraps at 4096 and the receiver follows it', () => {
    const c = new MppcFramedCompressor();
    const d = new MppcFramedDecompressor({ mru: 64 });
    const wire = new Uint8Array(66);
    const out = new Uint8Array(64);
    const data = encodeUtf8('ping ping ping');
    for (let i = 0; i < 4100; i++) {
      const n = c.compressRange(data, 0, data.length, wire, 0);
      expect(((wire[0]! & 0x0f) << 8) | wire[1]!).toBe(i & 0xfff);
      expect(d.decompressRange(wire, 0, n, out, 0)).toBe(data.length);
    }
  });

  it('round-trips sessions with Reset-Requests (fast-check)', () => {
    fc.assert(
      fc.property(session(1500, 30), (steps) => {
        const c = new MppcFramedCompressor();
        const d = new MppcFramedDecompressor({ mru: 1500 });
        const wire = new Uint8Array(1502);
        const out = new Uint8Array(1500);
        for (const step of steps) {
          if (step.kind === 'reset') {
            c.reset();
            continue;
          }
          const n = c.compressRange(step.data, 0, step.data.length, wire, 0);
          const m = d.decompressRange(wire, 0, n, out, 0);
          expect(out.subarray(0, m)).toEqual(step.data);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a lost packet: RESET_NEEDED, then AWAITING_FLUSH, then recovery on A', () => {
    const c = new MppcFramedCompressor();
    const d = new MppcFramedDecompressor({ mru: 200 });
    const out = new Uint8Array(200);
    const text = (i: number) => encodeUtf8(`packet ${i}: the bell tolls for thee`);
    const receive = (p: Uint8Array) => d.decompressRange(p, 0, p.length, out, 0);
    expect(receive(frame(c, text(0)))).toBe(text(0).length);
    frame(c, text(1)); // lost
    expect(receive(frame(c, text(2)))).toBe(MPPC_STATUS.RESET_NEEDED);
    expect(d.awaitingFlush).toBe(true);
    expect(receive(frame(c, text(3)))).toBe(MPPC_STATUS.AWAITING_FLUSH);
    // The receiver sends a CCP Reset-Request; the sender flushes its next packet.
    c.reset();
    const n = receive(frame(c, text(4)));
    expect(out.subarray(0, n)).toEqual(text(4));
    expect(d.awaitingFlush).toBe(false);
    const m = receive(frame(c, text(5)));
    expect(out.subarray(0, m)).toEqual(text(5));
  });

  it('drops a D (encrypted) flag and a packet shorter than the header, and nothing else changes', () => {
    const d = new MppcFramedDecompressor({ mru: 100 });
    const out = new Uint8Array(100);
    expect(d.decompressRange(Uint8Array.of(0x90, 0x00, 0x41), 0, 3, out, 0)).toBe(
      MPPC_STATUS.ENCRYPTED,
    );
    expect(d.decompressRange(Uint8Array.of(0x80), 0, 1, out, 0)).toBe(MPPC_STATUS.TOO_SHORT);
    // The range decides, not the buffer: two bytes of a longer buffer are not a header + data.
    expect(d.decompressRange(Uint8Array.of(0x00, 0x00, 0x41), 0, 1, out, 0)).toBe(
      MPPC_STATUS.TOO_SHORT,
    );
    expect(d.awaitingFlush).toBe(false);
    // Count 0 is still the one expected: a packet carrying it is taken (C clear: as it is).
    expect(d.decompressRange(Uint8Array.of(0x00, 0x00, 0x41), 0, 3, out, 0)).toBe(1);
    expect(out[0]).toBe(0x41);
  });

  it('arbitrary framed packets give data (≤ MRU) or a status, never an exception', () => {
    const seen = new Set<number>();
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 10 }), (packets) => {
        const d = new MppcFramedDecompressor({ mru: 500 });
        const out = new Uint8Array(500);
        for (const p of packets) {
          const n = d.decompressRange(p, 0, p.length, out, 0);
          expect(n).toBeLessThanOrEqual(500);
          if (n < 0) {
            expect(Object.values(MPPC_STATUS)).toContain(n);
            seen.add(n);
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(seen).toContain(MPPC_STATUS.RESET_NEEDED);
    expect(seen).toContain(MPPC_STATUS.ENCRYPTED);
  });

  it('programmer misuse throws RangeError: bad ranges, short buffers, too long a packet', () => {
    const c = new MppcFramedCompressor();
    const d = new MppcFramedDecompressor({ mru: 100 });
    const data = new Uint8Array(20);
    expect(() => c.compressRange(data, 0, 20, new Uint8Array(21), 0)).toThrow(RangeError);
    expect(() => c.compressRange(data, 0, 20, new Uint8Array(30), 9)).toThrow(RangeError);
    expect(() => c.compressRange(data, 5, 21, new Uint8Array(30), 0)).toThrow(RangeError);
    expect(() => c.compressRange(new Uint8Array(8193), 0, 8193, new Uint8Array(9000), 0)).toThrow(
      RangeError,
    );
    expect(() => d.decompressRange(data, 0, 21, new Uint8Array(100), 0)).toThrow(RangeError);
    expect(() => d.decompressRange(data, 0, 20, new Uint8Array(100), 1)).toThrow(RangeError);
    // None of them moved the coherency count.
    expect(c.coherencyCount).toBe(0);
  });
});

describe('MPPC_STATUS', () => {
  it('every status is a distinct negative number with its own message', () => {
    const values = Object.values(MPPC_STATUS) as MppcStatus[];
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(v).toBeLessThan(0);
    const messages = values.map(mppcStatusMessage);
    expect(new Set(messages).size).toBe(values.length);
    expect(() => mppcStatusMessage(0 as MppcStatus)).toThrow(RangeError);
  });
});
