/**
 * The one structural check of an IPv4 datagram (RFC 791 §3.1) that the data path applies to
 * what it reads from the TUN and to what it decrypts before writing it there.
 *
 * @module
 */

/** The smallest IPv4 header: IHL 5, 20 bytes (RFC 791 §3.1). */
const MIN_HEADER_LENGTH = 20;

/**
 * Whether `buf[start, end)` holds a well-formed IPv4 datagram (RFC 791 §3.1): version 4, an
 * Internet Header Length of at least 5 words, and a Total Length no smaller than the header and
 * no larger than the bytes given (bytes past the Total Length, such as link padding, are
 * allowed). The header checksum, options and fragment fields are not examined. Allocation-free
 * and never throws on the bytes' content.
 *
 * @throws RangeError when `start`/`end` are not a range inside `buf` (programmer misuse).
 */
export function isIpv4Datagram(buf: Uint8Array, start: number, end: number): boolean {
  if (!(start >= 0 && start <= end && end <= buf.length)) {
    throw new RangeError(`bad range [${start}, ${end}) in ${buf.length} bytes`);
  }
  const available = end - start;
  if (available < MIN_HEADER_LENGTH) return false;
  const first = buf[start]!;
  const headerLength = (first & 0x0f) * 4;
  const totalLength = (buf[start + 2]! << 8) | buf[start + 3]!;
  return (
    first >>> 4 === 4 &&
    headerLength >= MIN_HEADER_LENGTH &&
    totalLength >= headerLength &&
    totalLength <= available
  );
}
