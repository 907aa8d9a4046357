/**
 * IPv4 addresses in the forms rtnetlink and the raw socket take (four network-order bytes), and
 * `a.b.c.d/len` prefixes. Dotted quads are parsed and formatted by `@pptpkit/wire`.
 *
 * @module
 */
import { formatIpv4, parseIpv4 } from '@pptpkit/wire';

/** An IPv4 prefix: network address (host bits zero) and length. */
export interface Ipv4Prefix {
  /** Network address in dotted-quad form. */
  readonly address: string;
  /** Prefix length, 0 to 32. */
  readonly length: number;
}

/** Parses a dotted quad (`parseIpv4` of `@pptpkit/wire`); throws `RangeError` when malformed. */
export function requireIpv4(text: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw new RangeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  return value;
}

/** The four bytes of an address, network order; throws `RangeError` when malformed. */
export function ipv4Bytes(text: string): Uint8Array {
  const value = requireIpv4(text);
  return Uint8Array.of(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
}

/** Formats four network-order bytes as `a.b.c.d`; throws `RangeError` on another length. */
export function ipv4FromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 4) throw new RangeError(`expected 4 address bytes, got ${bytes.length}`);
  return formatIpv4(((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0);
}

/**
 * Parses `a.b.c.d/len` (or a bare address, meaning `/32`). Host bits must be zero, as the
 * kernel requires for a route destination; throws `RangeError` otherwise.
 */
export function parseIpv4Prefix(text: string): Ipv4Prefix {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const lengthText = slash < 0 ? '32' : text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lengthText) || Number(lengthText) > 32) {
    throw new RangeError(`not an IPv4 prefix: ${JSON.stringify(text)}`);
  }
  const length = Number(lengthText);
  const value = requireIpv4(address);
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  if ((value & ~mask) >>> 0 !== 0) {
    throw new RangeError(
      `prefix ${text} has host bits set (network is ${formatIpv4((value & mask) >>> 0)}/${length})`,
    );
  }
  return { address, length };
}
