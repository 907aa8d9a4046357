/**
 * A small typed rtnetlink API (links, point-to-point addresses, IPv4 routes, route lookups)
 * over `netlink@0.3.0`, which stays hidden behind it. Creates are sent with NLM_F_CREATE |
 * NLM_F_EXCL (so an existing object is an error, not silently replaced) and route deletes with
 * scope RT_SCOPE_NOWHERE (which matches a route of any scope).
 *
 * @module
 */
/// <reference types="node" />
import { errnoNumber, errorFromErrno, LinuxNetError } from './errors.js';
import { formatIpv4Prefix, ipv4Bytes, ipv4FromBytes, parseIpv4Prefix } from './ipv4.js';
import {
  loadNetlink,
  type NetlinkModule,
  type NlRoute,
  type NlRouteAttrs,
  type NlRtSocket,
} from './netlink-binding.js';

/** `AF_INET`. */
const AF_INET = 2;

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

/** An IPv4 route to add or delete. */
export interface RouteSpec {
  /** Destination prefix `a.b.c.d/len` (a bare address means `/32`); host bits must be zero. */
  readonly destination: string;
  /** Next-hop gateway. */
  readonly gateway?: string;
  /** Output interface name. At least one of `gateway` and `device` is needed to add. */
  readonly device?: string;
  /** Route metric (priority); lower wins. Default 0. */
  readonly metric?: number;
  /** Routing table id (default {@link RouteTable}.main). */
  readonly table?: number;
  /** `RTPROT_*` to add with (default {@link RouteProtocol}.boot, like `ip route add`). */
  readonly protocol?: number;
  /** Scope to add with (default universe with a gateway, link without). */
  readonly scope?: number;
  /** Preferred source address. */
  readonly source?: string;
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
  /** The output interface. */
  readonly device: string;
  /** Its index. */
  readonly ifindex: number;
  /** The source address the kernel would pick. */
  readonly source?: string;
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

/** A point-to-point IPv4 address (`ip addr add LOCAL peer PEER dev DEVICE`). */
export interface PointToPointAddress {
  /** Interface name. */
  readonly device: string;
  /** Our address. */
  readonly local: string;
  /** The peer's address. */
  readonly peer: string;
}

/** An IPv4 address as read from the kernel. */
export interface AddressInfo {
  /** Interface name. */
  readonly device: string;
  /** Our address (`IFA_LOCAL`). */
  readonly local: string;
  /** Peer (point-to-point) or same as local (`IFA_ADDRESS`). */
  readonly address: string;
  /** Prefix length. */
  readonly prefixLength: number;
}

/** Options of {@link openRtnetlink}. */
export interface RtnetlinkOptions {
  /** Per-request timeout in milliseconds (default 5000). */
  readonly timeoutMs?: number;
}

/** The operations pptpkit needs from rtnetlink (IPv4 only). */
export interface Rtnetlink {
  /** The main table's default route with the lowest metric, or `undefined`. */
  defaultRoute(): Promise<DefaultRoute | undefined>;
  /** The route the kernel would use to reach `host` (like `ip route get HOST`). */
  routeTo(host: string): Promise<RouteLookup>;
  /** The IPv4 routes of a table (default main). */
  routes(table?: number): Promise<RouteInfo[]>;
  /** An interface by name; `LINUXNET_NOT_FOUND` when there is none. */
  link(name: string): Promise<LinkInfo>;
  /** Sets an interface administratively up or down. */
  setLinkUp(name: string, up: boolean): Promise<void>;
  /** Sets an interface's MTU. */
  setMtu(name: string, mtu: number): Promise<void>;
  /** The IPv4 addresses, optionally of one interface. */
  addresses(device?: string): Promise<AddressInfo[]>;
  /** Adds a point-to-point address (`LINUXNET_EXISTS` if present). */
  addPointToPointAddress(address: PointToPointAddress): Promise<void>;
  /** Deletes a point-to-point address (`LINUXNET_NOT_FOUND` if absent). */
  deletePointToPointAddress(address: PointToPointAddress): Promise<void>;
  /** Adds a route (`LINUXNET_EXISTS` if an equal one is present). */
  addRoute(route: RouteSpec): Promise<void>;
  /** Deletes a route; unset fields match anything (`LINUXNET_NOT_FOUND` if none matches). */
  deleteRoute(route: RouteSpec): Promise<void>;
  /** Closes the netlink socket. */
  close(): void;
}

/** A host route (`/32`) to `host`. */
export function hostRoute(host: string, via: RouteVia): RouteSpec {
  return { destination: `${host}/32`, ...via };
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
  return new NetlinkRtnetlink(loadNetlink(), options.timeoutMs ?? 5000);
}

/** Maps an error of `netlink@0.3.0` (`Request rejected: EEXIST`, timeouts) to ours. */
function netlinkError(
  error: unknown,
  operation: string,
  extra: Readonly<Record<string, string | number | undefined>>,
): unknown {
  if (!(error instanceof Error)) return error;
  const rejected = /Request rejected: (\w+)/.exec(error.message);
  let errno: number | undefined;
  if (rejected !== null) {
    const code = rejected[1] ?? '';
    errno = /^\d+$/.test(code) ? Number(code) : errnoNumber(code);
  } else if (error.message.includes('Timeout')) {
    errno = errnoNumber('ETIMEDOUT');
  } else {
    const raw: unknown = (error as { errno?: unknown }).errno;
    if (typeof raw === 'number') errno = Math.abs(raw);
  }
  if (errno === undefined) return error;
  return errorFromErrno(
    errno,
    'rtnetlink',
    { operation, capability: 'CAP_NET_ADMIN', extra },
    error,
  );
}

/** Reads an enum value that netlink@0.3.0 may give as a name. */
function enumValue(
  table: Readonly<Record<string, number | string>>,
  value: number | string | undefined,
): number {
  if (typeof value === 'number') return value;
  if (value === undefined) return 0;
  const mapped = table[value];
  return typeof mapped === 'number' ? mapped : 0;
}

class NetlinkRtnetlink implements Rtnetlink {
  readonly #nl: NetlinkModule;
  readonly #socket: NlRtSocket;
  readonly #timeout: number;

