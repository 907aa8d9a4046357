/**
 * Two tunnel cores back to back in memory on a fake clock: a reliable control stream with a
 * delay each way, and a {@link SimulatedWire} each way for GRE.
 *
 * @module
 */
import { Tunnel, type TunnelEvent, type TunnelOptions, type TunnelSink } from '@pptpkit/tunnel';
import { FakeClock } from './clock.js';
import { fakePptpd } from './fake-pptpd.js';
import { SeededRandom } from './random.js';
import { SimulatedWire, type WireFaults } from './wire.js';

/** Builds one side's tunnel options around the sink and randomness the pair provides. */
export type SideFactory = (
  sink: TunnelSink,
  randomBytes: (n: number) => Uint8Array,
) => TunnelOptions;

/** How a {@link TunnelPair} is set up. */
export interface TunnelPairOptions {
  /** The client side. */
  readonly client: SideFactory;
  /** The server side; default a {@link fakePptpd} with its defaults. */
  readonly server?: SideFactory;
  /** Seed of every random choice (faults, chunking, the cores' randomness). Default 1. */
  readonly seed?: number;
  /** GRE faults client → server. */
  readonly toServer?: WireFaults;
  /** GRE faults server → client. */
  readonly toClient?: WireFaults;
  /** One-way delay of the control stream, ms. Default 1. */
  readonly controlDelayMs?: number;
}

/** What one side saw. */
export interface PairSide {
  /** Its core. */
  readonly tunnel: Tunnel;
  /** Its events, in order. */
  readonly events: TunnelEvent[];
  /** IP packets it delivered to its host, copied. */
  readonly delivered: Uint8Array[];
  /** PPP control frames it sent and received (debug sink), as `sent`/`received` + frame. */
  readonly frames: { readonly direction: 'sent' | 'received'; readonly frame: Uint8Array }[];
}

interface Segment {
  readonly at: number;
  readonly bytes: Uint8Array | undefined;
}

/** A client and a server tunnel wired back to back; the test drives the fake clock. */
export class TunnelPair {
  /** The fake clock. */
  readonly clock: FakeClock = new FakeClock();
  /** The client side. */
  readonly client: PairSide;
  /** The server side. */
  readonly server: PairSide;
  /** GRE client → server. */
  readonly toServer: SimulatedWire;
  /** GRE server → client. */
  readonly toClient: SimulatedWire;
  readonly #random: SeededRandom;
  readonly #delay: number;
  readonly #toServerCtl: Segment[] = [];
  readonly #toClientCtl: Segment[] = [];
  #serverCtlClosed = false;
  #clientCtlClosed = false;

