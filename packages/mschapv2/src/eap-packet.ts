/**
 * The EAP packet codec (RFC 3748 §4–5, carried in PPP protocol 0xC227 per RFC 2284) with the
 * Type-Data of MD5-Challenge (type 4, RFC 3748 §5.4) and MS-CHAP-V2 (type 26,
 * draft-kamath-pppext-eap-mschapv2: OpCode, MS-CHAPv2-ID, MS-Length, then the CHAP fields).
 *
 * @module
 */
import { ByteReader, ByteWriter, DecodeError } from '@pptpkit/wire';
import type { EapErrorCode } from './eap-errors.js';

/** EAP codes (RFC 3748 §4). */
export const EAP_CODE: {
  readonly request: 1;
  readonly response: 2;
  readonly success: 3;
  readonly failure: 4;
} = { request: 1, response: 2, success: 3, failure: 4 } as const;

/** The EAP Types this package speaks (RFC 3748 §5; 26 from the IANA registry). */
export const EAP_TYPE: {
  readonly identity: 1;
  readonly notification: 2;
  readonly nak: 3;
  readonly md5Challenge: 4;
  readonly mschapv2: 26;
} = { identity: 1, notification: 2, nak: 3, md5Challenge: 4, mschapv2: 26 } as const;

/** A Request or Response (RFC 3748 §4.1): Type and its raw Type-Data. */
export interface EapMessagePacket {
  /** `request` or `response`. */
  readonly code: 'request' | 'response';
  /** Identifier, 0–255; a Response copies its Request's. */
  readonly identifier: number;
  /** The Type octet ({@link EAP_TYPE}). */
  readonly type: number;
  /** Type-Data (a view into the input when decoded). */
  readonly data: Uint8Array;
}

/** A Success or Failure (RFC 3748 §4.2): no data. */
export interface EapResultPacket {
  /** `success` or `failure`. */
  readonly code: 'success' | 'failure';
  /** Identifier. */
  readonly identifier: number;
}

/** Any EAP packet. */
export type EapPacket = EapMessagePacket | EapResultPacket;

/** Narrows a packet to Success/Failure. */
export function isEapResult(packet: EapPacket): packet is EapResultPacket {
  return packet.code === 'success' || packet.code === 'failure';
}

const CODE_NAMES = ['request', 'response', 'success', 'failure'] as const;

function bad(
  code: EapErrorCode,
  message: string,
  field: string,
  details: Record<string, number> = {},
): DecodeError<EapErrorCode> {
  return new DecodeError<EapErrorCode>(code, message, { offset: 0, field, ...details });
}

/**
 * Decodes one EAP packet. Octets beyond Length are link padding and ignored (RFC 3748 §4).
 *
 * @throws DecodeError `EAP_TRUNCATED` (shorter than a header or than Length), `EAP_BAD_LENGTH`
 *   (Length below 4, or a Request/Response without a Type), `EAP_BAD_CODE` (not 1–4).
 */
export function decodeEapPacket(bytes: Uint8Array): EapPacket {
  const r = new ByteReader(bytes, 'EAP_TRUNCATED');
  const code = r.u8('code');
  const identifier = r.u8('identifier');
  const length = r.u16('length');
  if (length < 4) throw bad('EAP_BAD_LENGTH', `EAP Length ${length} < 4`, 'length', { length });
  if (length > bytes.length) {
    throw bad(
      'EAP_TRUNCATED',
      `EAP Length ${length} exceeds the ${bytes.length} bytes received`,
      'length',
      {
        length,
        available: bytes.length,
      },
    );
  }
  const name = CODE_NAMES[code - 1];
  if (name === undefined) throw bad('EAP_BAD_CODE', `unknown EAP code ${code}`, 'code', { code });
  if (name === 'success' || name === 'failure') return { code: name, identifier };
  if (length < 5) {
    throw bad('EAP_BAD_LENGTH', `EAP ${name} of Length ${length} has no Type`, 'type', { length });
  }
  return { code: name, identifier, type: bytes[4]!, data: bytes.subarray(5, length) };
}

/**
 * Encodes one EAP packet.
 *
 * @returns a new buffer holding exactly the packet.
 * @throws RangeError if the packet would exceed 65535 bytes.
 */
export function encodeEapPacket(packet: EapPacket): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(EAP_CODE[packet.code]).u8(packet.identifier);
  if (isEapResult(packet)) return w.u16(4).finish();
  const length = 5 + packet.data.length;
  if (length > 0xffff) throw new RangeError('EAP packet longer than 65535 bytes');
  return w.u16(length).u8(packet.type).bytes(packet.data).finish();
}

/** The Type-Data of an MD5-Challenge Request or Response (RFC 3748 §5.4, RFC 1994 §4.1). */
export interface EapMd5Data {
  /** The Value: the Challenge (Request) or MD5 digest (Response), 1–255 bytes. */
  readonly value: Uint8Array;
  /** The sender's Name, possibly empty. */
  readonly name: Uint8Array;
}

/**
 * Decodes MD5-Challenge Type-Data: Value-Size, Value, Name.
 *
 * @throws DecodeError `EAP_BAD_VALUE_SIZE` (empty, Value-Size zero or past the data).
 */
