import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MPPC_STATUS,
  MppcCompressor,
  MppcDecompressor,
  type MppcStatus,
  mppcStatusMessage,
} from '../src/index.js';
import { encodeTokens, packBits, type Token } from './reference-encoder.js';

/** What the core decompressor may return for a bitstream it drops (not the framed statuses). */
const DROPS: readonly MppcStatus[] = [
  MPPC_STATUS.BAD_OFFSET,
  MPPC_STATUS.BAD_LENGTH,
  MPPC_STATUS.TRUNCATED,
  MPPC_STATUS.TOO_LONG,
  MPPC_STATUS.HISTORY_OVERFLOW,
  MPPC_STATUS.AWAITING_FLUSH,
];

const lit = (s: string): Token[] =>
  Array.from(s, (c) => ({ kind: 'literal', byte: c.charCodeAt(0) }));

describe('malformed bitstreams give negative statuses, never exceptions', () => {
  const out = new Uint8Array(1500);

  it('offset 0 is BAD_OFFSET, after the literals before it were written', () => {
    const d = new MppcDecompressor({ mru: 1500 });
    const payload = encodeTokens([...lit('abcd'), { kind: 'copy', offset: 0, length: 3 }]);
    out.fill(0);
    expect(d.decompress(0xe0, payload, out)).toBe(MPPC_STATUS.BAD_OFFSET);
    // The four literals before the bad copy (RFC 2118 §4.1) were decoded; then it stopped.
    expect(Array.from(out.subarray(0, 5))).toEqual([0x61, 0x62, 0x63, 0x64, 0]);
    expect(mppcStatusMessage(MPPC_STATUS.BAD_OFFSET)).toMatch(/offset/);
  });

  // RFC 2118 §4.2.1 (docs/mppc-encoding.md): offsets 320–8191 are `110` + 13 bits of
  // (offset − 320). The same 13 bits can spell 8192..8511, which the 8192-byte history cannot
  // hold; 8192 would copy the byte being written and the rest read before the buffer.
  describe('the 13-bit offset class: 8191 is the last offset, 8192..8511 are BAD_OFFSET', () => {
    // Literals 'a' 'b' 'c' (`0` + 7 bits each), then a copy of length 3 (`0`), by hand.
    const abc = '01100001' + '01100010' + '01100011';
    const copy = (offsetBits: string): Uint8Array => packBits(`${abc}110${offsetBits}0`);

    it('offset 8191 (13 bits 1111010111111) copies from the history', () => {
      const stream = copy('1111010111111');
      expect(stream).toEqual(
        encodeTokens([...lit('abc'), { kind: 'copy', offset: 8191, length: 3 }]),
      );
      const d = new MppcDecompressor({ mru: 1500 });
      const history = new Uint8Array(8192);
      d.decompress(0xe0, encodeTokens(lit('0123456789')), history);
      // At index 10 + 3, offset 8191 reaches index 13 - 8191 + 8192 = 14: never written, zeros.
      const n = d.decompress(0x20, stream, out);
      expect(Array.from(out.subarray(0, n))).toEqual([0x61, 0x62, 0x63, 0, 0, 0]);
      // Right after a B restart it reaches the older pass: index 3 - 8191 + 8192 = 4, '4'.
      const m = d.decompress(0x60, stream, out);
      expect(Array.from(out.subarray(0, m))).toEqual([0x61, 0x62, 0x63, 0x34, 0x35, 0x36]);
    });

    for (const [offset, bits] of [
      [8192, '1111011000000'],
      [8193, '1111011000001'],
      [8511, '1111111111111'],
    ] as const) {
      it(`offset ${offset} (13 bits ${bits}) is refused`, () => {
        const stream = copy(bits);
        expect(stream).toEqual(encodeTokens([...lit('abc'), { kind: 'copy', offset, length: 3 }]));
        const d = new MppcDecompressor({ mru: 1500 });
        d.decompress(0xe0, encodeTokens(lit('0123456789')), out);
        expect(d.decompress(0x20, stream, out)).toBe(MPPC_STATUS.BAD_OFFSET);
        // The three literals before the copy went into the history and the output.
        expect(Array.from(out.subarray(0, 3))).toEqual([0x61, 0x62, 0x63]);
        // Out of sync with the peer now: only a flushed packet is taken.
        expect(d.awaitingFlush).toBe(true);
      });
    }
  });

  it('a length code of twelve 1 bits is BAD_LENGTH', () => {
    const d = new MppcDecompressor({ mru: 1500 });
    const bits = `${'0'.repeat(8)}1111000001${'1'.repeat(12)}0${'0'.repeat(13)}`;
    expect(d.decompress(0xe0, packBits(bits), out)).toBe(MPPC_STATUS.BAD_LENGTH);
  });

  it('a copy tuple cut short is TRUNCATED', () => {
    const d = new MppcDecompressor({ mru: 1500 });
    // Literal 'a', a 16-bit offset, then 8 ones of a length code that needs 9 + 8 bits more:
    // the packet (32 bits) ends inside the copy tuple.
    const bits = `${'01100001'}110000000000000${'1'.repeat(8)}`;
    expect(d.decompress(0xe0, packBits(bits), out)).toBe(MPPC_STATUS.TRUNCATED);
    // A literal ≥ 0x80 needs 9 bits; 8 remaining are not enough.
    const d2 = new MppcDecompressor({ mru: 1500 });
    expect(d2.decompress(0xe0, new Uint8Array([0x80]), out)).toBe(MPPC_STATUS.TRUNCATED);
  });

  it('fewer than 8 bits left over are padding and end the packet', () => {
    const d = new MppcDecompressor({ mru: 1500 });
    // 'a' (8 bits) + 0x80 literal (9 bits) = 17 bits: 7 bits of padding.
    const n = d.decompress(0xe0, encodeTokens([...lit('a'), { kind: 'literal', byte: 0x80 }]), out);
    expect(Array.from(out.subarray(0, n))).toEqual([0x61, 0x80]);
  });

  it('more output than the MRU is TOO_LONG, by literals or by a copy', () => {
    const d = new MppcDecompressor({ mru: 10 });
    const small = new Uint8Array(10);
    expect(d.decompress(0xe0, encodeTokens(lit('0123456789A')), small)).toBe(MPPC_STATUS.TOO_LONG);
    const copy = encodeTokens([...lit('ab'), { kind: 'copy', offset: 1, length: 9 }]);
    expect(d.decompress(0xe0, copy, small)).toBe(MPPC_STATUS.TOO_LONG);
    // Exactly the MRU is fine.
    expect(d.decompress(0xe0, encodeTokens(lit('0123456789')), small)).toBe(10);
    // An uncompressed packet longer than the MRU too.
    expect(d.decompress(0x80, new Uint8Array(11), small)).toBe(MPPC_STATUS.TOO_LONG);
  });

  it('writing past the end of the history without a B restart is HISTORY_OVERFLOW', () => {
    const d = new MppcDecompressor({ mru: 8192 });
    const big = new Uint8Array(8192);
    d.decompress(0xe0, encodeTokens([...lit('a'), { kind: 'copy', offset: 1, length: 8000 }]), big);
    const more = encodeTokens([...lit('b'), { kind: 'copy', offset: 1, length: 200 }]);
    expect(d.decompress(0x20, more, big)).toBe(MPPC_STATUS.HISTORY_OVERFLOW);
  });

  it('after a drop, compressed packets without A are refused until a flushed packet', () => {
    const d = new MppcDecompressor({ mru: 1500 });
    const bad = encodeTokens([{ kind: 'copy', offset: 0, length: 3 }]);
    expect(d.decompress(0xe0, bad, out)).toBe(MPPC_STATUS.BAD_OFFSET);
    expect(d.awaitingFlush).toBe(true);
    const good = encodeTokens(lit('hello'));
    expect(d.decompress(0x20, good, out)).toBe(MPPC_STATUS.AWAITING_FLUSH);
    expect(d.decompress(0x60, good, out)).toBe(MPPC_STATUS.AWAITING_FLUSH);
    // An uncompressed packet does not depend on the history and is delivered.
    expect(d.decompress(0x00, new Uint8Array([1, 2, 3]), out)).toBe(3);
    expect(d.decompress(0xa0, good, out)).toBe(5);
    expect(d.awaitingFlush).toBe(false);
    expect(d.decompress(0x20, good, out)).toBe(5);
    d.awaitFlush();
    expect(d.decompress(0x20, good, out)).toBe(MPPC_STATUS.AWAITING_FLUSH);
    d.reset();
    expect(d.decompress(0x20, good, out)).toBe(5);
  });

  it('arbitrary bytes and flags give data (≤ MRU) or a drop status, never an exception', () => {
    const codes = new Set<number>();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 3000 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 8192 }),
        (packets, mru) => {
          const d = new MppcDecompressor({ mru });
          const o = new Uint8Array(mru);
          for (const [flags, payload] of packets) {
            const n = d.decompress(flags, payload, o);
            expect(n).toBeLessThanOrEqual(mru);
            if (n < 0) {
              expect(DROPS).toContain(n);
              expect(mppcStatusMessage(n as MppcStatus)).not.toBe('');
              codes.add(n);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
    // Random input reaches the main drop paths, not just one of them (BAD_OFFSET, now only
    // offset 0, and BAD_LENGTH are rare in random bytes; the tests above target them).
    expect(codes.size).toBeGreaterThanOrEqual(3);
  });

  it('a corrupted packet from our compressor gives data or a drop status', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 1400 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (data, where, xor) => {
          const c = new MppcCompressor();
          const wire = new Uint8Array(data.length);
          const n = c.compress(data, wire);
          wire[where % Math.max(n, 1)]! ^= xor;
          const d = new MppcDecompressor({ mru: 1400 });
          const m = d.decompress(c.flags, wire.subarray(0, n), new Uint8Array(1400));
          if (m < 0) expect(DROPS).toContain(m);
          else expect(m).toBeLessThanOrEqual(1400);
        },
      ),
      { numRuns: 300 },
    );
  });
});
