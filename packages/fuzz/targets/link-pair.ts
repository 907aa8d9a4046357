/**
 * A client `PppLink` built as the client builds it (its settings mapped to the tunnel's options
 * by `apps/client/src/session/tunnel-options.ts`, then to the link's options as `Tunnel` does),
 * a pppd-like server `PppLink`, and the wire between them on a fake clock; with the invariants
 * every link's actions keep.
 *
 * @module
 */

import { DEFAULT_MPPE_POLICY, mppcOnlyCcpPolicy, mppeCcpPolicy } from '@pptpkit/mppe';
import {
  type CcpPolicy,
  type PppAction,
  PppLink,
  type PppLinkOptions,
  readPppHeader,
} from '@pptpkit/ppp-lcp-ipcp';
import { type AuthMethodName, serverAuthMethods, type TunnelSink } from '@pptpkit/tunnel';
import type { Credentials, PeerSettings } from '../../../apps/client/src/config/index.js';
import { tunnelOptionsFromSettings } from '../../../apps/client/src/session/tunnel-options.js';
import { coreStep, invariant } from '../engine/outcome.js';
import { seededRandomBytes } from '../engine/rng.js';
import type { StepTimer } from '../engine/target.js';

/** The tunnel's outputs, unused here: only the PPP link is driven. */
const NO_SINK: TunnelSink = {
  control: () => undefined,
  endControl: () => undefined,
  gre: () => undefined,
  ip: () => true,
  event: () => undefined,
};

/**
 * The client's PppLink options for `settings`: the tunnel options the client's session makes
 * of them, turned into the link's options as `Tunnel` turns them (client role: the accepted
 * methods, CCP, `requireMppe`, NCPs after CCP when MPPE is required, no IPv6CP).
 */
export function clientLinkOptions(
  settings: PeerSettings,
  credentials: Credentials,
  seed: number,
): PppLinkOptions {
  const random = seededRandomBytes(seed);
  const options = tunnelOptionsFromSettings(settings, credentials, random, NO_SINK, 10_000);
  const link = options.link ?? {};
  const requireMppe = link.requireMppe ?? false;
  return {
    role: 'client',
    randomBytes: random,
    policy: {
      acceptAuth: options.role.auth,
      ...(link.ccp === undefined ? {} : { ccp: link.ccp }),
      requireMppe,
      startNcpsAfterCcp: requireMppe && link.ccp !== undefined,
      ipv6: false,
    },
    ...(link.lcp === undefined ? {} : { lcp: link.lcp }),
    ...(link.ipcp === undefined ? {} : { ipcp: link.ipcp }),
    ...(link.automaton === undefined ? {} : { automaton: link.automaton }),
  };
}

/** Which authentication a pppd-like server requires (`none`: `noauth`). */
export type ServerAuth = AuthMethodName | 'none';
/** Which CCP a pppd-like server runs. */
export type ServerCcp = 'none' | 'mppe-stateless' | 'mppe-stateful' | 'mppc';

/** The user and password both ends know. */
export const LAB_CREDENTIALS: Credentials = { user: 'pptpkit', password: 'golden-Passw0rd' };

/** The name and password a server knows. */
export interface ServerUser {
  /** User name. */
  readonly user: string;
  /** Password (CHAP secret and PAP password alike). */
  readonly password: string;
}

function serverCcpPolicy(ccp: ServerCcp): CcpPolicy | undefined {
  switch (ccp) {
    case 'none':
      return undefined;
    case 'mppc':
      return mppcOnlyCcpPolicy();
    default:
      return mppeCcpPolicy({
        ...DEFAULT_MPPE_POLICY,
        required: true,
        allow40: true,
        stateful: ccp === 'mppe-stateful' ? 'prefer' : 'refuse',
      });
  }
}

/**
 * A pppd-like server (pptpd's options: `require-<auth>`, MPPE or MPPC or neither, addresses,
 * DNS), with `@pptpkit/tunnel`'s server authentication methods.
 */
export function serverLinkOptions(
  auth: ServerAuth,
  ccp: ServerCcp,
  ipv6: boolean,
  seed: number,
  known: ServerUser = { user: LAB_CREDENTIALS.user, password: LAB_CREDENTIALS.password! },
): PppLinkOptions {
  const policy = serverCcpPolicy(ccp);
  const random = seededRandomBytes(seed);
  const lookup = (user: string): string | undefined =>
    user === known.user ? known.password : undefined;
  return {
    role: 'server',
    randomBytes: random,
    policy: {
      requireAuth:
        auth === 'none' ? [] : serverAuthMethods([auth], { name: 'pptpd', lookup }, random),
      ...(policy === undefined ? {} : { ccp: policy }),
      requireMppe: ccp === 'mppe-stateless' || ccp === 'mppe-stateful',
      ipv6,
    },
    ipcp: {
      // 192.168.77.1 and .10, as in the interop lab.
      localAddress: 0xc0a84d01,
      peerAddress: 0xc0a84d0a,
      dns: [0xc0a84d01],
    },
  };
}

