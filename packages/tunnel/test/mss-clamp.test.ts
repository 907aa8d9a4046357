/**
 * MSS clamping against independently computed packets: every expected packet is built here
 * from scratch and checksummed with a plain RFC 1071 sum over the pseudo-header and the
 * segment, then compared byte for byte with what the incremental update (RFC 1624) produced;
 * plus SYNs captured from Linux in the interop lab, odd option layouts, malformed and
 * truncated input, fragments, and fast-check properties.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clampTcpMss, ipv4MssForMtu, ipv6MssForMtu } from '../src/index.js';

/** RFC 1071: the 16-bit one's complement sum of `bytes`, folded (not complemented). */
function sum1071(bytes: readonly number[] | Uint8Array): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

const checksumOf = (bytes: readonly number[] | Uint8Array): number => ~sum1071(bytes) & 0xffff;

/** The TCP checksum of an IPv4 packet computed from scratch (its own checksum field as zero). */
function tcpChecksum(packet: Uint8Array): number {
  const ihl = (packet[0]! & 0x0f) * 4;
  const total = (packet[2]! << 8) | packet[3]!;
  const segment = Array.from(packet.subarray(ihl, total));
  segment[16] = 0;
  segment[17] = 0;
  const pseudo = [...packet.subarray(12, 20), 0, 6, segment.length >>> 8, segment.length & 0xff];
  return checksumOf([...pseudo, ...segment]);
}

const storedTcpChecksum = (p: Uint8Array): number => {
  const at = (p[0]! & 0x0f) * 4 + 16;
  return (p[at]! << 8) | p[at + 1]!;
};

interface Segment {
  /** TCP flags byte. Default SYN. */
  readonly flags?: number;
  /** The options bytes (padded here with zeros to a multiple of 4 if needed). */
  readonly options: readonly number[];
  readonly payload?: readonly number[];
  readonly seq?: number;
  readonly src?: readonly number[];
  readonly dst?: readonly number[];
  /** IPv4 flags + fragment offset (bytes 6–7). Default 0x4000 (DF). */
  readonly fragment?: number;
  readonly protocol?: number;
}

/** An IPv4 TCP packet with correct header and TCP checksums, computed by RFC 1071 sums. */
function packet(s: Segment): Uint8Array {
  const options = [...s.options];
  while (options.length % 4 !== 0) options.push(0);
  const payload = s.payload ?? [];
  const tcpLength = 20 + options.length + payload.length;
  const total = 20 + tcpLength;
  const seq = s.seq ?? 0x12345678;
  const ip = [
    0x45,
    0,
    total >>> 8,
    total & 0xff,
    0x1c,
    0x46,
    (s.fragment ?? 0x4000) >>> 8,
    (s.fragment ?? 0x4000) & 0xff,
    64,
    s.protocol ?? 6,
    0,
    0,
    ...(s.src ?? [192, 168, 77, 10]),
    ...(s.dst ?? [10, 1, 2, 3]),
  ];
  const h = checksumOf(ip);
  ip[10] = h >>> 8;
  ip[11] = h & 0xff;
  const tcp = [
    0xc3,
    0x50,
    0x01,
    0xbb,
    seq >>> 24,
    (seq >>> 16) & 0xff,
    (seq >>> 8) & 0xff,
    seq & 0xff,
    0,
    0,
    0,
    0,
    ((20 + options.length) / 4) << 4,
    s.flags ?? 0x02,
    0xfa,
    0xf0,
    0,
    0,
    0,
    0,
    ...options,
    ...payload,
  ];
  const out = Uint8Array.from([...ip, ...tcp]);
  const c = tcpChecksum(out);
  out[36] = c >>> 8;
  out[37] = c & 0xff;
  return out;
}

const mss = (value: number): number[] => [2, 4, value >>> 8, value & 0xff];
const NOP = 1;
const SACK_PERMITTED = [4, 2];
const TIMESTAMPS = [8, 10, 0xd1, 0xf1, 0xfe, 0x6e, 0, 0, 0, 0];
const WINDOW_SCALE = [3, 3, 7];

