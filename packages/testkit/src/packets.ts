/**
 * Test IP packets that say who sent them: an IPv4/UDP datagram with valid checksums whose
 * payload carries a direction tag and a sequence number.
 *
 * @module
 */

const sum16 = (b: Uint8Array, start: number, end: number, initial = 0): number => {
  let s = initial;
  for (let i = start; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if ((end - start) % 2 === 1) s += b[end - 1]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
};

/**
 * A UDP/IPv4 datagram from `src` to `dst` whose payload is `size` bytes: a 4-byte sequence
 * number, then a pattern derived from it. Both checksums are valid (RFC 791, RFC 768).
 */
export function udpPacket(src: string, dst: string, sequence: number, size = 64): Uint8Array {
  const p = new Uint8Array(28 + Math.max(4, size));
  p[0] = 0x45;
  p[2] = p.length >> 8;
  p[3] = p.length & 0xff;
  p[6] = 0x40; // Don't Fragment
  p[8] = 64;
  p[9] = 17;
  p.set(src.split('.').map(Number), 12);
  p.set(dst.split('.').map(Number), 16);
  const header = 0xffff - sum16(p, 0, 20);
  p[10] = header >> 8;
  p[11] = header & 0xff;
  const udpLength = p.length - 20;
  p[20] = 0x30;
  p[21] = 0x39;
  p[22] = 0x30;
  p[23] = 0x39;
  p[24] = udpLength >> 8;
  p[25] = udpLength & 0xff;
  new DataView(p.buffer).setUint32(28, sequence >>> 0);
  for (let i = 32; i < p.length; i++) p[i] = (sequence * 31 + i * 7) & 0xff;
  const pseudo = sum16(p, 12, 20, 17 + udpLength);
  const udp = 0xffff - sum16(p, 20, p.length, pseudo);
  p[26] = (udp || 0xffff) >> 8;
  p[27] = (udp || 0xffff) & 0xff;
  return p;
}

/** The sequence number of a packet built by {@link udpPacket}. */
export function sequenceOf(packet: Uint8Array): number {
  return new DataView(packet.buffer, packet.byteOffset).getUint32(28);
}
