import { isIpv4Datagram } from '@pptpkit/wire';

/**
 * Where the GRE packet lies inside one of scapy's IP+GRE vectors: after IHL × 4 bytes and up to
 * the Total Length, as `@pptpkit/linux-net`'s raw socket hands it to `GreSession.receive`.
 * Throws (failing the test) when the datagram is not well-formed IPv4 (RFC 791 §3.1).
 */
export function greRange(datagram: Uint8Array): { start: number; end: number } {
  if (!isIpv4Datagram(datagram, 0, datagram.length)) throw new Error('not an IPv4 datagram');
  return { start: (datagram[0]! & 0x0f) * 4, end: (datagram[2]! << 8) | datagram[3]! };
}
