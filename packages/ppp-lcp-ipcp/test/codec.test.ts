import { readFileSync } from 'node:fs';
import { DecodeError, decodeUtf8, fromHex, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeControlPacket,
  decodeIpcpOption,
  decodeIpv6cpOption,
  decodeLcpOption,
  decodeOptions,
  decodePapPacket,
  encodeControlPacket,
  encodeIpcpOption,
  encodeIpv6cpOption,
  encodeLcpOption,
  encodeOptions,
  encodePapPacket,
  encodePppFrame,
  type IpcpOption,
  type Ipv6cpOption,
  type LcpOption,
  type PapPacket,
  type PppHeader,
  pppHeaderLength,
  readPppHeader,
  writePppHeader,
} from '../src/index.js';
import { headerOf } from './decode-helpers.js';

interface Vectors {
  ipGre: {
    name: string;
    hex: string;
    greHeaderEnd: number;
    expect: {
      protocol: number;
      code: number;
      identifier: number;
      options?: [number, string][];
      data?: string;
    };
  }[];
  ppp: {
    name: string;
    hex: string;
    code: number;
    identifier: number;
    data?: string;
    lcp?: Record<string, unknown>[];
  }[];
  authOptions: { name: string; hex: string; protocol: number; data: string }[];
  pap: { name: string; hex: string; packet: Record<string, unknown> }[];
}

const V = JSON.parse(
  readFileSync(new URL('./vectors/scapy-ppp.json', import.meta.url), 'utf8'),
) as Vectors;

function lcpFromJson(o: Record<string, unknown>): LcpOption {
  if (o.type === 'unknown')
    return {
      type: 'unknown',
      raw: { type: o.rawType as number, data: fromHex(o.rawData as string) },
    };
  if (o.type === 'auth' || o.type === 'quality') {
    return { type: o.type, protocol: o.protocol as number, data: fromHex(o.data as string) };
  }
  return o as LcpOption;
}

describe('scapy wire vectors (test-vectors.md §7, secdev/scapy test/pptp.uts)', () => {
  for (const v of V.ipGre) {
    it(`decodes ${v.name}`, () => {
      const ppp = fromHex(v.hex).subarray(v.greHeaderEnd);
      const h = headerOf(ppp);
      expect(h).toEqual({ protocol: v.expect.protocol, offset: 4 });
      const p = decodeControlPacket(ppp.subarray(h.offset));
      expect(p.code).toBe(v.expect.code);
      expect(p.identifier).toBe(v.expect.identifier);
      if (v.expect.options)
        expect(decodeOptions(p.data).map((o) => [o.type, toHex(o.data)])).toEqual(v.expect.options);
      if (v.expect.data !== undefined) expect(toHex(p.data)).toBe(v.expect.data);
    });
  }

  for (const v of V.ppp) {
    it(`decodes and re-encodes ${v.name}`, () => {
      const bytes = fromHex(v.hex);
      // scapy's PPP() layer writes the protocol without FF 03.
      const h = headerOf(bytes);
      expect(h.offset).toBe(2);
      const p = decodeControlPacket(bytes.subarray(2));
      expect(p.code).toBe(v.code);
      expect(p.identifier).toBe(v.identifier);
      if (v.data !== undefined) expect(toHex(p.data)).toBe(v.data);
      if (v.lcp) {
        const options = decodeOptions(p.data).map(decodeLcpOption);
        expect(options).toEqual(v.lcp.map(lcpFromJson));
        const data = encodeOptions(options.map(encodeLcpOption));
        expect(toHex(data)).toBe(toHex(p.data));
      }
      // RFC 1661 §6.6: LCP frames always carry FF 03, even with ACFC agreed.
      const frame = encodePppFrame(h.protocol, encodeControlPacket(p), { acfc: true, pfc: true });
      expect(toHex(frame)).toBe(`ff03${v.hex}`);
    });
  }

  for (const v of V.authOptions) {
    it(`Authentication-Protocol option: ${v.name}`, () => {
      const [raw] = decodeOptions(fromHex(v.hex));
      const o = decodeLcpOption(raw!);
      expect(o).toEqual({ type: 'auth', protocol: v.protocol, data: fromHex(v.data) });
      expect(toHex(encodeOptions([encodeLcpOption(o)]))).toBe(v.hex);
    });
  }

  for (const v of V.pap) {
    it(`PAP: ${v.name}`, () => {
      const bytes = fromHex(v.hex);
      const p = decodePapPacket(bytes.subarray(2));
      const expected = v.packet;
      expect(p.type).toBe(expected.type);
      expect(p.identifier).toBe(expected.identifier);
      if (p.type === 'request') {
        expect(decodeUtf8(p.peerId)).toBe(expected.peerId);
        expect(decodeUtf8(p.password)).toBe(expected.password);
      } else {
        expect(decodeUtf8(p.message)).toBe(expected.message);
      }
      expect(toHex(encodePapPacket(p))).toBe(v.hex.slice(4));
    });
  }
});

