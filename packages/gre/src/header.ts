/**
 * The enhanced GRE header (RFC 2637 §4.1): checks, decoding into a reusable object and encoding
 * into a caller-provided buffer.
 *
 * @module
 */
import {
  GRE_BASE_HEADER_LENGTH,
  GRE_MAX_PAYLOAD_LENGTH,
  GRE_PROTOCOL_PPTP,
  GRE_VERSION_ENHANCED,
  GreFlag,
} from './constants.js';
import type { GreErrorCode } from './errors.js';
import { fail, failureError } from './failure.js';

/**
 * A decoded enhanced GRE header. Mutable on purpose: the per-packet path decodes into one
 * object it reuses (see {@link createGreHeader}).
 */
export interface GreHeader {
  /** Call ID from the low half of the key: the receiver's call ID (RFC 2637 §4.1). */
  callId: number;
  /** Payload length from the high half of the key, not counting the GRE header. */
  payloadLength: number;
  /** Whether the S bit is set (a sequence number and a payload are present). */
  hasSequence: boolean;
  /** The sequence number; meaningful only when `hasSequence`. */
  sequence: number;
  /** Whether the A bit is set (an acknowledgment number is present). */
  hasAck: boolean;
  /** The acknowledgment number; meaningful only when `hasAck`. */
  ack: number;
  /** Header length in bytes: 8, 12 or 16. Set by decoding; ignored by encoding. */
  headerLength: number;
}

/** Returns a fresh header object to decode into. */
export function createGreHeader(): GreHeader {
  return {
    callId: 0,
    payloadLength: 0,
    hasSequence: false,
    sequence: 0,
    hasAck: false,
    ack: 0,
    headerLength: 0,
  };
}

