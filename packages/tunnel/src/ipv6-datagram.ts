/**
 * The IPv6 packets a tunnel carries once IPv6CP is open: the fixed header's shape (RFC 8200
 * §3), checked before a packet crosses the tunnel either way. Allocation-free.
 *
 * @module
 */

/** The fixed IPv6 header (RFC 8200 §3). */
export const IPV6_HEADER_LENGTH = 40;

/**
 * The length of the IPv6 datagram at `buf[start, end)`: version 6, a whole fixed header, and a
 * Payload Length that fits in what is there (a jumbogram's 0, RFC 2675, only when nothing
 * follows the header: PPP links carry none); -1 when it is not one. What follows the datagram
 * is not part of it.
 */
export function ipv6DatagramLength(buf: Uint8Array, start: number, end: number): number {
  if (end - start < IPV6_HEADER_LENGTH || buf[start]! >>> 4 !== 6) return -1;
  const length = IPV6_HEADER_LENGTH + ((buf[start + 4]! << 8) | buf[start + 5]!);
  return length <= end - start ? length : -1;
}
