import {
  type ControlAction,
  PacControlConnection,
  type PacOptions,
  PnsControlConnection,
  type PnsOptions,
} from '../src/index.js';

/** A deterministic `randomBytes` (xorshift32) for tests. */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

type Side = 'pns' | 'pac';

/**
 * A PNS and a PAC joined by a fake TCP connection on a fake clock. Each side's one timer is
 * re-armed from its core's `nextDeadline()` after every call, as a real shell would.
 */
export class BackToBack {
  now = 0;
  readonly pns: PnsControlConnection;
  readonly pac: PacControlConnection;
  readonly log: Record<Side, ControlAction[]> = { pns: [], pac: [] };
  readonly timer: Record<Side, number> = {
    pns: Number.POSITIVE_INFINITY,
    pac: Number.POSITIVE_INFINITY,
  };
  /** Drop everything one side sends, its TCP close included (the peer falls silent). */
  readonly mute: Record<Side, boolean> = { pns: false, pac: false };
  #tcpOpen = true;
  readonly #queue: { to: Side; bytes?: Uint8Array }[] = [];

  constructor(pns: Partial<PnsOptions> = {}, pac: Partial<PacOptions> = {}) {
    this.pns = new PnsControlConnection({ randomBytes: seededRandom(1), ...pns });
    this.pac = new PacControlConnection({
      randomBytes: seededRandom(2),
      hostName: 'pac.example',
      ...pac,
    });
  }

  /** Accepts the TCP connection on the PAC and starts the PNS. */
  connect(): this {
    this.deliver('pac', this.pac.start(this.now));
    this.deliver('pns', this.pns.start(this.now));
    return this;
  }

  /** Routes one side's actions (sends to the other side, closes) and re-arms its timer. */
  deliver(from: Side, actions: ControlAction[]): void {
    const to: Side = from === 'pns' ? 'pac' : 'pns';
    this.timer[from] = (from === 'pns' ? this.pns : this.pac).nextDeadline();
    for (const action of actions) {
      this.log[from].push(action);
      if (action.type === 'send' && !this.mute[from] && this.#tcpOpen) {
        this.#queue.push({ to, bytes: action.bytes });
      } else if (action.type === 'close' && !this.mute[from] && this.#tcpOpen) {
        this.#tcpOpen = false;
        this.#queue.push({ to });
      }
    }
    while (this.#queue.length > 0) {
      const next = this.#queue.shift()!;
      const core = next.to === 'pns' ? this.pns : this.pac;
      this.deliver(
        next.to,
        next.bytes === undefined ? core.closed(this.now) : core.receive(next.bytes, this.now),
      );
    }
  }

  /** Advances the clock by `ms`, firing the armed timers in order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = (['pns', 'pac'] as const)
        .filter((s) => this.timer[s] <= target)
        .sort((a, b) => this.timer[a] - this.timer[b]);
      const side = due[0];
      if (side === undefined) break;
      this.now = Math.max(this.now, this.timer[side]);
      this.timer[side] = Number.POSITIVE_INFINITY;
      const core = side === 'pns' ? this.pns : this.pac;
      this.deliver(side, core.timeout(this.now));
    }
    this.now = target;
  }

  /** The actions of one type a side produced, in order. */
  actions<T extends ControlAction['type']>(
    side: Side,
    type: T,
  ): Extract<ControlAction, { type: T }>[] {
    return this.log[side].filter((a): a is Extract<ControlAction, { type: T }> => a.type === type);
  }

  /** The message types a side sent, in order. */
  sent(side: Side): string[] {
    return this.actions(side, 'send').map((a) => a.message.type);
  }

  /** Opens a call from the PNS and returns its Call ID. */
  openCall(): number {
    const { callId, actions } = this.pns.openCall(this.now);
    this.deliver('pns', actions);
    return callId;
  }
}
