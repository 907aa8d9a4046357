import { type PppAction, PppLink, type PppLinkOptions } from '../src/index.js';

/** Deterministic xorshift32 randomness so every scenario is reproducible. */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}

export type Side = 'client' | 'server';

/** A recorded action with the side and time it happened on. */
export interface Logged {
  readonly side: Side;
  readonly at: number;
  readonly action: PppAction;
}

/** Decides what happens to a frame in flight: `[]` drops it, two copies duplicate it. */
export type Filter = (from: Side, frame: Uint8Array, at: number) => Uint8Array[];

/** Two links back to back over a lossless (unless filtered) wire on a fake clock. */
export class BackToBack {
  readonly client: PppLink;
  readonly server: PppLink;
  now = 0;
  readonly log: Logged[] = [];
  readonly #queue: { to: Side; frame: Uint8Array }[] = [];
  readonly #deadline: Record<Side, number> = {
    client: Number.POSITIVE_INFINITY,
    server: Number.POSITIVE_INFINITY,
  };
  filter: Filter = (_from, frame) => [frame];

  constructor(client: Omit<PppLinkOptions, 'role'>, server: Omit<PppLinkOptions, 'role'>) {
    this.client = new PppLink({ ...client, role: 'client' });
    this.server = new PppLink({ ...server, role: 'server' });
  }

  link(side: Side): PppLink {
    return side === 'client' ? this.client : this.server;
  }

  /** Records actions, queues sends to the other side and re-arms the side's one timer. */
  handle(side: Side, actions: PppAction[]): void {
    for (const action of actions) {
      this.log.push({ side, at: this.now, action });
      if (action.type === 'send') {
        const to: Side = side === 'client' ? 'server' : 'client';
        for (const f of this.filter(side, action.frame, this.now))
          this.#queue.push({ to, frame: f });
      }
    }
    this.#deadline[side] = this.link(side).nextDeadline();
  }

  start(): void {
    this.handle('client', this.client.start(this.now));
    this.handle('server', this.server.start(this.now));
  }

  /** Injects a frame as if it arrived at `to`. */
  inject(to: Side, frame: Uint8Array): void {
    this.handle(to, this.link(to).receive(frame, this.now));
  }

  /** Delivers frames and fires timers until quiet or `until` ms. */
  run(until: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      const next = this.#queue.shift();
      if (next !== undefined) {
        this.handle(next.to, this.link(next.to).receive(next.frame, this.now));
        continue;
      }
      const times = (['client', 'server'] as const)
        .map((s) => [s, this.#deadline[s]] as const)
        .filter((x) => x[1] <= until)
        .sort((a, b) => a[1] - b[1]);
      const first = times[0];
      if (first === undefined) {
        this.now = Math.max(this.now, until);
        return;
      }
      this.now = Math.max(this.now, first[1]);
      this.handle(first[0], this.link(first[0]).timeout(this.now));
    }
    throw new Error('back-to-back run did not settle');
  }

  actions<T extends PppAction['type']>(side: Side, type: T): Extract<PppAction, { type: T }>[] {
    return this.log
      .filter((l) => l.side === side && l.action.type === type)
      .map((l) => l.action as Extract<PppAction, { type: T }>);
  }

  /** Every frame `side` sent, in order. */
  sent(side: Side): Uint8Array[] {
    return this.actions(side, 'send').map((a) => a.frame);
  }
}
