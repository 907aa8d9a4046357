/**
 * Regression tests for what FreeRDP's cross-check found: the receiver's history reads as zeros
 * where nothing was written since the last flush ("histories are initialised to zeroes",
 * `docs/mppc-encoding.md`), and a copy reaching back past the front reads forward,
 * with zeros past index 8191. FreeRDP's encoder (libfreerdp/codec/mppc.c) emits both: after a
 * B restart, a match against the older pass may run one byte past the end of what was written
 * (into the zeros there); our decompressor used to refuse the first with MPPC_BAD_OFFSET and to
 * read the second circularly (from index 0), giving wrong bytes.
 */
import { describe, expect, it } from 'vitest';
import { MPPC_FLAGS, MppcDecompressor } from '../src/index.js';
import { encodeTokens, type Token } from './reference-encoder.js';

const { FLUSHED: A, AT_FRONT: B, COMPRESSED: C } = MPPC_FLAGS;

const literals = (bytes: ArrayLike<number>): Token[] =>
  Array.from(bytes, (byte): Token => ({ kind: 'literal', byte }));

function decoder(): { d: MppcDecompressor; run: (flags: number, t: Token[]) => number[] } {
  const d = new MppcDecompressor({ mru: 8192 });
  const out = new Uint8Array(8192);
  return {
    d,
    run: (flags, t) => Array.from(out.subarray(0, d.decompress(flags, encodeTokens(t), out))),
  };
}

describe('never-written history reads as zeros (RFC 2118 histories start zeroed)', () => {
  it('a copy one byte past the older pass reads a zero (FreeRDP, after a B restart)', () => {
    const { run } = decoder();
    const old = Array.from({ length: 3000 }, (_, i) => 1 + (i % 200));
    run(A | B | C, literals(old));
    // At the front, offset 5196 reads index 2996..2999 of the older pass, then index 3000.
    expect(run(B | C, [{ kind: 'copy', offset: 5196, length: 5 }])).toEqual([
      ...old.slice(2996),
      0,
    ]);
  });

  it('a copy before anything written since the flush reads zeros (index 8191 on)', () => {
    // At index 4, offset 5 reads index 8191 (never written), then forward past the end.
    const { run } = decoder();
    expect(
      run(A | B | C, [...literals([97, 98, 99, 100]), { kind: 'copy', offset: 5, length: 3 }]),
    ).toEqual([97, 98, 99, 100, 0, 0, 0]);
  });

  it('a flush zeroes what was written before it (A, and reset())', () => {
    const { d, run } = decoder();
    run(A | B | C, literals(new Array(300).fill(0x79)));
    run(A | B | C, literals(new Array(100).fill(0x78)));
    // At the front, offset 8100 reads index 92..101: eight 'x', then two zeros (not 'y').
    expect(run(B | C, [{ kind: 'copy', offset: 8100, length: 10 }])).toEqual([
      ...new Array(8).fill(0x78),
      0,
      0,
    ]);
    run(A | B | C, literals(new Array(300).fill(0x79)));
    d.reset();
    expect(run(B | C, [{ kind: 'copy', offset: 8000, length: 3 }])).toEqual([0, 0, 0]);
  });

  it('a copy running past index 8191 reads zeros, not the front (FreeRDP, 8192-byte packet)', () => {
    const { run } = decoder();
    const full = Array.from({ length: 8192 }, (_, i) => 1 + (i % 251));
    run(A | B | C, literals(full));
    // At index 1 after a restart, offset 3 reads index 8190, 8191, then past the end.
    expect(run(B | C, [...literals([0x55]), { kind: 'copy', offset: 3, length: 5 }])).toEqual([
      0x55,
      full[8190],
      full[8191],
      0,
      0,
      0,
    ]);
  });
});
