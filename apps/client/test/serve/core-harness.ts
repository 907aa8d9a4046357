/**
 * A {@link ServerCore} with in-memory clients on a fake clock: each client is the tunnel core
 * in the client role (`@pptpkit/testkit`'s `testClient`), its control stream and GRE carried
 * by queues with a 1 ms delay. Several clients may share a source address, as behind NAT;
 * GRE for an address reaches every client there, and each keeps its own Call ID's packets.
 */
import {
  FakeClock,
  fakePptpd,
  SeededRandom,
  type TestClientOptions,
  testClient,
} from '@pptpkit/testkit';
import {
  serverAuthMethods,
  Tunnel,
  type TunnelEvent,
  type TunnelOptions,
  type TunnelSink,
  type TunnelUp,
} from '@pptpkit/tunnel';
import { parseIpv4 } from '@pptpkit/wire';
import { AddressPool } from '../../src/serve/address-pool.js';
import { DEFAULT_ADMISSION } from '../../src/serve/admission.js';
import type { ServerConfig } from '../../src/serve/config/server-config.js';
import { ServerCore, type ServerCoreOptions } from '../../src/serve/server-core.js';
import type { AddressRule, ServerSession } from '../../src/serve/server-session.js';
import { serverTunnelOptions } from '../../src/serve/server-tunnel-options.js';

export const ip = (text: string): number => parseIpv4(text)!;

/** One in-memory client. */
export interface Client {
  readonly tunnel: Tunnel;
  readonly source: number;
  readonly events: TunnelEvent[];
  readonly delivered: Uint8Array[];
  session: ServerSession | undefined;
  refused: string | undefined;
}

interface Job {
  readonly at: number;
  readonly run: () => void;
}

/** Settings of the harness's server. */
export interface HarnessOptions {
  readonly users?: Readonly<Record<string, string>>;
  /** Address rules by user (the secrets file's address column). */
  readonly rules?: Readonly<Record<string, AddressRule>>;
  readonly remote?: readonly [string, string];
  readonly maxSessions?: number;
  readonly maxPendingPerSource?: number;
  readonly authTimeoutMs?: number;
  readonly auth?: Parameters<typeof serverAuthMethods>[0];
  /**
   * Build the sessions' tunnel options from this `pptpkit serve` configuration, as the server
   * does (`serverTunnelOptions`), instead of the fake pptpd's. `users` stay the secrets.
   */
  readonly config?: ServerConfig;
}

/** A client's tunnel options around the sink and randomness the harness gives it. */
export type ClientFactory = (
  sink: TunnelSink,
  randomBytes: (n: number) => Uint8Array,
) => TunnelOptions;

/** The rule of a secrets entry with no address column: any address. */
const ANY_ADDRESS: AddressRule = { permits: () => true, single: () => undefined };

/** The server core, its clients and a fake clock. */
export class CoreHarness {
  readonly clock: FakeClock = new FakeClock();
  readonly core: ServerCore;
  readonly clients: Client[] = [];
  readonly closed: ServerSession[] = [];
  readonly upSessions: ServerSession[] = [];
  /** The server's `up` events, in order. */
  readonly upEvents: TunnelUp[] = [];
  readonly toHost: Uint8Array[] = [];
  readonly #random = new SeededRandom(11);
  #jobs: Job[] = [];

