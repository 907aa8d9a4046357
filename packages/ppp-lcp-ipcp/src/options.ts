/**
 * Typed views of the configuration options pptpkit understands, with encode/decode between them
 * and {@link RawOption}. Unknown options stay raw so a Configure-Reject can echo them
 * byte-for-byte.
 *
 * @module
 */
import { DecodeError } from '@pptpkit/wire';
import { IPCP_OPTION, IPV6CP_OPTION, LCP_OPTION } from './constants.js';
import type { PppErrorCode } from './errors.js';
import type { RawOption } from './packet.js';

/** An LCP option (RFC 1661 §6, RFC 1662 §7.1). */
export type LcpOption =
  | { readonly type: 'mru'; readonly mru: number }
  | { readonly type: 'accm'; readonly accm: number }
  | { readonly type: 'auth'; readonly protocol: number; readonly data: Uint8Array }
  | { readonly type: 'quality'; readonly protocol: number; readonly data: Uint8Array }
  | { readonly type: 'magic'; readonly magic: number }
  | { readonly type: 'pfc' }
  | { readonly type: 'acfc' }
  | { readonly type: 'unknown'; readonly raw: RawOption };

/** An IPCP option (RFC 1332 §3, RFC 1877). Addresses are 32-bit unsigned integers. */
export type IpcpOption =
  | { readonly type: 'address'; readonly address: number }
  | { readonly type: 'compression'; readonly protocol: number; readonly data: Uint8Array }
  | { readonly type: 'dns1' | 'dns2' | 'nbns1' | 'nbns2'; readonly address: number }
  | { readonly type: 'unknown'; readonly raw: RawOption };

/** An IPv6CP option (RFC 5072 §4). */
export type Ipv6cpOption =
  | { readonly type: 'interface-id'; readonly id: Uint8Array }
  | { readonly type: 'compression'; readonly protocol: number; readonly data: Uint8Array }
  | { readonly type: 'unknown'; readonly raw: RawOption };

function badLength(type: number, length: number, expected: string): DecodeError<PppErrorCode> {
  return new DecodeError<PppErrorCode>(
    'PPP_BAD_OPTION',
    `option ${type} has ${length} data octets, expected ${expected}`,
    {
      offset: 1,
      field: 'option length',
      type,
    },
  );
}

function u16(d: Uint8Array, at: number): number {
  return (d[at]! << 8) | d[at + 1]!;
}

function u32(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
}

function be16(v: number): Uint8Array {
  return Uint8Array.of(v >>> 8, v & 0xff);
}

