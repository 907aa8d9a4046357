/**
 * The host side of `pptpkit serve`: one TUN for every session, our tunnel address(es) on it,
 * and a host route per client (with the session's MTU, so the kernel sizes packets per
 * client). The TUN is not persistent: when the process ends, however it ends, the kernel
 * removes it with its addresses and routes.
 *
 * @module
 */
import { openTun, type Rtnetlink, type TunDevice } from '@pptpkit/linux-net';
import { formatIpv4, parseIpv4 } from '@pptpkit/wire';
import type { PacketPort } from '../session/io.js';
import { packetPort } from '../session/packet-port.js';

/** The TUN's MTU: the largest any session may use; each client's route carries its own. */
const TUN_MTU = 1500;

/** The server's TUN and what it added to it. */
export class ServerHost {
  /** The TUN's name. */
  readonly name: string;
  /** The TUN, batched. */
  readonly port: PacketPort;
  readonly #rtnl: Rtnetlink;
  /** Our addresses on the TUN and how many sessions use each. */
  readonly #locals = new Map<number, number>();
  /** Client addresses routed, with the route's source. */
  readonly #routes = new Map<number, number>();
  /** Proxy ARP entries made (`proxyarp`), by client address: the LAN interface. */
  readonly #proxies = new Map<number, string>();

  private constructor(rtnl: Rtnetlink, tun: TunDevice) {
    this.#rtnl = rtnl;
    this.name = tun.name;
    this.port = packetPort(tun);
  }

  /** Opens the TUN `name` and sets it up (no addresses yet). */
  static async open(rtnl: Rtnetlink, name: string): Promise<ServerHost> {
    const tun = openTun({ name, mtu: TUN_MTU });
    try {
      await rtnl.setLinkUp(tun.name, true);
    } catch (error) {
      tun.close();
      throw error;
    }
    return new ServerHost(rtnl, tun);
  }

  /** Puts `local` on the TUN (once, however many sessions use it). */
  async addLocal(local: number): Promise<void> {
    const n = this.#locals.get(local) ?? 0;
    this.#locals.set(local, n + 1);
    if (n > 0) return;
    const text = formatIpv4(local);
    await this.#rtnl.addPointToPointAddress({ device: this.name, local: text, peer: text });
  }

  /** A session no longer uses `local`; the last one takes it off the TUN. */
  async releaseLocal(local: number): Promise<void> {
    const n = (this.#locals.get(local) ?? 0) - 1;
    if (n > 0) {
      this.#locals.set(local, n);
      return;
    }
    this.#locals.delete(local);
    const text = formatIpv4(local);
    await this.#rtnl.deletePointToPointAddress({ device: this.name, local: text, peer: text });
  }

  /** Routes `remote` into the TUN, from `local`, with the session's `mtu`. */
  async route(remote: number, local: number, mtu: number): Promise<void> {
    await this.#rtnl.addRoute(this.#routeSpec(remote, local, mtu));
    this.#routes.set(remote, local);
  }

  /** Removes the route to `remote`. */
  async unroute(remote: number): Promise<void> {
    const local = this.#routes.get(remote);
    if (local === undefined) return;
    this.#routes.delete(remote);
    await this.#rtnl.deleteRoute(this.#routeSpec(remote, local));
  }

  /**
   * pppd's `proxyarp`: answers ARP for `remote` on the LAN interface whose subnet holds it, so
   * the client looks like a host on that LAN (the kernel also needs IPv4 forwarding on).
   *
   * @returns the interface, or `undefined` when no interface's subnet holds `remote`.
   */
  async proxyArp(remote: number): Promise<string | undefined> {
    const text = formatIpv4(remote);
    for (const a of await this.#rtnl.addresses()) {
      if (a.device === this.name || a.prefixLength === 0 || a.prefixLength >= 32) continue;
      const base = parseIpv4(a.local);
      if (base === undefined) continue;
      const mask = (0xffff_ffff << (32 - a.prefixLength)) >>> 0;
      if ((base & mask) >>> 0 !== (remote & mask) >>> 0) continue;
      await this.#rtnl.addNeighbourProxy({ device: a.device, address: text });
      this.#proxies.set(remote, a.device);
      return a.device;
    }
    return undefined;
  }

  /** Removes the proxy ARP entry for `remote`, if one was made. */
  async unproxyArp(remote: number): Promise<void> {
    const device = this.#proxies.get(remote);
    if (device === undefined) return;
    this.#proxies.delete(remote);
    await this.#rtnl.deleteNeighbourProxy({ device, address: formatIpv4(remote) });
  }

  /** Removes every proxy ARP entry left (at shutdown); failures are returned, not thrown. */
  async removeProxies(): Promise<unknown[]> {
    const failures: unknown[] = [];
    for (const remote of [...this.#proxies.keys()]) {
      try {
        await this.unproxyArp(remote);
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }

  /**
   * The path MTU to `peer` (a client's public address): the MTU of the device the route to it
   * leaves by, or the kernel's learned path MTU when lower.
   */
  async pathMtu(peer: number): Promise<number> {
    const path = await this.#rtnl.routeTo(formatIpv4(peer));
    const device = (await this.#rtnl.link(path.device)).mtu;
    const learned = path.mtu;
    return learned !== undefined && learned > 0 && learned < device ? learned : device;
  }

  /** Closes the TUN: the kernel removes it, its addresses and its routes. */
  close(): void {
    this.#routes.clear();
    this.#locals.clear();
    this.port.close();
  }

  #routeSpec(remote: number, local: number, mtu?: number) {
    return {
      destination: `${formatIpv4(remote)}/32`,
      device: this.name,
      source: formatIpv4(local),
      ...(mtu === undefined ? {} : { mtu }),
    };
  }
}
