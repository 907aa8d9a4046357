/**
 * rtnetlink messages, pure: the requests this package sends and the replies it reads, for
 * links (`struct ifinfomsg`, `linux/rtnetlink.h`; `IFLA_*`, `linux/if_link.h`), addresses
 * (`struct ifaddrmsg`, `IFA_*`, `linux/if_addr.h`), routes (`struct rtmsg`, `RTA_*`,
 * `RTAX_*`, `linux/rtnetlink.h`) and proxy neighbour entries (`struct ndmsg`, `NDA_*`,
 * `NTF_*`, `NUD_*`, `linux/neighbour.h`), IPv4 and IPv6. Requests are laid out as iproute2 lays out the
 * same command (the unit tests compare them byte for byte with `ip`'s own).
 *
 * @module
 */
import {
  type Attribute,
  decodeAttributes,
  encodeMessage,
  littleEndian,
  NetlinkFlag,
  type NetlinkMessage,
  readString,
  readU32,
  stringAttribute,
  u32Attribute,
} from './netlink-message.js';

/** rtnetlink message types (`RTM_*`). */
export const RtmType: {
  readonly newLink: 16;
  readonly getLink: 18;
  readonly newAddress: 20;
  readonly deleteAddress: 21;
  readonly getAddress: 22;
  readonly newRoute: 24;
  readonly deleteRoute: 25;
  readonly getRoute: 26;
  readonly newNeighbour: 28;
  readonly deleteNeighbour: 29;
  readonly getNeighbour: 30;
} = {
  newLink: 16,
  getLink: 18,
  newAddress: 20,
  deleteAddress: 21,
  getAddress: 22,
  newRoute: 24,
  deleteRoute: 25,
  getRoute: 26,
  newNeighbour: 28,
  deleteNeighbour: 29,
  getNeighbour: 30,
};

/** `IFLA_*` attributes used here. */
export const Ifla: { readonly ifname: 3; readonly mtu: 4; readonly extMask: 29 } = {
  ifname: 3,
  mtu: 4,
  extMask: 29,
};

/** `IFA_*` attributes used here. */
export const Ifa: { readonly address: 1; readonly local: 2 } = { address: 1, local: 2 };

/** `RTA_*` attributes used here. */
export const Rta: {
  readonly dst: 1;
  readonly oif: 4;
  readonly gateway: 5;
  readonly priority: 6;
  readonly prefsrc: 7;
  readonly metrics: 8;
  readonly table: 15;
  readonly mark: 16;
} = { dst: 1, oif: 4, gateway: 5, priority: 6, prefsrc: 7, metrics: 8, table: 15, mark: 16 };

/** `NDA_*` attributes used here (`linux/neighbour.h`). */
export const Nda: { readonly dst: 1 } = { dst: 1 };

/** `NTF_PROXY` (`ndm_flags`, `linux/neighbour.h`): a proxy entry (`ip neigh add proxy`). */
export const NTF_PROXY = 0x08;
/** `NUD_PERMANENT` (`ndm_state`, `linux/neighbour.h`): the state `ip neigh add` sends by default. */
export const NUD_PERMANENT = 0x80;

/** `RTAX_MTU`, the path MTU inside `RTA_METRICS`. */
export const RTAX_MTU = 2;
/** `IFF_UP` (`linux/if.h`). */
export const IFF_UP = 1;
/** `RTN_UNICAST`: a plain route. */
export const RTN_UNICAST = 1;
/** Route types (`RTN_*`, `linux/rtnetlink.h`) this package writes and lists. */
export const RouteType: {
  readonly unicast: 1;
  readonly blackhole: 6;
  readonly unreachable: 7;
  readonly prohibit: 8;
} = { unicast: 1, blackhole: 6, unreachable: 7, prohibit: 8 };
/** `IFA_F_NODAD` (`ifa_flags`, `linux/if_addr.h`): no duplicate address detection (IPv6). */
export const IFA_F_NODAD = 0x02;
/** `RT_SCOPE_NOWHERE`: in an IPv4 delete, matches a route of any scope. */
const RT_SCOPE_NOWHERE = 255;
/** `RTM_F_LOOKUP_TABLE`: report the table the lookup matched in `rtm_table` (set by `ip -4 route get`). */
const RTM_F_LOOKUP_TABLE = 0x1000;
/** `RTEXT_FILTER_SKIP_STATS`: links without their counters (smaller replies). */
const RTEXT_FILTER_SKIP_STATS = 1 << 3;
/** `AF_INET`. */
const AF_INET = 2;
/** `AF_INET6`. */
const AF_INET6 = 10;

