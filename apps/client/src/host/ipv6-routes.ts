import type { RouteInfo, RouteSpec } from '@pptpkit/linux-net';
import type { PeerSettings } from '../config/index.js';

/** The metric the kernel gives an IPv6 route added with none (`IP6_RT_PRIO_USER`). */
export const IPV6_DEFAULT_METRIC = 1024;

/** The route `ipv6-leak-block` adds: IPv6 to anywhere unreachable, ahead of any default route. */
export const IPV6_LEAK_BLOCK: RouteSpec = { destination: '::/0', type: 'unreachable', metric: 1 };

/** What to add to the IPv6 routing table once the tunnel is up. */
export interface Ipv6RoutePlan {
  /** Routes to add (journalled, removed on down). */
  readonly add: readonly RouteSpec[];
  /** Why `defaultroute6` adds nothing, if so. */
  readonly refused?: string;
  /** Whether IPv6 is blocked around the tunnel (`ipv6-leak-block`). */
  readonly blocked: boolean;
}

/**
 * Plans the IPv6 routes through `device`:
 * - `defaultroute6`, once IPv6CP is up: `::/0` through the tunnel with `defaultroute-metric`
 *   (else the kernel's 1024), unless a unicast default route with that metric exists through
 *   another interface (pppd's `sif6defaultroute` refuses then: "not replacing existing default
 *   route");
 * - `ipv6-leak-block`, when the tunnel carries the IPv4 default traffic and no IPv6 default
 *   route goes through it (IPv6CP not negotiated, or no `defaultroute6`, or it was refused): an
 *   unreachable `::/0` of metric 1, which wins over every default route of a higher metric
 *   (router advertisements install theirs at 1024), so that IPv6 neither leaves around the
 *   tunnel nor waits for a timeout (the kernel answers "no route to host" at once).
 */
export function planIpv6Routes(
  settings: Pick<PeerSettings, 'ipv6' | 'defaultRouteMetric'>,
  negotiated: boolean,
  ipv4AllTraffic: boolean,
  current: readonly RouteInfo[],
  device: string,
): Ipv6RoutePlan {
  const add: RouteSpec[] = [];
  let refused: string | undefined;
  if (negotiated && settings.ipv6.defaultRoute) {
    const metric = settings.defaultRouteMetric ?? IPV6_DEFAULT_METRIC;
    const other = current.find(
      (r) =>
        r.destination === '::/0' &&
        r.type === undefined &&
        r.metric === metric &&
        r.device !== device,
    );
    if (other === undefined) add.push({ destination: '::/0', device, metric });
    else
      refused = `not replacing the existing IPv6 default route through ${other.device ?? 'a gateway'}`;
  }
  const blocked = settings.ipv6.leakBlock && ipv4AllTraffic && add.length === 0;
  if (blocked) add.push(IPV6_LEAK_BLOCK);
  return { add, blocked, ...(refused === undefined ? {} : { refused }) };
}