/** Header length for the given optional fields. */
export function greHeaderLength(hasSequence: boolean, hasAck: boolean): number {
  return GRE_BASE_HEADER_LENGTH + (hasSequence ? 4 : 0) + (hasAck ? 4 : 0);
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/**
 * Checks `bytes[start, end)` as one enhanced GRE packet and fills `into`. Returns `undefined`
 * when the packet is valid, else the error code (position in `lastFailure`). Allocates nothing.
 *
 * @internal
 */
export function checkGre(
  bytes: Uint8Array,
  start: number,
  end: number,
  into: GreHeader,
): GreErrorCode | undefined {
  const available = end - start;
  if (available < GRE_BASE_HEADER_LENGTH) return fail('GRE_TRUNCATED', start, 'header');
  const word = (bytes[start]! << 8) | bytes[start + 1]!;
  // RFC 2637 §4.1 "Ver: Must contain 1 (enhanced GRE)"; checked first since it fixes the format.
  if ((word & GreFlag.version) !== GRE_VERSION_ENHANCED)
    return fail('GRE_BAD_VERSION', start + 1, 'version');
  // RFC 2637 §4.1 "Protocol Type: Set to hex 880B".
  if (((bytes[start + 2]! << 8) | bytes[start + 3]!) !== GRE_PROTOCOL_PPTP)
    return fail('GRE_BAD_PROTOCOL', start + 2, 'protocol');
  // RFC 2637 §4.1: C, R, s, Recur and Flags are set to zero; K is set to one.
  if (word & GreFlag.checksum) return fail('GRE_BAD_FLAGS', start, 'C');
  if (word & GreFlag.routing) return fail('GRE_BAD_FLAGS', start, 'R');
  if (!(word & GreFlag.key)) return fail('GRE_BAD_FLAGS', start, 'K');
  if (word & GreFlag.strictSourceRoute) return fail('GRE_BAD_FLAGS', start, 's');
  if (word & GreFlag.recursion) return fail('GRE_BAD_FLAGS', start, 'Recur');
  if (word & GreFlag.reserved) return fail('GRE_BAD_FLAGS', start + 1, 'Flags');
  const hasSequence = (word & GreFlag.sequence) !== 0;
  const hasAck = (word & GreFlag.ack) !== 0;
  // RFC 2637 §4.1: S is clear only on an acknowledgment-only packet, so A must then be set.
  if (!hasSequence && !hasAck) return fail('GRE_BAD_FLAGS', start, 'S/A');
  const headerLength = greHeaderLength(hasSequence, hasAck);
  if (available < headerLength)
    return fail('GRE_TRUNCATED', start + available, hasSequence ? 'sequence' : 'ack');
  const payloadLength = (bytes[start + 4]! << 8) | bytes[start + 5]!;
  // RFC 2637 §4.1 "S ... Set to zero (0) if payload is not present".
  if (!hasSequence && payloadLength !== 0)
    return fail('GRE_LENGTH_MISMATCH', start + 4, 'payloadLength');
  const carried = available - headerLength;
  if (carried < payloadLength) return fail('GRE_TRUNCATED', end, 'payload');
  if (carried > payloadLength) return fail('GRE_LENGTH_MISMATCH', start + 4, 'payloadLength');
  into.callId = (bytes[start + 6]! << 8) | bytes[start + 7]!;
  into.payloadLength = payloadLength;
  into.hasSequence = hasSequence;
  into.sequence = hasSequence ? u32(bytes, start + 8) : 0;
  into.hasAck = hasAck;
  // With S clear the acknowledgment number sits where the sequence number would be.
  into.ack = hasAck ? u32(bytes, start + (hasSequence ? 12 : 8)) : 0;
  into.headerLength = headerLength;
  return undefined;
}

/**
 * Decodes the enhanced GRE packet `bytes[start, end)` (the IP header already removed) into
 * `into` and returns it. The payload is `bytes[start + into.headerLength, end)`.
 *
 * @param bytes - the buffer holding the packet.
 * @param into - the header object to fill; reuse one per receive loop.
 * @param start - offset of the GRE header in `bytes`; default 0.
 * @param end - offset just past the packet; default `bytes.length`.
 * @throws DecodeError with a {@link GreErrorCode}; `details.offset` is relative to `start`.
 */
export function decodeGreHeader(
  bytes: Uint8Array,
  into: GreHeader = createGreHeader(),
  start = 0,
  end: number = bytes.length,
): GreHeader {
  if (start < 0 || end > bytes.length || start > end) throw new RangeError('bad packet bounds');
  const code = checkGre(bytes, start, end, into);
  if (code !== undefined) throw failureError(code, start);
  return into;
}

function checkField(value: number, max: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${name} ${value} is outside 0..${max}`);
}

/**
 * Writes the enhanced GRE header described by `header` into `out` at `offset` and returns its
 * length (8, 12 or 16). The payload (if any) is the caller's to place right after it.
 * Allocates nothing.
 *
 * @throws RangeError when a field is out of range, when neither a sequence nor an
 *   acknowledgment number is present, when an acknowledgment-only header announces a payload,
 *   or when `out` is too small.
 */
export function encodeGreHeader(header: GreHeader, out: Uint8Array, offset = 0): number {
  const { hasSequence, hasAck } = header;
  checkField(header.callId, 0xffff, 'callId');
  checkField(header.payloadLength, GRE_MAX_PAYLOAD_LENGTH, 'payloadLength');
  if (hasSequence) checkField(header.sequence, 0xffffffff, 'sequence');
  if (hasAck) checkField(header.ack, 0xffffffff, 'ack');
  if (!hasSequence && !hasAck) throw new RangeError('a GRE packet needs a sequence or an ack');
  if (!hasSequence && header.payloadLength !== 0)
    throw new RangeError('an acknowledgment-only packet carries no payload');
  const length = greHeaderLength(hasSequence, hasAck);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > out.length)
    throw new RangeError('output buffer too small for the GRE header');
  writeGreHeader(
    out,
    offset,
    header.callId,
    header.payloadLength,
    hasSequence,
    header.sequence,
    hasAck,
    header.ack,
  );
  return length;
}

/**
 * Writes a header whose fields the caller has already validated.
 *
 * @internal
 */
export function writeGreHeader(
  out: Uint8Array,
  at: number,
  callId: number,
  payloadLength: number,
  hasSequence: boolean,
  sequence: number,
  hasAck: boolean,
  ack: number,
): void {
  out[at] = (GreFlag.key | (hasSequence ? GreFlag.sequence : 0)) >>> 8;
  out[at + 1] = (hasAck ? GreFlag.ack : 0) | GRE_VERSION_ENHANCED;
  out[at + 2] = GRE_PROTOCOL_PPTP >>> 8;
  out[at + 3] = GRE_PROTOCOL_PPTP & 0xff;
  out[at + 4] = payloadLength >>> 8;
  out[at + 5] = payloadLength & 0xff;
  out[at + 6] = callId >>> 8;
  out[at + 7] = callId & 0xff;
  let p = at + 8;
  if (hasSequence) {
    out[p] = sequence >>> 24;
    out[p + 1] = sequence >>> 16;
    out[p + 2] = sequence >>> 8;
    out[p + 3] = sequence;
    p += 4;
  }
  if (hasAck) {
    out[p] = ack >>> 24;
    out[p + 1] = ack >>> 16;
    out[p + 2] = ack >>> 8;
    out[p + 3] = ack;
  }
}