/**
 * An address attribute of `family`: `null` when absent, `undefined` when its length is not
 * the family's (4 or 16 bytes).
 */
function addressAttribute(
  attributes: ReadonlyMap<number, Uint8Array>,
  type: number,
  family: number,
): Uint8Array | null | undefined {
  const value = attributes.get(type);
  if (value === undefined) return null;
  const expected = family === AF_INET ? 4 : family === AF_INET6 ? 16 : -1;
  return value.length === expected ? value : undefined;
}

/** An `ifinfomsg` (16 bytes): family u8, pad, type u16, index i32, flags u32, change u32. */
function ifinfomsg(flags: number, change: number): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, flags, littleEndian);
  view.setUint32(12, change, littleEndian);
  return bytes;
}

/** An `ifaddrmsg` (8 bytes): family, prefixlen, flags, scope (u8 each), index u32. */
function ifaddrmsg(family: number, prefixLength: number, index: number, flags = 0): Uint8Array {
  const bytes = new Uint8Array(8);
  bytes[0] = family;
  bytes[1] = prefixLength;
  bytes[2] = flags;
  new DataView(bytes.buffer).setUint32(4, index, littleEndian);
  return bytes;
}

/**
 * An `ndmsg` (12 bytes): family u8, two pad bytes (u8, u16), ifindex i32, state u16,
 * flags u8, type u8.
 */
function ndmsg(family: number, index: number, state: number, flags: number): Uint8Array {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  bytes[0] = family;
  view.setUint32(4, index, littleEndian);
  view.setUint16(8, state, littleEndian);
  bytes[10] = flags;
  return bytes;
}

/** Fields of an `rtmsg` (12 bytes: eight u8, flags u32). */
interface RtmsgFields {
  readonly family: number;
  readonly dstLength?: number;
  readonly table?: number;
  readonly protocol?: number;
  readonly scope?: number;
  readonly type?: number;
  readonly flags?: number;
}

function rtmsg(fields: RtmsgFields): Uint8Array {
  const bytes = new Uint8Array(12);
  bytes[0] = fields.family;
  bytes[1] = fields.dstLength ?? 0;
  bytes[4] = fields.table ?? 0;
  bytes[5] = fields.protocol ?? 0;
  bytes[6] = fields.scope ?? 0;
  bytes[7] = fields.type ?? 0;
  new DataView(bytes.buffer).setUint32(8, fields.flags ?? 0, littleEndian);
  return bytes;
}

/** `RTM_GETLINK` for one interface by name (`IFLA_IFNAME`), statistics skipped. */
export function getLinkRequest(seq: number, name: string): Uint8Array {
  return encodeMessage({
    type: RtmType.getLink,
    flags: 0,
    seq,
    header: ifinfomsg(0, 0),
    attributes: [
      u32Attribute(Ifla.extMask, RTEXT_FILTER_SKIP_STATS),
      stringAttribute(Ifla.ifname, name),
    ],
  });
}

/** `RTM_GETLINK` dump of every interface, statistics skipped. */
export function dumpLinksRequest(seq: number): Uint8Array {
  return encodeMessage({
    type: RtmType.getLink,
    flags: NetlinkFlag.dump,
    seq,
    header: ifinfomsg(0, 0),
    attributes: [u32Attribute(Ifla.extMask, RTEXT_FILTER_SKIP_STATS)],
  });
}

/** A change to one interface, addressed by name. */
export interface LinkChange {
  /** Interface name. */
  readonly name: string;
  /** Set `IFF_UP` on or off; unchanged when absent. */
  readonly up?: boolean;
  /** New MTU; unchanged when absent. */
  readonly mtu?: number;
}

/** `RTM_NEWLINK` (acknowledged) changing an existing interface found by name. */
export function setLinkRequest(seq: number, change: LinkChange): Uint8Array {
  const attributes: Attribute[] = [stringAttribute(Ifla.ifname, change.name)];
  if (change.mtu !== undefined) attributes.push(u32Attribute(Ifla.mtu, change.mtu));
  return encodeMessage({
    type: RtmType.newLink,
    flags: NetlinkFlag.ack,
    seq,
    header: ifinfomsg(change.up === true ? IFF_UP : 0, change.up === undefined ? 0 : IFF_UP),
    attributes,
  });
}

