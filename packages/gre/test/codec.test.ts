import { DecodeError, formatIpv4, fromHex, isIpv4Datagram, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createGreHeader,
  decodeGre,
  decodeGreHeader,
  encodeGre,
  encodeGreHeader,
  GRE_ERROR_CODES,
  type GrePacket,
} from '../src/index.js';
import { greRange } from './ip-datagram.js';
import vectors from './vectors/scapy-pptp.json' with { type: 'json' };

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
  return 'ok';
}

/** A valid ack+seq packet to mutate: flags 0x3081, protocol 0x880b, 2-byte payload. */
function sample(): Uint8Array {
  return encodeGre({ callId: 0x1234, sequence: 7, ack: 5, payload: Uint8Array.of(0xc0, 0x21) });
}

describe('scapy IP+GRE vectors (secdev/scapy test/pptp.uts, RFC 2637 §4.1)', () => {
  for (const v of vectors.cases) {
    it(`${v.name}: GRE header inside the IPv4 datagram`, () => {
      const datagram = fromHex(v.ipv4);
      const { start, end } = greRange(datagram);
      // The vector's own description of its IPv4 header (RFC 791 §3.1).
      expect(start).toBe(v.ipHeaderLength);
      expect(end).toBe(datagram.length);
      const view = new DataView(datagram.buffer);
      expect(formatIpv4(view.getUint32(12))).toBe(v.source);
      expect(formatIpv4(view.getUint32(16))).toBe(v.destination);
      const h = decodeGreHeader(datagram, createGreHeader(), start, end);
      expect(h.callId).toBe(v.callId);
      expect(h.payloadLength).toBe(v.payloadLength);
      expect(h.hasSequence).toBe(true);
      expect(h.sequence).toBe(v.sequence);
      expect(h.hasAck).toBe(v.ack !== null);
      if (v.ack !== null) expect(h.ack).toBe(v.ack);
      expect(h.headerLength).toBe(v.ack === null ? 12 : 16);
      expect(toHex(datagram.subarray(start + h.headerLength, end))).toBe(v.payload);
    });

    it(`${v.name}: decodeGre on the stripped packet, and re-encoding gives the same bytes`, () => {
      const datagram = fromHex(v.ipv4);
      const { start, end } = greRange(datagram);
      const gre = datagram.subarray(start, end);
      const p = decodeGre(gre);
      expect(p.callId).toBe(v.callId);
      expect(p.sequence).toBe(v.sequence);
      expect(p.ack).toBe(v.ack ?? undefined);
      expect(toHex(p.payload)).toBe(v.payload);
      expect(toHex(encodeGre(p))).toBe(toHex(gre));
    });
  }

  it('the GRE v0 capture from the same file is cut short: its IPv4 Total Length overruns it', () => {
    const datagram = fromHex(vectors.gre_v0.ipv4);
    expect(isIpv4Datagram(datagram, 0, datagram.length)).toBe(false);
    // Its GRE part is a 4-byte RFC 2784 base header: too short for enhanced GRE.
    expect(codeOf(() => decodeGreHeader(datagram, createGreHeader(), 20))).toBe('GRE_TRUNCATED');
  });
});

describe('RFC 2637 §4.1 header checks', () => {
  // [name, offset, replacement bytes, code, field]; the sample starts 30 81 88 0b 00 02.
  it.each([
    ['version 0', 1, [0x80], 'GRE_BAD_VERSION', 'version'],
    ['version 2', 1, [0x82], 'GRE_BAD_VERSION', 'version'],
    ['protocol 0x0800', 2, [0x08, 0x00], 'GRE_BAD_PROTOCOL', 'protocol'],
    ['C set', 0, [0xb0], 'GRE_BAD_FLAGS', 'C'],
    ['R set', 0, [0x70], 'GRE_BAD_FLAGS', 'R'],
    ['K clear', 0, [0x10], 'GRE_BAD_FLAGS', 'K'],
    ['s set', 0, [0x38], 'GRE_BAD_FLAGS', 's'],
    ['Recur 1', 0, [0x31], 'GRE_BAD_FLAGS', 'Recur'],
    ['Recur 4', 0, [0x34], 'GRE_BAD_FLAGS', 'Recur'],
    ['Flags bit 9', 1, [0xc1], 'GRE_BAD_FLAGS', 'Flags'],
    ['Flags bit 12', 1, [0x89], 'GRE_BAD_FLAGS', 'Flags'],
    ['payload length too big', 5, [3], 'GRE_TRUNCATED', 'payload'],
    ['payload length too small', 5, [1], 'GRE_LENGTH_MISMATCH', 'payloadLength'],
  ] as const)('rejects %s', (_name, at, patch, code, field) => {
    const b = sample();
    expect(toHex(b.subarray(0, 6))).toBe('3081880b0002');
    b.set(patch, at);
    try {
      decodeGreHeader(b);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      const err = e as DecodeError;
      expect(err.code).toBe(code);
      expect(err.details.field).toBe(field);
      expect(err.message).toContain(GRE_ERROR_CODES[code]);
    }
  });

  it('rejects a packet with neither S nor A', () => {
    const b = fromHex('2001880b00001234');
    expect(codeOf(() => decodeGreHeader(b))).toBe('GRE_BAD_FLAGS');
  });

  it('rejects an acknowledgment-only packet that announces a payload', () => {
    const b = fromHex('2081880b0001123400000005');
    expect(codeOf(() => decodeGreHeader(b))).toBe('GRE_LENGTH_MISMATCH');
  });

  it('reads the acknowledgment of an acknowledgment-only packet where the sequence would be', () => {
    const h = decodeGreHeader(fromHex('2081880b0000abcdfffffffe'));
    expect(h).toEqual({
      callId: 0xabcd,
      payloadLength: 0,
      hasSequence: false,
      sequence: 0,
      hasAck: true,
      ack: 0xfffffffe,
      headerLength: 12,
    });
  });

  it('reports GRE_TRUNCATED for every strict prefix of a valid packet', () => {
    const b = sample();
    for (let n = 0; n < b.length; n++) {
      expect(codeOf(() => decodeGreHeader(b.subarray(0, n)))).toBe('GRE_TRUNCATED');
    }
  });

  it('decodes at an offset and reports offsets relative to it', () => {
    const inner = sample();
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 7);
    const h = decodeGreHeader(outer, createGreHeader(), 7, 7 + inner.length);
    expect(h.sequence).toBe(7);
    outer[7 + 2] = 0;
    try {
      decodeGreHeader(outer, createGreHeader(), 7, 7 + inner.length);
      expect.unreachable();
    } catch (e) {
      expect((e as DecodeError).details.offset).toBe(2);
    }
  });
});

