import { hostRoute, openTun, RouteTable, type Rtnetlink, type TunDevice } from '@pptpkit/linux-net';
import type { PeerSettings } from '../config/index.js';
import { APP_CODE, codeField } from '../log/app-codes.js';
import type { Logger } from '../log/logger.js';
import type { TunnelAddresses, TunnelHost, TunnelInterface } from '../session/io.js';
import { packetPort } from '../session/packet-port.js';
import { type CommandRunner, runCommand } from './command-runner.js';
import { planDefaultRoute } from './default-route.js';
import { type FileAccess, HostChanges } from './host-changes.js';
import { planIpv6Routes } from './ipv6-routes.js';
import type { JournalFile } from './journal-file.js';
import { resolvConfWithPeerDns } from './resolv-conf.js';
import { systemdResolvedInUse } from './systemd-resolved.js';

/** Settings of {@link LinuxHost}. */
export interface LinuxHostOptions {
  /** The peer's settings (routes, DNS, interface name). */
  readonly settings: PeerSettings;
  /** rtnetlink in our namespace. */
  readonly rtnl: Rtnetlink;
  /** The persisted journal. */
  readonly journal: JournalFile;
  /** File access (resolv.conf). */
  readonly files: FileAccess;
  /** Where DNS goes (default `/etc/resolv.conf`). */
  readonly resolvConf?: string;
  /**
   * Whether DNS goes to systemd-resolved (`resolvectl`) instead of resolv.conf; default:
   * detected by {@link systemdResolvedInUse}.
   */
  readonly resolved?: boolean;
  /** Runs `resolvectl` (default: the real one). */
  readonly run?: CommandRunner;
  /**
   * Called once the interface has its MTU and addresses but before it is set up, where pppd
   * runs `/etc/ppp/ip-pre-up`.
   */
  readonly beforeLinkUp?: (device: string, addresses: TunnelAddresses) => Promise<void>;
  /** Log. */
  readonly log: Logger;
}

/** The interface name pppd would use: `ifname`, else `ppp<unit>`, else the first free `pppN`. */
export function interfaceName(settings: PeerSettings): string {
  if (settings.ifname !== undefined) return settings.ifname;
  if (settings.unit !== undefined) return `ppp${settings.unit}`;
  return 'ppp%d';
}

/**
 * The Linux host policy: pins a host route to the server along the current path (unless the
 * `pty` command says `--nohostroute`), then on
 * `up` opens the TUN, sets its MTU and point-to-point address, routes (`defaultroute`,
 * `replacedefaultroute`, `defaultroute-split`, `defaultroute-metric`) and DNS (`usepeerdns`:
 * systemd-resolved per link when it is in use, else resolv.conf); every change is journaled
 * and undone.
 */
export class LinuxHost implements TunnelHost {
  readonly #o: LinuxHostOptions;
  readonly #changes: HostChanges;
  #tun: TunDevice | undefined;