  constructor(nl: NetlinkModule, timeout: number) {
    this.#nl = nl;
    this.#socket = nl.createRtNetlink();
    this.#timeout = timeout;
  }

  async #call<T>(
    operation: string,
    extra: Readonly<Record<string, string | number | undefined>>,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw netlinkError(error, operation, extra);
    }
  }

  async #linkNames(): Promise<Map<number, string>> {
    const links = await this.#call('listLinks', {}, () =>
      this.#socket.getLinks(undefined, undefined, { timeout: this.#timeout }),
    );
    const names = new Map<number, string>();
    for (const link of links) {
      if (link.data.index !== undefined && link.attrs.ifname !== undefined)
        names.set(link.data.index, link.attrs.ifname);
    }
    return names;
  }

  async #linkIndex(name: string): Promise<number> {
    return (await this.link(name)).index;
  }

  async link(name: string): Promise<LinkInfo> {
    const links = await this.#call('link', { device: name }, () =>
      this.#socket.getLinks(undefined, undefined, { timeout: this.#timeout }),
    );
    for (const link of links) {
      if (link.attrs.ifname === name && link.data.index !== undefined) {
        return {
          index: link.data.index,
          name,
          mtu: link.attrs.mtu ?? 0,
          up: link.data.flags?.up === true,
        };
      }
    }
    throw new LinuxNetError('LINUXNET_NOT_FOUND', `no interface named ${name}`, {
      operation: 'link',
      device: name,
    });
  }

  async setLinkUp(name: string, up: boolean): Promise<void> {
    const index = await this.#linkIndex(name);
    await this.#call('setLinkUp', { device: name }, () =>
      this.#socket.setLink(
        { family: 0, index, change: { up: true }, flags: up ? { up: true } : {} },
        {},
        { timeout: this.#timeout },
      ),
    );
  }

  async setMtu(name: string, mtu: number): Promise<void> {
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
      throw new RangeError('mtu must be an integer from 68 to 65535');
    const index = await this.#linkIndex(name);
    await this.#call('setMtu', { device: name, mtu }, () =>
      this.#socket.setLink({ family: 0, index }, { mtu }, { timeout: this.#timeout }),
    );
  }

  async addresses(device?: string): Promise<AddressInfo[]> {
    const names = await this.#linkNames();
    const messages = await this.#call('addresses', {}, () =>
      this.#socket.getAddresses({ family: AF_INET }, undefined, { timeout: this.#timeout }),
    );
    const result: AddressInfo[] = [];
    for (const message of messages) {
      const name = names.get(message.data.index ?? -1);
      if (message.data.family !== AF_INET || name === undefined) continue;
      if (device !== undefined && name !== device) continue;
      const local = message.attrs.local ?? message.attrs.address;
      const address = message.attrs.address ?? message.attrs.local;
      if (local === undefined || address === undefined) continue;
      result.push({
        device: name,
        local: ipv4FromBytes(local),
        address: ipv4FromBytes(address),
        prefixLength: message.data.prefixlen ?? 32,
      });
    }
    return result;
  }

  async #address(kind: 'add' | 'delete', address: PointToPointAddress): Promise<void> {
    const local = Buffer.from(ipv4Bytes(address.local));
    const peer = Buffer.from(ipv4Bytes(address.peer));
    const index = await this.#linkIndex(address.device);
    const operation = kind === 'add' ? 'addPointToPointAddress' : 'deletePointToPointAddress';
    const data = { family: AF_INET, prefixlen: 32, scope: RouteScope.universe, index };
    const { CREATE, EXCL } = this.#nl.FlagsNew;
    await this.#call(operation, { ...address }, () =>
      kind === 'add'
        ? this.#socket.newAddress(
            data,
            { local, address: peer },
            { flags: CREATE | EXCL, timeout: this.#timeout },
          )
        : this.#socket.delAddress(data, { local, address: peer }, { timeout: this.#timeout }),
    );
  }

  addPointToPointAddress(address: PointToPointAddress): Promise<void> {
    return this.#address('add', address);
  }

  deletePointToPointAddress(address: PointToPointAddress): Promise<void> {
    return this.#address('delete', address);
  }

  async #routeMessage(
    route: RouteSpec,
    forDelete: boolean,
  ): Promise<{ data: NlRoute; attrs: NlRouteAttrs }> {
    const prefix = parseIpv4Prefix(route.destination);
    const metric = route.metric ?? 0;
    if (!Number.isInteger(metric) || metric < 0 || metric > 0xffffffff)
      throw new RangeError('metric must be a 32-bit unsigned integer');
    if (!forDelete && route.gateway === undefined && route.device === undefined) {
      throw new TypeError('a route needs a gateway, a device or both');
    }
    const table = route.table ?? RouteTable.main;
    const attrs: NlRouteAttrs = { table };
    if (prefix.length > 0) attrs.dst = Buffer.from(ipv4Bytes(prefix.address));
    if (route.gateway !== undefined) attrs.gateway = Buffer.from(ipv4Bytes(route.gateway));
    if (route.device !== undefined) attrs.oif = await this.#linkIndex(route.device);
    if (route.source !== undefined) attrs.prefsrc = Buffer.from(ipv4Bytes(route.source));
    if (metric !== 0) attrs.priority = metric;
    const data: NlRoute = {
      family: AF_INET,
      dstLen: prefix.length,
      table: table < 256 ? table : 252,
      scope: forDelete
        ? RouteScope.nowhere
        : (route.scope ?? (route.gateway === undefined ? RouteScope.link : RouteScope.universe)),
    };
    if (!forDelete) {
      data.protocol = route.protocol ?? RouteProtocol.boot;
      data.type = 1;
    }
    return { data, attrs };
  }

  async addRoute(route: RouteSpec): Promise<void> {
    const { data, attrs } = await this.#routeMessage(route, false);
    const { CREATE, EXCL } = this.#nl.FlagsNew;
    await this.#call('addRoute', routeDetails(route), () =>
      this.#socket.newRoute(data, attrs, { flags: CREATE | EXCL, timeout: this.#timeout }),
    );
  }

  async deleteRoute(route: RouteSpec): Promise<void> {
    const { data, attrs } = await this.#routeMessage(route, true);
    await this.#call('deleteRoute', routeDetails(route), () =>
      this.#socket.delRoute(data, attrs, { timeout: this.#timeout }),
    );
  }

  async routes(table: number = RouteTable.main): Promise<RouteInfo[]> {
    const names = await this.#linkNames();
    const messages = await this.#call('routes', { table }, () =>
      this.#socket.getRoutes({ family: AF_INET }, undefined, { timeout: this.#timeout }),
    );
    const { rt } = this.#nl;
    const result: RouteInfo[] = [];
    for (const { data, attrs } of messages) {
      const routeTable = attrs.table ?? data.table ?? 0;
      if (
        data.family !== AF_INET ||
        routeTable !== table ||
        enumValue(rt.RouteType, data.type) !== 1
      )
        continue;
      const length = data.dstLen ?? 0;
      const destination = formatIpv4Prefix({
        address: attrs.dst === undefined ? '0.0.0.0' : ipv4FromBytes(attrs.dst),
        length,
      });
      const device = attrs.oif === undefined ? undefined : names.get(attrs.oif);
      result.push({
        destination,
        ...(attrs.gateway === undefined ? {} : { gateway: ipv4FromBytes(attrs.gateway) }),
        ...(device === undefined ? {} : { device }),
        ...(attrs.oif === undefined ? {} : { ifindex: attrs.oif }),
        ...(attrs.prefsrc === undefined ? {} : { source: ipv4FromBytes(attrs.prefsrc) }),
        metric: attrs.priority ?? 0,
        table: routeTable,
        protocol: enumValue(rt.RouteProtocol, data.protocol),
        scope: enumValue(rt.RouteScope, data.scope),
      });
    }
    return result;
  }

  async defaultRoute(): Promise<DefaultRoute | undefined> {
    let best: RouteInfo | undefined;
    for (const route of await this.routes()) {
      if (
        route.destination !== '0.0.0.0/0' ||
        route.device === undefined ||
        route.ifindex === undefined
      )
        continue;
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

  async routeTo(host: string): Promise<RouteLookup> {
    const dst = Buffer.from(ipv4Bytes(host));
    const messages = await this.#call('routeTo', { destination: host }, () =>
      this.#socket.getRoute({ family: AF_INET, dstLen: 32 }, { dst }, { timeout: this.#timeout }),
    );
    const attrs = messages[0]?.attrs;
    const names = await this.#linkNames();
    const device = attrs?.oif === undefined ? undefined : names.get(attrs.oif);
    if (attrs?.oif === undefined || device === undefined) {
      throw new LinuxNetError('LINUXNET_NO_ROUTE', `routeTo: no route to ${host}`, {
        operation: 'routeTo',
        destination: host,
      });
    }
    return {
      destination: host,
      ...(attrs.gateway === undefined ? {} : { gateway: ipv4FromBytes(attrs.gateway) }),
      device,
      ifindex: attrs.oif,
      ...(attrs.prefsrc === undefined ? {} : { source: ipv4FromBytes(attrs.prefsrc) }),
    };
  }

  close(): void {
    this.#socket.socket.close();
  }
}

/** Non-secret details of a route for errors. */
function routeDetails(route: RouteSpec): Readonly<Record<string, string | number | undefined>> {
  return {
    destination: route.destination,
    gateway: route.gateway,
    device: route.device,
    metric: route.metric,
  };
}
