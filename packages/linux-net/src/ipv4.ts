/**
 * Dotted-quad IPv4 addresses and `a.b.c.d/len` prefixes, as 32-bit unsigned numbers.
 *
 * @module
 */

/** An IPv4 prefix: network address (host bits zero) and length. */
export interface Ipv4Prefix {
  /** Network address in dotted-quad form. */
  readonly address: string;
  /** Prefix length, 0 to 32. */
  readonly length: number;
}

const dottedQuad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses `a.b.c.d` into a 32-bit unsigned number; throws `RangeError` when malformed. */
export function parseIpv4(text: string): number {
  const match = dottedQuad.exec(text);
  if (match === null) throw new RangeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = match[i] ?? '';
    const octet = Number(part);
    if (octet > 255 || (part.length > 1 && part.startsWith('0'))) {
      throw new RangeError(`not an IPv4 address: ${JSON.stringify(text)}`);
    }
    value = value * 256 + octet;
  }
  return value;
}

/** Formats a 32-bit unsigned number as `a.b.c.d`. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The four bytes of an address, network order. */
export function ipv4Bytes(text: string): Uint8Array {
  const value = parseIpv4(text);
  return Uint8Array.of(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
}

/** Formats four network-order bytes as `a.b.c.d`; throws `RangeError` on another length. */
export function ipv4FromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 4) throw new RangeError(`expected 4 address bytes, got ${bytes.length}`);
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
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
  const value = parseIpv4(address);
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  if ((value & ~mask) >>> 0 !== 0) {
    throw new RangeError(
      `prefix ${text} has host bits set (network is ${formatIpv4((value & mask) >>> 0)}/${length})`,
    );
  }
  return { address, length };
}

/** Formats a prefix as `a.b.c.d/len`. */
export function formatIpv4Prefix(prefix: Ipv4Prefix): string {
  return `${prefix.address}/${prefix.length}`;
}
