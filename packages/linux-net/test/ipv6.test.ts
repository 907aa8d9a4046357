import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressBytes,
  addressFromBytes,
  canonicalPrefix,
  familyOf,
  parsePrefix,
} from '../src/ip-address.js';
import { ipv6Bytes, ipv6FromBytes, parseIpv6 } from '../src/ipv6.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('IPv6 text forms (RFC 4291 §2.2 in, RFC 5952 out)', () => {
  it('parses the three forms of RFC 4291 §2.2, with its own examples', () => {
    expect(hex(ipv6Bytes('2001:DB8:0:0:8:800:200C:417A'))).toBe('20010db80000000000080800200c417a');
    expect(hex(ipv6Bytes('2001:DB8::8:800:200C:417A'))).toBe('20010db80000000000080800200c417a');
    expect(hex(ipv6Bytes('FF01::101'))).toBe('ff010000000000000000000000000101');
    expect(hex(ipv6Bytes('::1'))).toBe('00000000000000000000000000000001');
    expect(hex(ipv6Bytes('::'))).toBe('00000000000000000000000000000000');
    expect(hex(ipv6Bytes('0:0:0:0:0:0:13.1.68.3'))).toBe('0000000000000000000000000d014403');
    expect(hex(ipv6Bytes('::FFFF:129.144.52.38'))).toBe('00000000000000000000ffff81903426');
    expect(hex(ipv6Bytes('1:2:3:4:5:6:7::'))).toBe('00010002000300040005000600070000');
  });

  it('refuses malformed text (and zone identifiers) with undefined / RangeError', () => {
    for (const bad of [
      '',
      ':',
      ':::',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '::1:2:3:4:5:6:7:8',
      '::1.2.3',
      '::256.0.0.1',
      '::01.2.3.4',
      '1.2.3.4::',
      'fe80::1%eth0',
      'g::1',
      ' ::1',
      '1:2:3:4:5:6:1.2.3.4:8',
    ]) {
      expect(parseIpv6(bad), bad).toBeUndefined();
      expect(() => ipv6Bytes(bad)).toThrow(RangeError);
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        const bytes = parseIpv6(text);
        if (bytes !== undefined) expect(bytes.length).toBe(16);
      }),
    );
  });

  it('formats as RFC 5952 §4 and §5 recommend, with its examples', () => {
    const format = (text: string): string => ipv6FromBytes(ipv6Bytes(text));
    expect(format('2001:0db8::0001')).toBe('2001:db8::1'); // §4.1 leading zeros
    expect(format('2001:db8:0:0:0:0:2:1')).toBe('2001:db8::2:1'); // §4.2.1 longest run
    expect(format('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // §4.2.2 not one field
    expect(format('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // §4.2.3 longest run
    expect(format('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // §4.2.3 first of equals
    expect(format('2001:DB8::A')).toBe('2001:db8::a'); // §4.3 lower case
    expect(format('::ffff:c000:0201')).toBe('::ffff:192.0.2.1'); // §5 IPv4-mapped
    expect(format('::')).toBe('::');
    expect(format('1::')).toBe('1::');
    expect(() => ipv6FromBytes(new Uint8Array(4))).toThrow(RangeError);
  });

  it('round-trips any 16 bytes, and agrees with the WHATWG URL serializer (an independent one)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = ipv6FromBytes(bytes);
        expect(ipv6Bytes(text)).toEqual(bytes);
        const url = new URL(`http://[${text}]/`).hostname.slice(1, -1);
        // URL never uses the dotted form of RFC 5952 §5; compare those by bytes.
        if (text.startsWith('::ffff:') && text.includes('.')) expect(ipv6Bytes(url)).toEqual(bytes);
        else expect(text).toBe(url);
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
        expect(ipv6Bytes(text)).toEqual(ipv6Bytes(canonical));
      }),
    );
  });
});

describe('addresses and prefixes of either family', () => {
  it('reads the family from the text and converts both ways', () => {
    expect(familyOf('192.0.2.1')).toBe('ipv4');
    expect(familyOf('2001:db8::1')).toBe('ipv6');
    expect(addressBytes('192.0.2.1')).toEqual(Uint8Array.of(192, 0, 2, 1));
    expect(addressFromBytes(addressBytes('2001:db8::1'))).toBe('2001:db8::1');
    expect(addressFromBytes(Uint8Array.of(10, 0, 0, 1))).toBe('10.0.0.1');
    expect(() => addressFromBytes(new Uint8Array(5))).toThrow(RangeError);
  });

  it('parses IPv6 prefixes, defaults to /128 and refuses host bits like the kernel', () => {
    expect(parsePrefix('2001:db8::/32')).toEqual({
      family: 'ipv6',
      bytes: ipv6Bytes('2001:db8::'),
      length: 32,
    });
    expect(parsePrefix('::/0').length).toBe(0);
    expect(parsePrefix('2001:db8::1').length).toBe(128);
    expect(() => parsePrefix('2001:db8::1/64')).toThrow(/host bits/);
    expect(() => parsePrefix('2001:db8::/129')).toThrow(RangeError);
    expect(() => parsePrefix('2001:db8::/064')).toThrow(RangeError);
    expect(() => parsePrefix('2001:db8::/')).toThrow(RangeError);
    expect(canonicalPrefix('2001:DB8:0::/48')).toBe('2001:db8::/48');
    expect(canonicalPrefix('10.1.0.0/16')).toBe('10.1.0.0/16');
    expect(canonicalPrefix('10.1.2.3')).toBe('10.1.2.3/32');
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 128 }),
        (bytes, length) => {
          const network = bytes.map((byte, i) => {
            const keep = Math.min(8, Math.max(0, length - 8 * i));
            return byte & ((0xff00 >> keep) & 0xff);
          });
          const text = `${ipv6FromBytes(network)}/${length}`;
          expect(parsePrefix(text)).toEqual({ family: 'ipv6', bytes: network, length });
          expect(canonicalPrefix(text)).toBe(text);
        },
      ),
    );
  });
});
