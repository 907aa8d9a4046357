import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultRouteSpec,
  hostRoute,
  LinuxNetError,
  NetworkJournal,
  openRtnetlink,
  RouteProtocol,
  RouteScope,
  type Rtnetlink,
  splitDefaultRoutes,
} from '../src/index.js';
import { isRoot, leaveNetns, Netns, until } from './netns.js';

/** A route as `ip -j route show` prints it (iproute2 is the independent reader). */
interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
}

const GATEWAY = '10.202.0.254';
const SERVER = '198.51.100.7';

async function rejection(promise: Promise<unknown>): Promise<LinuxNetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LinuxNetError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!isRoot)('rtnetlink operations, read back from the kernel with iproute2', () => {
  let ns: Netns;
  let rtnl: Rtnetlink;

  const routes = (): IpRoute[] => ns.json<IpRoute[]>('route', 'show', 'table', 'main');
  const routeTo = (dst: string): IpRoute | undefined => routes().find((r) => r.dst === dst);
  /** Everything undo must restore: routes, addresses and link state, as iproute2 prints them. */
  const snapshot = (): string =>
    [
      ns.ip('-4', 'route', 'show', 'table', 'all'),
      ns.ip('-4', 'addr', 'show'),
      ns.ip('link', 'show'),
    ].join('\n');

  beforeAll(() => {
    ns = new Netns('rt');
    // No duplicate address detection: IPv6 addresses are usable (not "tentative") at once.
    ns.exec(
      'sysctl',
      '-qw',
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
    );
    ns.ip('link', 'add', 'pkln-r0', 'type', 'veth', 'peer', 'name', 'pkln-r1');
    ns.ip('link', 'add', 'pkln-r2', 'type', 'veth', 'peer', 'name', 'pkln-r3');
    ns.ip('addr', 'add', '10.202.0.1/24', 'dev', 'pkln-r0');
    for (const dev of ['pkln-r0', 'pkln-r1', 'pkln-r2', 'pkln-r3']) ns.ip('link', 'set', dev, 'up');
    ns.ip('route', 'add', 'default', 'via', GATEWAY, 'dev', 'pkln-r0', 'metric', '100');
    ns.enter();
    rtnl = openRtnetlink();
  });

  afterAll(() => {
    rtnl?.close();
    leaveNetns();
    ns?.delete();
  });

  it('finds the default route (gateway, device, metric) like `ip route show default`', async () => {
    expect(await rtnl.defaultRoute()).toEqual({
      gateway: GATEWAY,
      device: 'pkln-r0',
      ifindex: expect.any(Number),
      metric: 100,
    });
    const [link] = ns.json<{ ifindex: number }[]>('link', 'show', 'pkln-r0');
    expect((await rtnl.defaultRoute())?.ifindex).toBe(link?.ifindex);
  });

  it('looks up the route to a host like `ip route get`', async () => {
    for (const host of [SERVER, '10.202.0.9']) {
      const [expected] = ns.json<{ gateway?: string; dev: string; prefsrc?: string }[]>(
        'route',
        'get',
        host,
      );
      const lookup = await rtnl.routeTo(host);
      expect(lookup.device).toBe(expected?.dev);
      expect(lookup.gateway).toBe(expected?.gateway);
      expect(lookup.source).toBe(expected?.prefsrc);
    }
    expect((await rtnl.routeTo(SERVER)).gateway).toBe(GATEWAY);
    expect((await rtnl.routeTo('10.202.0.9')).gateway).toBeUndefined();
  });

  it('reads links and sets one down, up and its MTU', async () => {
    expect(await rtnl.link('pkln-r1')).toMatchObject({ name: 'pkln-r1', mtu: 1500, up: true });
    await rtnl.setLinkUp('pkln-r1', false);
    expect(ns.json<{ flags: string[] }[]>('link', 'show', 'pkln-r1')[0]?.flags).not.toContain('UP');
    expect((await rtnl.link('pkln-r1')).up).toBe(false);
    await rtnl.setLinkUp('pkln-r1', true);
    expect(ns.json<{ flags: string[] }[]>('link', 'show', 'pkln-r1')[0]?.flags).toContain('UP');
    await rtnl.setMtu('pkln-r1', 1400);
    expect(ns.json<{ mtu: number }[]>('link', 'show', 'pkln-r1')[0]?.mtu).toBe(1400);
    await rtnl.setMtu('pkln-r1', 1500);
    expect((await rtnl.link('pkln-r1')).mtu).toBe(1500);
    expect((await rejection(rtnl.link('pkln-none'))).code).toBe('LINUXNET_NOT_FOUND');
  });

  it('adds and deletes a point-to-point address; a duplicate is LINUXNET_EXISTS', async () => {
    const address = { device: 'pkln-r1', local: '192.0.2.10', peer: '192.0.2.1' };
    await rtnl.addPointToPointAddress(address);
    const [info] = ns.json<
      { addr_info: { local: string; address?: string; prefixlen: number }[] }[]
    >('-4', 'addr', 'show', 'dev', 'pkln-r1');
    expect(info?.addr_info).toEqual([
      expect.objectContaining({ local: '192.0.2.10', address: '192.0.2.1', prefixlen: 32 }),
    ]);
    expect(await rtnl.addresses('pkln-r1')).toEqual([
      { device: 'pkln-r1', local: '192.0.2.10', address: '192.0.2.1', prefixLength: 32 },
    ]);
    expect(routeTo('192.0.2.1')).toMatchObject({ dev: 'pkln-r1', scope: 'link' });
    expect((await rejection(rtnl.addPointToPointAddress(address))).code).toBe('LINUXNET_EXISTS');
    await rtnl.deletePointToPointAddress(address);
    expect(
      ns.json<{ addr_info: unknown[] }[]>('-4', 'addr', 'show', 'dev', 'pkln-r1')[0]?.addr_info ??
        [],
    ).toEqual([]);
    expect((await rejection(rtnl.deletePointToPointAddress(address))).code).toBe(
      'LINUXNET_NOT_FOUND',
    );
  });

  it('adds and deletes host, split, default-with-metric and arbitrary-prefix routes', async () => {
    const host = hostRoute(SERVER, { gateway: GATEWAY });
    const split = splitDefaultRoutes({ device: 'pkln-r1' });
    const fallback = defaultRouteSpec({ device: 'pkln-r2' }, 50);
    const prefix = {
      destination: '172.16.0.0/12',
      gateway: '10.202.0.253',
      device: 'pkln-r0',
      metric: 7,
    };
    for (const route of [host, ...split, fallback, prefix]) await rtnl.addRoute(route);

    expect(routeTo(SERVER)).toMatchObject({ gateway: GATEWAY, dev: 'pkln-r0' });
    // iproute2 prints the protocol only when it is not `boot`, the one `ip route add` uses too.
    expect(routeTo(SERVER)?.protocol).toBeUndefined();
    expect(routeTo('0.0.0.0/1')).toMatchObject({ dev: 'pkln-r1', scope: 'link' });
    expect(routeTo('128.0.0.0/1')).toMatchObject({ dev: 'pkln-r1', scope: 'link' });
    expect(routes().filter((r) => r.dst === 'default')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dev: 'pkln-r2', metric: 50 }),
        expect.objectContaining({ gateway: GATEWAY, metric: 100 }),
      ]),
    );
    expect(routeTo('172.16.0.0/12')).toMatchObject({
      gateway: '10.202.0.253',
      dev: 'pkln-r0',
      metric: 7,
    });
    // Our own reader agrees with iproute2.
    expect((await rtnl.routes()).find((r) => r.destination === '172.16.0.0/12')).toMatchObject({
      gateway: '10.202.0.253',
      device: 'pkln-r0',
      metric: 7,
      protocol: RouteProtocol.boot,
      scope: RouteScope.universe,
    });
    expect((await rtnl.defaultRoute())?.device).toBe('pkln-r2');
    // The split routes win over both defaults for any destination.
    expect((await rtnl.routeTo('203.0.113.5')).device).toBe('pkln-r1');
    expect((await rtnl.routeTo('8.8.8.8')).device).toBe('pkln-r1');

    expect((await rejection(rtnl.addRoute(host))).code).toBe('LINUXNET_EXISTS');
    for (const route of [host, ...split, fallback, prefix]) await rtnl.deleteRoute(route);
    for (const dst of [SERVER, '0.0.0.0/1', '128.0.0.0/1', '172.16.0.0/12'])
      expect(routeTo(dst)).toBeUndefined();
    expect(routes().filter((r) => r.dst === 'default')).toHaveLength(1);
    expect((await rejection(rtnl.deleteRoute(host))).code).toBe('LINUXNET_NOT_FOUND');
  });

  it('reports a route’s MTU metric (RTAX_MTU) in routes() and routeTo(), like `ip route get`', async () => {
    const route = { destination: '10.210.0.0/24', device: 'pkln-r0', mtu: 1400 };
    await rtnl.addRoute(route);
    const shown = ns.json<{ metrics?: { mtu?: number }[] }[]>('route', 'show', '10.210.0.0/24');
    expect(shown[0]?.metrics).toEqual([{ mtu: 1400 }]);
    expect((await rtnl.routes()).find((r) => r.destination === '10.210.0.0/24')).toMatchObject({
      device: 'pkln-r0',
      mtu: 1400,
    });
    const [got] = ns.json<{ metrics?: { mtu?: number }[] }[]>('route', 'get', '10.210.0.9');
    expect(got?.metrics?.[0]?.mtu).toBe(1400);
    expect((await rtnl.routeTo('10.210.0.9')).mtu).toBe(1400);
    expect((await rtnl.routeTo(SERVER)).mtu).toBeUndefined();
    // The journal records the MTU of a route it deletes, so undo puts it back with it.
    const journal = new NetworkJournal(rtnl);
    await journal.deleteRoute({ destination: '10.210.0.0/24' });
    expect(routeTo('10.210.0.0/24')).toBeUndefined();
    await journal.undo();
    expect(ns.json<{ metrics?: unknown }[]>('route', 'show', '10.210.0.0/24')[0]?.metrics).toEqual([
      { mtu: 1400 },
    ]);
    await rtnl.deleteRoute(route);
  });

  it('IPv6: plain and point-to-point addresses, routes, lookups, the default route, journal undo', async () => {
    const plain = {
      device: 'pkln-r0',
      local: '2001:db8:202::1',
      peer: '2001:db8:202::1',
      prefixLength: 64,
    };
    const pointToPoint = { device: 'pkln-r1', local: 'fe80::1', peer: 'fe80::2' };
    await rtnl.addPointToPointAddress(plain);
    await rtnl.addPointToPointAddress(pointToPoint);
    const addrInfo = (dev: string) =>
      ns.json<{ addr_info: { local: string; address?: string; prefixlen: number }[] }[]>(
        '-6',
        'addr',
        'show',
        'dev',
        dev,
      )[0]?.addr_info ?? [];
    expect(addrInfo('pkln-r0')).toContainEqual(
      expect.objectContaining({ local: '2001:db8:202::1', prefixlen: 64 }),
    );
    expect(addrInfo('pkln-r1')).toContainEqual(
      expect.objectContaining({ local: 'fe80::1', address: 'fe80::2', prefixlen: 128 }),
    );
    expect(await rtnl.addresses('pkln-r1', 'ipv6')).toContainEqual({
      device: 'pkln-r1',
      local: 'fe80::1',
      address: 'fe80::2',
      prefixLength: 128,
    });
    expect(await rtnl.addresses('pkln-r0', 'ipv6')).toContainEqual({
      device: 'pkln-r0',
      local: '2001:db8:202::1',
      address: '2001:db8:202::1',
      prefixLength: 64,
    });
    expect((await rtnl.addresses()).every((a) => a.local.includes('.'))).toBe(true);
    expect((await rejection(rtnl.addPointToPointAddress(pointToPoint))).code).toBe(
      'LINUXNET_EXISTS',
    );

    const route = {
      destination: '2001:db8:1::/48',
      gateway: '2001:db8:202::2',
      device: 'pkln-r0',
      metric: 5,
    };
    const fallback = { destination: '::/0', gateway: 'fe80::2', device: 'pkln-r1', metric: 10 };
    await rtnl.addRoute(route);
    await rtnl.addRoute(fallback);
    expect(ns.json<IpRoute[]>('-6', 'route', 'show', '2001:db8:1::/48')[0]).toMatchObject({
      gateway: '2001:db8:202::2',
      dev: 'pkln-r0',
      metric: 5,
    });
    expect(
      (await rtnl.routes(undefined, 'ipv6')).find((r) => r.destination === '2001:db8:1::/48'),
    ).toMatchObject({
      gateway: '2001:db8:202::2',
      device: 'pkln-r0',
      metric: 5,
      protocol: RouteProtocol.boot,
    });
    for (const host of ['2001:db8:1::5', '2001:db8:202::9', '2001:db8:ffff::1']) {
      const [expected] = ns.json<{ gateway?: string; dev: string; prefsrc?: string }[]>(
        '-6',
        'route',
        'get',
        host,
      );
      const lookup = await rtnl.routeTo(host);
      expect({ device: lookup.device, gateway: lookup.gateway, source: lookup.source }).toEqual({
        device: expected?.dev,
        gateway: expected?.gateway,
        source: expected?.prefsrc,
      });
    }
    expect(await rtnl.defaultRoute('ipv6')).toEqual({
      gateway: 'fe80::2',
      device: 'pkln-r1',
      ifindex: expect.any(Number),
      metric: 10,
    });
    expect((await rtnl.defaultRoute())?.gateway).toBe(GATEWAY);
    const journal = new NetworkJournal(rtnl);
    await journal.deleteRoute({ destination: '2001:DB8:1:0::/48' });
    expect(ns.json<IpRoute[]>('-6', 'route', 'show', '2001:db8:1::/48')).toEqual([]);
    expect(await journal.undo()).toEqual({ undone: 1, alreadyUndone: 0, failures: [] });
    expect(ns.json<IpRoute[]>('-6', 'route', 'show', '2001:db8:1::/48')[0]).toMatchObject({
      metric: 5,
    });
    expect((await rejection(rtnl.addRoute(route))).code).toBe('LINUXNET_EXISTS');

    await expect(rtnl.addRoute({ ...route, gateway: '10.202.0.254' })).rejects.toThrow(RangeError);
    await expect(
      rtnl.addPointToPointAddress({ ...pointToPoint, peer: '10.0.0.1' }),
    ).rejects.toThrow(RangeError);
    for (const r of [route, fallback]) await rtnl.deleteRoute(r);
    for (const a of [plain, pointToPoint]) await rtnl.deletePointToPointAddress(a);
    expect(addrInfo('pkln-r1').filter((a) => a.local === 'fe80::1')).toEqual([]);
    expect((await rejection(rtnl.deleteRoute(route))).code).toBe('LINUXNET_NOT_FOUND');
  });

  it('IPv6: nodad makes an address usable at once (DAD on: no "tentative"), as iproute2 shows it', async () => {
    ns.exec('sysctl', '-qw', 'net.ipv6.conf.pkln-r2.accept_dad=1');
    type Info = { local: string; tentative?: boolean; nodad?: boolean };
    const info = (local: string): Info | undefined =>
      ns
        .json<{ addr_info: Info[] }[]>('-6', 'addr', 'show', 'dev', 'pkln-r2')[0]
        ?.addr_info.find((a) => a.local === local);
    const withDad = { device: 'pkln-r2', local: 'fe80::a', peer: 'fe80::b', prefixLength: 64 };
    const noDad = { device: 'pkln-r2', local: 'fe80::c', peer: 'fe80::d', noDad: true };
    await rtnl.addPointToPointAddress(withDad);
    await rtnl.addPointToPointAddress(noDad);
    // The kernel starts DAD on the first: tentative until it ends (1 s and more).
    expect(info('fe80::a')).toMatchObject({ tentative: true });
    expect(info('fe80::c')).toMatchObject({ nodad: true });
    expect(info('fe80::c')?.tentative).toBeUndefined();
    await rtnl.deletePointToPointAddress(withDad);
    await rtnl.deletePointToPointAddress(noDad);
    expect(info('fe80::c')).toBeUndefined();
  });

  it('IPv6: an unreachable default route with a low metric blocks what the default route carried; undo lifts it', async () => {
    const fallback = { destination: '::/0', gateway: 'fe80::2', device: 'pkln-r1', metric: 10 };
    await rtnl.addRoute(fallback);
    const lookup = (): string => ns.ip('-6', 'route', 'get', '2001:db8:ffff::1');
    expect(lookup()).toContain('dev pkln-r1');
    const journal = new NetworkJournal(rtnl);
    const block = { destination: '::/0', type: 'unreachable', metric: 1 } as const;
    await journal.addRoute(block);
    // iproute2's lookup fails as the kernel answers an IPv6 reject route: EHOSTUNREACH.
    expect(lookup).toThrow(/No route to host/);
    expect((await rejection(rtnl.routeTo('2001:db8:ffff::1'))).code).toBe('LINUXNET_NO_ROUTE');
    expect((await rtnl.routes(undefined, 'ipv6')).filter((r) => r.destination === '::/0')).toEqual([
      expect.objectContaining({ type: 'unreachable', metric: 1, device: 'lo' }),
      expect.objectContaining({ gateway: 'fe80::2', metric: 10 }),
    ]);
    // The unicast default route is still the one defaultRoute reports.
    expect((await rtnl.defaultRoute('ipv6'))?.metric).toBe(10);
    expect(ns.ip('-6', 'route', 'show', 'default')).toMatch(/^unreachable default .*metric 1/m);
    // A second block is refused: undo would otherwise remove one it did not add.
    expect((await rejection(rtnl.addRoute(block))).code).toBe('LINUXNET_EXISTS');
    expect(await journal.undo()).toEqual({ undone: 1, alreadyUndone: 0, failures: [] });
    expect(lookup()).toContain('dev pkln-r1');
    expect(ns.ip('-6', 'route', 'show', 'default')).not.toContain('unreachable');
    // A deleted reject route is journalled with its type, so undo restores it as it was.
    ns.ip('-6', 'route', 'add', 'blackhole', '2001:db8:dead::/48', 'metric', '7');
    await journal.deleteRoute({ destination: '2001:db8:dead::/48' });
    expect(ns.ip('-6', 'route', 'show', '2001:db8:dead::/48')).toBe('');
    await journal.undo();
    expect(ns.ip('-6', 'route', 'show', '2001:db8:dead::/48')).toMatch(
      /^blackhole 2001:db8:dead::\/48 .*metric 7/,
    );
    ns.ip('-6', 'route', 'del', 'blackhole', '2001:db8:dead::/48');
    await rtnl.deleteRoute(fallback);
  });

  it('adds proxy neighbour entries (IPv4, IPv6) as `ip neigh show proxy` lists them; undo removes them', async () => {
    /** The proxy entries as iproute2 reads them (an independent reader). */
    const shown = (): { dst: string; dev: string }[] =>
      [
        ...ns.json<{ dst: string; dev: string }[]>('-4', 'neigh', 'show', 'proxy'),
        ...ns.json<{ dst: string; dev: string }[]>('-6', 'neigh', 'show', 'proxy'),
      ].map(({ dst, dev }) => ({ dst, dev }));
    const v4 = { device: 'pkln-r0', address: '10.202.0.77' };
    const v6 = { device: 'pkln-r1', address: '2001:db8:202::77' };
    expect(shown()).toEqual([]);
    const journal = new NetworkJournal(rtnl);
    await journal.addNeighbourProxy(v4);
    await journal.addNeighbourProxy(v6);
    expect(shown()).toEqual([
      { dst: '10.202.0.77', dev: 'pkln-r0' },
      { dst: '2001:db8:202::77', dev: 'pkln-r1' },
    ]);
    expect(await rtnl.neighbourProxies()).toEqual([v4]);
    expect(await rtnl.neighbourProxies('pkln-r1', 'ipv6')).toEqual([v6]);
    expect(await rtnl.neighbourProxies('pkln-r1')).toEqual([]);
    // The kernel would accept the duplicate silently; the API refuses it, so that undo never
    // removes an entry someone else made.
    expect((await rejection(journal.addNeighbourProxy(v4))).code).toBe('LINUXNET_EXISTS');
    expect((await rejection(rtnl.addNeighbourProxy({ ...v4, device: 'pkln-none' }))).code).toBe(
      'LINUXNET_NOT_FOUND',
    );
    expect(journal.entries.map((e) => e.type)).toEqual([
      'neighbour-proxy-added',
      'neighbour-proxy-added',
    ]);
    expect(await journal.undo()).toEqual({ undone: 2, alreadyUndone: 0, failures: [] });
    expect(shown()).toEqual([]);
    expect((await rejection(rtnl.deleteNeighbourProxy(v4))).code).toBe('LINUXNET_NOT_FOUND');
    // A deleted entry comes back on undo; one already back counts as undone.
    ns.ip('neigh', 'add', 'proxy', '10.202.0.78', 'dev', 'pkln-r0');
    const deleting = new NetworkJournal(rtnl);
    await deleting.deleteNeighbourProxy({ device: 'pkln-r0', address: '10.202.0.78' });
    expect(shown()).toEqual([]);
    expect(await deleting.undo()).toEqual({ undone: 1, alreadyUndone: 0, failures: [] });
    expect(shown()).toEqual([{ dst: '10.202.0.78', dev: 'pkln-r0' }]);
    await rtnl.deleteNeighbourProxy({ device: 'pkln-r0', address: '10.202.0.78' });
  });

  it('adds a plain /32 address (no peer) and a host route with a preferred source', async () => {
    const journal = new NetworkJournal(rtnl);
    // `ip addr add 192.0.2.30/32 dev pkln-r1`: IFA_LOCAL and IFA_ADDRESS both the address.
    await journal.addPointToPointAddress({
      device: 'pkln-r1',
      local: '192.0.2.30',
      peer: '192.0.2.30',
    });
    // `ip route add 192.0.2.40/32 dev pkln-r1 src 192.0.2.30`.
    await journal.addRoute({
      destination: '192.0.2.40/32',
      device: 'pkln-r1',
      source: '192.0.2.30',
    });
    const [info] = ns.json<
      { addr_info: { local: string; address?: string; prefixlen: number }[] }[]
    >('-4', 'addr', 'show', 'dev', 'pkln-r1');
    expect(info?.addr_info).toEqual([
      expect.objectContaining({ local: '192.0.2.30', prefixlen: 32 }),
    ]);
    expect(info?.addr_info[0]?.address).toBeUndefined();
    expect(routeTo('192.0.2.40')).toMatchObject({
      dev: 'pkln-r1',
      prefsrc: '192.0.2.30',
      scope: 'link',
    });
    expect((await rtnl.routeTo('192.0.2.40')).source).toBe('192.0.2.30');
    expect(await journal.undo()).toEqual({ undone: 2, alreadyUndone: 0, failures: [] });
    expect(routeTo('192.0.2.40')).toBeUndefined();
    expect(await rtnl.addresses('pkln-r1')).toEqual([]);
  });

  it('explains kernel refusals with the extended ack, and is closed for good after close()', async () => {
    // `ip route add 10.99.0.0/16 via 10.77.0.1` says: "Error: Nexthop has invalid gateway."
    const error = await rejection(
      rtnl.addRoute({ destination: '10.99.0.0/16', gateway: '10.77.0.1' }),
    );
    expect(error.code).toBe('LINUXNET_NO_ROUTE');
    expect(error.details.errnoName).toBe('ENETUNREACH');
    expect(error.details.kernelMessage).toBe('Nexthop has invalid gateway');
    expect((await rejection(rtnl.setLinkUp('pkln-none', true))).code).toBe('LINUXNET_NOT_FOUND');
    const other = openRtnetlink();
    other.close();
    other.close();
    expect((await rejection(other.link('lo'))).code).toBe('LINUXNET_CLOSED');
  });

  it('rejects malformed route arguments before touching the kernel', async () => {
    await expect(rtnl.addRoute({ destination: '10.0.0.1/8', device: 'pkln-r1' })).rejects.toThrow(
      RangeError,
    );
    await expect(rtnl.addRoute({ destination: '10.0.0.0/33', device: 'pkln-r1' })).rejects.toThrow(
      RangeError,
    );
    await expect(rtnl.addRoute({ destination: '10.0.0.0/8' })).rejects.toThrow(TypeError);
    await expect(rtnl.setMtu('pkln-r1', 20)).rejects.toThrow(RangeError);
  });

  /** A VPN-style set of changes, as the client makes them. */
  async function connect(journal: NetworkJournal): Promise<void> {
    await journal.setMtu('pkln-r1', 1400);
    await journal.setLinkUp('pkln-r3', false);
    await journal.addPointToPointAddress({
      device: 'pkln-r1',
      local: '192.0.2.10',
      peer: '192.0.2.1',
    });
    await journal.addRoute(hostRoute(SERVER, { gateway: GATEWAY, device: 'pkln-r0' }));
    for (const route of splitDefaultRoutes({ device: 'pkln-r1' })) await journal.addRoute(route);
    await journal.deleteRoute({ destination: '0.0.0.0/0' });
    await journal.addRoute(defaultRouteSpec({ device: 'pkln-r1' }, 5));
  }

  it('undo restores the exact tables, addresses and links it started from', async () => {
    const before = snapshot();
    const journal = new NetworkJournal(rtnl);
    await connect(journal);
    expect(snapshot()).not.toBe(before);
    expect(routeTo('default')).toMatchObject({ dev: 'pkln-r1', metric: 5 });
    expect(journal.entries.map((e) => e.type)).toEqual([
      'link-mtu-changed',
      'link-up-changed',
      'address-added',
      'route-added',
      'route-added',
      'route-added',
      'route-deleted',
      'route-added',
    ]);
    expect(await journal.undo()).toEqual({ undone: 8, alreadyUndone: 0, failures: [] });
    expect(snapshot()).toBe(before);
    expect(journal.entries).toEqual([]);
  });

  it('replays persisted entries after a "crash" (JSON round trip) and tolerates changes already gone', async () => {
    const before = snapshot();
    let persisted = '[]';
    await connect(
      new NetworkJournal(rtnl, { onChange: (entries) => (persisted = JSON.stringify(entries)) }),
    );
    // Something else already removed one of our routes before recovery runs.
    ns.ip('route', 'del', '128.0.0.0/1', 'dev', 'pkln-r1');
    const recovered = new NetworkJournal(openRtnetlink(), { entries: JSON.parse(persisted) });
    expect(await recovered.undo()).toEqual({ undone: 7, alreadyUndone: 1, failures: [] });
    expect(snapshot()).toBe(before);
  });
});