/** An address to add or delete (`ip addr add LOCAL[/LEN] [peer PEER] dev INDEX`). */
export interface AddressFields {
  /** `AF_INET` or `AF_INET6`. */
  readonly family: number;
  /** Prefix length. */
  readonly prefixLength: number;
  /** Interface index. */
  readonly index: number;
  /** `IFA_LOCAL`: our address. */
  readonly local: Uint8Array;
  /** `IFA_ADDRESS`: the peer on a point-to-point link, else the same as local. */
  readonly address: Uint8Array;
  /** `ifa_flags` to add with (`IFA_F_NODAD`, as `ip addr add ... nodad` sends it); default 0. */
  readonly flags?: number;
}

/** `RTM_NEWADDR` (create, exclusive) or `RTM_DELADDR`, acknowledged. */
export function addressRequest(
  seq: number,
  kind: 'add' | 'delete',
  fields: AddressFields,
): Uint8Array {
  return encodeMessage({
    type: kind === 'add' ? RtmType.newAddress : RtmType.deleteAddress,
    flags:
      kind === 'add' ? NetlinkFlag.ack | NetlinkFlag.create | NetlinkFlag.excl : NetlinkFlag.ack,
    seq,
    header: ifaddrmsg(
      fields.family,
      fields.prefixLength,
      fields.index,
      kind === 'add' ? (fields.flags ?? 0) : 0,
    ),
    attributes: [
      { type: Ifa.local, value: fields.local },
      { type: Ifa.address, value: fields.address },
    ],
  });
}

/** `RTM_GETADDR` dump of one family's addresses. */
export function dumpAddressesRequest(seq: number, family: number): Uint8Array {
  return encodeMessage({
    type: RtmType.getAddress,
    flags: NetlinkFlag.dump,
    seq,
    header: ifaddrmsg(family, 0, 0),
    attributes: [],
  });
}

/** A route to add or delete, encoded. */
export interface RouteFields {
  /** `AF_INET` or `AF_INET6`. */
  readonly family: number;
  /** Destination network, network order (not sent for a prefix length of 0). */
  readonly destination: Uint8Array;
  /** Destination prefix length. */
  readonly destinationLength: number;
  /** Table id (above 255 it goes in `RTA_TABLE`). */
  readonly table: number;
  /** `RTPROT_*` (add only). */
  readonly protocol: number;
  /** `RT_SCOPE_*` (add only). */
  readonly scope: number;
  /** Next hop. */
  readonly gateway?: Uint8Array;
  /** Metric (`RTA_PRIORITY`), sent when non-zero. */
  readonly priority?: number;
  /** Preferred source. */
  readonly source?: Uint8Array;
  /** Output interface index. */
  readonly oif?: number;
  /** Path MTU metric (`RTA_METRICS` → `RTAX_MTU`). */
  readonly mtu?: number;
  /** `RTN_*` to add with (default {@link RTN_UNICAST}; a delete matches any type). */
  readonly type?: number;
}

/**
 * `RTM_NEWROUTE` (create, exclusive) or `RTM_DELROUTE`, acknowledged. A delete leaves protocol
 * and type unset, which match anything, and (IPv4) uses scope `RT_SCOPE_NOWHERE`, which matches
 * any scope; attributes come in iproute2's order.
 */
export function routeRequest(seq: number, kind: 'add' | 'delete', route: RouteFields): Uint8Array {
  const attributes: Attribute[] = [];
  if (route.table > 255) attributes.push(u32Attribute(Rta.table, route.table));
  if (route.destinationLength > 0) attributes.push({ type: Rta.dst, value: route.destination });
  if (route.gateway !== undefined) attributes.push({ type: Rta.gateway, value: route.gateway });
  if (route.priority !== undefined && route.priority !== 0)
    attributes.push(u32Attribute(Rta.priority, route.priority));
  if (route.source !== undefined) attributes.push({ type: Rta.prefsrc, value: route.source });
  if (route.oif !== undefined) attributes.push(u32Attribute(Rta.oif, route.oif));
  if (route.mtu !== undefined)
    attributes.push({ type: Rta.metrics, value: [u32Attribute(RTAX_MTU, route.mtu)] });
  const add = kind === 'add';
  return encodeMessage({
    type: add ? RtmType.newRoute : RtmType.deleteRoute,
    flags: add ? NetlinkFlag.ack | NetlinkFlag.create | NetlinkFlag.excl : NetlinkFlag.ack,
    seq,
    header: rtmsg({
      family: route.family,
      dstLength: route.destinationLength,
      table: route.table > 255 ? 0 : route.table,
      ...(add
        ? { protocol: route.protocol, scope: route.scope, type: route.type ?? RTN_UNICAST }
        : { scope: route.family === AF_INET ? RT_SCOPE_NOWHERE : 0 }),
    }),
    attributes,
  });
}

