import { formatIpv4 } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalPrefix } from '../src/ip-address.js';
import { ipv4Bytes, ipv4FromBytes, parseIpv4Prefix, requireIpv4 } from '../src/ipv4.js';

describe('IPv4 addresses and prefixes', () => {
  it('bytes round-trip every 32-bit address, in network order', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (value) => {
        expect(requireIpv4(formatIpv4(value))).toBe(value);
        const bytes = ipv4Bytes(formatIpv4(value));
        expect(new DataView(bytes.buffer).getUint32(0)).toBe(value);
        expect(ipv4FromBytes(bytes)).toBe(formatIpv4(value));
      }),
    );
    expect(() => ipv4FromBytes(Uint8Array.of(1, 2, 3))).toThrow(RangeError);
  });

  it('agrees with the WHATWG URL parser on dotted quads (an independent implementation)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(ipv4FromBytes(ipv4Bytes(address))).toBe(new URL(`http://${address}/`).hostname);
      }),
    );
  });

  it('rejects anything but a canonical dotted quad with RangeError, never anything else', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '01.2.3.4',
      '1.2.3.-4',
      ' 1.2.3.4',
      '1.2.3.4 ',
      'a.b.c.d',
    ]) {
      expect(() => requireIpv4(bad)).toThrow(RangeError);
      expect(() => ipv4Bytes(bad)).toThrow(RangeError);
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          requireIpv4(text);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
    );
  });

  it('parses prefixes, defaults to /32 and refuses host bits (the kernel would say EINVAL)', () => {
    expect(parseIpv4Prefix('10.0.0.0/8')).toEqual({ address: '10.0.0.0', length: 8 });
    expect(parseIpv4Prefix('192.0.2.7')).toEqual({ address: '192.0.2.7', length: 32 });
    expect(parseIpv4Prefix('0.0.0.0/0')).toEqual({ address: '0.0.0.0', length: 0 });
    expect(parseIpv4Prefix('128.0.0.0/1')).toEqual({ address: '128.0.0.0', length: 1 });
    expect(() => parseIpv4Prefix('10.0.0.1/8')).toThrow(/host bits/);
    expect(() => parseIpv4Prefix('10.0.0.0/33')).toThrow(RangeError);
    expect(() => parseIpv4Prefix('10.0.0.0/')).toThrow(RangeError);
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (value, length) => {
        const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
        const network = formatIpv4((value & mask) >>> 0);
        expect(canonicalPrefix(`${network}/${length}`)).toBe(`${network}/${length}`);
      }),
    );
  });
});
