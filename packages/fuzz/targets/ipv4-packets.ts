/**
 * The genuine traffic of the MPPE and receive-path targets: small, well-formed IPv4 packets
 * with valid header and UDP checksums, and the check that tells one from garbage.
 *
 * @module
 */

/** The folded 16-bit one's complement sum of `bytes[start, end)` plus `initial`. */
function sum16(bytes: Uint8Array, start: number, end: number, initial: number): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** RFC 791 header checksum of `bytes[start, start + 20)`, with the checksum field as 0. */
function headerChecksum(bytes: Uint8Array, start: number): number {
  const sum = sum16(bytes, start, start + 10, 0) + sum16(bytes, start + 12, start + 20, 0);
  return ~sum16(Uint8Array.of(sum >>> 8, sum & 0xff), 0, 2, sum >>> 16) & 0xffff;
}

/**
 * The `n`-th genuine IPv4 packet: UDP 10.0.0.2:5000 → 10.0.0.1:6000 with 12 to 112 octets of
 * data, a valid header checksum (RFC 791 §3.1) and a valid UDP checksum (RFC 768), as a tunnel
 * that verifies inner checksums expects.
 */
export function genuineIpv4(n: number): Uint8Array {
  const data = 12 + ((n * 37) % 101);
  const p = new Uint8Array(28 + data);
  p.set([
    0x45,
    0,
    (p.length >>> 8) & 0xff,
    p.length & 0xff,
    (n >>> 8) & 0xff,
    n & 0xff,
    0,
    0,
    64,
    17,
  ]);
  p.set([10, 0, 0, 2, 10, 0, 0, 1], 12);
  const udp = 8 + data;
  p.set([0x13, 0x88, 0x17, 0x70, udp >>> 8, udp & 0xff, 0, 0], 20);
  for (let i = 28; i < p.length; i++) p[i] = (n * 31 + i * 7) & 0xff;
  const header = headerChecksum(p, 0);
  p[10] = header >>> 8;
  p[11] = header & 0xff;
  // RFC 768: over the pseudo-header (addresses, protocol, UDP length) and the datagram; 0 is sent as 0xFFFF.
  const pseudo = sum16(p, 12, 20, 17 + udp);
  const udpSum = ~sum16(p, 20, p.length, pseudo) & 0xffff;
  const sent = udpSum === 0 ? 0xffff : udpSum;
  p[26] = sent >>> 8;
  p[27] = sent & 0xff;
  return p;
}

/** Whether `bytes[start, end)` is a whole IPv4 packet with a valid header checksum. */
export function isGenuineIpv4(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length < 20 || bytes[start] !== 0x45) return false;
  if (((bytes[start + 2]! << 8) | bytes[start + 3]!) !== length) return false;
  return ((bytes[start + 10]! << 8) | bytes[start + 11]!) === headerChecksum(bytes, start);
}
