/**
 * A journal of the network changes an application makes, replayable in reverse to undo them
 * all: on a clean exit, or after a crash from entries the application persisted.
 *
 * @module
 */
import { LinuxNetError } from './errors.js';
import { canonicalPrefix, familyOf } from './ip-address.js';
import type {
  NeighbourProxy,
  PointToPointAddress,
  RouteInfo,
  RouteSpec,
  Rtnetlink,
} from './rtnetlink.js';

/** One recorded change; plain JSON so it can be persisted and replayed after a crash. */
export type JournalEntry =
  | { readonly type: 'route-added'; readonly route: RouteSpec }
  | { readonly type: 'route-deleted'; readonly route: RouteSpec }
  | { readonly type: 'address-added'; readonly address: PointToPointAddress }
  | { readonly type: 'address-deleted'; readonly address: PointToPointAddress }
  | { readonly type: 'neighbour-proxy-added'; readonly proxy: NeighbourProxy }
  | { readonly type: 'neighbour-proxy-deleted'; readonly proxy: NeighbourProxy }
  | { readonly type: 'link-up-changed'; readonly device: string; readonly wasUp: boolean }
  | { readonly type: 'link-mtu-changed'; readonly device: string; readonly previousMtu: number };

/** One entry that could not be undone. */
export interface UndoFailure {
  /** The entry. */
  readonly entry: JournalEntry;
  /** Why. */
  readonly error: unknown;
}

/** What {@link NetworkJournal.undo} did. */
export interface UndoReport {
  /** Entries undone. */
  readonly undone: number;
  /**
   * Entries whose effect was already gone (the route, address or proxy entry no longer
   * exists, the interface disappeared, or the deleted object is back): nothing left to undo.
   */
  readonly alreadyUndone: number;
  /** Entries that failed for another reason; undo carried on past them. */
  readonly failures: readonly UndoFailure[];
}

/** Options of {@link NetworkJournal}. */
export interface NetworkJournalOptions {
  /** Entries of an earlier run to undo (e.g. read back after a crash). */
  readonly entries?: readonly JournalEntry[];
  /** Called with all entries after every change, to persist them. */
  readonly onChange?: (entries: readonly JournalEntry[]) => void;
}

/**
 * Makes network changes through an {@link Rtnetlink} and records each one with what undoes
 * it. A change is recorded only once the kernel accepted it.
 */
export class NetworkJournal {
  readonly #rtnl: Rtnetlink;
  readonly #entries: JournalEntry[];
  readonly #onChange: ((entries: readonly JournalEntry[]) => void) | undefined;

  /**
   * @param rtnl - where changes go.
   * @param options - earlier entries and a persistence hook.
   */
  constructor(rtnl: Rtnetlink, options: NetworkJournalOptions = {}) {
    this.#rtnl = rtnl;
    this.#entries = [...(options.entries ?? [])];
    this.#onChange = options.onChange;
  }

  /** The recorded entries, oldest first (a copy). */
  get entries(): readonly JournalEntry[] {
    return [...this.#entries];
  }

  #record(entry: JournalEntry): void {
    this.#entries.push(entry);
    this.#onChange?.(this.entries);
  }

  /** Adds a route and records it. */
  async addRoute(route: RouteSpec): Promise<void> {
    await this.#rtnl.addRoute(route);
    this.#record({ type: 'route-added', route: { ...route } });
  }

  /**
   * Deletes the routes matching `route` (unset fields match anything) and records each as the
   * kernel had it (gateway, device, metric, protocol, scope, source, MTU), so undo restores it
   * exactly. `LINUXNET_NOT_FOUND` when none matches.
   */
  async deleteRoute(route: RouteSpec): Promise<void> {
    const matches = (await this.#rtnl.routes(route.table, familyOf(route.destination))).filter(
      (candidate) => routeMatches(candidate, route),
    );
    if (matches.length === 0) {
      throw new LinuxNetError(
        'LINUXNET_NOT_FOUND',
        `deleteRoute: no route matches ${route.destination}`,
        {
          operation: 'deleteRoute',
          destination: route.destination,
        },
      );
    }
    for (const match of matches) {
      const exact = exactSpec(match);
      await this.#rtnl.deleteRoute(exact);
      this.#record({ type: 'route-deleted', route: exact });
    }
  }

  /** Adds a point-to-point address and records it. */
  async addPointToPointAddress(address: PointToPointAddress): Promise<void> {
    await this.#rtnl.addPointToPointAddress(address);
    this.#record({ type: 'address-added', address: { ...address } });
  }

  /** Deletes a point-to-point address and records it. */
  async deletePointToPointAddress(address: PointToPointAddress): Promise<void> {
    await this.#rtnl.deletePointToPointAddress(address);
    this.#record({ type: 'address-deleted', address: { ...address } });
  }