/** `RTM_GETROUTE` dump of one family's routes (every table). */
export function dumpRoutesRequest(seq: number, family: number): Uint8Array {
  return encodeMessage({
    type: RtmType.getRoute,
    flags: NetlinkFlag.dump,
    seq,
    header: rtmsg({ family }),
    attributes: [],
  });
}

/** `RTM_GETROUTE` for one destination (`ip route get`); IPv4 asks for the matched table. */
export function routeLookupRequest(
  seq: number,
  family: number,
  destination: Uint8Array,
  mark?: number,
): Uint8Array {
  return encodeMessage({
    type: RtmType.getRoute,
    flags: 0,
    seq,
    header: rtmsg({
      family,
      dstLength: destination.length * 8,
      flags: family === AF_INET ? RTM_F_LOOKUP_TABLE : 0,
    }),
    attributes: [
      { type: Rta.dst, value: destination },
      ...(mark === undefined ? [] : [u32Attribute(Rta.mark, mark)]),
    ],
  });
}

/** An interface as `RTM_NEWLINK` describes it. */
export interface LinkMessage {
  /** `ifi_index`. */
  readonly index: number;
  /** `ifi_flags` (`IFF_*`). */
  readonly flags: number;
  /** `IFLA_IFNAME`. */
  readonly name?: string;
  /** `IFLA_MTU`. */
  readonly mtu?: number;
}

/** Decodes an `RTM_NEWLINK`; `undefined` when malformed. */
export function decodeLink(message: NetlinkMessage): LinkMessage | undefined {
  if (message.body.length < 16) return undefined;
  const attributes = decodeAttributes(message.body.subarray(16));
  const index = readU32(message.body, 4);
  const flags = readU32(message.body, 8);
  if (attributes === undefined || index === undefined || flags === undefined) return undefined;
  const name = attributes.get(Ifla.ifname);
  const mtu = readU32(attributes.get(Ifla.mtu));
  return {
    index,
    flags,
    ...(name === undefined ? {} : { name: readString(name) }),
    ...(mtu === undefined ? {} : { mtu }),
  };
}

/** An address as `RTM_NEWADDR` describes it. */
export interface AddressMessage {
  /** `ifa_family`. */
  readonly family: number;
  /** `ifa_prefixlen`. */
  readonly prefixLength: number;
  /** `ifa_scope`. */
  readonly scope: number;
  /** `ifa_index`. */
  readonly index: number;
  /** `IFA_ADDRESS` (the peer on a point-to-point link). */
  readonly address?: Uint8Array;
  /** `IFA_LOCAL` (IPv6 often sends only `IFA_ADDRESS`). */
  readonly local?: Uint8Array;
}

/** Decodes an `RTM_NEWADDR`; `undefined` when malformed (an address of the wrong length included). */
export function decodeAddress(message: NetlinkMessage): AddressMessage | undefined {
  const body = message.body;
  if (body.length < 8) return undefined;
  const attributes = decodeAttributes(body.subarray(8));
  const index = readU32(body, 4);
  if (attributes === undefined || index === undefined) return undefined;
  const family = body[0]!;
  const address = addressAttribute(attributes, Ifa.address, family);
  const local = addressAttribute(attributes, Ifa.local, family);
  if (address === undefined || local === undefined) return undefined;
  return {
    family,
    prefixLength: body[1]!,
    scope: body[3]!,
    index,
    ...(address === null ? {} : { address }),
    ...(local === null ? {} : { local }),
  };
}

/** A route as `RTM_NEWROUTE` describes it (a table entry, or a lookup result). */
export interface RouteMessage {
  /** `rtm_family`. */
  readonly family: number;
  /** `rtm_dst_len`. */
  readonly destinationLength: number;
  /** `RTA_TABLE` when present (tables above 255), else `rtm_table`. */
  readonly table: number;
  /** `rtm_protocol`. */
  readonly protocol: number;
  /** `rtm_scope`. */
  readonly scope: number;
  /** `rtm_type` (`RTN_*`). */
  readonly type: number;
  /** `RTA_DST` (absent for a default route). */
  readonly destination?: Uint8Array;
  /** `RTA_GATEWAY`. */
  readonly gateway?: Uint8Array;
  /** `RTA_OIF`. */
  readonly oif?: number;
  /** `RTA_PRIORITY`. */
  readonly priority?: number;
  /** `RTA_PREFSRC`. */
  readonly source?: Uint8Array;
  /** `RTAX_MTU` inside `RTA_METRICS`: the route's MTU, or the cached path MTU of a lookup. */
  readonly mtu?: number;
}

