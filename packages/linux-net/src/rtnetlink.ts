/**
 * A small typed rtnetlink API: links, point-to-point addresses, routes, route lookups and
 * proxy neighbour entries, IPv4 and IPv6 (the family is read from the addresses). Messages are encoded and decoded in
 * TypeScript (`rtnetlink-codec.ts`) and exchanged over the addon's netlink socket. Creates are
 * sent with NLM_F_CREATE | NLM_F_EXCL (so an existing object is an error, not silently
 * replaced) and IPv4 route deletes with scope RT_SCOPE_NOWHERE (which matches a route of any
 * scope).
 *
 * @module
 */
import { nativeAddon } from './addon.js';
import {
  closedError,
  errnoNumber,
  errorFromErrno,
  errorFromNative,
  LinuxNetError,
} from './errors.js';
import {
  type AddressFamily,
  addressBits,
  addressBytes,
  addressFromBytes,
  familyNumber,
  familyOf,
  formatPrefix,
  parsePrefix,
} from './ip-address.js';
import { type NetlinkAnswer, NetlinkConnection } from './netlink-connection.js';
import type { NetlinkMessage } from './netlink-message.js';
import {
  addressRequest,
  decodeAddress,
  decodeLink,
  decodeNeighbour,
  decodeRoute,
  dumpAddressesRequest,
  dumpLinksRequest,
  dumpNeighbourProxiesRequest,
  dumpRoutesRequest,
  getLinkRequest,
  IFA_F_NODAD,
  IFF_UP,
  NTF_PROXY,
  neighbourProxyRequest,
  type RouteFields,
  RouteType,
  routeLookupRequest,
  routeRequest,
  setLinkRequest,
} from './rtnetlink-codec.js';
import { checkedMark } from './socket-options.js';

export type { AddressFamily } from './ip-address.js';

/** `NETLINK_ROUTE`. */
const NETLINK_ROUTE = 0;

/** Well-known routing table ids (`/etc/iproute2/rt_tables`). */
export const RouteTable: { readonly main: 254; readonly local: 255; readonly default: 253 } = {
  main: 254,
  local: 255,
  default: 253,
};

/** Route scopes (`RT_SCOPE_*`). */
export const RouteScope: {
  readonly universe: 0;
  readonly site: 200;
  readonly link: 253;
  readonly host: 254;
  readonly nowhere: 255;
} = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };

/** Route protocols (`RTPROT_*`) this package writes or commonly reads. */
export const RouteProtocol: {
  readonly kernel: 2;
  readonly boot: 3;
  readonly static: 4;
  readonly dhcp: 16;
} = { kernel: 2, boot: 3, static: 4, dhcp: 16 };

/**
 * What a route does with a packet (`RTN_*`): `unicast` forwards it; the reject types drop it,
 * `unreachable` and `prohibit` answering with an ICMP error (`ip route get` fails with
 * `ENETUNREACH` / `EACCES`), `blackhole` silently.
 */
export type RouteKind = 'unicast' | 'unreachable' | 'blackhole' | 'prohibit';

/** A route to add or delete, IPv4 or IPv6 (every address in it of the same family). */
export interface RouteSpec {
  /**
   * Destination prefix `a.b.c.d/len` or `x:x::/len` (a bare address means a host route);
   * host bits must be zero.
   */
  readonly destination: string;
  /** Next-hop gateway. */
  readonly gateway?: string;
  /** Output interface name. At least one of `gateway` and `device` is needed to add. */
  readonly device?: string;
  /** Route metric (priority); lower wins. Default 0 (IPv6: the kernel then uses 1024). */
  readonly metric?: number;
  /** Routing table id (default {@link RouteTable}.main). */
  readonly table?: number;
  /** `RTPROT_*` to add with (default {@link RouteProtocol}.boot, like `ip route add`). */
  readonly protocol?: number;
  /** Scope to add with (default universe with a gateway, link without; IPv6: universe). */
  readonly scope?: number;
  /** Preferred source address. */
  readonly source?: string;
  /** MTU metric (`ip route add ... mtu N`), 68 to 65535. */
  readonly mtu?: number;
  /**
   * The route's type (default `unicast`). A reject type needs neither gateway nor device (the
   * kernel lists an IPv6 one on `lo`); a delete matches any type.
   */
  readonly type?: RouteKind;
}

