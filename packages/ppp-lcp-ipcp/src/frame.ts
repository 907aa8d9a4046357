/**
 * The PPP frame header as carried in GRE (RFC 1661 §2, RFC 1662 §3): optional Address and
 * Control fields `FF 03` (absent when Address-and-Control-Field-Compression applies) and a 1- or
 * 2-byte Protocol field (1 byte when Protocol-Field-Compression applies). No FCS or flags: over
 * PPTP the link is synchronous and GRE delimits frames.
 *
 * @module
 */
import { DecodeError } from '@pptpkit/wire';
import type { PppErrorCode } from './errors.js';

/** Which header compressions to apply when writing a frame. */
export interface FrameCompression {
  /** Omit `FF 03` (RFC 1661 §6.6); never applied to LCP. */
  readonly acfc: boolean;
  /** Send protocols below 0x100 as one byte (RFC 1661 §6.5). */
  readonly pfc: boolean;
}

/** A decoded frame header; `offset` is where the information field starts. */
export interface PppHeader {
  /** The protocol number. */
  protocol: number;
  /** Length of the header in bytes (0–4): the information field starts here. */
  offset: number;
}

/**
 * Decodes the header of a received frame, accepting both compressed and uncompressed forms
 * (RFC 1661 §6.5/§6.6: a receiver accepting compression must still accept the full form).
 * Fills `out` when given, so the data path allocates nothing.
 *
 * @throws DecodeError `PPP_TRUNCATED` when the frame is too short, `PPP_BAD_PROTOCOL` when the
 * protocol field is malformed (RFC 1661 §2: the low byte is odd, the high byte even).
 */
export function decodePppHeader(
  frame: Uint8Array,
  out: PppHeader = { protocol: 0, offset: 0 },
): PppHeader {
  let at = 0;
  // RFC 1662 §3.1: All-Stations address 0xFF followed by UI control 0x03.
  if (frame[0] === 0xff) {
    if (frame[1] !== 0x03) {
      throw new DecodeError<PppErrorCode>(
        'PPP_BAD_PROTOCOL',
        'address 0xff not followed by control 0x03',
        {
          offset: 1,
          field: 'control',
        },
      );
    }
    at = 2;
  }
  const first = frame[at];
  if (first === undefined) {
    throw new DecodeError<PppErrorCode>('PPP_TRUNCATED', 'frame ends before the protocol field', {
      offset: at,
      field: 'protocol',
    });
  }
  if ((first & 1) === 1) {
    // RFC 1661 §6.5: a compressed protocol field is the single odd low byte.
    out.protocol = first;
    out.offset = at + 1;
    return out;
  }
  const second = frame[at + 1];
  if (second === undefined) {
    throw new DecodeError<PppErrorCode>('PPP_TRUNCATED', 'frame ends inside the protocol field', {
      offset: at + 1,
      field: 'protocol',
    });
  }
  if ((second & 1) === 0) {
    throw new DecodeError<PppErrorCode>('PPP_BAD_PROTOCOL', 'protocol field low byte is even', {
      offset: at + 1,
      field: 'protocol',
      protocol: (first << 8) | second,
    });
  }
  out.protocol = (first << 8) | second;
  out.offset = at + 2;
  return out;
}

/** The number of header bytes {@link writePppHeader} writes for `protocol`. */
export function pppHeaderLength(protocol: number, compression: FrameCompression): number {
  const acfc = compression.acfc && protocol !== 0xc021;
  const pfc = compression.pfc && protocol < 0x100;
  return (acfc ? 0 : 2) + (pfc ? 1 : 2);
}

/**
 * Writes a frame header into `out` at `offset` and returns its length. ACFC is never applied to
 * LCP (RFC 1661 §6.6) and PFC only to protocols below 0x100 (RFC 1661 §6.5). Allocation-free.
 *
 * @throws RangeError when `protocol` is not a valid PPP protocol number or `out` is too short.
 */
export function writePppHeader(
  out: Uint8Array,
  offset: number,
  protocol: number,
  compression: FrameCompression,
): number {
  if (
    !Number.isInteger(protocol) ||
    protocol < 0 ||
    protocol > 0xffff ||
    (protocol & 1) === 0 ||
    (protocol & 0x100) !== 0
  ) {
    throw new RangeError(`invalid PPP protocol 0x${protocol.toString(16)}`);
  }
  const length = pppHeaderLength(protocol, compression);
  if (offset < 0 || offset + length > out.length)
    throw new RangeError('output buffer too short for PPP header');
  let at = offset;
  if (length === 4 || length === 3) {
    out[at++] = 0xff;
    out[at++] = 0x03;
  }
  if (length === 4 || length === 2) out[at++] = protocol >>> 8;
  out[at] = protocol & 0xff;
  return length;
}

/** Builds a whole frame (header + `payload`) as a new array; for the control plane. */
export function encodePppFrame(
  protocol: number,
  payload: Uint8Array,
  compression: FrameCompression,
): Uint8Array {
  const length = pppHeaderLength(protocol, compression);
  const out = new Uint8Array(length + payload.length);
  writePppHeader(out, 0, protocol, compression);
  out.set(payload, length);
  return out;
}
