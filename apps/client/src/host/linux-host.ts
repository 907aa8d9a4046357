import {
  defaultRouteSpec,
  hostRoute,
  openTun,
  RouteTable,
  type Rtnetlink,
  type TunDevice,
} from '@pptpkit/linux-net';
import type { PeerSettings } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { PacketPort, TunnelAddresses, TunnelHost, TunnelInterface } from '../session/io.js';
import { type FileAccess, HostChanges } from './host-changes.js';
import type { JournalFile } from './journal-file.js';
import { resolvConfWithPeerDns } from './resolv-conf.js';

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
  /** Log. */
  readonly log: Logger;
}

/** A TUN device as a {@link PacketPort}. */
export function tunPort(tun: TunDevice): PacketPort {
  return {
    write: (buf, offset, length) => tun.write(buf, offset, length),
    startReading(handler, afterBatch) {
      tun.startReading((batch) => {
        for (let i = 0; i < batch.count; i++) {
          const start = batch.offsets[i]!;
          handler(batch.buffer, start, start + batch.lengths[i]!);
        }
        afterBatch?.();
      });
    },
    close: () => tun.close(),
  };
}

/** The interface name pppd would use: `ifname`, else `ppp<unit>`, else the first free `pppN`. */
export function interfaceName(settings: PeerSettings): string {
  if (settings.ifname !== undefined) return settings.ifname;
  if (settings.unit !== undefined) return `ppp${settings.unit}`;
  return 'ppp%d';
}

/**
 * The Linux host policy: pins a host route to the server along the current path, then on
 * `up` opens the TUN, sets its MTU and point-to-point address, routes (`defaultroute`,
 * `replacedefaultroute`) and DNS (`usepeerdns`); every change is journaled and undone.
 */
export class LinuxHost implements TunnelHost {
  readonly #o: LinuxHostOptions;
  readonly #changes: HostChanges;
  #tun: TunDevice | undefined;

  /** @param options - settings, rtnetlink, journal and file access. */
  constructor(options: LinuxHostOptions) {
    this.#o = options;
    this.#changes = new HostChanges(options.rtnl, options.journal, options.files);
  }

  /** The journaled changes (for tests and status). */
  get changes(): HostChanges {
    return this.#changes;
  }

  async prepare(server: string): Promise<void> {
    const { rtnl, log } = this.#o;
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

  async bringUp(addresses: TunnelAddresses): Promise<TunnelInterface> {
    const { settings, rtnl, log } = this.#o;
    const tun = openTun({ name: interfaceName(settings) });
    this.#tun = tun;
    const name = tun.name;
    const c = this.#changes;
    await c.setMtu(name, addresses.mtu);
    await c.addPointToPointAddress({ device: name, local: addresses.local, peer: addresses.peer });
    await c.setLinkUp(name);
    if (settings.defaultRoute || settings.replaceDefaultRoute) {
      const current = (await rtnl.routes(RouteTable.main)).filter(
        (r) => r.destination === '0.0.0.0/0',
      );
      if (current.length > 0 && !settings.replaceDefaultRoute) {
        log.warn('not replacing the existing default route (use replacedefaultroute)');
      } else {
        for (const route of current) {
          await c.deleteRoute({
            destination: route.destination,
            ...(route.gateway === undefined ? {} : { gateway: route.gateway }),
            ...(route.device === undefined ? {} : { device: route.device }),
            metric: route.metric,
            table: route.table,
          });
        }
        await c.addRoute(defaultRouteSpec({ device: name }));
        log.info('default route through the tunnel', { device: name });
      }
    }
    if (settings.usePeerDns && addresses.dns.length > 0) {
      const path = this.#o.resolvConf ?? '/etc/resolv.conf';
      c.replaceFile(path, (previous) => resolvConfWithPeerDns(previous, addresses.dns));
      log.info('DNS from the server', { dns: addresses.dns, file: path });
    }
    return { name, port: tunPort(tun) };
  }

  async restore(): Promise<void> {
    const report = await this.#changes.undo();
    this.#tun?.close();
    this.#tun = undefined;
    const { log } = this.#o;
    if (report.failures.length > 0)
      log.error('some host changes could not be undone', { failures: report.failures });
    else log.info('host restored', { undone: report.undone, alreadyGone: report.alreadyUndone });
  }
}