/** Clamps a copy; returns the result and the copy. */
function clamped(p: Uint8Array, max: number): { changed: boolean; out: Uint8Array } {
  const out = p.slice();
  return { changed: clampTcpMss(out, 0, out.length, max), out };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ipv4MssForMtu (RFC 879, RFC 6691)', () => {
  it('is the MTU less 40 bytes of IPv4 and TCP headers', () => {
    expect(ipv4MssForMtu(1500)).toBe(1460);
    expect(ipv4MssForMtu(1400)).toBe(1360);
    expect(ipv4MssForMtu(68)).toBe(28);
  });
  it('refuses an MTU that is no IPv4 MTU', () => {
    for (const bad of [67, 65536, 1400.5, Number.NaN]) {
      expect(() => ipv4MssForMtu(bad)).toThrow(RangeError);
    }
  });
});

describe('SYNs captured from Linux in the interop lab', () => {
  // fixtures/golden/mschapv2-mppe128-stateless.pcap frames 1 and 2 (from the IPv4 header on):
  // pptp-linux's SYN to 10.77.0.10:1723 and the server's SYN-ACK, both with MSS 1460 (the lab
  // bridge MTU is 1500), then SACK-permitted, timestamps, NOP, window scale.
  const SYN =
    '4500003c95374000400690cd0a4d00140a4d000a933206bb6014e2f600000000a002faf08b000000020405b40402080ad1f1fe6e0000000001030305';
  const SYN_ACK =
    '4500003c00004000400626050a4d000a0a4d001406bb93320b052c7c6014e2f7a012fe8829c80000020405b40402080adfea4622d1f1fe6e01030306';
  const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

  it('are the bytes of the capture, with valid checksums', () => {
    const pcap = readFileSync(
      new URL('../../../fixtures/golden/mschapv2-mppe128-stateless.pcap', import.meta.url),
    );
    for (const h of [SYN, SYN_ACK]) {
      const p = fromHex(h);
      expect(pcap.includes(Buffer.from(p))).toBe(true);
      expect(sum1071(p.subarray(0, 20))).toBe(0xffff);
      expect(tcpChecksum(p)).toBe(storedTcpChecksum(p));
    }
  });

  it('are clamped to 1360 (MTU 1400) with the checksum a full recomputation gives', () => {
    for (const h of [SYN, SYN_ACK]) {
      const p = fromHex(h);
      const { changed, out } = clamped(p, 1360);
      expect(changed).toBe(true);
      expect(hex(out.subarray(40, 44))).toBe('02040550');
      expect(storedTcpChecksum(out)).toBe(tcpChecksum(out));
      // Only the MSS value and the TCP checksum changed; the IPv4 header is untouched.
      const diff = [...out.keys()].filter((i) => out[i] !== p[i]);
      expect(diff.every((i) => i === 36 || i === 37 || i === 42 || i === 43)).toBe(true);
      expect(hex(out.subarray(0, 20))).toBe(hex(p.subarray(0, 20)));
    }
  });

  it('are left alone when their MSS is already small enough (never raised)', () => {
    for (const max of [1460, 1500, 65535]) {
      const p = fromHex(SYN);
      expect(clamped(p, max)).toEqual({ changed: false, out: p });
    }
  });
});