describe.skipIf(!isRoot)('the path MTU the kernel learnt (ICMP "fragmentation needed")', () => {
  let host: Netns;
  let router: Netns;
  let rtnl: Rtnetlink;
  const FAR = '10.212.0.5';

  beforeAll(() => {
    // host (10.211.0.1) ── router (10.211.0.2) ── a 1300-byte link towards 10.212.0.0/24
    host = new Netns('pmtu');
    router = new Netns('pmtr');
    host.ip(
      'link',
      'add',
      'pkln-pa',
      'type',
      'veth',
      'peer',
      'name',
      'pkln-pb',
      'netns',
      router.name,
    );
    host.ip('addr', 'add', '10.211.0.1/24', 'dev', 'pkln-pa');
    host.ip('link', 'set', 'pkln-pa', 'up');
    host.ip('route', 'add', '10.212.0.0/24', 'via', '10.211.0.2');
    router.exec('sysctl', '-qw', 'net.ipv4.ip_forward=1');
    router.ip('addr', 'add', '10.211.0.2/24', 'dev', 'pkln-pb');
    router.ip('link', 'add', 'pkln-pc', 'mtu', '1300', 'type', 'veth', 'peer', 'name', 'pkln-pd');
    for (const dev of ['pkln-pb', 'pkln-pc', 'pkln-pd']) router.ip('link', 'set', dev, 'up');
    router.ip('route', 'add', '10.212.0.0/24', 'dev', 'pkln-pc');
    host.enter();
    rtnl = openRtnetlink();
  });

  afterAll(() => {
    rtnl?.close();
    leaveNetns();
    host?.delete();
    router?.delete();
  });

  it('routeTo() reports the cached path MTU as `ip route get` does, and none before', async () => {
    expect((await rtnl.routeTo(FAR)).mtu).toBeUndefined();
    // A 1428-byte packet with DF set: the router answers "fragmentation needed, MTU 1300".
    try {
      host.exec('ping', '-M', 'do', '-s', '1400', '-c', '1', '-W', '1', FAR);
    } catch {
      // no echo reply comes back; the ICMP error is what we want
    }
    await until(
      () => host.json<{ metrics?: unknown[] }[]>('route', 'get', FAR)[0]?.metrics !== undefined,
      'the kernel to cache the path MTU',
    );
    const [expected] = host.json<{ metrics: { mtu: number }[] }[]>('route', 'get', FAR);
    expect(expected?.metrics[0]?.mtu).toBe(1300);
    const lookup = await rtnl.routeTo(FAR);
    expect(lookup).toMatchObject({ device: 'pkln-pa', gateway: '10.211.0.2', mtu: 1300 });
    expect((await rtnl.link(lookup.device)).mtu).toBe(1500);
  });
});
