/**
 * The slice of `netlink@0.3.0` this package uses, typed here so that its stale typings (which
 * pull in `@types/node` 12) stay out of our build. Internal: only `rtnetlink.ts` uses it.
 *
 * @module
 */
/// <reference types="node" />
import { createRequire } from 'node:module';

/** `IFF_*` flags as netlink@0.3.0 spells them. */
export interface NlDeviceFlags {
  up?: true;
  running?: true;
  pointopoint?: true;
}

/** `struct ifinfomsg`. */
export interface NlLink {
  family?: number;
  index?: number;
  flags?: NlDeviceFlags;
  change?: NlDeviceFlags;
}

/** A link message. */
export interface NlLinkMessage {
  data: NlLink;
  attrs: { ifname?: string; mtu?: number };
}

/** `struct ifaddrmsg`. */
export interface NlAddress {
  family?: number;
  prefixlen?: number;
  scope?: number;
  index?: number;
}

/** An address message. */
export interface NlAddressMessage {
  data: NlAddress;
  attrs: { address?: Buffer; local?: Buffer; label?: string };
}

/** `struct rtmsg`; enums may come back as names. */
export interface NlRoute {
  family?: number;
  dstLen?: number;
  table?: number;
  protocol?: number | string;
  scope?: number | string;
  type?: number | string;
}

/** Route attributes. */
export interface NlRouteAttrs {
  dst?: Buffer;
  gateway?: Buffer;
  oif?: number;
  priority?: number;
  prefsrc?: Buffer;
  table?: number;
}

/** A route message. */
export interface NlRouteMessage {
  data: NlRoute;
  attrs: NlRouteAttrs;
}

/** Options of every request. */
export interface NlRequestOptions {
  flags?: number;
  timeout?: number;
}

/** The rtnetlink socket of netlink@0.3.0. */
export interface NlRtSocket {
  getLinks(data?: NlLink, attrs?: object, options?: NlRequestOptions): Promise<NlLinkMessage[]>;
  setLink(data: NlLink, attrs?: { mtu?: number }, options?: NlRequestOptions): Promise<unknown>;
  getAddresses(
    data?: NlAddress,
    attrs?: object,
    options?: NlRequestOptions,
  ): Promise<NlAddressMessage[]>;
  newAddress(
    data: NlAddress,
    attrs: { address?: Buffer; local?: Buffer },
    options?: NlRequestOptions,
  ): Promise<unknown>;
  delAddress(
    data: NlAddress,
    attrs: { address?: Buffer; local?: Buffer },
    options?: NlRequestOptions,
  ): Promise<unknown>;
  getRoutes(
    data?: NlRoute,
    attrs?: NlRouteAttrs,
    options?: NlRequestOptions,
  ): Promise<NlRouteMessage[]>;
  getRoute(
    data: NlRoute,
    attrs: NlRouteAttrs,
    options?: NlRequestOptions,
  ): Promise<NlRouteMessage[]>;
  newRoute(data: NlRoute, attrs: NlRouteAttrs, options?: NlRequestOptions): Promise<unknown>;
  delRoute(data: NlRoute, attrs: NlRouteAttrs, options?: NlRequestOptions): Promise<unknown>;
  readonly socket: { close(): void };
}

/** The module's exports we use. */
export interface NetlinkModule {
  createRtNetlink(options?: { ref?: boolean }): NlRtSocket;
  FlagsNew: { REPLACE: number; EXCL: number; CREATE: number; APPEND: number };
  rt: {
    RouteProtocol: Readonly<Record<string, number | string>>;
    RouteScope: Readonly<Record<string, number | string>>;
    RouteType: Readonly<Record<string, number | string>>;
  };
}

/** Loads `netlink` (CommonJS). */
export function loadNetlink(): NetlinkModule {
  return createRequire(import.meta.url)('netlink') as NetlinkModule;
}