/** A route as read from the kernel's table. */
export interface RouteInfo extends RouteSpec {
  /** Metric (0 when the kernel reports none). */
  readonly metric: number;
  /** Table id. */
  readonly table: number;
  /** `RTPROT_*`. */
  readonly protocol: number;
  /** `RT_SCOPE_*`. */
  readonly scope: number;
  /** Output interface index, when the route has one. */
  readonly ifindex?: number;
}

/** Where a route sends traffic: a gateway, a device, or both. */
export interface RouteVia {
  /** Next-hop gateway. */
  readonly gateway?: string;
  /** Output interface name. */
  readonly device?: string;
}

/** Result of a route lookup (`ip route get`). */
export interface RouteLookup {
  /** The address looked up. */
  readonly destination: string;
  /** The gateway the kernel would use, if not on-link. */
  readonly gateway?: string;
  /** The output interface (its MTU: {@link Rtnetlink.link}). */
  readonly device: string;
  /** Its index. */
  readonly ifindex: number;
  /** The source address the kernel would pick. */
  readonly source?: string;
  /**
   * The path MTU, when the kernel reports one: a path MTU it learnt (ICMP "fragmentation
   * needed", ICMPv6 "packet too big") and caches for this destination, or the matching route's
   * `mtu` metric (`RTA_METRICS` → `RTAX_MTU`; `ip route get` prints it as `mtu`).
   */
  readonly mtu?: number;
}

/** The current default route. */
export interface DefaultRoute {
  /** Gateway, unless the default route is a device route (as on a point-to-point link). */
  readonly gateway?: string;
  /** Output interface. */
  readonly device: string;
  /** Its index. */
  readonly ifindex: number;
  /** Metric (0 when none). */
  readonly metric: number;
}

/** A network interface. */
export interface LinkInfo {
  /** Interface index. */
  readonly index: number;
  /** Name. */
  readonly name: string;
  /** MTU. */
  readonly mtu: number;
  /** Administratively up (`IFF_UP`). */
  readonly up: boolean;
}

/**
 * A point-to-point address (`ip addr add LOCAL peer PEER dev DEVICE`), IPv4 or IPv6 (both
 * addresses of the same family).
 */
export interface PointToPointAddress {
  /** Interface name. */
  readonly device: string;
  /** Our address. */
  readonly local: string;
  /** The peer's address. */
  readonly peer: string;
  /** Prefix length of the peer (default 32, IPv6 128). */
  readonly prefixLength?: number;
  /**
   * IPv6: add without duplicate address detection (`IFA_F_NODAD`, `ip addr add ... nodad`), so
   * the address is usable at once instead of "tentative" for a second or more; on a
   * point-to-point link whose identifiers were just negotiated (RFC 5072 §4.1) there is no one
   * to collide with. Ignored by a delete.
   */
  readonly noDad?: boolean;
}

/** An address as read from the kernel. */
export interface AddressInfo {
  /** Interface name. */
  readonly device: string;
  /** Our address (`IFA_LOCAL`, else `IFA_ADDRESS`). */
  readonly local: string;
  /** Peer (point-to-point) or same as local (`IFA_ADDRESS`). */
  readonly address: string;
  /** Prefix length. */
  readonly prefixLength: number;
}

/**
 * A proxy neighbour entry (`ip neigh add proxy ADDRESS dev DEVICE`): the host answers ARP
 * requests (IPv6: neighbour solicitations) for `address` arriving on `device`, as a PPTP
 * server's `proxyarp` does for a client's address. The kernel answers an IPv4 request only
 * with forwarding enabled on `device` and the route to `address` leaving by another interface.
 */
