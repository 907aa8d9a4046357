import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, isIpv4Datagram, parseIpv4 } from '../src/index.js';

describe('parseIpv4 / formatIpv4', () => {
  it('parse(format(x)) is x for every 32-bit address', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (value) => {
        expect(parseIpv4(formatIpv4(value))).toBe(value);
      }),
    );
    expect(parseIpv4('10.0.0.255')).toBe(0x0a0000ff);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(formatIpv4(0xc0a80001)).toBe('192.168.0.1');
    expect(formatIpv4(0)).toBe('0.0.0.0');
  });

  it('agrees with the WHATWG URL parser on dotted quads (an independent implementation)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const value = parseIpv4(address);
        expect(value).toBeDefined();
        expect(formatIpv4(value!)).toBe(new URL(`http://${address}/`).hostname);
      }),
    );
  });

  it('refuses anything but a canonical dotted quad with undefined, never an exception', () => {
    for (const bad of [
      '',
      '.',
      '1.2.3',
      '1.2.3.',
      '.1.2.3',
      '1..2.3',
      '1.2.3.4.',
      '1.2.3.4.5',
      '256.0.0.1',
      '1.2.3.1000',
      '01.2.3.4',
      '1.2.3.00',
      '+1.2.3.4',
      '1.2.3.-4',
      ' 1.2.3.4',
      '1.2.3.4 ',
      'a.b.c.d',
      '0x1.2.3.4',
      '1.2.3.４',
    ]) {
      expect(parseIpv4(bad), bad).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        const value = parseIpv4(text);
        // Whatever it accepts is canonical: formatting gives the text back.
        if (value !== undefined) expect(formatIpv4(value)).toBe(text);
      }),
    );
  });

  it('formatIpv4 refuses a value that is not a 32-bit unsigned integer (programmer misuse)', () => {
    for (const bad of [-1, 0x100000000, 1.5, Number.NaN]) {
      expect(() => formatIpv4(bad)).toThrow(RangeError);
    }
  });
});

/** An IPv4 header (RFC 791 §3.1) with `ihl` words and `total` in Total Length, then `extra` bytes. */
function datagram(ihl: number, total: number, size: number, version = 4): Uint8Array {
  const b = new Uint8Array(size);
  if (size > 0) b[0] = (version << 4) | ihl;
  if (size > 3) {
    b[2] = total >>> 8;
    b[3] = total & 0xff;
  }
  return b;
}

describe('isIpv4Datagram (RFC 791 §3.1)', () => {
  it('accepts version 4, IHL ≥ 5, header ≤ total length ≤ the bytes given', () => {
    expect(isIpv4Datagram(datagram(5, 20, 20), 0, 20)).toBe(true);
    expect(isIpv4Datagram(datagram(5, 28, 28), 0, 28)).toBe(true);
    // Options (IHL 6) and link padding after the total length.
    expect(isIpv4Datagram(datagram(6, 24, 30), 0, 30)).toBe(true);
    // A range inside a larger buffer.
    const inner = datagram(5, 40, 40);
    const outer = new Uint8Array(50);
    outer.set(inner, 7);
    expect(isIpv4Datagram(outer, 7, 47)).toBe(true);
    expect(isIpv4Datagram(outer, 7, 46)).toBe(false);
  });

  it.each([
    ['shorter than 20 bytes', datagram(5, 19, 19)],
    ['version 6', datagram(5, 20, 20, 6)],
    ['IHL 4', datagram(4, 20, 20)],
    ['total length below the header', datagram(6, 20, 24)],
    ['total length past the bytes given', datagram(5, 21, 20)],
  ])('refuses %s', (_name, bytes) => {
    expect(isIpv4Datagram(bytes, 0, bytes.length)).toBe(false);
  });

  it('matches the RFC 791 rule on arbitrary bytes and never throws on content', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(10), (bytes, skip) => {
        const start = Math.min(skip, bytes.length);
        const n = bytes.length - start;
        const ihl = n > 0 ? (bytes[start]! & 0x0f) * 4 : 0;
        const total = n > 3 ? (bytes[start + 2]! << 8) | bytes[start + 3]! : 0;
        const expected =
          n >= 20 && bytes[start]! >> 4 === 4 && ihl >= 20 && total >= ihl && total <= n;
        expect(isIpv4Datagram(bytes, start, bytes.length)).toBe(expected);
      }),
    );
  });

  it('throws RangeError on a range outside the buffer (programmer misuse)', () => {
    const b = datagram(5, 20, 20);
    expect(() => isIpv4Datagram(b, -1, 20)).toThrow(RangeError);
    expect(() => isIpv4Datagram(b, 0, 21)).toThrow(RangeError);
    expect(() => isIpv4Datagram(b, 10, 9)).toThrow(RangeError);
  });
});