describe('option layouts (RFC 793 §3.1)', () => {
  const layouts: Record<string, (m: number) => number[]> = {
    'MSS first': (m) => [...mss(m)],
    'MSS after one NOP (odd offset)': (m) => [NOP, ...mss(m)],
    'MSS after window scale (odd offset)': (m) => [...WINDOW_SCALE, ...mss(m)],
    'MSS after NOP, NOP, timestamps': (m) => [NOP, NOP, ...TIMESTAMPS, ...mss(m)],
    'MSS after SACK-permitted, timestamps, NOP, window scale (Linux order, MSS last)': (m) => [
      ...SACK_PERMITTED,
      ...TIMESTAMPS,
      NOP,
      ...WINDOW_SCALE,
      ...mss(m),
    ],
    'MSS after an unknown option 0xfe with 5 data bytes': (m) => [
      0xfe,
      7,
      1,
      2,
      3,
      4,
      5,
      ...mss(m),
    ],
  };
  for (const [name, layout] of Object.entries(layouts)) {
    for (const flags of [0x02, 0x12]) {
      it(`${name}, ${flags === 0x02 ? 'SYN' : 'SYN-ACK'}: equals the packet built with the lower MSS`, () => {
        const { changed, out } = clamped(packet({ flags, options: layout(1460) }), 1300);
        expect(changed).toBe(true);
        expect(hex(out)).toBe(hex(packet({ flags, options: layout(1300) })));
      });
    }
  }

  it('with a payload of odd length after the options', () => {
    const payload = [1, 2, 3, 4, 5, 6, 7];
    const { out } = clamped(packet({ options: [NOP, ...mss(8960)], payload }), 1400);
    expect(hex(out)).toBe(hex(packet({ options: [NOP, ...mss(1400)], payload })));
  });

  it('two MSS options: both are lowered (a receiver may read either)', () => {
    const { changed, out } = clamped(packet({ options: [...mss(1460), NOP, ...mss(9000)] }), 1200);
    expect(changed).toBe(true);
    expect(hex(out)).toBe(hex(packet({ options: [...mss(1200), NOP, ...mss(1200)] })));
  });

  it('gives 0x0000 where a full recomputation does (RFC 1624: not 0xFFFF)', () => {
    // Find the sequence number that makes the clamped packet's checksum exactly 0x0000.
    let found: Uint8Array | undefined;
    for (let low = 0; low < 0x10000 && found === undefined; low++) {
      const after = packet({ options: mss(1300), seq: 0x12340000 + low });
      if (storedTcpChecksum(after) === 0)
        found = packet({ options: mss(1460), seq: 0x12340000 + low });
    }
    expect(found).toBeDefined();
    const { out } = clamped(found!, 1300);
    expect(storedTcpChecksum(out)).toBe(0x0000);
    expect(tcpChecksum(out)).toBe(0x0000);
  });
});

