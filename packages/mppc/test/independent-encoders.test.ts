/**
 * The decompressor is checked against streams from encoders that are not ours: the reference
 * encoder in `reference-encoder.ts` (written from the RFC 2118 §4.2 bit table) with three
 * token-choosing strategies, and hand-built streams for every offset and length class at its
 * boundaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MppcDecompressor } from '../src/index.js';
import { runs, textLike } from './arbitraries.js';
import {
  type Chooser,
  encodePacket,
  encodeTokens,
  literalsOnly,
  ReferenceHistory,
  randomMatches,
  shortestMatches,
  type Token,
  tokenBits,
  xorshift,
} from './reference-encoder.js';

const MRU = 8192;

function decodeAll(packets: readonly { flags: number; payload: Uint8Array }[]): Uint8Array[] {
  const d = new MppcDecompressor({ mru: MRU });
  const out = new Uint8Array(MRU);
  return packets.map((p) => out.slice(0, d.decompress(p.flags, p.payload, out)));
}

function randomBytes(n: number, seed: number): Uint8Array {
  const r = xorshift(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

describe('streams from independent encoders decompress to the same bytes', () => {
  it('literals only, shortest matches and random valid matches all give the data back', () => {
    const totals = { copies: 0, wrapped: 0, restarts: 0, shortestBytes: 0, literalBytes: 0 };
    fc.assert(
      fc.property(
        fc.array(fc.oneof(textLike(1400, 200), runs(1400)), { minLength: 1, maxLength: 14 }),
        fc.integer(),
        (data, seed) => {
          const strategies: Chooser[] = [
            literalsOnly,
            shortestMatches,
            randomMatches(xorshift(seed)),
          ];
          const sizes: number[] = [];
          for (const choose of strategies) {
            const h = new ReferenceHistory();
            const encoded = data.map((packet, i) => encodePacket(h, packet, choose, i === 0));
            for (const p of encoded) {
              totals.copies += p.tokens.filter((t) => t.kind === 'copy').length;
              totals.wrapped += p.wrappedCopies;
              if ((p.flags & 0x40) !== 0) totals.restarts++;
            }
            sizes.push(encoded.reduce((sum, p) => sum + p.payload.length, 0));
            expect(decodeAll(encoded)).toEqual(data);
          }
          totals.literalBytes += sizes[0]!;
          totals.shortestBytes += sizes[1]!;
        },
      ),
      { numRuns: 30 },
    );
    // The strategies really differ: copies were emitted, some reaching back past the front of
    // the history into what was written before a restart, and the streams are not the same.
    expect(totals.copies).toBeGreaterThan(1000);
    expect(totals.wrapped).toBeGreaterThan(0);
    expect(totals.restarts).toBeGreaterThan(0);
    expect(totals.shortestBytes).toBeLessThan(totals.literalBytes);
  });

  it('a copy reaching back past the front after a B restart reads the older history', () => {
    const d = new MppcDecompressor({ mru: MRU });
    const out = new Uint8Array(MRU);
    const first = randomBytes(8000, 99);
    const h = new ReferenceHistory();
    const p1 = encodePacket(h, first, literalsOnly, true);
    d.decompress(p1.flags, p1.payload, out);
    // At the front (ptr 0), offset 202 reads index 8192 - 202 = 7990 (packet 1's byte 7990);
    // then at ptr 10, offset 8191 reads index 10 - 8191 + 8192 = 11.
    const n = d.decompress(
      0x60,
      encodeTokens([
        { kind: 'copy', offset: 202, length: 10 },
        { kind: 'copy', offset: 8191, length: 6 },
      ]),
      out,
    );
    expect(out.subarray(0, n)).toEqual(
      new Uint8Array([...first.subarray(7990, 8000), ...first.subarray(11, 17)]),
    );
  });
});

describe('every offset and length class at its boundaries (RFC 2118 §4.2.2)', () => {
  const offsets = [1, 2, 63, 64, 65, 318, 319, 320, 321, 4096, 8190, 8191];
  const lengths = [3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 1023, 1024];
  const longLengths = [2047, 2048, 4095, 4096, 8191];

  it('the bit sheet gives the documented code widths at each class boundary', () => {
    const width = (t: Token) => tokenBits(t).length;
    expect(width({ kind: 'copy', offset: 63, length: 3 })).toBe(10 + 1);
    expect(width({ kind: 'copy', offset: 64, length: 3 })).toBe(12 + 1);
    expect(width({ kind: 'copy', offset: 319, length: 3 })).toBe(12 + 1);
    expect(width({ kind: 'copy', offset: 320, length: 3 })).toBe(16 + 1);
    expect(width({ kind: 'copy', offset: 1, length: 7 })).toBe(10 + 4);
    expect(width({ kind: 'copy', offset: 1, length: 8 })).toBe(10 + 6);
    expect(width({ kind: 'copy', offset: 1, length: 8191 })).toBe(10 + 24);
    expect(width({ kind: 'literal', byte: 0x7f })).toBe(8);
    expect(width({ kind: 'literal', byte: 0x80 })).toBe(9);
  });

  // A full history of random literals, then at the front (B) one copy per case: the offset
  // reaches back past the front into the full history, any length up to 8191 fits.
  const history = randomBytes(8192, 2118);
  const full = encodeTokens(Array.from(history, (byte): Token => ({ kind: 'literal', byte })));

  for (const offset of offsets) {
    it(`offset ${offset} with every length class boundary from 3 to 8191`, () => {
      for (const length of [...lengths, ...longLengths]) {
        const model = new ReferenceHistory();
        model.play(Array.from(history, (byte): Token => ({ kind: 'literal', byte })));
        model.ptr = 0;
        const tokens: Token[] = [
          { kind: 'copy', offset, length },
          { kind: 'literal', byte: 0x5a },
        ].slice(0, length === 8191 ? 1 : 2) as Token[];
        const expected = model.play(tokens);
        const d = new MppcDecompressor({ mru: MRU });
        const out = new Uint8Array(MRU);
        expect(d.decompress(0xe0, full, out)).toBe(8192);
        const n = d.decompress(0x60, encodeTokens(tokens), out);
        expect(out.subarray(0, n)).toEqual(expected);
      }
    });
  }

  it('copies within the current pass at each offset class, long and overlapping', () => {
    for (const offset of [1, 63, 64, 319, 320, 4000]) {
      for (const length of [3, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4095]) {
        if (offset + length > 8192) continue;
        const literals = Array.from(
          randomBytes(offset, offset),
          (byte): Token => ({
            kind: 'literal',
            byte,
          }),
        );
        const tokens: Token[] = [...literals, { kind: 'copy', offset, length }];
        const expected = new ReferenceHistory().play(tokens);
        const d = new MppcDecompressor({ mru: MRU });
        const out = new Uint8Array(MRU);
        const n = d.decompress(0xe0, encodeTokens(tokens), out);
        expect(out.subarray(0, n)).toEqual(expected);
      }
    }
  });
});
