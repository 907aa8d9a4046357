/**
 * Addresses and prefixes of either family, as rtnetlink takes them: the family is read from
 * the text (a colon means IPv6), the bytes are in network order.
 *
 * @module
 */
import { ipv4Bytes, ipv4FromBytes, parseIpv4Prefix } from './ipv4.js';
import { ipv6Bytes, ipv6FromBytes } from './ipv6.js';

/** An address family: `ipv4` (`AF_INET`) or `ipv6` (`AF_INET6`). */
export type AddressFamily = 'ipv4' | 'ipv6';

/** `AF_INET` and `AF_INET6` (`linux/socket.h`), by family. */
export const familyNumber: { readonly ipv4: 2; readonly ipv6: 10 } = { ipv4: 2, ipv6: 10 };

/** The family a textual address or prefix belongs to. */
export function familyOf(text: string): AddressFamily {
  return text.includes(':') ? 'ipv6' : 'ipv4';
}

/** Address length in bits. */
export function addressBits(family: AddressFamily): 32 | 128 {
  return family === 'ipv4' ? 32 : 128;
}

/** The network-order bytes of an address of either family; throws `RangeError` when malformed. */
export function addressBytes(text: string): Uint8Array {
  return familyOf(text) === 'ipv4' ? ipv4Bytes(text) : ipv6Bytes(text);
}

/** The text of 4 or 16 network-order bytes; throws `RangeError` on another length. */
export function addressFromBytes(bytes: Uint8Array): string {
  return bytes.length === 16 ? ipv6FromBytes(bytes) : ipv4FromBytes(bytes);
}

/** A route destination or address prefix. */
export interface IpPrefix {
  /** Its family. */
  readonly family: AddressFamily;
  /** The network address, in network order. */
  readonly bytes: Uint8Array;
  /** Prefix length: 0–32 or 0–128. */
  readonly length: number;
}

/**
 * Parses `address/len` of either family (a bare address means a host prefix). Host bits must
 * be zero, as the kernel requires for a route destination; throws `RangeError` otherwise.
 */
export function parsePrefix(text: string): IpPrefix {
  if (familyOf(text) === 'ipv4') {
    const prefix = parseIpv4Prefix(text);
    return { family: 'ipv4', bytes: ipv4Bytes(prefix.address), length: prefix.length };
  }
  const slash = text.indexOf('/');
  const lengthText = slash < 0 ? '128' : text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(lengthText) || Number(lengthText) > 128) {
    throw new RangeError(`not an IPv6 prefix: ${JSON.stringify(text)}`);
  }
  const length = Number(lengthText);
  const bytes = ipv6Bytes(slash < 0 ? text : text.slice(0, slash));
  for (let bit = length; bit < 128; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) {
      throw new RangeError(`prefix ${text} has host bits set`);
    }
  }
  return { family: 'ipv6', bytes, length };
}

/** Formats a prefix as `address/len` (IPv6 in RFC 5952 form). */
export function formatPrefix(bytes: Uint8Array, length: number): string {
  return `${addressFromBytes(bytes)}/${length}`;
}

/** A prefix's canonical text (`10.0.0.0/8`, `2001:db8::/32`); a bare address gets its full length. */
export function canonicalPrefix(text: string): string {
  const prefix = parsePrefix(text);
  return formatPrefix(prefix.bytes, prefix.length);
}
