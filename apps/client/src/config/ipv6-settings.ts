import { ipv6FromBytes, parseIpv6 } from '@pptpkit/linux-net';
import type { Ipv6cpConfig } from '@pptpkit/ppp-lcp-ipcp';
import { parseIpv4 } from '@pptpkit/wire';
import { type ConfigLocation, configError } from './config-error.js';

/** What the IPv6 options say (pppd's ipv6cp.c options, plus pptpkit's `ipv6-leak-block`). */
export interface Ipv6Settings {
  /** Negotiate IPv6CP (`+ipv6`, or `ipv6 L,R`; `noipv6`/`-ipv6` clear it). */
  enabled: boolean;
  /** Our interface identifier (`ipv6 ::L,`), 8 bytes. */
  local?: Uint8Array;
  /** The identifier the server must use (`ipv6 ,::R`), 8 bytes. */
  remote?: Uint8Array;
  /** Take the server's idea of our identifier although `local` is set (`ipv6cp-accept-local`). */
  acceptLocal: boolean;
  /** Let the server use its own identifier although `remote` is set (`ipv6cp-accept-remote`). */
  acceptRemote: boolean;
  /**
   * Without `ipv6 L,R`: the identifiers from the IPv4 addresses of a `local:remote` option, in
   * their low 32 bits (`ipv6cp-use-ipaddr`).
   */
  useIpaddr: boolean;
  /**
   * Without `ipv6 L,R`: our identifier from the first Ethernet interface's MAC address, as
   * modified EUI-64 (`ipv6cp-use-persistent`; RFC 5072 §4.1, RFC 4291 Appendix A).
   */
  usePersistent: boolean;
  /** `::/0` through the tunnel once IPv6CP is up, unless one exists (`defaultroute6`). */
  defaultRoute: boolean;
  /**
   * pptpkit's own `ipv6-leak-block`: while the tunnel carries the IPv4 default traffic and no
   * IPv6 default route goes through it, an `unreachable ::/0` route of metric 1 keeps IPv6 from
   * leaving around the tunnel.
   */
  leakBlock: boolean;
  /** Script run when IPv6CP comes up (`ipv6-up-script`; default `/etc/ppp/ipv6-up`). */
  upScript?: string;
  /** Script run when it goes down (`ipv6-down-script`; default `/etc/ppp/ipv6-down`). */
  downScript?: string;
}

/** The link-local address of an interface identifier: `fe80::` + it (RFC 5072 §5), RFC 5952 text. */
export function linkLocal(id: Uint8Array): string {
  return ipv6FromBytes(Uint8Array.from([0xfe, 0x80, 0, 0, 0, 0, 0, 0, ...id]));
}

/** The IPv6 settings before any option: IPv6CP off, as pppd. */
export function defaultIpv6Settings(): Ipv6Settings {
  return {
    enabled: false,
    acceptLocal: false,
    acceptRemote: false,
    useIpaddr: false,
    usePersistent: false,
    defaultRoute: false,
    leakBlock: false,
  };
}

/**
 * An interface identifier as pppd's `ipv6` option writes it: an IPv6 address whose upper 64 bits
 * are zero and lower 64 bits not (`::1234:5678`, `::1:2:3:4`); its lower 8 bytes.
 */
function identifier(text: string, at: ConfigLocation, side: string): Uint8Array {
  const bytes = parseIpv6(text);
  if (
    bytes === undefined ||
    bytes.subarray(0, 8).some((b) => b !== 0) ||
    bytes.subarray(8).every((b) => b === 0)
  ) {
    throw configError(
      'CONFIG_BAD_VALUE',
      at,
      'ipv6',
      `'${text}' is not an interface identifier (${side}): write it as ::x:x:x:x, not zero`,
    );
  }
  return bytes.slice(8);
}

/** `ipv6 LOCAL,REMOTE` (either may be empty): sets the identifiers given and enables IPv6CP. */
export function applyIpv6Identifiers(s: Ipv6Settings, word: string, at: ConfigLocation): void {
  const comma = word.indexOf(',');
  const local = comma < 0 ? word : word.slice(0, comma);
  const remote = comma < 0 ? '' : word.slice(comma + 1);
  if (local !== '') s.local = identifier(local, at, 'local');
  if (remote !== '') s.remote = identifier(remote, at, 'remote');
  s.enabled = true;
}

/** An identifier holding an IPv4 address in its low 32 bits (`ipv6cp-use-ipaddr`). */
function fromIpv4(address: string | undefined): Uint8Array | undefined {
  const n = address === undefined ? undefined : parseIpv4(address);
  if (n === undefined || n === 0) return undefined;
  const id = new Uint8Array(8);
  new DataView(id.buffer).setUint32(4, n);
  return id;
}

/**
 * A modified EUI-64 interface identifier from a 48-bit MAC address (`aa:bb:cc:dd:ee:ff`), as
 * pppd's `ipv6cp-use-persistent` makes it: `ff:fe` in the middle and the universal/local bit
 * set (RFC 4291 Appendix A); `undefined` for anything but six non-zero bytes.
 */
export function persistentIdentifier(mac: string): Uint8Array | undefined {
  const parts = mac.trim().split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  const b = parts.map((p) => Number.parseInt(p, 16));
  if (b.every((x) => x === 0)) return undefined;
  return Uint8Array.of(b[0]! | 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!);
}

/**
 * The tunnel's IPv6CP settings for a peer, or `undefined` when IPv6CP is off. pppd's order: the
 * `ipv6` option's identifiers first; else `ipv6cp-use-persistent` (only when neither identifier
 * is given) for ours; else `ipv6cp-use-ipaddr` from the `local:remote` IPv4 addresses; an
 * identifier so chosen is insisted on like a given one (no accept-local/-remote unless asked).
 *
 * @param firstMac - the MAC address of the host's first Ethernet interface, for
 *   `ipv6cp-use-persistent` (absent: none, and a random identifier is used as pppd does).
 */
export function ipv6cpConfig(
  s: Ipv6Settings,
  ipv4: { readonly localAddress?: string; readonly remoteAddress?: string },
  firstMac?: string,
): Ipv6cpConfig | undefined {
  if (!s.enabled) return undefined;
  let local = s.local;
  let remote = s.remote;
  if (s.usePersistent && local === undefined && remote === undefined && firstMac !== undefined)
    local = persistentIdentifier(firstMac);
  if (s.useIpaddr) {
    local ??= fromIpv4(ipv4.localAddress);
    remote ??= fromIpv4(ipv4.remoteAddress);
  }
  return {
    ...(local === undefined ? {} : { local }),
    ...(remote === undefined ? {} : { remote }),
    ...(s.acceptLocal ? { acceptLocal: true } : {}),
    ...(s.acceptRemote ? { acceptRemote: true } : {}),
  };
}
