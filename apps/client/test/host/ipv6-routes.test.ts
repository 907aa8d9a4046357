import type { RouteInfo } from '@pptpkit/linux-net';
import { describe, expect, it } from 'vitest';
import { defaultIpv6Settings } from '../../src/config/ipv6-settings.js';
import { IPV6_LEAK_BLOCK, planIpv6Routes } from '../../src/host/ipv6-routes.js';

const route = (r: Partial<RouteInfo> & { destination: string }): RouteInfo => ({
  metric: 1024,
  table: 254,
  protocol: 9,
  scope: 0,
  ...r,
});
const settings = (o: { defaultRoute?: boolean; leakBlock?: boolean; metric?: number }) => ({
  ipv6: { ...defaultIpv6Settings(), enabled: true, ...o },
  ...(o.metric === undefined ? {} : { defaultRouteMetric: o.metric }),
});
const ra = route({ destination: '::/0', gateway: 'fe80::1', device: 'eth0' });

describe('planIpv6Routes (defaultroute6, ipv6-leak-block)', () => {
  it('defaultroute6 once IPv6CP is up: ::/0 through the tunnel at 1024, or defaultroute-metric', () => {
    expect(planIpv6Routes(settings({ defaultRoute: true }), true, false, [], 'ppp0')).toEqual({
      add: [{ destination: '::/0', device: 'ppp0', metric: 1024 }],
      blocked: false,
    });
    expect(
      planIpv6Routes(settings({ defaultRoute: true, metric: 50 }), true, false, [ra], 'ppp0').add,
    ).toEqual([{ destination: '::/0', device: 'ppp0', metric: 50 }]);
  });

  it('defaultroute6 does not replace a default route of the same metric elsewhere (pppd refuses too)', () => {
    const plan = planIpv6Routes(settings({ defaultRoute: true }), true, false, [ra], 'ppp0');
    expect(plan.add).toEqual([]);
    expect(plan.refused).toMatch(/not replacing the existing IPv6 default route through eth0/);
    // An unreachable ::/0 is no default route to keep.
    const blocked = [route({ destination: '::/0', type: 'unreachable', device: 'lo' })];
    expect(
      planIpv6Routes(settings({ defaultRoute: true }), true, false, blocked, 'ppp0').add,
    ).toHaveLength(1);
  });

  it('defaultroute6 without IPv6CP up adds nothing', () => {
    expect(planIpv6Routes(settings({ defaultRoute: true }), false, true, [], 'ppp0').add).toEqual(
      [],
    );
  });

  it('ipv6-leak-block: only while the IPv4 default goes through the tunnel and no IPv6 default does', () => {
    const on = settings({ leakBlock: true });
    expect(planIpv6Routes(on, false, true, [ra], 'ppp0')).toEqual({
      add: [IPV6_LEAK_BLOCK],
      blocked: true,
    });
    expect(planIpv6Routes(on, true, true, [ra], 'ppp0').blocked).toBe(true);
    expect(planIpv6Routes(on, false, false, [ra], 'ppp0')).toEqual({ add: [], blocked: false });
    const both = settings({ leakBlock: true, defaultRoute: true });
    expect(planIpv6Routes(both, true, true, [], 'ppp0')).toEqual({
      add: [{ destination: '::/0', device: 'ppp0', metric: 1024 }],
      blocked: false,
    });
    // defaultroute6 refused: IPv6 would leave by eth0, so it is blocked.
    expect(planIpv6Routes(both, true, true, [ra], 'ppp0')).toMatchObject({
      add: [IPV6_LEAK_BLOCK],
      blocked: true,
    });
    expect(planIpv6Routes(settings({}), false, true, [ra], 'ppp0').add).toEqual([]);
  });
});
