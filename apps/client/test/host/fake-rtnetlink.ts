import {
  type AddressInfo,
  type DefaultRoute,
  type LinkInfo,
  LinuxNetError,
  type NeighbourProxy,
  type PointToPointAddress,
  type RouteInfo,
  type RouteLookup,
  type RouteSpec,
  type Rtnetlink,
} from '@pptpkit/linux-net';

const full = (d: string): string => (d.includes('/') ? d : `${d}/32`);

/** An in-memory kernel routing table, links and addresses, with the errors the real one gives. */
export class FakeRtnetlink implements Rtnetlink {
  routesList: RouteInfo[] = [];
  linksMap: Map<string, { mtu: number; up: boolean }> = new Map();
  addrs: PointToPointAddress[] = [];
  proxies: NeighbourProxy[] = [];
  /** Called before every change, to observe what was persisted at that moment. */
  beforeChange: (what: string) => void = () => undefined;

  constructor(routes: RouteSpec[] = [], links: string[] = ['eth0']) {
    for (const r of routes) this.#push(r);
    for (const l of links) this.linksMap.set(l, { mtu: 1500, up: true });
  }

  #push(r: RouteSpec): void {
    this.routesList.push({
      ...r,
      destination: full(r.destination),
      metric: r.metric ?? 0,
      table: r.table ?? 254,
      protocol: r.protocol ?? 4,
      scope: r.scope ?? 0,
    });
  }

  #notFound(what: string): LinuxNetError {
    return new LinuxNetError('LINUXNET_NOT_FOUND', `${what}: not found`, { operation: what });
  }

  async defaultRoute(): Promise<DefaultRoute | undefined> {
    const r = this.routesList.find((x) => x.destination === '0.0.0.0/0');
    return r === undefined
      ? undefined
      : { gateway: r.gateway, device: r.device ?? '', ifindex: 1, metric: r.metric };
  }
  async routeTo(host: string): Promise<RouteLookup> {
    const r = this.routesList.find((x) => x.destination === '0.0.0.0/0');
    if (r === undefined)
      throw new LinuxNetError('LINUXNET_NO_ROUTE', 'no route', { operation: 'routeTo' });
    return {
      destination: host,
      ...(r.gateway === undefined ? {} : { gateway: r.gateway }),
      device: r.device ?? '',
      ifindex: 1,
    };
  }
  async routes(): Promise<RouteInfo[]> {
    return this.routesList.map((r) => ({ ...r }));
  }
  async link(name: string): Promise<LinkInfo> {
    const l = this.linksMap.get(name);
    if (l === undefined) throw this.#notFound('link');
    return { index: 1, name, mtu: l.mtu, up: l.up };
  }
  async setLinkUp(name: string, up: boolean): Promise<void> {
    this.beforeChange(`link ${name} ${up ? 'up' : 'down'}`);
    const l = this.linksMap.get(name);
    if (l === undefined) throw this.#notFound('setLinkUp');
    l.up = up;
  }
  async setMtu(name: string, mtu: number): Promise<void> {
    this.beforeChange(`mtu ${name} ${mtu}`);
    const l = this.linksMap.get(name);
    if (l === undefined) throw this.#notFound('setMtu');
    l.mtu = mtu;
  }
  async addresses(): Promise<AddressInfo[]> {
    return this.addrs.map((a) => ({
      device: a.device,
      local: a.local,
      address: a.peer,
      prefixLength: 32,
    }));
  }
  async addPointToPointAddress(a: PointToPointAddress): Promise<void> {
    this.beforeChange(`address ${a.local}`);
    this.addrs.push({ ...a });
  }
  async deletePointToPointAddress(a: PointToPointAddress): Promise<void> {
    const i = this.addrs.findIndex((x) => x.local === a.local && x.device === a.device);
    if (i < 0) throw this.#notFound('deleteAddress');
    this.addrs.splice(i, 1);
  }
  async addRoute(route: RouteSpec): Promise<void> {
    this.beforeChange(`add ${route.destination}`);
    if (
      this.routesList.some(
        (r) => r.destination === full(route.destination) && (r.metric ?? 0) === (route.metric ?? 0),
      )
    ) {
      throw new LinuxNetError('LINUXNET_EXISTS', 'exists', { operation: 'addRoute' });
    }
    this.#push(route);
  }
  async deleteRoute(route: RouteSpec): Promise<void> {
    this.beforeChange(`delete ${route.destination}`);
    const i = this.routesList.findIndex(
      (r) =>
        r.destination === full(route.destination) &&
        (route.gateway === undefined || r.gateway === route.gateway) &&
        (route.device === undefined || r.device === route.device),
    );
    if (i < 0) throw this.#notFound('deleteRoute');
    this.routesList.splice(i, 1);
  }
  async neighbourProxies(): Promise<NeighbourProxy[]> {
    return this.proxies.map((p) => ({ ...p }));
  }
  async addNeighbourProxy(p: NeighbourProxy): Promise<void> {
    this.beforeChange(`proxy ${p.address}`);
    if (this.proxies.some((x) => x.address === p.address && x.device === p.device))
      throw new LinuxNetError('LINUXNET_EXISTS', 'exists', { operation: 'addNeighbourProxy' });
    this.proxies.push({ ...p });
  }
  async deleteNeighbourProxy(p: NeighbourProxy): Promise<void> {
    const i = this.proxies.findIndex((x) => x.address === p.address && x.device === p.device);
    if (i < 0) throw this.#notFound('deleteNeighbourProxy');
    this.proxies.splice(i, 1);
  }
  close(): void {}

  /** A comparable dump, like `ip route` output. */
  dump(): string {
    return this.routesList
      .map(
        (r) => `${r.destination} via ${r.gateway ?? '-'} dev ${r.device ?? '-'} metric ${r.metric}`,
      )
      .sort()
      .join('\n');
  }
}