export interface NeighbourProxy {
  /** Interface name. */
  readonly device: string;
  /** The address answered for, IPv4 or IPv6. */
  readonly address: string;
}

/** Options of {@link openRtnetlink}. */
export interface RtnetlinkOptions {
  /** Per-request timeout in milliseconds (default 5000). */
  readonly timeoutMs?: number;
}

/** Options of {@link Rtnetlink.routeTo}. */
export interface RouteLookupOptions {
  /** The packets' `SO_MARK` (policy routing by `ip rule fwmark`); absent: unmarked. */
  readonly mark?: number;
}

/**
 * The operations pptpkit needs from rtnetlink. Addresses and routes of either family: the
 * family of a change is that of its addresses; reads take a family (default `ipv4`).
 */
export interface Rtnetlink {
  /**
   * The main table's unicast default route (`0.0.0.0/0` or `::/0`) with the lowest metric, or
   * `undefined`.
   */
  defaultRoute(family?: AddressFamily): Promise<DefaultRoute | undefined>;
  /**
   * The route the kernel would use to reach `host`, IPv4 or IPv6 (like `ip route get HOST`), for
   * packets carrying `options.mark` (`SO_MARK`; like `ip route get HOST mark N`) when given.
   */
  routeTo(host: string, options?: RouteLookupOptions): Promise<RouteLookup>;
  /**
   * The routes of a table (default main) and family (default `ipv4`): unicast ones and those of
   * the reject types (`type` set), not the local, broadcast or multicast ones.
   */
  routes(table?: number, family?: AddressFamily): Promise<RouteInfo[]>;
  /** An interface by name; `LINUXNET_NOT_FOUND` when there is none. */
  link(name: string): Promise<LinkInfo>;
  /** Sets an interface administratively up or down. */
  setLinkUp(name: string, up: boolean): Promise<void>;
  /** Sets an interface's MTU. */
  setMtu(name: string, mtu: number): Promise<void>;
  /** The addresses of a family (default `ipv4`), optionally of one interface. */
  addresses(device?: string, family?: AddressFamily): Promise<AddressInfo[]>;
  /** Adds a point-to-point address (`LINUXNET_EXISTS` if present). */
  addPointToPointAddress(address: PointToPointAddress): Promise<void>;
  /** Deletes a point-to-point address (`LINUXNET_NOT_FOUND` if absent). */
  deletePointToPointAddress(address: PointToPointAddress): Promise<void>;
  /**
   * The proxy neighbour entries of a family (default `ipv4`), optionally of one interface
   * (entries on no interface, `ip neigh add proxy X` without `dev`, are left out).
   */
  neighbourProxies(device?: string, family?: AddressFamily): Promise<NeighbourProxy[]>;
  /**
   * Adds a proxy neighbour entry (`LINUXNET_EXISTS` if present: checked with a dump first,
   * since the kernel accepts a duplicate proxy entry silently, `NLM_F_EXCL` or not).
   */
  addNeighbourProxy(proxy: NeighbourProxy): Promise<void>;
  /** Deletes a proxy neighbour entry (`LINUXNET_NOT_FOUND` if absent). */
  deleteNeighbourProxy(proxy: NeighbourProxy): Promise<void>;
  /** Adds a route (`LINUXNET_EXISTS` if an equal one is present). */
  addRoute(route: RouteSpec): Promise<void>;
  /** Deletes a route; unset fields match anything (`LINUXNET_NOT_FOUND` if none matches). */
  deleteRoute(route: RouteSpec): Promise<void>;
  /** Closes the netlink socket; any later call rejects with `LINUXNET_CLOSED`. */
  close(): void;
}

/** A host route (`/32`, IPv6 `/128`) to `host`. */
export function hostRoute(host: string, via: RouteVia): RouteSpec {
  return { destination: `${host}/${addressBits(familyOf(host))}`, ...via };
}

