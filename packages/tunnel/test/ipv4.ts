/** Test IPv4 packets with valid checksums (the data path verifies them). */

function checksum(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return 0xffff - s;
}

/**
 * An ICMP/IPv4 packet from `src` to `dst` carrying `payload` as its ICMP message (its bytes 2–3
 * become the ICMP checksum when it is 4 bytes or longer), with valid header and ICMP checksums.
 */
export function ipv4Packet(
  payload: readonly number[] | Uint8Array,
  src = '192.168.77.10',
  dst = '192.168.77.1',
): Uint8Array {
  const p = new Uint8Array(20 + payload.length);
  p[0] = 0x45;
  p[2] = p.length >> 8;
  p[3] = p.length & 0xff;
  p[8] = 64;
  p[9] = 1;
  p.set(src.split('.').map(Number), 12);
  p.set(dst.split('.').map(Number), 16);
  p.set(payload, 20);
  const h = checksum(p, 0, 20);
  p[10] = h >> 8;
  p[11] = h & 0xff;
  if (payload.length >= 4) {
    p[22] = 0;
    p[23] = 0;
    const c = checksum(p, 20, p.length);
    p[22] = c >> 8;
    p[23] = c & 0xff;
  }
  return p;
}