  /** Adds a proxy neighbour entry and records it. */
  async addNeighbourProxy(proxy: NeighbourProxy): Promise<void> {
    await this.#rtnl.addNeighbourProxy(proxy);
    this.#record({ type: 'neighbour-proxy-added', proxy: { ...proxy } });
  }

  /** Deletes a proxy neighbour entry and records it. */
  async deleteNeighbourProxy(proxy: NeighbourProxy): Promise<void> {
    await this.#rtnl.deleteNeighbourProxy(proxy);
    this.#record({ type: 'neighbour-proxy-deleted', proxy: { ...proxy } });
  }

  /** Sets an interface up or down, recording its previous state. */
  async setLinkUp(device: string, up: boolean): Promise<void> {
    const before = await this.#rtnl.link(device);
    await this.#rtnl.setLinkUp(device, up);
    this.#record({ type: 'link-up-changed', device, wasUp: before.up });
  }

  /** Sets an interface's MTU, recording the previous one. */
  async setMtu(device: string, mtu: number): Promise<void> {
    const before = await this.#rtnl.link(device);
    await this.#rtnl.setMtu(device, mtu);
    this.#record({ type: 'link-mtu-changed', device, previousMtu: before.mtu });
  }

  /**
   * Undoes every entry, newest first, and empties the journal. A change whose effect is
   * already gone counts as `alreadyUndone`; other failures are collected and undo carries on,
   * so one stuck entry does not leave the rest in place.
   */
  async undo(): Promise<UndoReport> {
    let undone = 0;
    let alreadyUndone = 0;
    const failures: UndoFailure[] = [];
    while (this.#entries.length > 0) {
      const entry = this.#entries[this.#entries.length - 1]!;
      try {
        await this.#undoOne(entry);
        undone++;
      } catch (error) {
        if (isAlreadyUndone(entry, error)) alreadyUndone++;
        else failures.push({ entry, error });
      }
      this.#entries.pop();
      this.#onChange?.(this.entries);
    }
    return { undone, alreadyUndone, failures };
  }

  #undoOne(entry: JournalEntry): Promise<void> {
    switch (entry.type) {
      case 'route-added':
        return this.#rtnl.deleteRoute(entry.route);
      case 'route-deleted':
        return this.#rtnl.addRoute(entry.route);
      case 'address-added':
        return this.#rtnl.deletePointToPointAddress(entry.address);
      case 'address-deleted':
        return this.#rtnl.addPointToPointAddress(entry.address);
      case 'neighbour-proxy-added':
        return this.#rtnl.deleteNeighbourProxy(entry.proxy);
      case 'neighbour-proxy-deleted':
        return this.#rtnl.addNeighbourProxy(entry.proxy);
      case 'link-up-changed':
        return this.#rtnl.setLinkUp(entry.device, entry.wasUp);
      case 'link-mtu-changed':
        return this.#rtnl.setMtu(entry.device, entry.previousMtu);
    }
  }
}

/** True when undoing `entry` failed only because its effect is already gone. */
function isAlreadyUndone(entry: JournalEntry, error: unknown): boolean {
  if (!(error instanceof LinuxNetError)) return false;
  if (error.code === 'LINUXNET_NOT_FOUND') return true;
  return (
    error.code === 'LINUXNET_EXISTS' &&
    (entry.type === 'route-deleted' ||
      entry.type === 'address-deleted' ||
      entry.type === 'neighbour-proxy-deleted')
  );
}

/** Whether a kernel route matches a (partial) spec. */
function routeMatches(route: RouteInfo, spec: RouteSpec): boolean {
  return (
    route.destination === canonicalPrefix(spec.destination) &&
    (spec.gateway === undefined || route.gateway === spec.gateway) &&
    (spec.device === undefined || route.device === spec.device) &&
    (spec.metric === undefined || route.metric === spec.metric) &&
    (spec.type === undefined || (route.type ?? 'unicast') === spec.type)
  );
}

/** The full spec of a kernel route, enough to add it back as it was. */
function exactSpec(route: RouteInfo): RouteSpec {
  return {
    destination: route.destination,
    ...(route.gateway === undefined ? {} : { gateway: route.gateway }),
    ...(route.device === undefined ? {} : { device: route.device }),
    ...(route.source === undefined ? {} : { source: route.source }),
    ...(route.mtu === undefined ? {} : { mtu: route.mtu }),
    ...(route.type === undefined ? {} : { type: route.type }),
    metric: route.metric,
    table: route.table,
    protocol: route.protocol,
    scope: route.scope,
  };
}
