/** Builders and parsers of the IPv4/UDP and GRE packets the integration tests send. */
import { isIpv4Datagram } from '@pptpkit/wire';
import { ipv4Bytes, ipv4FromBytes } from '../src/ipv4.js';

/** RFC 1071 Internet checksum of `bytes`. */
export function internetChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An IPv4 packet (RFC 791, no options) carrying UDP (RFC 768, checksum 0 = none). */
export function udpPacket(
  source: string,
  destination: string,
  sourcePort: number,
  destinationPort: number,
  payload: Uint8Array,
): Uint8Array {
  const total = 20 + 8 + payload.length;
  const packet = new Uint8Array(total);
  const view = new DataView(packet.buffer);
  packet[0] = 0x45;
  view.setUint16(2, total);
  view.setUint16(4, 0x1234);
  packet[8] = 64;
  packet[9] = 17;
  packet.set(ipv4Bytes(source), 12);
  packet.set(ipv4Bytes(destination), 16);
  view.setUint16(10, internetChecksum(packet.subarray(0, 20)));
  view.setUint16(20, sourcePort);
  view.setUint16(22, destinationPort);
  view.setUint16(24, 8 + payload.length);
  packet.set(payload, 28);
  return packet;
}

/** The fields of an IPv4/UDP packet the tests check. */
export interface ParsedUdp {
  readonly source: string;
  readonly destination: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
}

/** Parses an IPv4/UDP packet, or returns undefined for anything else (IPv6, ICMP, ...). */
export function parseUdp(packet: Uint8Array): ParsedUdp | undefined {
  if (packet.length < 28 || !isIpv4Datagram(packet, 0, packet.length) || packet[9] !== 17)
    return undefined;
  const headerLength = (packet[0]! & 0x0f) * 4;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (internetChecksum(packet.subarray(0, headerLength)) !== 0)
    throw new Error('bad IPv4 header checksum');
  const udpLength = view.getUint16(headerLength + 4);
  return {
    source: ipv4FromBytes(packet.subarray(12, 16)),
    destination: ipv4FromBytes(packet.subarray(16, 20)),
    sourcePort: view.getUint16(headerLength),
    destinationPort: view.getUint16(headerLength + 2),
    payload: packet.slice(headerLength + 8, headerLength + udpLength),
  };
}

/**
 * An enhanced GRE packet (RFC 2637 §4.1): key + sequence present, protocol 0x880B, key =
 * payload length and call id.
 */
export function grePacket(callId: number, sequence: number, payload: Uint8Array): Uint8Array {
  const packet = new Uint8Array(12 + payload.length);
  const view = new DataView(packet.buffer);
  view.setUint16(0, 0x3001);
  view.setUint16(2, 0x880b);
  view.setUint16(4, payload.length);
  view.setUint16(6, callId);
  view.setUint32(8, sequence);
  packet.set(payload, 12);
  return packet;
}

/** Deterministic payload bytes for packet `index` of length `length`. */
export function payloadFor(index: number, length: number): Uint8Array {
  const payload = new Uint8Array(length);
  for (let i = 0; i < length; i++) payload[i] = (index * 31 + i * 7) & 0xff;
  return payload;
}

/** Packs packets into one buffer with offsets and lengths, as `writeBatch` takes them. */
export function packBatch(packets: readonly Uint8Array[]): {
  buffer: Uint8Array;
  offsets: Uint32Array;
  lengths: Uint32Array;
} {
  const total = packets.reduce((sum, p) => sum + p.length, 0);
  const buffer = new Uint8Array(total);
  const offsets = new Uint32Array(packets.length);
  const lengths = new Uint32Array(packets.length);
  let at = 0;
  packets.forEach((p, i) => {
    buffer.set(p, at);
    offsets[i] = at;
    lengths[i] = p.length;
    at += p.length;
  });
  return { buffer, offsets, lengths };
}
