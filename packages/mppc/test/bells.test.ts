import { decodeUtf8, encodeUtf8, fromHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { MPPC_FLAGS, MppcCompressor, MppcDecompressor } from '../src/index.js';
import bells from './vectors/freerdp-bells.json' with { type: 'json' };

const vector = bells.cases[0]!;

describe('FreeRDP RDP4 "bells" vector (TestFreeRDPCodecMppc.c, [MS-RDPBCGR] 3.1.8.4.1)', () => {
  it('decompresses the Microsoft-encoded bitstream to the exact plaintext', () => {
    const d = new MppcDecompressor({ mru: 1500 });
    const out = new Uint8Array(1500);
    const n = d.decompress(vector.flags, fromHex(vector.compressedHex), out);
    expect(decodeUtf8(out.subarray(0, n))).toBe(vector.plaintext);
    expect(n).toBe(49);
  });

  it('the vector carries C | B (0x60), the RFC 2118 §3.1 bit positions', () => {
    expect(vector.flags).toBe(MPPC_FLAGS.COMPRESSED | MPPC_FLAGS.AT_FRONT);
  });

  it('our compressor output for the plaintext decompresses to it (no byte-identity claimed)', () => {
    const c = new MppcCompressor();
    const plain = encodeUtf8(vector.plaintext);
    const payload = new Uint8Array(plain.length);
    const len = c.compress(plain, payload);
    expect(c.flags & MPPC_FLAGS.COMPRESSED).toBe(MPPC_FLAGS.COMPRESSED);
    expect(c.flags & MPPC_FLAGS.AT_FRONT).toBe(MPPC_FLAGS.AT_FRONT);
    // It does compress: the text repeats ".the.bell.tolls" and "for.th".
    expect(len).toBeLessThan(plain.length);
    const d = new MppcDecompressor({ mru: 1500 });
    const out = new Uint8Array(1500);
    const n = d.decompress(c.flags, payload.subarray(0, len), out);
    expect(decodeUtf8(out.subarray(0, n))).toBe(vector.plaintext);
  });
});
