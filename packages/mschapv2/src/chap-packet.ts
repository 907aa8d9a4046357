/**
 * The CHAP packet codec (RFC 1994 §4): the payload of a PPP frame with protocol 0xC223.
 *
 * @module
 */
import { ByteReader, ByteWriter, DecodeError } from '@pptpkit/wire';
import type { MschapErrorCode } from './errors.js';

/** CHAP packet codes (RFC 1994 §4). */
export const CHAP_CODE: {
  readonly challenge: 1;
  readonly response: 2;
  readonly success: 3;
  readonly failure: 4;
  readonly 'change-password': 7;
} = { challenge: 1, response: 2, success: 3, failure: 4, 'change-password': 7 } as const;

/** A Challenge (code 1) or Response (code 2) packet (RFC 1994 §4.1). */
export interface ChapValuePacket {
  /** `challenge` or `response`. */
  readonly type: 'challenge' | 'response';
  /** Identifier, 0–255; a Response carries the Identifier of the Challenge it answers. */
  readonly identifier: number;
  /** The Value field, 1–255 bytes. */
  readonly value: Uint8Array;
  /** The Name field (the sender's name, not NUL-terminated), possibly empty. */
  readonly name: Uint8Array;
}

/** A Success (code 3) or Failure (code 4) packet (RFC 1994 §4.2). */
export interface ChapMessagePacket {
  /** `success` or `failure`. */
  readonly type: 'success' | 'failure';
  /** Identifier copied from the Response being answered. */
  readonly identifier: number;
  /** The Message field, possibly empty (MS-CHAP puts `S=`/`E=` text here). */
  readonly message: Uint8Array;
}

/**
 * An MS-CHAPv2 Change-Password packet (code 7, RFC 2759 §7), sent by the peer after a Failure
 * with `E=648`. Its Length is always {@link CHANGE_PASSWORD_LENGTH}; the 8 Reserved octets are
 * sent as zero and ignored on receipt.
 */
export interface ChapChangePasswordPacket {
  /** `change-password`. */
  readonly type: 'change-password';
  /** The Identifier of the Failure answered, plus 1 (modulo 256). */
  readonly identifier: number;
  /** The new password's PWBLOCK encrypted with the old NT password hash, 516 bytes (§8.9). */
  readonly encryptedPassword: Uint8Array;
  /** The old NT password hash encrypted with the new one, 16 bytes (§8.12). */
  readonly encryptedHash: Uint8Array;
  /** Peer-Challenge, 16 bytes. */
  readonly peerChallenge: Uint8Array;
  /** NT-Response computed with the new password and the Failure's `C=` challenge, 24 bytes. */
  readonly ntResponse: Uint8Array;
  /** Flags, 16 bits, reserved (zero). */
  readonly flags: number;
}

/** Any CHAP packet. */
export type ChapPacket = ChapValuePacket | ChapMessagePacket | ChapChangePasswordPacket;

/** Length of a Change-Password packet (RFC 2759 §7: 4 + 516 + 16 + 16 + 8 + 24 + 2). */
export const CHANGE_PASSWORD_LENGTH = 586;

/** Longest CHAP packet: the Length field is 16 bits. */
const MAX_LENGTH = 0xffff;

/**
 * Decodes one CHAP packet.
 *
 * Octets beyond the Length field are link padding and ignored (RFC 1994 §4).
 *
 * @throws DecodeError `MSCHAP_TRUNCATED` (input shorter than a header or than Length),
 *   `MSCHAP_BAD_LENGTH` (Length below the minimum for the code, or a Change-Password whose
 *   Length is not 586), `MSCHAP_BAD_CODE` (not 1–4 or 7),
 *   `MSCHAP_BAD_VALUE_SIZE` (Value-Size zero or past Length).
 */