describe('what is left unchanged', () => {
  const syn = (): Uint8Array => packet({ options: [NOP, NOP, ...TIMESTAMPS, ...mss(1460)] });
  const unchanged = (p: Uint8Array, max = 1200, start = 0, end = p.length): void => {
    const copy = p.slice();
    expect(clampTcpMss(copy, start, end, max)).toBe(false);
    expect(hex(copy)).toBe(hex(p));
  };

  it('segments without SYN (ACK, FIN, RST, none), even with an MSS option', () => {
    for (const flags of [0x10, 0x11, 0x04, 0x00, 0x18]) {
      unchanged(packet({ flags, options: mss(1460) }));
    }
  });

  it('a SYN without MSS option: none is added', () => {
    unchanged(packet({ options: [...SACK_PERMITTED, ...TIMESTAMPS, NOP, ...WINDOW_SCALE] }));
    unchanged(packet({ options: [] }));
  });

  it('malformed options stop the walk before the MSS: zero or one length, an option past the header, End of Option List', () => {
    for (const options of [
      [0xfe, 0, ...mss(1460)],
      [0xfe, 1, ...mss(1460)],
      [0, ...mss(1460)],
      [NOP, NOP, NOP, 0xfe, 9, 0, 0, 0, 0, 0, 0, 0], // runs past the 12 option bytes
      [2, 3, 5, 0xb4], // MSS with length 3
      [2, 5, 5, 0xb4, 0, 0, 0, 0], // MSS with length 5
      [NOP, NOP, NOP, 2], // MSS kind as the last byte, no length
      [NOP, NOP, 2, 4], // MSS whose value lies past the header
    ]) {
      unchanged(packet({ options }));
    }
  });

  it('an MSS option after a malformed one is not reached', () => {
    unchanged(packet({ options: [0xfe, 0, NOP, NOP, ...mss(1460)] }));
  });

  it('fragments with a non-zero offset; a first fragment (MF, offset 0) is clamped', () => {
    unchanged(packet({ options: mss(1460), fragment: 0x0001 }));
    unchanged(packet({ options: mss(1460), fragment: 0x2010 }));
    const first = clamped(packet({ options: mss(1460), fragment: 0x2000 }), 1200);
    expect(first.changed).toBe(true);
    expect(hex(first.out)).toBe(hex(packet({ options: mss(1200), fragment: 0x2000 })));
  });

  it('other protocols, other IP versions (an IPv4 SYN marked version 6 reads as a bad IPv6 length)', () => {
    unchanged(packet({ options: mss(1460), protocol: 17 }));
    const v6 = syn();
    v6[0] = 0x60;
    unchanged(v6);
    const v5 = syn();
    v5[0] = 0x55;
    unchanged(v5);
  });

  it('bad header lengths: IHL under 5, IHL past the end, Total Length under IHL or past the end, Data Offset under 5 or past the datagram', () => {
    const mutate = (at: number, value: number): Uint8Array => {
      const p = syn();
      p[at] = value;
      return p;
    };
    unchanged(mutate(0, 0x44));
    unchanged(mutate(0, 0x4f));
    unchanged(mutate(3, 19));
    unchanged(mutate(3, syn().length + 1));
    unchanged(mutate(32, 0x40));
    unchanged(mutate(32, 0xf0));
    // A SYN whose Total Length leaves only 19 bytes of TCP header.
    const short = syn();
    short[2] = 0;
    short[3] = 39;
    unchanged(short);
  });

  it('every truncation of a SYN (end before its Total Length) is left alone, without reading past end', () => {
    const p = syn();
    for (let end = 0; end < p.length; end++) unchanged(p, 1200, 0, end);
  });

  it('works inside a larger buffer, and reads the datagram up to its Total Length only', () => {
    const p = packet({ options: [NOP, ...mss(1460)] });
    const buf = new Uint8Array(7 + p.length + 9).fill(0x02);
    buf.set(p, 7);
    expect(clampTcpMss(buf, 7, buf.length, 1000)).toBe(true);
    expect(hex(buf.subarray(7, 7 + p.length))).toBe(hex(packet({ options: [NOP, ...mss(1000)] })));
    expect([...buf.subarray(0, 7), ...buf.subarray(7 + p.length)].every((b) => b === 2)).toBe(true);
  });

  it('throws RangeError only for a bad range or maxMss (programmer misuse)', () => {
    const p = syn();
    expect(() => clampTcpMss(p, -1, 10, 1000)).toThrow(RangeError);
    expect(() => clampTcpMss(p, 10, 5, 1000)).toThrow(RangeError);
    expect(() => clampTcpMss(p, 0, p.length + 1, 1000)).toThrow(RangeError);
    for (const bad of [0, 65536, 1.5, Number.NaN]) {
      expect(() => clampTcpMss(p, 0, p.length, bad)).toThrow(RangeError);
    }
  });
});

/** An IPv6 extension header before TCP: its Next Header byte is filled in by `packet6`. */
type Extension = { readonly type: number; readonly bytes: readonly number[] };

/**
 * An IPv6 TCP packet from scratch: header (RFC 8200 §3), extension headers, the segment of
 * `packet` with its checksum summed over the IPv6 pseudo-header (RFC 8200 §8.1: addresses,
 * upper-layer length, Next Header 6).
 */
function packet6(s: Segment, extensions: readonly Extension[] = []): Uint8Array {
  const v4 = packet(s);
  const segment = Array.from(v4.subarray(20));
  segment[16] = 0;
  segment[17] = 0;
  const src = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 0x0a];
  const dst = [0xfe, 0x80, ...new Array<number>(13).fill(0), 0x02];
  const length = segment.length;
  const c = checksumOf([...src, ...dst, 0, 0, length >>> 8, length & 0xff, 0, 0, 0, 6, ...segment]);
  segment[16] = c >>> 8;
  segment[17] = c & 0xff;
  const chain: number[] = [];
  for (const [i, e] of extensions.entries()) {
    chain.push(extensions[i + 1]?.type ?? 6, ...e.bytes.slice(1));
  }
  const payload = chain.length + segment.length;
  const first = extensions[0]?.type ?? 6;
  const header = [0x60, 0, 0, 0, payload >>> 8, payload & 0xff, first, 64, ...src, ...dst];
  return Uint8Array.from([...header, ...chain, ...segment]);
}

