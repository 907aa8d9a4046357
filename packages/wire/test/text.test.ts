import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, decodeUtf8, encodeUtf8, fromHex, toHex } from '../src/index.js';

describe('hex', () => {
  it('parses RFC-style spaced hex and formats lower case', () => {
    expect([...fromHex('5B 5D:7c')]).toEqual([0x5b, 0x5d, 0x7c]);
    expect(toHex(Uint8Array.of(0, 0xab, 0x0f))).toBe('00ab0f');
    expect(() => fromHex('abc')).toThrow(RangeError);
    expect(() => fromHex('zz')).toThrow(RangeError);
  });
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(fromHex(toHex(b))).toEqual(b);
      }),
    );
  });
});

describe('utf8', () => {
  it('encodes multi-byte characters and replaces lone surrogates', () => {
    expect([...encodeUtf8('Aé€😀')]).toEqual([
      0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80,
    ]);
    expect([...encodeUtf8('\ud800')]).toEqual([0xef, 0xbf, 0xbd]);
  });
  it('decodes malformed input to U+FFFD instead of throwing', () => {
    expect(decodeUtf8(Uint8Array.of(0x68, 0x69))).toBe('hi');
    expect(decodeUtf8(Uint8Array.of(0xf4, 0x90))).toBe('\ufffd\ufffd');
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(decodeUtf8(encodeUtf8(s))).toBe(s);
      }),
    );
  });
});

describe('constantTimeEqual', () => {
  it('compares contents and lengths', () => {
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1), Uint8Array.of(1, 2))).toBe(false);
  });
});