  /** @param options - the two sides, the faults and the seed. */
  constructor(options: TunnelPairOptions) {
    this.#random = new SeededRandom(options.seed ?? 1);
    this.#delay = options.controlDelayMs ?? 1;
    this.toServer = new SimulatedWire(
      options.toServer ?? {},
      new SeededRandom(this.#random.next()),
    );
    this.toClient = new SimulatedWire(
      options.toClient ?? {},
      new SeededRandom(this.#random.next()),
    );
    const clientRandom = new SeededRandom(this.#random.next());
    const serverRandom = new SeededRandom(this.#random.next());
    this.client = this.#side(
      options.client,
      (n) => clientRandom.bytes(n),
      this.#toServerCtl,
      this.toServer,
    );
    this.server = this.#side(
      options.server ?? ((sink, randomBytes) => fakePptpd(sink, randomBytes)),
      (n) => serverRandom.bytes(n),
      this.#toClientCtl,
      this.toClient,
    );
  }

  #side(
    factory: SideFactory,
    randomBytes: (n: number) => Uint8Array,
    controlOut: Segment[],
    wire: SimulatedWire,
  ): PairSide {
    const events: TunnelEvent[] = [];
    const delivered: Uint8Array[] = [];
    const frames: PairSide['frames'] = [];
    const sink: TunnelSink = {
      control: (bytes) =>
        controlOut.push({ at: this.clock.now + this.#delay, bytes: bytes.slice() }),
      endControl: () => controlOut.push({ at: this.clock.now + this.#delay, bytes: undefined }),
      gre: (buf, start, end) => wire.send(buf, start, end, this.clock.now),
      ip: (buf, start, end) => {
        delivered.push(buf.slice(start, end));
        return true;
      },
      event: (event) => events.push(event),
      frame: (direction, frame) => frames.push({ direction, frame: frame.slice() }),
    };
    return { tunnel: new Tunnel(factory(sink, randomBytes)), events, delivered, frames };
  }

  /** Starts both cores (the TCP connection is taken as established). */
  start(): void {
    this.server.tunnel.start(this.clock.now);
    this.client.tunnel.start(this.clock.now);
  }

  /** When anything next happens; `Infinity` when nothing ever will. */
  nextDeadline(): number {
    return Math.min(
      this.#toServerCtl[0]?.at ?? Number.POSITIVE_INFINITY,
      this.#toClientCtl[0]?.at ?? Number.POSITIVE_INFINITY,
      this.toServer.nextDeadline(),
      this.toClient.nextDeadline(),
      this.client.tunnel.nextDeadline(),
      this.server.tunnel.nextDeadline(),
    );
  }

  /** Moves the clock to the next happening and runs everything due; false when nothing is left. */
  step(): boolean {
    const at = this.nextDeadline();
    if (!Number.isFinite(at)) return false;
    this.clock.advanceTo(Math.max(at, this.clock.now));
    const now = this.clock.now;
    this.#deliverControl(this.#toServerCtl, this.server.tunnel, now, 'server');
    this.#deliverControl(this.#toClientCtl, this.client.tunnel, now, 'client');
    this.toServer.deliverDue(now, (b) => this.server.tunnel.receiveGre(b, 0, b.length, now));
    this.toClient.deliverDue(now, (b) => this.client.tunnel.receiveGre(b, 0, b.length, now));
    for (const side of [this.client, this.server]) {
      if (side.tunnel.nextDeadline() <= now) side.tunnel.timeout(now);
    }
    return true;
  }

  /**
   * Steps until `done()` holds or `limitMs` of simulated time passed (bounded in steps too).
   * Returns whether `done()` held.
   */
  runUntil(done: () => boolean, limitMs = 60_000): boolean {
    const end = this.clock.now + limitMs;
    for (let steps = 0; steps < 1_000_000; steps++) {
      if (done()) return true;
      if (this.nextDeadline() > end) {
        this.clock.advanceTo(Math.max(this.clock.now, end));
        return done();
      }
      if (!this.step()) return done();
    }
    throw new Error('TunnelPair.runUntil: a million steps without settling (a busy loop?)');
  }

  /** Runs `ms` of simulated time. */
  runFor(ms: number): void {
    this.runUntil(() => false, ms);
  }

  #deliverControl(queue: Segment[], to: Tunnel, now: number, side: 'client' | 'server'): void {
    while (queue.length > 0 && queue[0]!.at <= now) {
      const segment = queue.shift()!;
      const closed = side === 'server' ? this.#serverCtlClosed : this.#clientCtlClosed;
      if (closed) continue;
      if (segment.bytes === undefined) {
        if (side === 'server') this.#serverCtlClosed = true;
        else this.#clientCtlClosed = true;
        to.controlClosed(now);
        continue;
      }
      // TCP keeps no message boundaries: sometimes split a write in two.
      const b = segment.bytes;
      if (b.length > 1 && this.#random.chance(0.25)) {
        const cut = 1 + this.#random.int(b.length - 1);
        to.receiveControl(b.subarray(0, cut), now);
        to.receiveControl(b.subarray(cut), now);
      } else to.receiveControl(b, now);
    }
  }
}
