/**
 * ICMP echo requests built in-process for the load generator's tunnels, and recognising the
 * replies (RFC 792 echo, in an RFC 791 IPv4 header without options).
 */
import { parseIpv4 } from '@pptpkit/wire';

const IP_HEADER = 20;
const ICMP_HEADER = 8;

/** The RFC 1071 Internet checksum of `b[start, end)`. */
function checksum(b: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i += 2) sum += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const address = (text: string): number => {
  const n = parseIpv4(text);
  if (n === undefined) throw new RangeError(`not a dotted quad: ${text}`);
  return n;
};

/**
 * An IPv4 ICMP echo request from `src` to `dst` with identifier `id`, sequence `sequence` and
 * `payload` bytes of data (a counting pattern); checksums filled in.
 */
export function echoRequest(
  src: string,
  dst: string,
  id: number,
  sequence: number,
  payload = 56,
): Uint8Array {
  const p = new Uint8Array(IP_HEADER + ICMP_HEADER + payload);
  const v = new DataView(p.buffer);
  p[0] = 0x45;
  v.setUint16(2, p.length);
  v.setUint16(4, sequence & 0xffff);
  p[8] = 64;
  p[9] = 1;
  v.setUint32(12, address(src));
  v.setUint32(16, address(dst));
  v.setUint16(10, checksum(p, 0, IP_HEADER));
  p[IP_HEADER] = 8;
  v.setUint16(IP_HEADER + 4, id & 0xffff);
  v.setUint16(IP_HEADER + 6, sequence & 0xffff);
  for (let i = 0; i < payload; i++) p[IP_HEADER + ICMP_HEADER + i] = i & 0xff;
  v.setUint16(IP_HEADER + 2, checksum(p, IP_HEADER, p.length));
  return p;
}

/**
 * The identifier of the ICMP echo reply in `b[start, end)`, or -1 when it is something else
 * (not IPv4, not ICMP, not an echo reply, or its ICMP checksum is wrong).
 */
export function echoReplyId(b: Uint8Array, start: number, end: number): number {
  if (end - start < IP_HEADER + ICMP_HEADER || b[start]! >> 4 !== 4) return -1;
  const ihl = (b[start]! & 0x0f) * 4;
  const icmp = start + ihl;
  if (b[start + 9] !== 1 || end - icmp < ICMP_HEADER || b[icmp] !== 0) return -1;
  if (checksum(b, icmp, end) !== 0) return -1;
  return (b[icmp + 4]! << 8) | b[icmp + 5]!;
}