function be32(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function exact(raw: RawOption, n: number): void {
  if (raw.data.length !== n) throw badLength(raw.type, raw.data.length, String(n));
}

function atLeast(raw: RawOption, n: number): void {
  if (raw.data.length < n) throw badLength(raw.type, raw.data.length, `at least ${n}`);
}

/**
 * Interprets a raw LCP option. Types pptpkit does not implement come back as `unknown`.
 *
 * @throws DecodeError `PPP_BAD_OPTION` when a known option has the wrong length.
 */
export function decodeLcpOption(raw: RawOption): LcpOption {
  const d = raw.data;
  switch (raw.type) {
    case LCP_OPTION.MRU:
      exact(raw, 2);
      return { type: 'mru', mru: u16(d, 0) };
    case LCP_OPTION.ACCM:
      exact(raw, 4);
      return { type: 'accm', accm: u32(d, 0) };
    case LCP_OPTION.AUTH_PROTOCOL:
      atLeast(raw, 2);
      return { type: 'auth', protocol: u16(d, 0), data: d.subarray(2) };
    case LCP_OPTION.QUALITY_PROTOCOL:
      atLeast(raw, 2);
      return { type: 'quality', protocol: u16(d, 0), data: d.subarray(2) };
    case LCP_OPTION.MAGIC_NUMBER:
      exact(raw, 4);
      return { type: 'magic', magic: u32(d, 0) };
    case LCP_OPTION.PFC:
      exact(raw, 0);
      return { type: 'pfc' };
    case LCP_OPTION.ACFC:
      exact(raw, 0);
      return { type: 'acfc' };
    default:
      return { type: 'unknown', raw };
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Encodes a typed LCP option to its raw form. */
export function encodeLcpOption(option: LcpOption): RawOption {
  switch (option.type) {
    case 'mru':
      return { type: LCP_OPTION.MRU, data: be16(option.mru) };
    case 'accm':
      return { type: LCP_OPTION.ACCM, data: be32(option.accm) };
    case 'auth':
      return { type: LCP_OPTION.AUTH_PROTOCOL, data: concat(be16(option.protocol), option.data) };
    case 'quality':
      return {
        type: LCP_OPTION.QUALITY_PROTOCOL,
        data: concat(be16(option.protocol), option.data),
      };
    case 'magic':
      return { type: LCP_OPTION.MAGIC_NUMBER, data: be32(option.magic) };
    case 'pfc':
      return { type: LCP_OPTION.PFC, data: new Uint8Array(0) };
    case 'acfc':
      return { type: LCP_OPTION.ACFC, data: new Uint8Array(0) };
    case 'unknown':
      return option.raw;
  }
}

const IPCP_ADDRESS_TYPES = {
  [IPCP_OPTION.PRIMARY_DNS]: 'dns1',
  [IPCP_OPTION.SECONDARY_DNS]: 'dns2',
  [IPCP_OPTION.PRIMARY_NBNS]: 'nbns1',
  [IPCP_OPTION.SECONDARY_NBNS]: 'nbns2',
} as const;

const IPCP_ADDRESS_CODES = { dns1: 129, dns2: 131, nbns1: 130, nbns2: 132 } as const;

/**
 * Interprets a raw IPCP option.
 *
 * @throws DecodeError `PPP_BAD_OPTION` when a known option has the wrong length.
 */
export function decodeIpcpOption(raw: RawOption): IpcpOption {
  const d = raw.data;
  switch (raw.type) {
    case IPCP_OPTION.IP_ADDRESS:
      exact(raw, 4);
      return { type: 'address', address: u32(d, 0) };
    case IPCP_OPTION.IP_COMPRESSION:
      atLeast(raw, 2);
      return { type: 'compression', protocol: u16(d, 0), data: d.subarray(2) };
    case IPCP_OPTION.PRIMARY_DNS:
    case IPCP_OPTION.SECONDARY_DNS:
    case IPCP_OPTION.PRIMARY_NBNS:
    case IPCP_OPTION.SECONDARY_NBNS:
      exact(raw, 4);
      return { type: IPCP_ADDRESS_TYPES[raw.type], address: u32(d, 0) };
    default:
      return { type: 'unknown', raw };
  }
}

/** Encodes a typed IPCP option to its raw form. */
export function encodeIpcpOption(option: IpcpOption): RawOption {
  switch (option.type) {
    case 'address':
      return { type: IPCP_OPTION.IP_ADDRESS, data: be32(option.address) };
    case 'compression':
      return { type: IPCP_OPTION.IP_COMPRESSION, data: concat(be16(option.protocol), option.data) };
    case 'dns1':
    case 'dns2':
    case 'nbns1':
    case 'nbns2':
      return { type: IPCP_ADDRESS_CODES[option.type], data: be32(option.address) };
    case 'unknown':
      return option.raw;
  }
}

/**
 * Interprets a raw IPv6CP option.
 *
 * @throws DecodeError `PPP_BAD_OPTION` when a known option has the wrong length.
 */
export function decodeIpv6cpOption(raw: RawOption): Ipv6cpOption {
  switch (raw.type) {
    case IPV6CP_OPTION.INTERFACE_IDENTIFIER:
      exact(raw, 8);
      return { type: 'interface-id', id: raw.data };
    case IPV6CP_OPTION.IPV6_COMPRESSION:
      atLeast(raw, 2);
      return { type: 'compression', protocol: u16(raw.data, 0), data: raw.data.subarray(2) };
    default:
      return { type: 'unknown', raw };
  }
}

/** Encodes a typed IPv6CP option to its raw form. */
export function encodeIpv6cpOption(option: Ipv6cpOption): RawOption {
  switch (option.type) {
    case 'interface-id':
      if (option.id.length !== 8) throw new RangeError('interface identifier must be 8 octets');
      return { type: IPV6CP_OPTION.INTERFACE_IDENTIFIER, data: option.id };
    case 'compression':
      return {
        type: IPV6CP_OPTION.IPV6_COMPRESSION,
        data: concat(be16(option.protocol), option.data),
      };
    case 'unknown':
      return option.raw;
  }
}
