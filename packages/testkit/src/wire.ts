/**
 * A simulated datagram wire, one direction, on a fake clock: loss, reordering, duplication,
 * delay and jitter, corruption, truncation and blackout windows, all seeded.
 *
 * @module
 */
import type { SeededRandom } from './random.js';

/** The faults of one direction. Probabilities are per datagram, 0..1. */
export interface WireFaults {
  /** Datagrams lost. */
  readonly loss?: number;
  /** Datagrams held back until 1..`depth` later datagrams passed them (at most 50 ms). */
  readonly reorder?: { readonly probability: number; readonly depth: number };
  /** Datagrams delivered twice. */
  readonly duplicate?: number;
  /** One-way delay, ms. */
  readonly delayMs?: number;
  /** Extra delay, uniform in [0, jitterMs), ms (may itself reorder). */
  readonly jitterMs?: number;
  /** Datagrams with one random bit flipped. */
  readonly corrupt?: number;
  /** Datagrams cut short at a random length. */
  readonly truncate?: number;
  /** Time windows `[fromMs, toMs)` in which every datagram is lost. */
  readonly blackouts?: readonly { readonly fromMs: number; readonly toMs: number }[];
}

/** What a wire did, counted. */
export interface WireCounters {
  /** Datagrams handed to the wire. */
  sent: number;
  /** Lost (including blackouts). */
  lost: number;
  /** Delivered (duplicates included). */
  delivered: number;
  /** Extra copies made. */
  duplicated: number;
  /** Held back to be overtaken. */
  reordered: number;
  /** Bit-flipped. */
  corrupted: number;
  /** Cut short. */
  truncated: number;
}

interface InFlight {
  readonly bytes: Uint8Array;
  /** When it arrives (a held datagram: not before the datagrams that overtake it). */
  due: number;
  /** Held for reordering: later datagrams still to pass it. */
  overtakes: number;
  /** Held: delivered at this time even if fewer datagrams passed it. */
  readonly holdUntil: number;
}

/** Longest a reordered datagram waits for the datagrams that overtake it, ms. */
const REORDER_HOLD_MS = 50;

/** One direction of a simulated datagram path. */
export class SimulatedWire {
  /** What the wire did. */
  readonly counters: WireCounters = {
    sent: 0,
    lost: 0,
    delivered: 0,
    duplicated: 0,
    reordered: 0,
    corrupted: 0,
    truncated: 0,
  };
  #faults: WireFaults;
  readonly #random: SeededRandom;
  #queue: InFlight[] = [];

  /**
   * @param faults - the faults to apply.
   * @param random - the seeded generator deciding each fault.
   */
  constructor(faults: WireFaults, random: SeededRandom) {
    this.#faults = faults;
    this.#random = random;
  }

  /** Replaces the faults (e.g. a clean wire after a faulty phase). */
  setFaults(faults: WireFaults): void {
    this.#faults = faults;
  }

  /** Puts a datagram on the wire at `now` (copied). */
  send(bytes: Uint8Array, start: number, end: number, now: number): void {
    const f = this.#faults;
    const r = this.#random;
    this.counters.sent++;
    const blackout = f.blackouts?.some((b) => now >= b.fromMs && now < b.toMs) ?? false;
    if (blackout || r.chance(f.loss ?? 0)) {
      this.counters.lost++;
      return;
    }
    let copy = bytes.slice(start, end);
    if (copy.length > 0 && r.chance(f.corrupt ?? 0)) {
      const i = r.int(copy.length);
      copy[i] = copy[i]! ^ (1 << r.int(8));
      this.counters.corrupted++;
    }
    if (copy.length > 1 && r.chance(f.truncate ?? 0)) {
      copy = copy.subarray(0, r.int(copy.length));
      this.counters.truncated++;
    }
    const copies = r.chance(f.duplicate ?? 0) ? 2 : 1;
    if (copies === 2) this.counters.duplicated++;
    for (let c = 0; c < copies; c++) {
      const due = now + (f.delayMs ?? 0) + (f.jitterMs ? r.float() * f.jitterMs : 0);
      // Datagrams held for reordering are released behind this one.
      for (const q of this.#queue) {
        if (q.overtakes > 0 && --q.overtakes === 0) q.due = Math.max(q.due, due + 0.001);
      }
      const reorder = f.reorder;
      if (reorder !== undefined && r.chance(reorder.probability)) {
        this.counters.reordered++;
        const overtakes = 1 + r.int(Math.max(1, reorder.depth));
        this.#queue.push({ bytes: copy, due, overtakes, holdUntil: due + REORDER_HOLD_MS });
      } else this.#queue.push({ bytes: copy, due, overtakes: 0, holdUntil: due });
    }
  }

  /** When the next datagram is due; `Infinity` when none is in flight. */
  nextDeadline(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const q of this.#queue) at = Math.min(at, q.overtakes > 0 ? q.holdUntil : q.due);
    return at;
  }

  /** Delivers every datagram due at `now`, earliest first. */
  deliverDue(now: number, deliver: (bytes: Uint8Array) => void): void {
    for (;;) {
      let best = -1;
      let bestAt = Number.POSITIVE_INFINITY;
      for (let i = 0; i < this.#queue.length; i++) {
        const q = this.#queue[i]!;
        const at = q.overtakes > 0 ? q.holdUntil : q.due;
        if (at <= now && at < bestAt) {
          best = i;
          bestAt = at;
        }
      }
      if (best < 0) return;
      const [q] = this.#queue.splice(best, 1);
      this.counters.delivered++;
      deliver(q!.bytes);
    }
  }
}