export function decodeEapMd5(data: Uint8Array): EapMd5Data {
  const size = data[0] ?? 0;
  if (size === 0 || 1 + size > data.length) {
    throw bad('EAP_BAD_VALUE_SIZE', `MD5-Challenge Value-Size ${size} does not fit`, 'valueSize', {
      valueSize: size,
      available: data.length,
    });
  }
  return { value: data.subarray(1, 1 + size), name: data.subarray(1 + size) };
}

/**
 * Encodes MD5-Challenge Type-Data.
 *
 * @throws RangeError if the Value is empty or over 255 bytes.
 */
export function encodeEapMd5(value: Uint8Array, name: Uint8Array): Uint8Array {
  if (value.length < 1 || value.length > 255) throw new RangeError('Value must be 1 to 255 bytes');
  return new ByteWriter(1 + value.length + name.length)
    .u8(value.length)
    .bytes(value)
    .bytes(name)
    .finish();
}

/** MS-CHAP-V2 OpCodes (draft-kamath-pppext-eap-mschapv2 §2). */
export const EAP_MSCHAPV2_OPCODE: {
  readonly challenge: 1;
  readonly response: 2;
  readonly success: 3;
  readonly failure: 4;
} = { challenge: 1, response: 2, success: 3, failure: 4 } as const;

/** MS-CHAP-V2 Type-Data, by OpCode and direction. */
export type EapMschapv2Data =
  | {
      /** Challenge (Request) or Response (Response): the CHAP Value and Name. */
      readonly op: 'challenge' | 'response';
      /** MS-CHAPv2-ID: a Response copies its Challenge's. */
      readonly msId: number;
      /** Challenge: 16 bytes; Response: the 49-byte RFC 2759 §4 value. */
      readonly value: Uint8Array;
      /** The sender's name. */
      readonly name: Uint8Array;
    }
  | {
      /** Success or Failure Request: the RFC 2759 §5/§6 message. */
      readonly op: 'success' | 'failure';
      /** MS-CHAPv2-ID. */
      readonly msId: number;
      /** `S=… M=…` or `E=… R=… C=… V=… M=…`. */
      readonly message: Uint8Array;
    }
  | {
      /** The peer's one-octet Response to a Success or Failure Request. */
      readonly op: 'success-ack' | 'failure-ack';
    };

const OP_NAMES = ['challenge', 'response', 'success', 'failure'] as const;

/**
 * Decodes MS-CHAP-V2 Type-Data of a packet with EAP code `code`. A Response holding only the
 * Success or Failure OpCode is the acknowledgement Windows, pppd and FreeRADIUS exchange.
 *
 * @throws DecodeError `EAP_TRUNCATED` (no OpCode, or shorter than the 4-octet header),
 *   `EAP_BAD_OPCODE` (unknown, or the wrong direction), `EAP_BAD_MS_LENGTH` (MS-Length is not
 *   the Type-Data's length), `EAP_BAD_VALUE_SIZE`.
 */
export function decodeEapMschapv2(code: 'request' | 'response', data: Uint8Array): EapMschapv2Data {
  const opcode = data[0];
  if (opcode === undefined) throw bad('EAP_TRUNCATED', 'MS-CHAP-V2 without an OpCode', 'opcode');
  const op = OP_NAMES[opcode - 1];
  const wrongWay =
    op === undefined ||
    (code === 'request' && op === 'response') ||
    (code === 'response' && op === 'challenge');
  if (wrongWay) {
    throw bad('EAP_BAD_OPCODE', `MS-CHAP-V2 OpCode ${opcode} in an EAP ${code}`, 'opcode', {
      opcode,
    });
  }
  if (code === 'response' && (op === 'success' || op === 'failure') && data.length === 1) {
    return { op: op === 'success' ? 'success-ack' : 'failure-ack' };
  }
  const r = new ByteReader(data, 'EAP_TRUNCATED', 1);
  const msId = r.u8('msId');
  const msLength = r.u16('msLength');
  // draft-kamath §2: MS-Length is the EAP Length minus 5, i.e. the Type-Data from the OpCode on.
  if (msLength !== data.length) {
    throw bad(
      'EAP_BAD_MS_LENGTH',
      `MS-Length ${msLength} but ${data.length} octets of data`,
      'msLength',
      {
        msLength,
        available: data.length,
      },
    );
  }
  if (op === 'success' || op === 'failure') return { op, msId, message: data.subarray(4) };
  const { value, name } = decodeEapMd5(data.subarray(4));
  return { op: op!, msId, value, name };
}

/** Encodes MS-CHAP-V2 Type-Data (MS-Length filled in). */
export function encodeEapMschapv2(message: EapMschapv2Data): Uint8Array {
  if (!('msId' in message)) {
    return Uint8Array.of(
      message.op === 'success-ack' ? EAP_MSCHAPV2_OPCODE.success : EAP_MSCHAPV2_OPCODE.failure,
    );
  }
  const body = 'message' in message ? message.message : encodeEapMd5(message.value, message.name);
  const length = 4 + body.length;
  return new ByteWriter(length)
    .u8(EAP_MSCHAPV2_OPCODE[message.op])
    .u8(message.msId)
    .u16(length)
    .bytes(body)
    .finish();
}