/** The two routes `0.0.0.0/1` and `128.0.0.0/1` that override a default route without replacing it. */
export function splitDefaultRoutes(via: RouteVia): readonly [RouteSpec, RouteSpec] {
  return [
    { destination: '0.0.0.0/1', ...via },
    { destination: '128.0.0.0/1', ...via },
  ];
}

/** A default route (`0.0.0.0/0`) with a metric. */
export function defaultRouteSpec(via: RouteVia, metric = 0): RouteSpec {
  return { destination: '0.0.0.0/0', ...via, metric };
}

/** Opens an rtnetlink socket in the calling thread's network namespace. */
export function openRtnetlink(options: RtnetlinkOptions = {}): Rtnetlink {
  const addon = nativeAddon();
  let fd: number;
  try {
    fd = addon.openNetlink(NETLINK_ROUTE);
  } catch (error) {
    throw errorFromNative(error, { operation: 'openRtnetlink', capability: 'CAP_NET_ADMIN' });
  }
  const connection = new NetlinkConnection(
    {
      send: (request) => addon.netlinkSend(fd, request),
      receive: (buffer, timeoutMs) => addon.netlinkReceive(fd, buffer, timeoutMs),
    },
    { timeoutMs: options.timeoutMs ?? 5000 },
  );
  return new KernelRtnetlink(connection, () => addon.closeFd(fd));
}

/** Non-secret context for an error. */
type Details = Readonly<Record<string, string | number | undefined>>;

/** The error for a reply that could not be decoded. */
function malformed(operation: string, details: Details): LinuxNetError {
  return errorFromErrno(errnoNumber('EPROTO') ?? 71, 'rtnetlink', {
    operation,
    capability: 'CAP_NET_ADMIN',
    extra: { ...details, reason: 'malformed reply' },
  });
}

/** Checks that every address of a change has the family of its first. */
function sameFamily(family: AddressFamily, what: string, address: string | undefined): void {
  if (address !== undefined && familyOf(address) !== family) {
    throw new RangeError(`${what} ${address} is not ${family} like the rest`);
  }
}

class KernelRtnetlink implements Rtnetlink {
  #connection: NetlinkConnection | undefined;
  readonly #closeSocket: () => void;

  constructor(connection: NetlinkConnection, closeSocket: () => void) {
    this.#connection = connection;
    this.#closeSocket = closeSocket;
  }

