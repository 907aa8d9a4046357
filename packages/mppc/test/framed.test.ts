import { DecodeError, encodeUtf8 } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MPPC_FLAGS, MppcFramedCompressor, MppcFramedDecompressor } from '../src/index.js';
import { session } from './arbitraries.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return (e as DecodeError).code;
  }
  throw new Error('expected a DecodeError');
}

describe('standalone MPPC framing (RFC 2118 §3.1 header, 12-bit coherency count)', () => {
  it('writes A B C D + count big-endian, D clear, the count counting from 0', () => {
    const c = new MppcFramedCompressor();
    const out = new Uint8Array(64);
    const data = encodeUtf8('aaaaaaaaaaaaaaaaaaaaaaaa');
    c.compress(data, out);
    expect(out[0]).toBe(MPPC_FLAGS.AT_FRONT | MPPC_FLAGS.COMPRESSED);
    expect(out[1]).toBe(0);
    c.compress(data, out);
    expect(out[0]).toBe(MPPC_FLAGS.COMPRESSED);
    expect(out[1]).toBe(1);
    expect(c.coherencyCount).toBe(2);
  });

  it('the count wraps at 4096 and the receiver follows it', () => {
    const c = new MppcFramedCompressor();
    const d = new MppcFramedDecompressor({ mru: 64 });
    const wire = new Uint8Array(66);
    const out = new Uint8Array(64);
    const data = encodeUtf8('ping ping ping');
    for (let i = 0; i < 4100; i++) {
      const n = c.compress(data, wire);
      expect(((wire[0]! & 0x0f) << 8) | wire[1]!).toBe(i & 0xfff);
      expect(d.decompress(wire.subarray(0, n), out)).toBe(data.length);
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
          const n = c.compress(step.data, wire);
          const m = d.decompress(wire.subarray(0, n), out);
          expect(out.subarray(0, m)).toEqual(step.data);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a lost packet: MPPC_COUNT_MISMATCH, then MPPC_AWAITING_FLUSH, then recovery on A', () => {
    const c = new MppcFramedCompressor();
    const d = new MppcFramedDecompressor({ mru: 200 });
    const out = new Uint8Array(200);
    const text = (i: number) => encodeUtf8(`packet ${i}: the bell tolls for thee`);
    const send = (i: number) => {
      const wire = new Uint8Array(text(i).length + 2);
      return wire.subarray(0, c.compress(text(i), wire));
    };
    expect(d.decompress(send(0), out)).toBe(text(0).length);
    send(1); // lost
    expect(codeOf(() => d.decompress(send(2), out))).toBe('MPPC_COUNT_MISMATCH');
    expect(d.awaitingFlush).toBe(true);
    expect(codeOf(() => d.decompress(send(3), out))).toBe('MPPC_AWAITING_FLUSH');
    // The receiver sends a CCP Reset-Request; the sender flushes its next packet.
    c.reset();
    const n = d.decompress(send(4), out);
    expect(out.subarray(0, n)).toEqual(text(4));
    const m = d.decompress(send(5), out);
    expect(out.subarray(0, m)).toEqual(text(5));
  });

  it('refuses a D (encrypted) flag and a packet shorter than the header', () => {
    const d = new MppcFramedDecompressor({ mru: 100 });
    const out = new Uint8Array(100);
    expect(codeOf(() => d.decompress(new Uint8Array([0x90, 0x00, 0x41]), out))).toBe(
      'MPPC_UNEXPECTED_ENCRYPTION',
    );
    expect(codeOf(() => d.decompress(new Uint8Array([0x80]), out))).toBe('MPPC_TRUNCATED');
  });

  it('arbitrary framed packets give data or a typed DecodeError', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 10 }), (packets) => {
        const d = new MppcFramedDecompressor({ mru: 500 });
        const out = new Uint8Array(500);
        for (const p of packets) {
          try {
            expect(d.decompress(p, out)).toBeLessThanOrEqual(500);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