describe('encodeGreHeader', () => {
  it('writes the wire layout of RFC 2637 §4.1 and rejects impossible headers', () => {
    const out = new Uint8Array(20).fill(0xee);
    const n = encodeGreHeader(
      {
        callId: 0x0102,
        payloadLength: 0x0304,
        hasSequence: true,
        sequence: 0x05060708,
        hasAck: true,
        ack: 0x090a0b0c,
        headerLength: 0,
      },
      out,
      2,
    );
    expect(n).toBe(16);
    expect(toHex(out)).toBe('eeee3081880b0304010205060708090a0b0ceeee');
    const h = createGreHeader();
    expect(() => encodeGreHeader(h, out)).toThrow(RangeError);
    h.hasAck = true;
    h.payloadLength = 1;
    expect(() => encodeGreHeader(h, out)).toThrow(RangeError);
    h.payloadLength = 0;
    h.callId = 0x10000;
    expect(() => encodeGreHeader(h, out)).toThrow(RangeError);
    h.callId = 1;
    expect(() => encodeGreHeader(h, out, 10)).toThrow(RangeError);
    expect(encodeGreHeader(h, out, 8)).toBe(12);
  });
});

const packetArb: fc.Arbitrary<GrePacket> = fc.oneof(
  fc.record({
    callId: fc.integer({ min: 0, max: 0xffff }),
    sequence: fc.nat({ max: 0xffffffff }),
    ack: fc.nat({ max: 0xffffffff }),
    payload: fc.uint8Array({ maxLength: 300 }),
  }),
  fc.record({
    callId: fc.integer({ min: 0, max: 0xffff }),
    sequence: fc.nat({ max: 0xffffffff }),
    payload: fc.uint8Array({ maxLength: 300 }),
  }),
  fc.record({
    callId: fc.integer({ min: 0, max: 0xffff }),
    ack: fc.nat({ max: 0xffffffff }),
    payload: fc.constant(new Uint8Array(0)),
  }),
);

describe('properties', () => {
  it('decodeGre(encodeGre(p)) equals p', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        const back = decodeGre(encodeGre(p));
        expect(back).toEqual(p);
        expect(Object.keys(back).sort()).toEqual(Object.keys(p).sort());
      }),
    );
  });

  it('encodeGreHeader + payload decodes to the same header fields', () => {
    const out = new Uint8Array(16 + 300);
    const into = createGreHeader();
    fc.assert(
      fc.property(packetArb, (p) => {
        const h = createGreHeader();
        h.callId = p.callId;
        h.payloadLength = p.payload.length;
        h.hasSequence = p.sequence !== undefined;
        h.sequence = p.sequence ?? 0;
        h.hasAck = p.ack !== undefined;
        h.ack = p.ack ?? 0;
        const n = encodeGreHeader(h, out);
        out.set(p.payload, n);
        decodeGreHeader(out, into, 0, n + p.payload.length);
        expect(into).toEqual({ ...h, headerLength: n });
      }),
    );
  });

  it('arbitrary bytes decode to a packet or throw a DecodeError, never anything else', () => {
    const codes = new Set(Object.keys(GRE_ERROR_CODES));
    const header = createGreHeader();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, plausible) => {
        if (plausible && bytes.length >= 4) bytes.set([0x30, 0x81, 0x88, 0x0b]);
        for (const f of [() => decodeGreHeader(bytes, header), () => decodeGre(bytes)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
            expect(codes.has((e as DecodeError).code)).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
