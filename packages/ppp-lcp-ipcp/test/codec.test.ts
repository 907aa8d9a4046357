import { readFileSync } from 'node:fs';
import { DecodeError, decodeUtf8, encodeUtf8, fromHex, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeControlPacket,
  decodeIpcpOption,
  decodeIpv6cpOption,
  decodeLcpOption,
  decodeOptions,
  decodePapPacket,
  decodePppHeader,
  encodeControlPacket,
  encodeIpcpOption,
  encodeIpv6cpOption,
  encodeLcpOption,
  encodeOptions,
  encodePapPacket,
  encodePppFrame,
  formatIpv4,
  type IpcpOption,
  type Ipv6cpOption,
  type LcpOption,
  type PapPacket,
  parseIpv4,
  pppHeaderLength,
  writePppHeader,
} from '../src/index.js';

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
      const h = decodePppHeader(ppp);
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
      const h = decodePppHeader(bytes);
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
      expect(decodePppHeader(fromHex(`${hex}aa`))).toEqual({ protocol, offset: n });
    }
  });

  it('rejects malformed headers with typed errors', () => {
    for (const [hex, code] of [
      ['', 'PPP_TRUNCATED'],
      ['ff03', 'PPP_TRUNCATED'],
      ['ff04c021', 'PPP_BAD_PROTOCOL'],
      ['c0', 'PPP_TRUNCATED'],
      ['c020', 'PPP_BAD_PROTOCOL'],
    ] as const) {
      expect(() => decodePppHeader(fromHex(hex)), hex).toThrow(expect.objectContaining({ code }));
    }
    expect(() => writePppHeader(new Uint8Array(4), 0, 0x0020, { acfc: false, pfc: false })).toThrow(
      RangeError,
    );
    expect(() => writePppHeader(new Uint8Array(4), 0, 0x0121, { acfc: false, pfc: false })).toThrow(
      RangeError,
    );
  });

  it('arbitrary bytes decode to a header or a DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), (bytes) => {
        try {
          const h = decodePppHeader(bytes);
          expect(h.offset).toBeLessThanOrEqual(bytes.length);
          expect(h.protocol & 1).toBe(1);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
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
          const h = decodePppHeader(frame);
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

  it('IPv4 text helpers', () => {
    expect(parseIpv4('10.0.0.255')).toBe(0x0a0000ff);
    expect(formatIpv4(0xc0a80001)).toBe('192.168.0.1');
    expect(() => parseIpv4('1.2.3')).toThrow(RangeError);
    expect(() => parseIpv4('1.2.3.256')).toThrow(RangeError);
    fc.assert(
      fc.property(u32, (a) => {
        expect(parseIpv4(formatIpv4(a))).toBe(a);
      }),
    );
    expect(encodeUtf8('x')).toEqual(Uint8Array.of(0x78));
  });
});
