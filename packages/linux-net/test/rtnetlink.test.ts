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
import { isRoot, leaveNetns, Netns } from './netns.js';

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
