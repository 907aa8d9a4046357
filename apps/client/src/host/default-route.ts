import {
  defaultRouteSpec,
  type RouteInfo,
  type RouteSpec,
  splitDefaultRoutes,
} from '@pptpkit/linux-net';
import type { PeerSettings } from '../config/index.js';

/** What to change so that the tunnel carries the default traffic, as the settings ask. */
export interface DefaultRoutePlan {
  /** Existing routes to delete first, exactly as the kernel has them (so undo re-adds them). */
  readonly remove: readonly RouteSpec[];
  /** Routes through the tunnel to add. */
  readonly add: readonly RouteSpec[];
  /** Why nothing is added though a default route was asked for, if so. */
  readonly refused?: string;
}

/**
 * Plans the default routing through `device`:
 * - `defaultroute-split`: `0.0.0.0/1` and `128.0.0.0/1` through the tunnel (more specific than
 *   any default route, which stays as it is); `defaultroute-metric` is their metric;
 * - `defaultroute`: a default route through the tunnel with `defaultroute-metric` (0 when not
 *   given), unless a default route is there already: any one when no metric is given (pppd
 *   2.4), one with the same metric when it is (pppd 2.5);
 * - `replacedefaultroute`: as `defaultroute`, deleting those default routes first.
 */
export function planDefaultRoute(
  settings: Pick<
    PeerSettings,
    'splitDefaultRoute' | 'defaultRoute' | 'replaceDefaultRoute' | 'defaultRouteMetric'
  >,
  current: readonly RouteInfo[],
  device: string,
): DefaultRoutePlan {
  const metric = settings.defaultRouteMetric;
  if (settings.splitDefaultRoute) {
    const add = splitDefaultRoutes({ device }).map((r) =>
      metric === undefined ? r : { ...r, metric },
    );
    return { remove: [], add };
  }
  if (!settings.defaultRoute && !settings.replaceDefaultRoute) return { remove: [], add: [] };
  const conflicting = current.filter(
    (r) => r.destination === '0.0.0.0/0' && (metric === undefined || r.metric === metric),
  );
  if (conflicting.length > 0 && !settings.replaceDefaultRoute) {
    return {
      remove: [],
      add: [],
      refused: 'not replacing the existing default route (use replacedefaultroute)',
    };
  }
  const remove = conflicting.map((route) => ({
    destination: route.destination,
    ...(route.gateway === undefined ? {} : { gateway: route.gateway }),
    ...(route.device === undefined ? {} : { device: route.device }),
    metric: route.metric,
    table: route.table,
  }));
  return { remove, add: [defaultRouteSpec({ device }, metric ?? 0)] };
}