describe('frame header (RFC 1661 §2, §6.5, §6.6; RFC 1662 §3)', () => {
  it('writes all four forms and reads them back', () => {
    const cases: [boolean, boolean, number, string][] = [
      [false, false, 0x0021, 'ff030021'],
      [false, true, 0x0021, 'ff0321'],
      [true, false, 0x0021, '0021'],
      [true, true, 0x0021, '21'],
      [true, true, 0x80fd, '80fd'],
      [true, true, 0xc021, 'ff03c021'],
    ];
    for (const [acfc, pfc, protocol, hex] of cases) {
      const out = new Uint8Array(8);
      const n = writePppHeader(out, 2, protocol, { acfc, pfc });
      expect(toHex(out.subarray(2, 2 + n))).toBe(hex);
      expect(pppHeaderLength(protocol, { acfc, pfc })).toBe(n);
      const h: PppHeader = { protocol: 0, offset: 0 };
      expect(readPppHeader(fromHex(`${hex}aa`), 0, n + 1, h)).toBe(true);
      expect(h).toEqual({ protocol, offset: n });
      // The same header inside a larger buffer: `offset` is absolute.
      const buf = new Uint8Array(16).fill(0xee);
      buf.set(fromHex(hex), 5);
      expect(readPppHeader(buf, 5, 5 + n, h)).toBe(true);
      expect(h).toEqual({ protocol, offset: 5 + n });
    }
  });

  it('refuses incomplete or malformed headers with false, leaving the output untouched', () => {
    for (const hex of ['', 'ff', 'ff03', 'ff04c021', 'c0', 'ff03c0', 'c020', 'ff030020']) {
      const h: PppHeader = { protocol: 7, offset: 9 };
      const bytes = fromHex(hex);
      expect(readPppHeader(bytes, 0, bytes.length, h), hex).toBe(false);
      expect(h).toEqual({ protocol: 7, offset: 9 });
    }
    // The range ends inside the header although the buffer goes on.
    const h: PppHeader = { protocol: 0, offset: 0 };
    expect(readPppHeader(fromHex('ff03c021'), 0, 3, h)).toBe(false);
    expect(readPppHeader(fromHex('aaff03c021'), 1, 3, h)).toBe(false);
    expect(readPppHeader(fromHex('aaff03c021'), 1, 5, h)).toBe(true);
    expect(h).toEqual({ protocol: 0xc021, offset: 5 });
    for (const [start, end] of [
      [-1, 2],
      [0, 5],
      [3, 2],
    ] as const) {
      expect(() => readPppHeader(fromHex('ff03c021'), start, end, h)).toThrow(RangeError);
    }
    expect(() => writePppHeader(new Uint8Array(4), 0, 0x0020, { acfc: false, pfc: false })).toThrow(
      RangeError,
    );
    expect(() => writePppHeader(new Uint8Array(4), 0, 0x0121, { acfc: false, pfc: false })).toThrow(
      RangeError,
    );
  });

  it('arbitrary bytes: a valid header inside the range, or false; ranges read like copies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.nat(12), fc.nat(12), (bytes, a, b) => {
        const start = Math.min(a, b, bytes.length);
        const end = Math.min(Math.max(a, b), bytes.length);
        const h: PppHeader = { protocol: 0, offset: 0 };
        const ok = readPppHeader(bytes, start, end, h);
        const copy: PppHeader = { protocol: 0, offset: 0 };
        expect(readPppHeader(bytes.slice(start, end), 0, end - start, copy)).toBe(ok);
        if (!ok) return;
        expect(h.offset).toBeGreaterThan(start);
        expect(h.offset).toBeLessThanOrEqual(end);
        // RFC 1661 §2: the low byte is odd, the high byte even.
        expect(h.protocol & 1).toBe(1);
        expect(h.protocol & 0x100).toBe(0);
        expect(copy).toEqual({ protocol: h.protocol, offset: h.offset - start });
      }),
    );
  });

  it('valid protocols round-trip under every compression', () => {
    const protocol = fc
      .integer({ min: 0, max: 0xffff })
      .filter((p) => (p & 1) === 1 && (p & 0x100) === 0);
    fc.assert(
      fc.property(
        protocol,
        fc.boolean(),
        fc.boolean(),
        fc.uint8Array({ maxLength: 16 }),
        (p, acfc, pfc, payload) => {
          const frame = encodePppFrame(p, payload, { acfc, pfc });
          const h = headerOf(frame);
          expect(h.protocol).toBe(p);
          expect(toHex(frame.subarray(h.offset))).toBe(toHex(payload));
        },
      ),
    );
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const unknownRaw = (known: number[]) =>
  fc.record({
    type: fc.integer({ min: 0, max: 255 }).filter((t) => !known.includes(t)),
    data: bytes(20),
  });

const lcpOption: fc.Arbitrary<LcpOption> = fc.oneof(
  fc.record({ type: fc.constant('mru' as const), mru: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ type: fc.constant('accm' as const), accm: u32 }),
  fc.record({
    type: fc.constant('auth' as const),
    protocol: fc.integer({ min: 0, max: 0xffff }),
    data: bytes(8),
  }),
  fc.record({
    type: fc.constant('quality' as const),
    protocol: fc.integer({ min: 0, max: 0xffff }),
    data: bytes(8),
  }),
  fc.record({ type: fc.constant('magic' as const), magic: u32 }),
  fc.constant({ type: 'pfc' as const }),
  fc.constant({ type: 'acfc' as const }),
  unknownRaw([1, 2, 3, 4, 5, 7, 8]).map((raw) => ({ type: 'unknown' as const, raw })),
);

const ipcpOption: fc.Arbitrary<IpcpOption> = fc.oneof(
  fc.record({ type: fc.constant('address' as const), address: u32 }),
  fc.record({
    type: fc.constant('compression' as const),
    protocol: fc.integer({ min: 0, max: 0xffff }),
    data: bytes(8),
  }),
  fc.record({
    type: fc.constantFrom('dns1' as const, 'dns2' as const, 'nbns1' as const, 'nbns2' as const),
    address: u32,
  }),
  unknownRaw([2, 3, 129, 130, 131, 132]).map((raw) => ({ type: 'unknown' as const, raw })),
);

const ipv6cpOption: fc.Arbitrary<Ipv6cpOption> = fc.oneof(
  fc.record({
    type: fc.constant('interface-id' as const),
    id: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  }),
  fc.record({
    type: fc.constant('compression' as const),
    protocol: fc.integer({ min: 0, max: 0xffff }),
    data: bytes(8),
  }),
  unknownRaw([1, 2]).map((raw) => ({ type: 'unknown' as const, raw })),
);

describe('option codecs: decode(encode(x)) == x for every option (fast-check)', () => {
  it('LCP', () => {
    fc.assert(
      fc.property(fc.array(lcpOption, { maxLength: 6 }), (options) => {
        const wire = encodeOptions(options.map(encodeLcpOption));
        expect(decodeOptions(wire).map(decodeLcpOption)).toEqual(options);
      }),
    );
  });

  it('IPCP (RFC 1332, RFC 1877)', () => {
    fc.assert(
      fc.property(fc.array(ipcpOption, { maxLength: 6 }), (options) => {
        const wire = encodeOptions(options.map(encodeIpcpOption));
        expect(decodeOptions(wire).map(decodeIpcpOption)).toEqual(options);
      }),
    );
  });

  it('IPv6CP (RFC 5072)', () => {
    fc.assert(
      fc.property(fc.array(ipv6cpOption, { maxLength: 6 }), (options) => {
        const wire = encodeOptions(options.map(encodeIpv6cpOption));
        expect(decodeOptions(wire).map(decodeIpv6cpOption)).toEqual(options);
      }),
    );
  });

  it('control packets and PAP packets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        bytes(40),
        (code, identifier, data) => {
          expect(decodeControlPacket(encodeControlPacket({ code, identifier, data }))).toEqual({
            code,
            identifier,
            data,
          });
        },
      ),
    );
    const pap: fc.Arbitrary<PapPacket> = fc.oneof(
      fc.record({
        type: fc.constant('request' as const),
        identifier: fc.nat(255),
        peerId: bytes(30),
        password: bytes(30),
      }),
      fc.record({
        type: fc.constantFrom('ack' as const, 'nak' as const),
        identifier: fc.nat(255),
        message: bytes(30),
      }),
    );
    fc.assert(
      fc.property(pap, (p) => {
        expect(decodePapPacket(encodePapPacket(p))).toEqual(p);
      }),
    );
  });

  it('arbitrary bytes into every decoder give a value or a DecodeError', () => {
    fc.assert(
      fc.property(bytes(40), (input) => {
        for (const decode of [
          () => decodeControlPacket(input),
          () => decodeOptions(input).map(decodeLcpOption),
          () => decodeOptions(input).map(decodeIpcpOption),
          () => decodeOptions(input).map(decodeIpv6cpOption),
          () => decodePapPacket(input),
        ]) {
          try {
            decode();
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        }
      }),
    );
  });

  it('known options with a wrong length are DecodeErrors (RFC 1661 §6)', () => {
    expect(() => decodeLcpOption({ type: 1, data: fromHex('05') })).toThrow(
      expect.objectContaining({ code: 'PPP_BAD_OPTION' }),
    );
    expect(() => decodeIpcpOption({ type: 3, data: fromHex('0a0000') })).toThrow(DecodeError);
    expect(() => decodeIpv6cpOption({ type: 1, data: fromHex('01') })).toThrow(DecodeError);
    expect(() => decodeOptions(fromHex('0301'))).toThrow(
      expect.objectContaining({ code: 'PPP_BAD_OPTION' }),
    );
    expect(() => decodeOptions(fromHex('0306c023'))).toThrow(DecodeError);
    expect(() => decodeControlPacket(fromHex('0101000302'))).toThrow(
      expect.objectContaining({ code: 'PPP_BAD_LENGTH' }),
    );
  });
});