  constructor(o: HarnessOptions = {}) {
    const users = o.users ?? { alice: 'Secret-pw1', bob: 'Secret-pw2', carol: 'Secret-pw3' };
    const [first, last] = o.remote ?? ['192.168.78.10', '192.168.78.19'];
    const randomBytes = (n: number): Uint8Array => this.#random.bytes(n);
    const options: ServerCoreOptions = {
      remotePool: new AddressPool([{ first: ip(first), last: ip(last), step: 1 }]),
      local: ip('192.168.78.1'),
      limits: {
        ...DEFAULT_ADMISSION,
        maxSessions: o.maxSessions ?? 100,
        maxPendingPerSource: o.maxPendingPerSource ?? DEFAULT_ADMISSION.maxPendingPerSource,
      },
      authTimeoutMs: o.authTimeoutMs ?? 30_000,
      firstCallId: 500,
      tunnelOptions: (sink, session): TunnelOptions => {
        if (o.config !== undefined) {
          return serverTunnelOptions(
            o.config,
            sink,
            randomBytes,
            ip('192.168.78.1'),
            (user) => {
              const secret = users[user];
              return secret === undefined ? undefined : { secret, rule: ANY_ADDRESS };
            },
            (rule) => (session.addressRule = rule),
          );
        }
        const base = fakePptpd(sink, randomBytes, { local: '192.168.78.1' });
        return {
          ...base,
          role: {
            role: 'server',
            auth: serverAuthMethods(
              o.auth ?? ['mschap-v2'],
              {
                name: 'pptpd',
                lookup: (user) => {
                  session.addressRule = o.rules?.[user];
                  return users[user];
                },
              },
              randomBytes,
            ),
          },
        };
      },
      sink: {
        control: (session, bytes) => {
          const copy = bytes.slice();
          const client = this.clients.find((c) => c.session === session);
          this.#later(1, () => client?.tunnel.receiveControl(copy, this.clock.now));
        },
        endControl: (session) => {
          const client = this.clients.find((c) => c.session === session);
          this.#later(1, () => client?.tunnel.controlClosed(this.clock.now));
        },
        gre: (destination, buf, start, end) => {
          const copy = buf.slice(start, end);
          for (const c of this.clients) {
            if (c.source === destination)
              this.#later(1, () => c.tunnel.receiveGre(copy, 0, copy.length, this.clock.now));
          }
        },
        ip: (buf, start, end) => {
          this.toHost.push(buf.slice(start, end));
          return true;
        },
        up: (session, event) => {
          this.upSessions.push(session);
          this.upEvents.push(event);
        },
        closed: (session) => this.closed.push(session),
        event: () => {},
      },
    };
    this.core = new ServerCore(options);
  }

  /**
   * Connects a client from `source`, a test client with `options` or one `options` builds;
   * returns it (its `refused` says when it was turned away).
   */
  connect(source: string, options: TestClientOptions | ClientFactory = {}): Client {
    const randomBytes = (n: number): Uint8Array => this.#random.bytes(n);
    const events: TunnelEvent[] = [];
    const delivered: Uint8Array[] = [];
    const from = ip(source);
    const client: Client = {
      tunnel: undefined as unknown as Tunnel,
      source: from,
      events,
      delivered,
      session: undefined,
      refused: undefined,
    };
    const build: ClientFactory =
      typeof options === 'function' ? options : (sink, random) => testClient(sink, random, options);
    const tunnel = new Tunnel(
      build(
        {
          control: (bytes) => {
            const copy = bytes.slice();
            this.#later(1, () => {
              if (client.session) this.core.controlData(client.session, copy, this.clock.now);
            });
          },
          endControl: () =>
            this.#later(1, () => {
              if (client.session) this.core.controlClosed(client.session, this.clock.now);
            }),
          gre: (buf, start, end) => {
            const copy = buf.slice(start, end);
            this.#later(1, () => this.core.greIn(from, copy, 0, copy.length, this.clock.now));
          },
          ip: (buf, start, end) => {
            delivered.push(buf.slice(start, end));
            return true;
          },
          event: (e) => events.push(e),
        },
        randomBytes,
      ),
    );
    (client as { tunnel: Tunnel }).tunnel = tunnel;
    this.clients.push(client);
    const accepted = this.core.accept(from, 40_000 + this.clients.length, this.clock.now);
    if (typeof accepted === 'string') {
      client.refused = accepted;
      return client;
    }
    client.session = accepted;
    tunnel.start(this.clock.now);
    return client;
  }

  #later(ms: number, run: () => void): void {
    this.#jobs.push({ at: this.clock.now + ms, run });
  }

  /** Runs queued jobs and every deadline until `done()` or `limitMs` of fake time. */
  runUntil(done: () => boolean, limitMs = 60_000): boolean {
    const end = this.clock.now + limitMs;
    while (!done()) {
      let next = this.core.nextDeadline();
      for (const j of this.#jobs) next = Math.min(next, j.at);
      for (const c of this.clients) if (c.session) next = Math.min(next, c.tunnel.nextDeadline());
      if (next > end) {
        this.clock.advanceTo(end);
        return done();
      }
      this.clock.advanceTo(Math.max(next, this.clock.now));
      const now = this.clock.now;
      const due = this.#jobs.filter((j) => j.at <= now);
      this.#jobs = this.#jobs.filter((j) => j.at > now);
      for (const j of due) j.run();
      if (this.core.nextDeadline() <= now) this.core.timeout(now);
      for (const c of this.clients)
        if (c.session && c.tunnel.nextDeadline() <= now) c.tunnel.timeout(now);
    }
    return true;
  }

  /** Runs for `ms` of fake time. */
  runFor(ms: number): void {
    const end = this.clock.now + ms;
    this.runUntil(() => this.clock.now >= end, ms);
  }
}
