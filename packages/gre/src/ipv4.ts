/**
 * The IPv4 envelope a raw protocol-47 socket delivers around each GRE packet.
 *
 * @module
 */
import { IP_PROTOCOL_GRE } from './constants.js';
import type { GreErrorCode } from './errors.js';
import { fail, failureError } from './failure.js';

/** Where the GRE packet sits inside an IPv4 datagram, and who sent it. Mutable, reusable. */
export interface Ipv4Envelope {
  /** IPv4 header length in bytes (IHL × 4). */
  headerLength: number;
  /** Total length from the IPv4 header. */
  totalLength: number;
  /** Source address as an unsigned 32-bit integer (network order read big-endian). */
  source: number;
  /** Destination address as an unsigned 32-bit integer. */
  destination: number;
  /** Offset of the GRE packet in the buffer. */
  payloadStart: number;
  /** Offset just past the GRE packet (the datagram's total length; link padding excluded). */
  payloadEnd: number;
}

/** Returns a fresh envelope object to read into. */
export function createIpv4Envelope(): Ipv4Envelope {
  return {
    headerLength: 0,
    totalLength: 0,
    source: 0,
    destination: 0,
    payloadStart: 0,
    payloadEnd: 0,
  };
}

/**
 * Checks `bytes[start, end)` as an IPv4 datagram carrying GRE and fills `into`. Returns
 * `undefined` when valid, else the error code. Allocates nothing.
 *
 * @internal
 */
export function checkIpv4(
  bytes: Uint8Array,
  start: number,
  end: number,
  into: Ipv4Envelope,
): GreErrorCode | undefined {
  const available = end - start;
  if (available < 20) return fail('GRE_TRUNCATED', start + available, 'ipv4Header');
  const first = bytes[start]!;
  if (first >>> 4 !== 4) return fail('GRE_BAD_IP_HEADER', start, 'version');
  const headerLength = (first & 0x0f) * 4;
  if (headerLength < 20) return fail('GRE_BAD_IP_HEADER', start, 'ihl');
  if (available < headerLength) return fail('GRE_TRUNCATED', start + available, 'ipv4Options');
  const totalLength = (bytes[start + 2]! << 8) | bytes[start + 3]!;
  if (totalLength < headerLength) return fail('GRE_BAD_IP_HEADER', start + 2, 'totalLength');
  if (totalLength > available) return fail('GRE_TRUNCATED', start + available, 'totalLength');
  // More-fragments flag or a fragment offset: raw sockets hand over reassembled datagrams only.
  if (((bytes[start + 6]! << 8) | bytes[start + 7]!) & 0x3fff)
    return fail('GRE_BAD_IP_HEADER', start + 6, 'fragment');
  if (bytes[start + 9] !== IP_PROTOCOL_GRE) return fail('GRE_BAD_IP_HEADER', start + 9, 'protocol');
  into.headerLength = headerLength;
  into.totalLength = totalLength;
  into.source =
    ((bytes[start + 12]! << 24) |
      (bytes[start + 13]! << 16) |
      (bytes[start + 14]! << 8) |
      bytes[start + 15]!) >>>
    0;
  into.destination =
    ((bytes[start + 16]! << 24) |
      (bytes[start + 17]! << 16) |
      (bytes[start + 18]! << 8) |
      bytes[start + 19]!) >>>
    0;
  into.payloadStart = start + headerLength;
  into.payloadEnd = start + totalLength;
  return undefined;
}

/**
 * Reads the IPv4 header at `bytes[start]` (as a raw socket delivers it), checks that it is an
 * unfragmented IPv4 datagram of protocol 47 that fits in the buffer, and fills `into` with where
 * the GRE packet lies (skipping IHL × 4 bytes, options included). The header checksum is not
 * verified: the kernel has done that before a raw socket sees the datagram.
 *
 * @param bytes - the datagram.
 * @param into - the envelope to fill; reuse one per receive loop.
 * @param start - offset of the IPv4 header; default 0.
 * @param end - offset just past the received bytes; default `bytes.length`.
 * @throws DecodeError `GRE_TRUNCATED` or `GRE_BAD_IP_HEADER`; `details.offset` is relative to
 *   `start`.
 */
export function readIpv4Envelope(
  bytes: Uint8Array,
  into: Ipv4Envelope = createIpv4Envelope(),
  start = 0,
  end: number = bytes.length,
): Ipv4Envelope {
  if (start < 0 || end > bytes.length || start > end) throw new RangeError('bad datagram bounds');
  const code = checkIpv4(bytes, start, end, into);
  if (code !== undefined) throw failureError(code, start);
  return into;
}

/**
 * Returns a view of the GRE packet inside an IPv4 datagram (convenience over
 * {@link readIpv4Envelope}; allocates the view).
 *
 * @throws DecodeError `GRE_TRUNCATED` or `GRE_BAD_IP_HEADER`.
 */
export function stripIpv4Header(datagram: Uint8Array): Uint8Array {
  const e = readIpv4Envelope(datagram);
  return datagram.subarray(e.payloadStart, e.payloadEnd);
}
