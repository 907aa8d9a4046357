import { readFileSync } from 'node:fs';
import { DecodeError, fromHex, toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  CONTROL_MESSAGE_LENGTHS,
  type ControlMessage,
  decodeControlMessage,
  encodeControlMessage,
  MAGIC_COOKIE,
} from '../src/index.js';

interface Vectors {
  readonly source: string;
  readonly cases: readonly { name: string; hex: string; fields: ControlMessage }[];
  readonly defective: readonly {
    name: string;
    hex: string;
    scapyFields: Record<string, number>;
  }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('./vectors/scapy-pptp.json', import.meta.url), 'utf8'),
) as Vectors;

function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('scapy test/pptp.uts control-message vectors (RFC 2637 §2.1–§2.15)', () => {
  it('covers fourteen of the fifteen messages, plus the defective Incoming-Call-Reply', () => {
    const types = new Set(vectors.cases.map((c) => c.fields.type));
    expect(types.size).toBe(14);
    expect(types.has('incoming-call-reply')).toBe(false);
  });

  for (const vector of vectors.cases) {
    it(`decodes scapy's ${vector.name} to scapy's field values`, () => {
      expect(decodeControlMessage(fromHex(vector.hex))).toEqual(vector.fields);
    });
    it(`encodes ${vector.name} to scapy's exact octets`, () => {
      expect(toHex(encodeControlMessage(vector.fields))).toBe(vector.hex);
    });
  }

  it("rejects scapy's Incoming-Call-Reply, whose Length says 148 for a 24-octet message", () => {
    const bad = vectors.defective[0]!;
    const bytes = fromHex(bad.hex);
    expect(bytes.length).toBe(24);
    const error = decodeError(() => decodeControlMessage(bytes));
    expect(error.code).toBe('PPTP_BAD_LENGTH');
    // With the Length patched to RFC 2637 §2.10's 24, the body is scapy's field values.
    bytes[0] = 0;
    bytes[1] = 24;
    const fields = { type: 'incoming-call-reply', ...bad.scapyFields } as ControlMessage;
    expect(decodeControlMessage(bytes)).toEqual(fields);
    expect(toHex(encodeControlMessage(fields))).toBe(toHex(bytes));
  });
});

describe('strict decoding (RFC 2637 §1.4, §2, §2.16)', () => {
  const echo = () => fromHex('001000011a2b3c4d000500000000002a');

  it('has the exact length of every message type', () => {
    expect(CONTROL_MESSAGE_LENGTHS.slice(1)).toEqual([
      156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24,
    ]);
    expect(MAGIC_COOKIE).toBe(0x1a2b3c4d);
  });

  it('rejects a wrong magic cookie with PPTP_BAD_MAGIC at offset 4', () => {
    const bytes = echo();
    bytes[7] = 0x4e;
    const error = decodeError(() => decodeControlMessage(bytes));
    expect(error.code).toBe('PPTP_BAD_MAGIC');
    expect(error.details.offset).toBe(4);
  });

  it('rejects a management message (PPTP Message Type 2)', () => {
    const bytes = echo();
    bytes[3] = 2;
    expect(decodeError(() => decodeControlMessage(bytes)).code).toBe('PPTP_BAD_MESSAGE_TYPE');
  });

  it('rejects control message types 0 and 16', () => {
    for (const t of [0, 16]) {
      const bytes = echo();
      bytes[9] = t;
      expect(decodeError(() => decodeControlMessage(bytes)).code).toBe('PPTP_UNKNOWN_CONTROL_TYPE');
    }
  });

  it('rejects a Length that is not the exact length of the type', () => {
    const bytes = fromHex('001400011a2b3c4d000500000000002a00000000');
    expect(decodeError(() => decodeControlMessage(bytes)).code).toBe('PPTP_BAD_LENGTH');
  });

  it('rejects a buffer whose size differs from the Length field', () => {
    expect(decodeError(() => decodeControlMessage(echo().subarray(0, 15))).code).toBe(
      'PPTP_BAD_LENGTH',
    );
    expect(decodeError(() => decodeControlMessage(echo().subarray(0, 5))).code).toBe(
      'PPTP_TRUNCATED',
    );
  });

  it('rejects each non-zero reserved field, and accepts it with reserved: ignore', () => {
    // Reserved0 of an Echo-Request, Reserved1/2 of a Stop-Control-Connection-Request,
    // Reserved1 of a Call-Clear-Request and a Set-Link-Info.
    const cases: [string, number, string][] = [
      ['001000011a2b3c4d000500000000002a', 11, 'reserved0'],
      ['001000011a2b3c4d0003000003000000', 13, 'reserved1'],
      ['001000011a2b3c4d0003000003000000', 15, 'reserved2'],
      ['001000011a2b3c4d000c000010920000', 15, 'reserved1'],
      ['001800011a2b3c4d000f0000109200000f0f0f0ff0f0f0f0', 14, 'reserved1'],
    ];
    for (const [hex, at, field] of cases) {
      const bytes = fromHex(hex);
      bytes[at] = 1;
      const error = decodeError(() => decodeControlMessage(bytes));
      expect(error.code).toBe('PPTP_RESERVED_NONZERO');
      expect(error.details.field).toBe(field);
      expect(decodeControlMessage(bytes, { reserved: 'ignore' }).type).toBe(
        decodeControlMessage(fromHex(hex)).type,
      );
    }
  });

  it('cuts NUL-padded strings at the first NUL', () => {
    const bytes = encodeControlMessage({
      type: 'call-disconnect-notify',
      callId: 1,
      resultCode: 4,
      errorCode: 0,
      causeCode: 0,
      callStatistics: 'ok',
    });
    bytes[24 + 3] = 0x41; // garbage after the terminating NUL
    expect((decodeControlMessage(bytes) as { callStatistics: string }).callStatistics).toBe('ok');
  });

  it('throws RangeError for a string longer than its field or a number wider than its field', () => {
    const sccrq: ControlMessage = {
      type: 'start-control-connection-request',
      protocolVersion: 0x100,
      framingCapabilities: 1,
      bearerCapabilities: 1,
      maximumChannels: 0,
      firmwareRevision: 0,
      hostName: 'h'.repeat(65),
      vendorString: '',
    };
    expect(() => encodeControlMessage(sccrq)).toThrow(RangeError);
    expect(() => encodeControlMessage({ ...sccrq, hostName: 'h'.repeat(64) })).not.toThrow();
    expect(() => encodeControlMessage({ type: 'call-clear-request', callId: 0x10000 })).toThrow(
      RangeError,
    );
  });
});