/** An 8-byte Hop-by-Hop or Destination Options header of PadN (RFC 8200 §4.2). */
const options8 = (type: number): Extension => ({ type, bytes: [0, 0, 1, 4, 0, 0, 0, 0] });
/** A 16-byte Routing header (RFC 8200 §4.4), type 0 segments-left 0 padding. */
const routing16: Extension = { type: 43, bytes: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] };
/** A Fragment header (RFC 8200 §4.5) with an offset (8-byte units) and M. */
const fragment = (offset: number, more: boolean): Extension => ({
  type: 44,
  bytes: [0, 0, (offset << 3) >>> 8, ((offset << 3) & 0xf8) | (more ? 1 : 0), 0, 0, 0, 7],
});
/** An Authentication Header (RFC 4302 §2.2): length 4 = 24 bytes (12 ICV bytes). */
const authentication: Extension = { type: 51, bytes: [0, 4, ...new Array<number>(22).fill(0)] };

describe('IPv6 (RFC 8200): TCP after the extension headers', () => {
  const options = [...mss(1440), ...SACK_PERMITTED, ...TIMESTAMPS, NOP, ...WINDOW_SCALE];
  it('ipv6MssForMtu is the MTU less 60 bytes of IPv6 and TCP headers', () => {
    expect(ipv6MssForMtu(1400)).toBe(1340);
    expect(ipv6MssForMtu(1280)).toBe(1220);
    expect(() => ipv6MssForMtu(67)).toThrow(RangeError);
  });

  it.each([
    ['no extension header', []],
    ['Hop-by-Hop', [options8(0)]],
    ['Hop-by-Hop, Routing, Destination Options', [options8(0), routing16, options8(60)]],
    ['a first fragment (offset 0, M set)', [fragment(0, true)]],
    ['an Authentication Header', [authentication]],
  ] as [string, Extension[]][])(
    '%s: clamped with the checksum a full recomputation gives',
    (_name, extensions) => {
      const { changed, out } = clamped(packet6({ options }, extensions), 1340);
      expect(changed).toBe(true);
      const expected = packet6(
        { options: [...mss(1340), ...SACK_PERMITTED, ...TIMESTAMPS, NOP, ...WINDOW_SCALE] },
        extensions,
      );
      expect(hex(out)).toBe(hex(expected));
    },
  );

  it('left alone: a fragment with an offset, ESP, UDP, No Next Header, a small MSS, a Payload Length past the end or 0, an extension past the payload, nine extension headers', () => {
    unchanged6(packet6({ options }, [fragment(3, false)]));
    unchanged6(packet6({ options: mss(900) }));
    const esp = packet6({ options });
    esp[6] = 50;
    unchanged6(esp);
    const udp = packet6({ options });
    udp[6] = 17;
    unchanged6(udp);
    const none = packet6({ options }, [options8(60)]);
    none[40] = 59;
    unchanged6(none);
    const long = packet6({ options });
    long[5]! += 1;
    unchanged6(long);
    const jumbo = packet6({ options });
    jumbo[4] = 0;
    jumbo[5] = 0;
    unchanged6(jumbo);
    const past = packet6({ options }, [options8(0)]);
    past[41] = 200;
    unchanged6(past);
    unchanged6(packet6({ options }, new Array<Extension>(9).fill(options8(60))));
    // Eight are walked (RFC 8200 §4.1 lists fewer kinds); the SYN after them is clamped.
    expect(
      clamped(packet6({ options }, new Array<Extension>(8).fill(options8(60))), 1340).changed,
    ).toBe(true);
  });

  it('every truncation of an IPv6 SYN is left alone, without reading past end', () => {
    const p = packet6({ options }, [options8(0)]);
    for (let end = 0; end < p.length; end++) {
      const copy = p.slice();
      expect(clampTcpMss(copy, 0, end, 1000)).toBe(false);
      expect(hex(copy)).toBe(hex(p));
    }
  });
});