  /** One exchange; a failure becomes the package's error for `operation`. */
  #exchange(
    operation: string,
    details: Details,
    build: (seq: number) => Uint8Array,
    answer: NetlinkAnswer,
  ): readonly NetlinkMessage[] {
    if (this.#connection === undefined) throw closedError(operation);
    const result = this.#connection.exchange(build, answer);
    if (result.errno === 0 && 'messages' in result) return result.messages;
    const kernelMessage = 'kernelMessage' in result ? result.kernelMessage : undefined;
    const syscall = 'syscall' in result ? result.syscall : undefined;
    throw errorFromErrno(result.errno, syscall ?? 'rtnetlink', {
      operation,
      capability: 'CAP_NET_ADMIN',
      extra: { ...details, ...(kernelMessage === undefined ? {} : { kernelMessage }) },
    });
  }

  #linkNames(operation: string): Map<number, string> {
    const names = new Map<number, string>();
    for (const message of this.#exchange(operation, {}, dumpLinksRequest, 'dump')) {
      const link = decodeLink(message);
      if (link === undefined) throw malformed(operation, {});
      if (link.name !== undefined) names.set(link.index, link.name);
    }
    return names;
  }

  async link(name: string): Promise<LinkInfo> {
    return this.#link('link', name);
  }

  #link(operation: string, name: string): LinkInfo {
    let messages: readonly NetlinkMessage[];
    try {
      messages = this.#exchange(
        operation,
        { device: name },
        (seq) => getLinkRequest(seq, name),
        'reply',
      );
    } catch (error) {
      if (error instanceof LinuxNetError && error.code === 'LINUXNET_NOT_FOUND') {
        throw new LinuxNetError('LINUXNET_NOT_FOUND', `no interface named ${name}`, {
          operation,
          device: name,
        });
      }
      throw error;
    }
    const link = messages[0] === undefined ? undefined : decodeLink(messages[0]);
    if (link === undefined) throw malformed(operation, { device: name });
    return { index: link.index, name, mtu: link.mtu ?? 0, up: (link.flags & IFF_UP) !== 0 };
  }

  async setLinkUp(name: string, up: boolean): Promise<void> {
    this.#exchange(
      'setLinkUp',
      { device: name },
      (seq) => setLinkRequest(seq, { name, up }),
      'ack',
    );
  }

  async setMtu(name: string, mtu: number): Promise<void> {
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
      throw new RangeError('mtu must be an integer from 68 to 65535');
    this.#exchange(
      'setMtu',
      { device: name, mtu },
      (seq) => setLinkRequest(seq, { name, mtu }),
      'ack',
    );
  }

  async addresses(device?: string, family: AddressFamily = 'ipv4'): Promise<AddressInfo[]> {
    const names = this.#linkNames('addresses');
    const messages = this.#exchange(
      'addresses',
      { family },
      (seq) => dumpAddressesRequest(seq, familyNumber[family]),
      'dump',
    );
    const result: AddressInfo[] = [];
    for (const message of messages) {
      const decoded = decodeAddress(message);
      if (decoded === undefined) throw malformed('addresses', { family });
      const name = names.get(decoded.index);
      if (decoded.family !== familyNumber[family] || name === undefined) continue;
      if (device !== undefined && name !== device) continue;
      const local = decoded.local ?? decoded.address;
      const address = decoded.address ?? decoded.local;
      if (local === undefined || address === undefined) continue;
      result.push({
        device: name,
        local: addressFromBytes(local),
        address: addressFromBytes(address),
        prefixLength: decoded.prefixLength,
      });
    }
    return result;
  }

  #address(kind: 'add' | 'delete', address: PointToPointAddress): void {
    const family = familyOf(address.local);
    sameFamily(family, 'peer', address.peer);
    const local = addressBytes(address.local);
    const peer = addressBytes(address.peer);
    const prefixLength = address.prefixLength ?? addressBits(family);
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > addressBits(family))
      throw new RangeError(`prefixLength must be an integer from 0 to ${addressBits(family)}`);
    const operation = kind === 'add' ? 'addPointToPointAddress' : 'deletePointToPointAddress';
    const index = this.#link(operation, address.device).index;
    const fields = {
      family: familyNumber[family],
      prefixLength,
      index,
      local,
      address: peer,
      ...(address.noDad === true ? { flags: IFA_F_NODAD } : {}),
    };
    this.#exchange(
      operation,
      { device: address.device, local: address.local, peer: address.peer },
      (seq) => addressRequest(seq, kind, fields),
      'ack',
    );
  }

  async addPointToPointAddress(address: PointToPointAddress): Promise<void> {
    this.#address('add', address);
  }

  async deletePointToPointAddress(address: PointToPointAddress): Promise<void> {
    this.#address('delete', address);
  }

  async neighbourProxies(
    device?: string,
    family: AddressFamily = 'ipv4',
  ): Promise<NeighbourProxy[]> {
    return this.#neighbourProxies('neighbourProxies', device, family);
  }

  #neighbourProxies(
    operation: string,
    device: string | undefined,
    family: AddressFamily,
  ): NeighbourProxy[] {
    const names = this.#linkNames(operation);
    const messages = this.#exchange(
      operation,
      { family },
      (seq) => dumpNeighbourProxiesRequest(seq, familyNumber[family]),
      'dump',
    );
    const result: NeighbourProxy[] = [];
    for (const message of messages) {
      const decoded = decodeNeighbour(message);
      if (decoded === undefined) throw malformed(operation, { family });
      const name = names.get(decoded.index);
      if (
        decoded.family !== familyNumber[family] ||
        (decoded.flags & NTF_PROXY) === 0 ||
        decoded.destination === undefined ||
        name === undefined
      )
        continue;
      if (device !== undefined && name !== device) continue;
      result.push({ device: name, address: addressFromBytes(decoded.destination) });
    }
    return result;
  }

  #neighbourProxy(kind: 'add' | 'delete', proxy: NeighbourProxy): void {
    const family = familyOf(proxy.address);
    const address = addressBytes(proxy.address);
    const operation = kind === 'add' ? 'addNeighbourProxy' : 'deleteNeighbourProxy';
    const details = { device: proxy.device, address: proxy.address };
    const index = this.#link(operation, proxy.device).index;
    if (kind === 'add') {
      const text = addressFromBytes(address);
      const present = this.#neighbourProxies(operation, proxy.device, family);
      if (present.some((entry) => entry.address === text)) {
        throw errorFromErrno(errnoNumber('EEXIST') ?? 17, 'rtnetlink', {
          operation,
          capability: 'CAP_NET_ADMIN',
          extra: details,
        });
      }
    }
    this.#exchange(
      operation,
      details,
      (seq) => neighbourProxyRequest(seq, kind, { family: familyNumber[family], index, address }),
      'ack',
    );
  }

  async addNeighbourProxy(proxy: NeighbourProxy): Promise<void> {
    this.#neighbourProxy('add', proxy);
  }

  async deleteNeighbourProxy(proxy: NeighbourProxy): Promise<void> {
    this.#neighbourProxy('delete', proxy);
  }

  #routeFields(operation: string, route: RouteSpec, forDelete: boolean): RouteFields {
    const prefix = parsePrefix(route.destination);
    sameFamily(prefix.family, 'gateway', route.gateway);
    sameFamily(prefix.family, 'source', route.source);
    const metric = route.metric ?? 0;
    if (!Number.isInteger(metric) || metric < 0 || metric > 0xffffffff)
      throw new RangeError('metric must be a 32-bit unsigned integer');
    if (
      route.mtu !== undefined &&
      (!Number.isInteger(route.mtu) || route.mtu < 68 || route.mtu > 65535)
    )
      throw new RangeError('mtu must be an integer from 68 to 65535');
    const kind = route.type ?? 'unicast';
    const unicast = kind === 'unicast';
    if (!forDelete && unicast && route.gateway === undefined && route.device === undefined) {
      throw new TypeError('a route needs a gateway, a device or both');
    }
    const ipv4 = prefix.family === 'ipv4';
    return {
      family: familyNumber[prefix.family],
      destination: prefix.bytes,
      destinationLength: prefix.length,
      table: route.table ?? RouteTable.main,
      protocol: route.protocol ?? RouteProtocol.boot,
      scope:
        route.scope ??
        (ipv4 && unicast && route.gateway === undefined ? RouteScope.link : RouteScope.universe),
      ...(route.gateway === undefined ? {} : { gateway: addressBytes(route.gateway) }),
      priority: metric,
      ...(route.source === undefined ? {} : { source: addressBytes(route.source) }),
      ...(route.device === undefined ? {} : { oif: this.#link(operation, route.device).index }),
      ...(route.mtu === undefined ? {} : { mtu: route.mtu }),
      ...(unicast ? {} : { type: RouteType[kind] }),
    };
  }

  async addRoute(route: RouteSpec): Promise<void> {
    const fields = this.#routeFields('addRoute', route, false);
    this.#exchange(
      'addRoute',
      routeDetails(route),
      (seq) => routeRequest(seq, 'add', fields),
      'ack',
    );
  }

  async deleteRoute(route: RouteSpec): Promise<void> {
    const fields = this.#routeFields('deleteRoute', route, true);
    this.#exchange(
      'deleteRoute',
      routeDetails(route),
      (seq) => routeRequest(seq, 'delete', fields),
      'ack',
    );
  }

  async routes(
    table: number = RouteTable.main,
    family: AddressFamily = 'ipv4',
  ): Promise<RouteInfo[]> {
    const names = this.#linkNames('routes');
    const messages = this.#exchange(
      'routes',
      { table, family },
      (seq) => dumpRoutesRequest(seq, familyNumber[family]),
      'dump',
    );
    const result: RouteInfo[] = [];
    for (const message of messages) {
      const route = decodeRoute(message);
      if (route === undefined) throw malformed('routes', { table, family });
      const kind = ROUTE_KINDS.get(route.type);
      if (route.family !== familyNumber[family] || route.table !== table || kind === undefined)
        continue;
      const destination = formatPrefix(
        route.destination ?? new Uint8Array(addressBits(family) / 8),
        route.destinationLength,
      );
      const device = route.oif === undefined ? undefined : names.get(route.oif);
      result.push({
        destination,
        ...(route.gateway === undefined ? {} : { gateway: addressFromBytes(route.gateway) }),
        ...(device === undefined ? {} : { device }),
        ...(route.oif === undefined ? {} : { ifindex: route.oif }),
        ...(route.source === undefined ? {} : { source: addressFromBytes(route.source) }),
        ...(route.mtu === undefined ? {} : { mtu: route.mtu }),
        metric: route.priority ?? 0,
        table: route.table,
        protocol: route.protocol,
        scope: route.scope,
        ...(kind === 'unicast' ? {} : { type: kind }),
      });
    }
    return result;
  }

  async defaultRoute(family: AddressFamily = 'ipv4'): Promise<DefaultRoute | undefined> {
    let best: RouteInfo | undefined;
    for (const route of await this.routes(RouteTable.main, family)) {
      if (!route.destination.endsWith('/0') || route.device === undefined) continue;
      if (route.type !== undefined) continue;
      if (best === undefined || route.metric < best.metric) best = route;
    }
    if (best?.device === undefined || best.ifindex === undefined) return undefined;
    return {
      ...(best.gateway === undefined ? {} : { gateway: best.gateway }),
      device: best.device,
      ifindex: best.ifindex,
      metric: best.metric,
    };
  }

  async routeTo(host: string, options: RouteLookupOptions = {}): Promise<RouteLookup> {
    const family = familyOf(host);
    const destination = addressBytes(host);
    const mark = options.mark === undefined ? undefined : checkedMark(options.mark);
    const messages = this.#exchange(
      'routeTo',
      { destination: host },
      (seq) => routeLookupRequest(seq, familyNumber[family], destination, mark),
      'reply',
    );
    const route = messages[0] === undefined ? undefined : decodeRoute(messages[0]);
    if (messages[0] !== undefined && route === undefined)
      throw malformed('routeTo', { destination: host });
    const device = route?.oif === undefined ? undefined : this.#linkNames('routeTo').get(route.oif);
    if (route?.oif === undefined || device === undefined) {
      throw new LinuxNetError('LINUXNET_NO_ROUTE', `routeTo: no route to ${host}`, {
        operation: 'routeTo',
        destination: host,
      });
    }
    return {
      destination: host,
      ...(route.gateway === undefined ? {} : { gateway: addressFromBytes(route.gateway) }),
      device,
      ifindex: route.oif,
      ...(route.source === undefined ? {} : { source: addressFromBytes(route.source) }),
      ...(route.mtu === undefined ? {} : { mtu: route.mtu }),
    };
  }

  close(): void {
    if (this.#connection === undefined) return;
    this.#connection = undefined;
    this.#closeSocket();
  }
}

/** The route types {@link Rtnetlink.routes} lists, by `RTN_*` number. */
const ROUTE_KINDS: ReadonlyMap<number, RouteKind> = new Map(
  (Object.keys(RouteType) as RouteKind[]).map((kind) => [RouteType[kind], kind]),
);

/** Non-secret details of a route for errors. */
function routeDetails(route: RouteSpec): Details {
  return {
    destination: route.destination,
    gateway: route.gateway,
    device: route.device,
    metric: route.metric,
  };
}
