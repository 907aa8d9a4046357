import { createHash } from 'node:crypto';
import { DecodeError, fromHex, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChapPacket,
  chapMd5Response,
  decodeChapPacket,
  encodeChapPacket,
} from '../src/index.js';

const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: min, maxLength: max });

const packetArb: fc.Arbitrary<ChapPacket> = fc.oneof(
  fc.record({
    type: fc.constantFrom('challenge' as const, 'response' as const),
    identifier: fc.integer({ min: 0, max: 255 }),
    value: bytes(1, 255),
    name: bytes(0, 300),
  }),
  fc.record({
    type: fc.constantFrom('success' as const, 'failure' as const),
    identifier: fc.integer({ min: 0, max: 255 }),
    message: bytes(0, 300),
  }),
);

function decodeError(input: Uint8Array): DecodeError {
  try {
    decodeChapPacket(input);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

describe('CHAP packet codec (RFC 1994 §4)', () => {
  it('encodes a Challenge field by field (RFC 1994 §4.1)', () => {
    const wire = encodeChapPacket({
      type: 'challenge',
      identifier: 7,
      value: fromHex('0102030405'),
      name: new TextEncoder().encode('srv'),
    });
    expect(toHex(wire)).toBe('0107000d050102030405737276');
  });

  it('encodes Success and Failure with the message after the header (RFC 1994 §4.2)', () => {
    expect(
      toHex(encodeChapPacket({ type: 'success', identifier: 1, message: fromHex('4f4b') })),
    ).toBe('030100064f4b');
    expect(
      toHex(encodeChapPacket({ type: 'failure', identifier: 255, message: new Uint8Array() })),
    ).toBe('04ff0004');
  });

  it('property: decode(encode(p)) equals p', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        expect(decodeChapPacket(encodeChapPacket(p))).toEqual(p);
      }),
    );
  });

  it('property: octets beyond Length are padding and ignored (RFC 1994 §4)', () => {
    fc.assert(
      fc.property(packetArb, bytes(1, 20), (p, pad) => {
        const wire = encodeChapPacket(p);
        const padded = new Uint8Array(wire.length + pad.length);
        padded.set(wire);
        padded.set(pad, wire.length);
        expect(decodeChapPacket(padded)).toEqual(p);
      }),
    );
  });

  it('property: arbitrary bytes decode to a packet or throw DecodeError, nothing else', () => {
    fc.assert(
      fc.property(bytes(0, 80), (input) => {
        try {
          const p = decodeChapPacket(input);
          expect(['challenge', 'response', 'success', 'failure']).toContain(p.type);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every truncation of a valid packet is a MSCHAP_TRUNCATED DecodeError', () => {
    fc.assert(
      fc.property(packetArb, fc.nat(), (p, cut) => {
        const wire = encodeChapPacket(p);
        const n = cut % wire.length;
        expect(decodeError(wire.subarray(0, n)).code).toBe('MSCHAP_TRUNCATED');
      }),
    );
  });

  it('rejects malformed headers with specific codes', () => {
    expect(decodeError(fromHex('0101')).code).toBe('MSCHAP_TRUNCATED');
    const short = decodeError(fromHex('03010003'));
    expect(short.code).toBe('MSCHAP_BAD_LENGTH');
    expect(short.details.field).toBe('length');
    expect(decodeError(fromHex('01010004')).code).toBe('MSCHAP_BAD_LENGTH');
    expect(decodeError(fromHex('0101000800')).code).toBe('MSCHAP_TRUNCATED');
    const zero = decodeError(fromHex('010100050061'));
    expect(zero.code).toBe('MSCHAP_BAD_VALUE_SIZE');
    expect(zero.details.offset).toBe(4);
    expect(decodeError(fromHex('0201000603aabb')).code).toBe('MSCHAP_BAD_VALUE_SIZE');
    const code = decodeError(fromHex('05010004'));
    expect(code.code).toBe('MSCHAP_BAD_CODE');
    expect(code.details.field).toBe('code');
  });

  it('refuses to encode values outside the RFC ranges', () => {
    const base = { type: 'response' as const, identifier: 1, name: new Uint8Array() };
    expect(() => encodeChapPacket({ ...base, value: new Uint8Array() })).toThrow(RangeError);
    expect(() => encodeChapPacket({ ...base, value: new Uint8Array(256) })).toThrow(RangeError);
    expect(() => encodeChapPacket({ ...base, identifier: 256, value: new Uint8Array(1) })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeChapPacket({ type: 'success', identifier: 1, message: new Uint8Array(65532) }),
    ).toThrow(RangeError);
  });
});

describe('CHAP-MD5 (RFC 1994 §4.1)', () => {
  it('property: equals node:crypto MD5(identifier ‖ secret ‖ challenge)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        bytes(0, 100),
        bytes(1, 255),
        (id, secret, challenge) => {
          const expected = createHash('md5')
            .update(Uint8Array.of(id))
            .update(secret)
            .update(challenge)
            .digest('hex');
          expect(toHex(chapMd5Response(id, secret, challenge))).toBe(expected);
        },
      ),
    );
  });
});
