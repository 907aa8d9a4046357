/**
 * The PPP frame header as carried in GRE (RFC 1661 §2, RFC 1662 §3): optional Address and
 * Control fields `FF 03` (absent when Address-and-Control-Field-Compression applies) and a 1- or
 * 2-byte Protocol field (1 byte when Protocol-Field-Compression applies). No FCS or flags: over
 * PPTP the link is synchronous and GRE delimits frames.
 *
 * @module
 */

/** Which header compressions to apply when writing a frame. */
export interface FrameCompression {
  /** Omit `FF 03` (RFC 1661 §6.6); never applied to LCP. */
  readonly acfc: boolean;
  /** Send protocols below 0x100 as one byte (RFC 1661 §6.5). */
  readonly pfc: boolean;
}

/** A frame header read by {@link readPppHeader}; reuse one object per receive loop. */
export interface PppHeader {
  /** The protocol number. */
  protocol: number;
  /** Absolute index in the buffer of the first byte after the header (the information field). */
  offset: number;
}

/**
 * Reads the header of the received frame `buf[start, end)` in place, accepting the compressed
 * and the uncompressed forms (RFC 1661 §6.5/§6.6: a receiver that accepts compression must
 * still accept the full form): an optional Address/Control pair `FF 03` (RFC 1662 §3.1), then a
 * 1-byte (odd) or 2-byte Protocol field. Fills `out.protocol` and `out.offset` (absolute in
 * `buf`). Allocation-free; never throws on the bytes' content.
 *
 * @returns `false`, leaving `out` untouched, when the header is incomplete or malformed: `FF`
 *   not followed by `03`, the frame ends inside the header, or a 2-byte protocol whose low byte
 *   is even (RFC 1661 §2: the low byte is odd, the high byte even; an odd first byte is the
 *   1-byte form).
 * @throws RangeError when `start`/`end` are not a range inside `buf` (programmer misuse).
 */
export function readPppHeader(
  buf: Uint8Array,
  start: number,
  end: number,
  out: PppHeader,
): boolean {
  if (!(start >= 0 && start <= end && end <= buf.length)) {
    throw new RangeError(`bad range [${start}, ${end}) in ${buf.length} bytes`);
  }
  let at = start;
  // RFC 1662 §3.1: All-Stations address 0xFF followed by UI control 0x03 (absent with ACFC).
  if (at < end && buf[at] === 0xff) {
    if (at + 1 >= end || buf[at + 1] !== 0x03) return false;
    at += 2;
  }
  if (at >= end) return false;
  const first = buf[at]!;
  if ((first & 1) === 1) {
    // RFC 1661 §6.5: a compressed protocol field is the single odd low byte.
    out.protocol = first;
    out.offset = at + 1;
    return true;
  }
  if (at + 1 >= end) return false;
  const second = buf[at + 1]!;
  if ((second & 1) === 0) return false;
  out.protocol = (first << 8) | second;
  out.offset = at + 2;
  return true;
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