  /** @param options - settings, rtnetlink, journal and file access. */
  constructor(options: LinuxHostOptions) {
    this.#o = options;
    this.#changes = new HostChanges(
      options.rtnl,
      options.journal,
      options.files,
      [],
      options.run ?? runCommand,
    );
  }

  /** The journaled changes (for tests and status). */
  get changes(): HostChanges {
    return this.#changes;
  }

  async prepare(server: string): Promise<void> {
    const { rtnl, log, settings } = this.#o;
    if (settings.pptp?.noHostRoute) {
      // pptp-linux --nohostroute: routing to the server is left as it is (policy routing).
      log.debug('no host route to the server (--nohostroute)', { server });
      return;
    }
    const path = await rtnl.routeTo(server);
    const route = hostRoute(server, {
      ...(path.gateway === undefined ? {} : { gateway: path.gateway }),
      device: path.device,
    });
    const existing = (await rtnl.routes(RouteTable.main)).some(
      (r) => r.destination === route.destination,
    );
    if (existing) {
      log.debug('a host route to the server exists already', { server });
      return;
    }
    await this.#changes.addRoute(route);
    log.info('pinned route to the server', {
      server,
      via: path.gateway ?? 'on-link',
      device: path.device,
    });
  }

  async pathMtu(server: string): Promise<number | undefined> {
    const { rtnl, settings } = this.#o;
    // The path the tunnel's packets take: with pptp-linux --rtmark, the marked one.
    const mark = settings.pptp?.rtMark;
    const path = await rtnl.routeTo(server, mark === undefined ? {} : { mark });
    const device = (await rtnl.link(path.device)).mtu;
    // The route cache's MTU: what ICMP "fragmentation needed" taught the kernel (RFC 1191).
    const learned = path.mtu;
    return learned !== undefined && learned > 0 && learned < device ? learned : device;
  }

  async setMtu(mtu: number): Promise<void> {
    const tun = this.#tun;
    if (tun === undefined) return;
    await this.#changes.setMtu(tun.name, mtu);
  }

  async bringUp(addresses: TunnelAddresses): Promise<TunnelInterface> {
    const { settings } = this.#o;
    const tun = openTun({ name: interfaceName(settings) });
    this.#tun = tun;
    const name = tun.name;
    const c = this.#changes;
    await c.setMtu(name, addresses.mtu);
    await c.addPointToPointAddress({ device: name, local: addresses.local, peer: addresses.peer });
    await this.#o.beforeLinkUp?.(name, addresses);
    await c.setLinkUp(name);
    // pppd's sif6addr: our link-local address, the peer's as its point-to-point partner (a
    // /128 route to it); no duplicate address detection, the identifiers were just agreed.
    const ipv6 = addresses.ipv6 !== undefined && (await this.#ipv6Address(name, addresses.ipv6));
    const allTraffic = await this.#routeDefault(name);
    await this.#routeIpv6(name, ipv6, allTraffic);
    if (settings.usePeerDns && addresses.dns.length > 0)
      await this.#dns(name, addresses.dns, allTraffic);
    return { name, port: packetPort(tun) };
  }

  /** Applies {@link planDefaultRoute}; returns whether the tunnel carries the default traffic. */
  async #routeDefault(name: string): Promise<boolean> {
    const { settings, rtnl, log } = this.#o;
    const wanted =
      settings.splitDefaultRoute || settings.defaultRoute || settings.replaceDefaultRoute;
    if (!wanted) return false;
    const plan = planDefaultRoute(settings, await rtnl.routes(RouteTable.main), name);
    if (plan.refused !== undefined) {
      log.warn(plan.refused);
      return false;
    }
    for (const route of plan.remove) await this.#changes.deleteRoute(route);
    for (const route of plan.add) await this.#changes.addRoute(route);
    log.info(
      settings.splitDefaultRoute
        ? 'split default routes through the tunnel'
        : 'default route through the tunnel',
      {
        device: name,
        routes: plan.add.map((r) => r.destination),
        metric: plan.add[0]?.metric ?? 0,
      },
    );
    return true;
  }

  /**
   * The link-local addresses; a failure (IPv6 disabled on the host: `disable_ipv6`, EACCES) is a
   * warning and the tunnel stays, IPv4 only, as pppd closes IPv6CP alone then.
   */
  async #ipv6Address(name: string, v6: { local: string; peer: string }): Promise<boolean> {
    try {
      await this.#changes.addPointToPointAddress({
        device: name,
        local: v6.local,
        peer: v6.peer,
        noDad: true,
      });
      return true;
    } catch (error) {
      this.#o.log.warn('IPv6 address not set: IPv6 stays off on the tunnel interface', {
        device: name,
        local: v6.local,
        error,
      });
      return false;
    }
  }

  /** `defaultroute6` and `ipv6-leak-block` ({@link planIpv6Routes}). */
  async #routeIpv6(name: string, negotiated: boolean, ipv4AllTraffic: boolean): Promise<void> {
    const { settings, rtnl, log } = this.#o;
    const v6 = settings.ipv6;
    if (!(negotiated && v6.defaultRoute) && !(v6.leakBlock && ipv4AllTraffic)) return;
    const current = await rtnl.routes(RouteTable.main, 'ipv6');
    const plan = planIpv6Routes(settings, negotiated, ipv4AllTraffic, current, name);
    if (plan.refused !== undefined) log.warn(plan.refused);
    for (const route of plan.add) await this.#changes.addRoute(route);
    if (plan.blocked)
      log.info('IPv6 blocked around the tunnel (ipv6-leak-block)', { device: name });
    else if (plan.add.length > 0)
      log.info('IPv6 default route through the tunnel', { device: name });
  }

  /**
   * `usepeerdns`: per-link DNS in systemd-resolved when it is in use (all queries when the
   * tunnel carries the default traffic), else the server's DNS in resolv.conf. A failure is a
   * warning: the tunnel works without it.
   */
  async #dns(name: string, dns: readonly string[], allTraffic: boolean): Promise<void> {
    const { log } = this.#o;
    const path = this.#o.resolvConf ?? '/etc/resolv.conf';
    try {
      if (this.#o.resolved ?? systemdResolvedInUse(path)) {
        await this.#changes.setLinkDns(name, dns, allTraffic);
        log.info('DNS from the server', { dns, resolved: name, allDomains: allTraffic });
      } else {
        this.#changes.replaceFile(path, (previous) => resolvConfWithPeerDns(previous, dns));
        log.info('DNS from the server', { dns, file: path });
      }
    } catch (error) {
      log.warn('DNS from the server not applied', { ...codeField(error), dns, error });
    }
  }

  async restore(): Promise<void> {
    const report = await this.#changes.undo();
    this.#tun?.close();
    this.#tun = undefined;
    const { log } = this.#o;
    if (report.failures.length > 0)
      log.error('some host changes could not be undone', {
        code: APP_CODE.hostUndoFailed,
        failures: report.failures,
      });
    else log.info('host restored', { undone: report.undone, alreadyGone: report.alreadyUndone });
  }
}