/** Asserts an IPv6 packet is not changed. */
function unchanged6(p: Uint8Array): void {
  const { changed, out } = clamped(p, 1000);
  expect(changed).toBe(false);
  expect(hex(out)).toBe(hex(p));
}

describe('properties (fast-check)', () => {
  const option = fc.oneof(
    fc.constant([NOP]),
    fc.constant(SACK_PERMITTED),
    fc.constant(WINDOW_SCALE),
    fc
      .array(fc.integer({ min: 0, max: 255 }), { minLength: 8, maxLength: 8 })
      .map((t) => [8, 10, ...t]),
    fc
      .tuple(
        fc.integer({ min: 5, max: 253 }),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
      )
      .map(([kind, data]) => [kind, 2 + data.length, ...data]),
  );
  interface Syn {
    readonly before: readonly (readonly number[])[];
    readonly after: readonly (readonly number[])[];
    readonly mss: number;
    readonly flags: number;
    readonly seq: number;
    readonly src: number[];
    readonly dst: number[];
    readonly payload: number[];
  }
  const synArb: fc.Arbitrary<Syn> = fc.record({
    before: fc.array(option, { maxLength: 4 }),
    after: fc.array(option, { maxLength: 3 }),
    mss: fc.integer({ min: 0, max: 0xffff }),
    flags: fc.integer({ min: 0, max: 255 }).map((f) => f | 0x02),
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    src: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
    dst: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
    payload: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
  });
  const build = (s: Syn, value: number): Uint8Array =>
    packet({
      flags: s.flags,
      seq: s.seq,
      src: s.src,
      dst: s.dst,
      payload: s.payload,
      options: [...s.before.flat(), ...mss(value), ...s.after.flat()].slice(0, 40),
    });

  it('random SYNs and maxMss: the MSS becomes min(MSS, maxMss) and the packet equals one built from scratch', () => {
    fc.assert(
      fc.property(synArb, fc.integer({ min: 1, max: 0xffff }), (s, max) => {
        const options = [...s.before.flat(), ...mss(s.mss)];
        fc.pre(options.length <= 40);
        const original = build(s, s.mss);
        const { changed, out } = clamped(original, max);
        expect(changed).toBe(s.mss > max);
        expect(hex(out)).toBe(hex(build(s, Math.min(s.mss, max))));
        expect(storedTcpChecksum(out)).toBe(tcpChecksum(out));
      }),
      { numRuns: 2000, seed: 0x1624 },
    );
  });

  it('damaged SYNs (random bytes changed, checksum made valid again): never throws, a valid checksum stays valid, false leaves every byte', () => {
    fc.assert(
      fc.property(
        synArb,
        fc.array(fc.tuple(fc.nat(99), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.integer({ min: 1, max: 0xffff }),
        fc.nat(60),
        (s, damage, max, cut) => {
          const p = build(s, s.mss);
          for (const [at, value] of damage) if (at < p.length) p[at] = value;
          const ihl = (p[0]! & 0x0f) * 4;
          const total = (p[2]! << 8) | p[3]!;
          const checkable = ihl >= 20 && total >= ihl + 18 && total <= p.length;
          if (checkable) {
            const c = tcpChecksum(p);
            p[ihl + 16] = c >>> 8;
            p[ihl + 17] = c & 0xff;
          }
          const end = Math.max(0, p.length - cut);
          const copy = p.slice();
          const changed = clampTcpMss(copy, 0, end, max);
          if (!changed) expect(hex(copy)).toBe(hex(p));
          else {
            expect(checkable).toBe(true);
            expect(storedTcpChecksum(copy)).toBe(tcpChecksum(copy));
            expect(hex(copy.subarray(0, ihl))).toBe(hex(p.subarray(0, ihl)));
          }
        },
      ),
      { numRuns: 3000, seed: 0x0879 },
    );
  });

  it('arbitrary bytes at any range never throw', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 120 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 0xffff }),
        (bytes, a, b, max) => {
          const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
          const end = start + (b % (bytes.length - start + 1));
          expect(typeof clampTcpMss(bytes, start, end, max)).toBe('boolean');
        },
      ),
      { numRuns: 3000, seed: 0x6691 },
    );
  });
});
