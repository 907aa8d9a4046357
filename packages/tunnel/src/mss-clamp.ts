/**
 * TCP MSS clamping: lowers the Maximum Segment Size option of TCP SYNs crossing the tunnel, so
 * that neither end sends segments larger than the tunnel carries unfragmented. In place,
 * allocation-free, and safe on any input: every read is bounds-checked and nothing throws on
 * packet content.
 *
 * @module
 */

/** IPv4 header without options (RFC 791 §3.1) plus TCP header without options (RFC 793 §3.1). */
const IPV4_TCP_HEADERS = 40;
/** The smallest MTU every IPv4 link must carry (RFC 791 §3.2). */
const IPV4_MIN_MTU = 68;
/** IPv6 header (RFC 8200 §3) plus TCP header without options. */
const IPV6_TCP_HEADERS = 60;
/** The fixed IPv6 header (RFC 8200 §3). */
const IPV6_HEADER = 40;
/** IPv6 Next Header values of the extension headers walked (RFC 8200 §4, RFC 4302 §2). */
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTHENTICATION = 51;
const DESTINATION_OPTIONS = 60;
/** Extension headers walked at most before giving up (RFC 8200 §4.1 orders at most 7 kinds). */
const MAX_EXTENSION_HEADERS = 8;
/** TCP option kinds (RFC 793 §3.1). */
const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
/** The SYN flag in the TCP flags byte (RFC 793 §3.1). */
const SYN = 0x02;
/** IP protocol number of TCP. */
const TCP = 6;

/**
 * The TCP MSS for a tunnel MTU, IPv4: `mtu − 40`, the MTU less the IPv4 and TCP headers
 * without options (RFC 879 §1, RFC 6691 §2: options are not counted in the MSS, the sender
 * shortens its segments for them). IPv6: {@link ipv6MssForMtu}.
 *
 * @param mtu - the tunnel interface's MTU, an integer from 68 (RFC 791) to 65535.
 * @throws RangeError when `mtu` is not such an integer.
 */
export function ipv4MssForMtu(mtu: number): number {
  if (!Number.isInteger(mtu) || mtu < IPV4_MIN_MTU || mtu > 0xffff) {
    throw new RangeError(`MTU must be an integer in ${IPV4_MIN_MTU}..65535, got ${mtu}`);
  }
  return mtu - IPV4_TCP_HEADERS;
}

/**
 * The TCP MSS for a tunnel MTU, IPv6: `mtu − 60`, the MTU less the IPv6 header (40 bytes,
 * RFC 8200 §3) and the TCP header without options (RFC 6691 §2, as for IPv4).
 *
 * @param mtu - the tunnel interface's MTU, an integer from 68 to 65535 (IPv6 itself needs 1280,
 *   RFC 8200 §5; a smaller tunnel MTU still gets the MSS that fits it).
 * @throws RangeError when `mtu` is not such an integer.
 */
export function ipv6MssForMtu(mtu: number): number {
  return ipv4MssForMtu(mtu) - (IPV6_TCP_HEADERS - IPV4_TCP_HEADERS);
}

/**
 * Lowers the MSS option of a TCP SYN (with or without ACK) in the IP packet `buf[start, end)`
 * to `maxMss`, in place, and fixes the TCP checksum incrementally (RFC 1624 eqn. 3); the IPv4
 * header, and so its checksum, does not change (IPv6 has no header checksum). Returns whether
 * the packet changed.
 *
 * IPv6 (version 6): the extension headers before TCP are walked (RFC 8200 §4: Hop-by-Hop,
 * Routing, Destination Options, Fragment; Authentication, RFC 4302 §2.2, whose length counts
 * 32-bit words less 2), at most eight of them; left unchanged: a Payload Length running past
 * `end` (or 0, a jumbogram), an extension header running past the payload, a fragment with a
 * non-zero offset, any other Next Header (ESP, No Next Header, UDP, ...), then as for IPv4.
 *
 * Left unchanged (`false`): another IP version; IPv4 with a header length
 * (IHL) under 20 bytes, or a header or Total Length running past `end`; another protocol than
 * TCP; a fragment with a non-zero offset (the TCP header is in the first fragment only); a TCP
 * header under 20 bytes or whose Data Offset runs past the datagram; a segment without SYN; a
 * SYN without an MSS option — none is added (the peer then assumes 536, RFC 879, RFC 1122
 * §4.2.2.6, which fits any tunnel MTU from 576 up); an MSS already at or below `maxMss`
 * (never raised). Options are walked as RFC 793 §3.1 lays them out: End of Option List stops,
 * No-Operation is one byte, every other kind has a length byte; a length under 2, an option
 * running past the header, or an MSS option whose length is not 4 stops the walk there. Every
 * valid MSS option before that point is clamped (a receiver may read any of them).
 *
 * Per packet: a few byte reads for a non-SYN, no allocation.
 *
 * @param buf - the buffer holding the packet.
 * @param start - where the IP header begins.
 * @param end - where the received bytes end (the Total Length may end earlier).
 * @param maxMss - the largest MSS to let through, e.g. {@link ipv4MssForMtu} of the tunnel MTU.
 * @throws RangeError when `start`/`end` are not a range inside `buf` or `maxMss` is not an
 *   integer in 1..65535 (programmer misuse; never for packet content).
 */
