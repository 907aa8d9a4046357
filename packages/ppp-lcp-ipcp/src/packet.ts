/**
 * Control-protocol packets (RFC 1661 §5) and the option list of Configure packets (RFC 1661 §6),
 * shared by LCP, IPCP, IPv6CP and CCP.
 *
 * @module
 */
import { ByteReader, DecodeError } from '@pptpkit/wire';
import type { PppErrorCode } from './errors.js';

/** A control packet: Code, Identifier and the Data field (RFC 1661 §5). */
export interface ControlPacket {
  /** The Code field. */
  readonly code: number;
  /** The Identifier field. */
  readonly identifier: number;
  /** The Data field (a view into the input when decoded). */
  readonly data: Uint8Array;
}

/** A configuration option kept raw: its Type and Data (without Type and Length bytes). */
export interface RawOption {
  /** The Type field. */
  readonly type: number;
  /** The Data field. */
  readonly data: Uint8Array;
}

/**
 * Decodes a control packet. Octets beyond the Length field are padding and ignored
 * (RFC 1661 §5).
 *
 * @throws DecodeError `PPP_TRUNCATED` or `PPP_BAD_LENGTH`.
 */
export function decodeControlPacket(bytes: Uint8Array): ControlPacket {
  const r = new ByteReader(bytes, 'PPP_TRUNCATED' satisfies PppErrorCode);
  const code = r.u8('code');
  const identifier = r.u8('identifier');
  const length = r.u16('length');
  // RFC 1661 §5: a Length below the header size or beyond the received octets is discarded.
  if (length < 4 || length > bytes.length) {
    throw new DecodeError<PppErrorCode>(
      'PPP_BAD_LENGTH',
      `control packet length ${length} invalid for ${bytes.length} octets`,
      {
        offset: 2,
        field: 'length',
        length,
        available: bytes.length,
      },
    );
  }
  return { code, identifier, data: bytes.subarray(4, length) };
}

/** Encodes a control packet. */
export function encodeControlPacket(packet: ControlPacket): Uint8Array {
  const length = 4 + packet.data.length;
  if (length > 0xffff) throw new RangeError('control packet longer than 65535 octets');
  if (!Number.isInteger(packet.code) || packet.code < 0 || packet.code > 255)
    throw new RangeError('code out of range');
  if (!Number.isInteger(packet.identifier) || packet.identifier < 0 || packet.identifier > 255) {
    throw new RangeError('identifier out of range');
  }
  const out = new Uint8Array(length);
  out[0] = packet.code;
  out[1] = packet.identifier;
  out[2] = length >>> 8;
  out[3] = length & 0xff;
  out.set(packet.data, 4);
  return out;
}

/**
 * Splits a Configure packet's Data into options, keeping each one raw.
 *
 * @throws DecodeError `PPP_BAD_OPTION` when an option's Length is below 2 or overruns the data
 * (RFC 1661 §6).
 */
export function decodeOptions(data: Uint8Array): RawOption[] {
  const options: RawOption[] = [];
  let at = 0;
  while (at < data.length) {
    const type = data[at]!;
    const length = data[at + 1];
    if (length === undefined || length < 2 || at + length > data.length) {
      throw new DecodeError<PppErrorCode>(
        'PPP_BAD_OPTION',
        `option ${type} at ${at} has a bad length`,
        {
          offset: at + 1,
          field: 'option length',
          type,
        },
      );
    }
    options.push({ type, data: data.subarray(at + 2, at + length) });
    at += length;
  }
  return options;
}

/** Encodes options back to bytes (the exact inverse of {@link decodeOptions}). */
export function encodeOptions(options: readonly RawOption[]): Uint8Array {
  let total = 0;
  for (const o of options) {
    if (o.data.length > 253) throw new RangeError(`option ${o.type} data longer than 253 octets`);
    total += 2 + o.data.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const o of options) {
    out[at] = o.type;
    out[at + 1] = o.data.length + 2;
    out.set(o.data, at + 2);
    at += 2 + o.data.length;
  }
  return out;
}

/** Byte equality of two arrays, for comparing option lists. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
