import type { RouteInfo } from '@pptpkit/linux-net';
import { describe, expect, it } from 'vitest';
import { planDefaultRoute } from '../../src/host/default-route.js';

const route = (destination: string, metric: number, gateway?: string): RouteInfo => ({
  destination,
  ...(gateway === undefined ? {} : { gateway }),
  device: 'eth0',
  metric,
  table: 254,
  protocol: 4,
  scope: 0,
});
const current = [route('0.0.0.0/0', 100, '10.0.0.254'), route('10.0.0.0/24', 100)];
const base = {
  splitDefaultRoute: false,
  defaultRoute: false,
  replaceDefaultRoute: false,
};

describe('planDefaultRoute', () => {
  it('defaultroute-split: the two /1 halves through the tunnel, the default route untouched', () => {
    expect(planDefaultRoute({ ...base, splitDefaultRoute: true }, current, 'ppp0')).toEqual({
      remove: [],
      add: [
        { destination: '0.0.0.0/1', device: 'ppp0' },
        { destination: '128.0.0.0/1', device: 'ppp0' },
      ],
    });
    expect(
      planDefaultRoute(
        { ...base, splitDefaultRoute: true, defaultRoute: true, defaultRouteMetric: 5 },
        current,
        'ppp0',
      ).add.map((r) => `${r.destination}/${r.metric}`),
    ).toEqual(['0.0.0.0/1/5', '128.0.0.0/1/5']);
  });

  it('nothing asked: nothing done', () => {
    expect(planDefaultRoute(base, current, 'ppp0')).toEqual({ remove: [], add: [] });
  });

  it('defaultroute with a default route present and no metric: refused (pppd 2.4)', () => {
    const plan = planDefaultRoute({ ...base, defaultRoute: true }, current, 'ppp0');
    expect(plan.add).toEqual([]);
    expect(plan.refused).toMatch(/replacedefaultroute/);
  });

  it('defaultroute-metric: added beside a default route of another metric, refused beside one of the same', () => {
    expect(
      planDefaultRoute({ ...base, defaultRoute: true, defaultRouteMetric: 50 }, current, 'ppp0'),
    ).toEqual({ remove: [], add: [{ destination: '0.0.0.0/0', device: 'ppp0', metric: 50 }] });
    expect(
      planDefaultRoute({ ...base, defaultRoute: true, defaultRouteMetric: 100 }, current, 'ppp0')
        .refused,
    ).toBeDefined();
  });

  it('replacedefaultroute: deletes the conflicting default route exactly, then adds ours', () => {
    expect(planDefaultRoute({ ...base, replaceDefaultRoute: true }, current, 'ppp0')).toEqual({
      remove: [
        {
          destination: '0.0.0.0/0',
          gateway: '10.0.0.254',
          device: 'eth0',
          metric: 100,
          table: 254,
        },
      ],
      add: [{ destination: '0.0.0.0/0', device: 'ppp0', metric: 0 }],
    });
  });

  it('defaultroute with no default route present: added with metric 0', () => {
    expect(
      planDefaultRoute({ ...base, defaultRoute: true }, [route('10.0.0.0/24', 0)], 'tun7').add,
    ).toEqual([{ destination: '0.0.0.0/0', device: 'tun7', metric: 0 }]);
  });
});