/** Checks one link's actions: the contract of `PppAction`. */
export class LinkChecker {
  /** `up` actions seen. */
  ups = 0;
  /** The `down` reason's code, once down. */
  downCode: string | undefined;
  /** When `timeout` is next due (`undefined`: nothing pending). */
  deadline: number | undefined;

  /**
   * @param requireMppe - the link's policy requires MPPE: an `up` must carry an agreement.
   */
  constructor(readonly requireMppe: boolean) {}

  /** Checks one batch of actions and the link's next deadline after it. */
  check(actions: readonly PppAction[], nextDeadline: number): void {
    invariant(!Number.isNaN(nextDeadline), 'nextDeadline is NaN');
    this.deadline = Number.isFinite(nextDeadline) ? nextDeadline : undefined;
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          invariant(a.frame.length > 0, 'an empty frame sent');
          invariant(
            readPppHeader(a.frame, 0, a.frame.length, { protocol: 0, offset: 0 }),
            'a sent frame whose PPP header does not decode',
          );
          break;
        case 'up':
          invariant(this.downCode === undefined, 'up after down');
          invariant(
            !this.requireMppe || a.mppe !== undefined,
            'up without MPPE although the policy requires it',
          );
          invariant(
            Number.isInteger(a.mtu) && a.mtu > 0,
            'up with an MTU that is not a positive integer',
            String(a.mtu),
          );
          this.ups++;
          break;
        case 'down':
          invariant(
            this.downCode === undefined,
            'a second down',
            `${this.downCode} then ${a.reason.code}`,
          );
          this.downCode = a.reason.code;
          break;
        default:
          break;
      }
    }
  }
}

/** A side of the pair. */
export type Side = 'client' | 'server';

/** Decides what happens to a frame on the wire: `[]` drops it. */
export type WireFilter = (from: Side, frame: Uint8Array) => Uint8Array[];

/** Two links joined by a wire on a fake clock; every action goes through its side's checker. */
export class LinkPair {
  /** The fake clock, ms. */
  now = 0;
  /** What the wire does to frames (default: delivers them). */
  filter: WireFilter = (_from, frame) => [frame];
  /** Frames each side received from the wire, in order. */
  readonly received: Record<Side, Uint8Array[]> = { client: [], server: [] };
  readonly #links: Record<Side, PppLink>;
  readonly #checkers: Record<Side, LinkChecker>;
  readonly #queue: { to: Side; frame: Uint8Array }[] = [];
  readonly #timer: StepTimer;

  /** @param timer - times every call into either link. */
  constructor(client: PppLinkOptions, server: PppLinkOptions, timer: StepTimer) {
    this.#links = { client: new PppLink(client), server: new PppLink(server) };
    this.#checkers = {
      client: new LinkChecker(client.policy?.requireMppe === true),
      server: new LinkChecker(server.policy?.requireMppe === true),
    };
    this.#timer = timer;
  }

  /** One side's link. */
  link(side: Side): PppLink {
    return this.#links[side];
  }

  /** One side's checker. */
  checker(side: Side): LinkChecker {
    return this.#checkers[side];
  }

  /** Calls into one side, checks the actions and puts its frames on the wire. */
  call(side: Side, what: string, f: (link: PppLink) => PppAction[]): void {
    const link = this.#links[side];
    const actions = coreStep(this.#timer, what, () => f(link));
    this.#checkers[side].check(actions, link.nextDeadline());
    const to: Side = side === 'client' ? 'server' : 'client';
    for (const a of actions) {
      if (a.type !== 'send') continue;
      for (const frame of this.filter(side, a.frame)) this.#queue.push({ to, frame });
    }
  }

  /** Starts both links. */
  start(): void {
    this.call('client', 'start', (l) => l.start(this.now));
    this.call('server', 'start', (l) => l.start(this.now));
  }

  /** Delivers a frame to `to` as if it came off the wire. */
  deliver(to: Side, frame: Uint8Array): void {
    this.received[to].push(frame);
    this.call(to, 'receive', (l) => l.receive(frame, this.now));
  }

  /** Delivers frames and fires timers, in time order, until quiet or `until`. */
  run(until: number): void {
    for (let events = 0; ; events++) {
      invariant(events < 20_000, 'the two links never settle (20 000 events in one run)');
      const next = this.#queue.shift();
      if (next !== undefined) {
        this.deliver(next.to, next.frame);
        continue;
      }
      const due = (['client', 'server'] as const)
        .filter((s) => {
          const at = this.#checkers[s].deadline;
          return at !== undefined && at <= until;
        })
        .sort((a, b) => this.#checkers[a].deadline! - this.#checkers[b].deadline!);
      const side = due[0];
      if (side === undefined) break;
      this.now = Math.max(this.now, this.#checkers[side].deadline!);
      this.call(side, 'timeout', (l) => l.timeout(this.now));
    }
    this.now = Math.max(this.now, until);
  }
}