/** Decodes an `RTM_NEWROUTE`; `undefined` when malformed (an address of the wrong length included). */
export function decodeRoute(message: NetlinkMessage): RouteMessage | undefined {
  const body = message.body;
  if (body.length < 12) return undefined;
  const attributes = decodeAttributes(body.subarray(12));
  if (attributes === undefined) return undefined;
  const metricsBytes = attributes.get(Rta.metrics);
  const metrics = metricsBytes === undefined ? undefined : decodeAttributes(metricsBytes);
  if (metricsBytes !== undefined && metrics === undefined) return undefined;
  const family = body[0]!;
  const destination = addressAttribute(attributes, Rta.dst, family);
  const gateway = addressAttribute(attributes, Rta.gateway, family);
  const source = addressAttribute(attributes, Rta.prefsrc, family);
  if (destination === undefined || gateway === undefined || source === undefined) return undefined;
  const oif = readU32(attributes.get(Rta.oif));
  const priority = readU32(attributes.get(Rta.priority));
  const mtu = readU32(metrics?.get(RTAX_MTU));
  return {
    family,
    destinationLength: body[1]!,
    table: readU32(attributes.get(Rta.table)) ?? body[4]!,
    protocol: body[5]!,
    scope: body[6]!,
    type: body[7]!,
    ...(destination === null ? {} : { destination }),
    ...(gateway === null ? {} : { gateway }),
    ...(oif === undefined ? {} : { oif }),
    ...(priority === undefined ? {} : { priority }),
    ...(source === null ? {} : { source }),
    ...(mtu === undefined || mtu === 0 ? {} : { mtu }),
  };
}

/** A proxy neighbour entry to add or delete (`ip neigh add|del proxy ADDRESS dev INDEX`). */
export interface NeighbourProxyFields {
  /** `AF_INET` or `AF_INET6`. */
  readonly family: number;
  /** Interface index. */
  readonly index: number;
  /** `NDA_DST`: the address answered for, network order. */
  readonly address: Uint8Array;
}

/**
 * `RTM_NEWNEIGH` (create, exclusive) or `RTM_DELNEIGH`, acknowledged, with `NTF_PROXY` and
 * state `NUD_PERMANENT` as iproute2 sends both.
 */
export function neighbourProxyRequest(
  seq: number,
  kind: 'add' | 'delete',
  fields: NeighbourProxyFields,
): Uint8Array {
  const add = kind === 'add';
  return encodeMessage({
    type: add ? RtmType.newNeighbour : RtmType.deleteNeighbour,
    flags: add ? NetlinkFlag.ack | NetlinkFlag.create | NetlinkFlag.excl : NetlinkFlag.ack,
    seq,
    header: ndmsg(fields.family, fields.index, NUD_PERMANENT, NTF_PROXY),
    attributes: [{ type: Nda.dst, value: fields.address }],
  });
}

/** `RTM_GETNEIGH` dump of one family's proxy entries (`ndm_flags` `NTF_PROXY` selects them). */
export function dumpNeighbourProxiesRequest(seq: number, family: number): Uint8Array {
  return encodeMessage({
    type: RtmType.getNeighbour,
    flags: NetlinkFlag.dump,
    seq,
    header: ndmsg(family, 0, 0, NTF_PROXY),
    attributes: [],
  });
}

/** A neighbour entry as `RTM_NEWNEIGH` describes it. */
export interface NeighbourMessage {
  /** `ndm_family`. */
  readonly family: number;
  /** `ndm_ifindex` (0 for a proxy entry on no interface). */
  readonly index: number;
  /** `ndm_state` (`NUD_*`). */
  readonly state: number;
  /** `ndm_flags` (`NTF_*`; proxy entries carry `NTF_PROXY`). */
  readonly flags: number;
  /** `NDA_DST`. */
  readonly destination?: Uint8Array;
}

/** Decodes an `RTM_NEWNEIGH`; `undefined` when malformed (an address of the wrong length included). */
export function decodeNeighbour(message: NetlinkMessage): NeighbourMessage | undefined {
  const body = message.body;
  if (body.length < 12) return undefined;
  const attributes = decodeAttributes(body.subarray(12));
  const index = readU32(body, 4);
  if (attributes === undefined || index === undefined) return undefined;
  const family = body[0]!;
  const destination = addressAttribute(attributes, Nda.dst, family);
  if (destination === undefined) return undefined;
  return {
    family,
    index,
    state: body[8]! | (body[9]! << 8),
    flags: body[10]!,
    ...(destination === null ? {} : { destination }),
  };
}
