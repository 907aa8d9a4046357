import { isIpv4Datagram } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { innerChecksumsValid, ipv6ChecksumsValid } from '../src/inner-checksums.js';
import { ipv4Packet } from './ipv4.js';
import { LINUX_ECHO6, LINUX_SYN6, LINUX_UDP6 } from './ipv6-packets.js';

/** A UDP/IPv4 datagram with valid checksums (computed here the plain RFC 1071 §4.1 way). */
function udp(payload: number[], at = 0, fragment = false): { buf: Uint8Array; length: number } {
  const length = 28 + payload.length;
  const buf = new Uint8Array(at + length + 3);
  const p = buf.subarray(at);
  p.set([
    0x45,
    0,
    length >> 8,
    length & 0xff,
    0,
    0,
    0x40,
    0,
    64,
    17,
    0,
    0,
    10,
    0,
    0,
    1,
    10,
    0,
    0,
    2,
  ]);
  p.set([0x12, 0x34, 0x00, 0x35, (length - 20) >> 8, (length - 20) & 0xff, 0, 0], 20);
  p.set(payload, 28);
  if (fragment) p[6] = 0x20; // More Fragments
  const sum = (from: number, to: number, initial: number): number => {
    let s = initial;
    for (let i = from; i < to; i += 2) s += (p[i]! << 8) | (i + 1 < to ? p[i + 1]! : 0);
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    return s;
  };
  const h = 0xffff - sum(0, 20, 0);
  p[10] = h >> 8;
  p[11] = h & 0xff;
  const c = 0xffff - sum(20, length, sum(12, 20, 17 + length - 20)) || 0xffff;
  p[26] = c >> 8;
  p[27] = c & 0xff;
  return { buf: p, length };
}

describe('checksums of delivered IPv4 packets (RFC 791 §3.1, RFC 768, RFC 793 §3.1, RFC 792)', () => {
  it('accepts valid UDP and ICMP datagrams of any length, at any offset', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 1500 }),
        fc.nat(3),
        (payload, at) => {
          const { buf, length } = udp(payload, at);
          expect(innerChecksumsValid(buf, 0, length)).toBe(true);
          const icmp = ipv4Packet(payload.length >= 4 ? payload : [8, 0, 0, 0]);
          expect(innerChecksumsValid(icmp, 0, icmp.length)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects every single bit flipped anywhere in the datagram', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.nat(7),
        (payload, where, bit) => {
          const { buf, length } = udp(payload);
          const i = where % length;
          buf[i] = buf[i]! ^ (1 << bit);
          // A flip that zeroes the UDP checksum turns it off (RFC 768): undetectable by design.
          if (buf[26] === 0 && buf[27] === 0) return;
          // As the data path asks: well-formed first (a flipped IHL or total length may fail
          // there), then the checksums.
          const total = (buf[2]! << 8) | buf[3]!;
          expect(isIpv4Datagram(buf, 0, length) && innerChecksumsValid(buf, 0, total)).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a UDP checksum of 0 means none (RFC 768); fragments are checked by their header only', () => {
    const { buf, length } = udp([1, 2, 3, 4, 5]);
    buf[26] = 0;
    buf[27] = 0;
    expect(innerChecksumsValid(buf, 0, length)).toBe(true);
    buf[30] = buf[30]! ^ 0xff; // payload damage goes unnoticed without a checksum, as on any link
    expect(innerChecksumsValid(buf, 0, length)).toBe(true);
    const frag = udp([9, 9, 9, 9], 0, true);
    frag.buf[28] = frag.buf[28]! ^ 0xff;
    expect(innerChecksumsValid(frag.buf, 0, frag.length)).toBe(true);
    frag.buf[8] = frag.buf[8]! ^ 1; // but not its header
    expect(innerChecksumsValid(frag.buf, 0, frag.length)).toBe(false);
  });
});

describe('ipv6ChecksumsValid (RFC 8200 §8.1 pseudo-header)', () => {
  const packets = { udp: LINUX_UDP6, icmpv6: LINUX_ECHO6, tcp: LINUX_SYN6 };
  it.each(Object.entries(packets))(
    '%s as Linux sent it is valid; any one bit flipped after the addresses is not',
    (_name, p) => {
      expect(ipv6ChecksumsValid(p, 0, p.length)).toBe(true);
      // The addresses and everything after them are covered (the pseudo-header and the upper layer).
      for (let i = 8; i < p.length; i++) {
        const copy = p.slice();
        copy[i]! ^= 0x01;
        expect(ipv6ChecksumsValid(copy, 0, copy.length)).toBe(false);
      }
    },
  );

  it('a UDP checksum of 0 is wrong in IPv6; other Next Headers pass unchecked', () => {
    const zero = LINUX_UDP6.slice();
    zero[46] = 0;
    zero[47] = 0;
    expect(ipv6ChecksumsValid(zero, 0, zero.length)).toBe(false);
    const hopByHop = LINUX_UDP6.slice();
    hopByHop[6] = 0;
    hopByHop[47]! ^= 0xff;
    expect(ipv6ChecksumsValid(hopByHop, 0, hopByHop.length)).toBe(true);
  });

  it('reads the datagram only, at any offset', () => {
    const buf = new Uint8Array(LINUX_ECHO6.length + 9).fill(0xaa);
    buf.set(LINUX_ECHO6, 5);
    expect(ipv6ChecksumsValid(buf, 5, LINUX_ECHO6.length)).toBe(true);
  });
});