export function decodeChapPacket(bytes: Uint8Array): ChapPacket {
  const header = new ByteReader(bytes, 'MSCHAP_TRUNCATED');
  const code = header.u8('code');
  const identifier = header.u8('identifier');
  const length = header.u16('length');
  // RFC 1994 §4: Length counts Code, Identifier, Length and Data.
  if (length < 4) {
    throw new DecodeError<MschapErrorCode>('MSCHAP_BAD_LENGTH', `CHAP Length ${length} < 4`, {
      offset: 2,
      field: 'length',
      length,
    });
  }
  if (length > bytes.length) {
    throw new DecodeError<MschapErrorCode>(
      'MSCHAP_TRUNCATED',
      `CHAP Length ${length} exceeds the ${bytes.length} bytes received`,
      { offset: 2, field: 'length', length, available: bytes.length },
    );
  }
  const r = new ByteReader(bytes.subarray(0, length), 'MSCHAP_TRUNCATED', 4);
  switch (code) {
    case CHAP_CODE.challenge:
    case CHAP_CODE.response: {
      // RFC 1994 §4.1: Value-Size, Value (one or more octets), Name (rest).
      if (length < 5) {
        throw new DecodeError<MschapErrorCode>(
          'MSCHAP_BAD_LENGTH',
          `CHAP Length ${length} too short for a Value-Size`,
          { offset: 2, field: 'length', length },
        );
      }
      const valueSize = r.u8('valueSize');
      if (valueSize === 0 || valueSize > r.remaining) {
        throw new DecodeError<MschapErrorCode>(
          'MSCHAP_BAD_VALUE_SIZE',
          `CHAP Value-Size ${valueSize} does not fit 1..${r.remaining}`,
          { offset: 4, field: 'valueSize', valueSize },
        );
      }
      const value = r.bytes(valueSize, 'value');
      const name = r.rest();
      return {
        type: code === CHAP_CODE.challenge ? 'challenge' : 'response',
        identifier,
        value,
        name,
      };
    }
    case CHAP_CODE.success:
    case CHAP_CODE.failure:
      // RFC 1994 §4.2: Message is the rest; zero or more octets.
      return {
        type: code === CHAP_CODE.success ? 'success' : 'failure',
        identifier,
        message: r.rest(),
      };
    case CHAP_CODE['change-password']: {
      if (length !== CHANGE_PASSWORD_LENGTH) {
        throw new DecodeError<MschapErrorCode>(
          'MSCHAP_BAD_LENGTH',
          `CHAP Change-Password Length ${length}, not ${CHANGE_PASSWORD_LENGTH}`,
          { offset: 2, field: 'length', length },
        );
      }
      const encryptedPassword = r.bytes(516, 'encryptedPassword');
      const encryptedHash = r.bytes(16, 'encryptedHash');
      const peerChallenge = r.bytes(16, 'peerChallenge');
      r.bytes(8, 'reserved');
      const ntResponse = r.bytes(24, 'ntResponse');
      const flags = r.u16('flags');
      return {
        type: 'change-password',
        identifier,
        encryptedPassword,
        encryptedHash,
        peerChallenge,
        ntResponse,
        flags,
      };
    }
    default:
      throw new DecodeError<MschapErrorCode>('MSCHAP_BAD_CODE', `unknown CHAP code ${code}`, {
        offset: 0,
        field: 'code',
        code,
      });
  }
}

/** Narrows a packet to Success/Failure. */
function isMessagePacket(packet: ChapPacket): packet is ChapMessagePacket {
  return packet.type === 'success' || packet.type === 'failure';
}

/** Checks one fixed-size Change-Password field. */
function fixed(field: Uint8Array, size: number, name: string): Uint8Array {
  if (field.length !== size) throw new RangeError(`Change-Password ${name} must be ${size} bytes`);
  return field;
}

/**
 * Encodes one CHAP packet.
 *
 * @returns a new buffer holding exactly the packet.
 * @throws RangeError if the identifier is not 0–255, a Value is empty or over 255 bytes, a
 *   Change-Password field has the wrong size, or the packet would exceed 65535 bytes.
 */
export function encodeChapPacket(packet: ChapPacket): Uint8Array {
  if (packet.type === 'change-password') {
    const w = new ByteWriter(CHANGE_PASSWORD_LENGTH);
    w.u8(CHAP_CODE['change-password']).u8(packet.identifier).u16(CHANGE_PASSWORD_LENGTH);
    w.bytes(fixed(packet.encryptedPassword, 516, 'Encrypted-Password'));
    w.bytes(fixed(packet.encryptedHash, 16, 'Encrypted-Hash'));
    w.bytes(fixed(packet.peerChallenge, 16, 'Peer-Challenge'));
    w.bytes(new Uint8Array(8));
    w.bytes(fixed(packet.ntResponse, 24, 'NT-Response')).u16(packet.flags);
    return w.finish();
  }
  const w = new ByteWriter(64);
  if (isMessagePacket(packet)) {
    const length = 4 + packet.message.length;
    if (length > MAX_LENGTH) throw new RangeError('CHAP packet longer than 65535 bytes');
    w.u8(CHAP_CODE[packet.type]).u8(packet.identifier).u16(length).bytes(packet.message);
    return w.finish();
  }
  if (packet.value.length < 1 || packet.value.length > 255) {
    throw new RangeError('CHAP Value must be 1 to 255 bytes');
  }
  const length = 5 + packet.value.length + packet.name.length;
  if (length > MAX_LENGTH) throw new RangeError('CHAP packet longer than 65535 bytes');
  w.u8(CHAP_CODE[packet.type]).u8(packet.identifier).u16(length);
  w.u8(packet.value.length).bytes(packet.value).bytes(packet.name);
  return w.finish();
}
