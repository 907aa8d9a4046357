/**
 * Checksums of the IP packets a tunnel delivers. MPPE has no integrity check and GRE carries no
 * checksum, so a packet damaged on the wire decrypts to a damaged packet: the tunnel verifies
 * the IPv4 header checksum (RFC 791 §3.1) and, for an unfragmented TCP, UDP or ICMP datagram,
 * its transport checksum (RFC 793 §3.1, RFC 768, RFC 792), and drops what does not add up,
 * instead of handing it to the host; IPv6 has no header checksum, its TCP, UDP and ICMPv6
 * checksums are checked alike (RFC 8200 §8.1). Allocation-free.
 *
 * @module
 */

/** A view of the last buffer summed: the data path sums the same few buffers every packet. */
let viewed: Uint8Array | undefined;
let view: DataView | undefined;

/**
 * The 16-bit one's complement sum of `buf[start, end)`, folded, plus `initial`. Summed as 32-bit
 * big-endian words in a double (exact: a 64 KiB packet sums to under 2^46), then reduced modulo
 * 0xFFFF, which is what folding the carries back does (2^16 ≡ 1): a few times faster than a
 * byte loop.
 */
function sum16(buf: Uint8Array, start: number, end: number, initial: number): number {
  if (buf !== viewed) {
    viewed = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const v = view!;
  let s = initial;
  let i = start;
  for (const last = end - 3; i < last; i += 4) s += v.getUint32(i);
  if (i + 1 < end) {
    s += v.getUint16(i) * 0x10000;
    i += 2;
  }
  if (i < end) s += buf[i]! * 0x1000000;
  // Words were added at 32 bits: fold the high halves down (2^16 ≡ 1 modulo 0xFFFF).
  s %= 0xffff;
  return s === 0 && (initial !== 0 || end > start) ? 0xffff : s;
}

/**
 * Whether the well-formed IPv4 datagram `buf[start, start + total)` (its header already checked
 * for version, length and total length) has a correct header checksum and, when it is a whole
 * TCP, UDP or ICMP datagram, a correct transport checksum. A UDP checksum of 0 means none
 * (RFC 768); fragments are checked by their header only.
 */
export function innerChecksumsValid(buf: Uint8Array, start: number, total: number): boolean {
  const ihl = (buf[start]! & 0x0f) * 4;
  if (sum16(buf, start, start + ihl, 0) !== 0xffff) return false;
  // More Fragments set, or a fragment offset: the transport checksum spans other fragments.
  if ((((buf[start + 6]! & 0x3f) << 8) | buf[start + 7]!) !== 0) return true;
  const protocol = buf[start + 9]!;
  const at = start + ihl;
  const end = start + total;
  const length = end - at;
  if (protocol === 1) return length < 4 || sum16(buf, at, end, 0) === 0xffff;
  if (protocol !== 6 && protocol !== 17) return true;
  if (protocol === 17 && length >= 8 && buf[at + 6] === 0 && buf[at + 7] === 0) return true;
  if (length < (protocol === 6 ? 20 : 8)) return true;
  // RFC 793 §3.1 / RFC 768: the pseudo-header (addresses, protocol, transport length).
  const pseudo = sum16(buf, start + 12, start + 20, protocol + length);
  return sum16(buf, at, end, pseudo) === 0xffff;
}

/** IPv6 Next Header values whose checksum is verified: TCP, UDP, ICMPv6 (RFC 4443 §2.3). */
const TCP = 6;
const UDP = 17;
const ICMPV6 = 58;

/**
 * Whether the well-formed IPv6 datagram `buf[start, start + length)` (header checked) has a
 * correct TCP, UDP or ICMPv6 checksum when that is its first Next Header: summed over the IPv6
 * pseudo-header (RFC 8200 §8.1: addresses, upper-layer length, Next Header). A UDP checksum of 0
 * is wrong in IPv6 (RFC 8200 §8.1: receivers discard it). A datagram with extension headers or
 * another upper layer passes unchecked (the transport checksum of a fragment spans others).
 */
export function ipv6ChecksumsValid(buf: Uint8Array, start: number, length: number): boolean {
  const next = buf[start + 6]!;
  if (next !== TCP && next !== UDP && next !== ICMPV6) return true;
  const at = start + 40;
  const end = start + length;
  const upper = end - at;
  if (upper < (next === TCP ? 20 : next === UDP ? 8 : 4)) return true;
  if (next === UDP && buf[at + 6] === 0 && buf[at + 7] === 0) return false;
  const pseudo = sum16(buf, start + 8, start + 40, next + upper);
  return sum16(buf, at, end, pseudo) === 0xffff;
}