export function clampTcpMss(buf: Uint8Array, start: number, end: number, maxMss: number): boolean {
  if (!(start >= 0 && start <= end && end <= buf.length)) {
    throw new RangeError(`bad range [${start}, ${end}) in ${buf.length} bytes`);
  }
  if (!(Number.isInteger(maxMss) && maxMss >= 1 && maxMss <= 0xffff)) {
    throw new RangeError(`maxMss must be an integer in 1..65535, got ${maxMss}`);
  }
  if (end - start < 20) return false;
  switch (buf[start]! >>> 4) {
    case 4:
      return clampIpv4(buf, start, end, maxMss);
    case 6:
      return clampIpv6(buf, start, end, maxMss);
    default:
      return false;
  }
}

/** The IPv4 part: finds the TCP segment of an unfragmented (or first-fragment) datagram. */
function clampIpv4(buf: Uint8Array, start: number, end: number, maxMss: number): boolean {
  const ihl = (buf[start]! & 0x0f) * 4;
  const total = (buf[start + 2]! << 8) | buf[start + 3]!;
  if (ihl < 20 || total < ihl || total > end - start) return false;
  if (buf[start + 9] !== TCP) return false;
  // RFC 791 §3.1: the fragment offset is the low 13 bits of bytes 6–7.
  if ((((buf[start + 6]! & 0x1f) << 8) | buf[start + 7]!) !== 0) return false;
  return clampSegment(buf, start + ihl, start + total, maxMss);
}

/** The IPv6 part: walks the extension headers to the TCP segment of a first fragment. */
function clampIpv6(buf: Uint8Array, start: number, end: number, maxMss: number): boolean {
  if (end - start < IPV6_HEADER) return false;
  const payload = (buf[start + 4]! << 8) | buf[start + 5]!;
  const stop = start + IPV6_HEADER + payload;
  if (payload === 0 || stop > end) return false;
  let next = buf[start + 6]!;
  let at = start + IPV6_HEADER;
  for (let i = 0; i <= MAX_EXTENSION_HEADERS; i++) {
    if (next === TCP) return clampSegment(buf, at, stop, maxMss);
    if (at + 8 > stop) return false;
    let length: number;
    if (next === HOP_BY_HOP || next === ROUTING || next === DESTINATION_OPTIONS) {
      length = (buf[at + 1]! + 1) * 8;
    } else if (next === FRAGMENT) {
      // RFC 8200 §4.5: the offset is the high 13 bits of bytes 2–3.
      if ((((buf[at + 2]! << 8) | buf[at + 3]!) & 0xfff8) !== 0) return false;
      length = 8;
    } else if (next === AUTHENTICATION) {
      length = (buf[at + 1]! + 2) * 4;
    } else {
      return false;
    }
    next = buf[at]!;
    at += length;
  }
  return false;
}

/** The TCP part, `buf[tcp, tcpEnd)` a TCP segment; independent of the IP version. */
function clampSegment(buf: Uint8Array, tcp: number, tcpEnd: number, maxMss: number): boolean {
  if (tcpEnd - tcp < 20 || (buf[tcp + 13]! & SYN) === 0) return false;
  const optionsEnd = tcp + (buf[tcp + 12]! >>> 4) * 4;
  if (optionsEnd < tcp + 20 || optionsEnd > tcpEnd) return false;
  let changed = false;
  let i = tcp + 20;
  while (i < optionsEnd) {
    const kind = buf[i]!;
    if (kind === OPT_EOL) break;
    if (kind === OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= optionsEnd) break;
    const length = buf[i + 1]!;
    if (length < 2 || i + length > optionsEnd) break;
    if (kind === OPT_MSS) {
      if (length !== 4) break;
      const mss = (buf[i + 2]! << 8) | buf[i + 3]!;
      if (mss > maxMss) {
        buf[i + 2] = maxMss >>> 8;
        buf[i + 3] = maxMss & 0xff;
        // The checksum sums 16-bit words from the start of the segment (the pseudo-header is
        // 12 bytes, IPv6 40, even): at an odd offset the value straddles two words, and its bytes count
        // swapped (RFC 1071 §2(B), byte order independence).
        const odd = ((i + 2 - tcp) & 1) === 1;
        updateChecksum(buf, tcp + 16, odd ? swap16(mss) : mss, odd ? swap16(maxMss) : maxMss);
        changed = true;
      }
    }
    i += length;
  }
  return changed;
}

/** Swaps the bytes of a 16-bit value. */
function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/**
 * RFC 1624 eqn. 3, `HC' = ~(~HC + ~m + m')`, for the checksum at `buf[at, at + 2)` when one
 * 16-bit word changes from `m` to `m2`, with the end-around carry folded back. Unlike eqn. 2 it
 * gives the checksum a full recomputation gives, 0x0000 included (RFC 1624 §3–§5): the sum
 * folds to 0 only when `~HC`, `~m` and `m2` are all 0, and a computed TCP checksum is never
 * 0xFFFF (that needs an all-zero segment and pseudo-header, whose protocol field is 6).
 */
function updateChecksum(buf: Uint8Array, at: number, m: number, m2: number): void {
  const hc = (buf[at]! << 8) | buf[at + 1]!;
  let sum = (~hc & 0xffff) + (~m & 0xffff) + m2;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  const result = ~sum & 0xffff;
  buf[at] = result >>> 8;
  buf[at + 1] = result & 0xff;
}
