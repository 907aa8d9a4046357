/**
 * How long, and behind how many later packets, a gap in the sequence numbers is waited for
 * before it is taken as a loss: learned from the reordering the wire actually shows.
 *
 * @module
 */

/** Tuning of a {@link ReorderEstimate}; every field is optional. */
export interface ReorderEstimateOptions {
  /** The hold before any reordering has been seen, ms. Default 5. */
  readonly initialHoldMs?: number;
  /** The shortest hold, ms. Default 1 (about the resolution of an event loop's timers). */
  readonly minHoldMs?: number;
  /** The longest hold, ms, whatever the wire shows. Default 100. */
  readonly maxHoldMs?: number;
  /** The fewest later packets that make a gap a loss. Default 3 (TCP's duplicate-ACK threshold). */
  readonly minDepth?: number;
  /** The most later packets ever waited for (the reorder slots). */
  readonly maxDepth: number;
}

/**
 * A gap's wait is grown by this factor over the longest reordering measured, so that a gap that
 * fills as late as the worst one seen so far still fills in time.
 */
const MARGIN = 1.5;

/**
 * Each gap taken as a loss (and not proven wrong by its packet arriving later) shrinks the
 * estimates by this fraction, so that after a spell of reordering, plain loss is detected
 * quickly again.
 */
const DECAY = 1 / 16;

/**
 * The reorder buffer's loss detector, in the spirit of TCP RACK (RFC 8985 §6.2): a gap is a loss
 * once the first packet held behind it has waited `holdMs`, or once `depth` packets are held
 * behind it, whichever comes first. Both start small and are learned from the wire:
 * - a gap that fills grows them to the wait and the overtaking that gap showed (times a margin);
 * - a packet that arrives after its gap was given up (a false loss) doubles them;
 * - every gap given up shrinks them a little, so that they follow a wire that calms down.
 *
 * Pure arithmetic over numbers the buffer reports; no time of its own.
 */
export class ReorderEstimate {
  readonly #minHold: number;
  readonly #maxHold: number;
  readonly #minDepth: number;
  readonly #maxDepth: number;
  #hold: number;
  #depth: number;

  /** @throws RangeError on an option out of range. */
  constructor(options: ReorderEstimateOptions) {
    this.#minHold = finite(options.minHoldMs ?? 1, 0, 'minHoldMs');
    this.#maxHold = finite(options.maxHoldMs ?? 100, this.#minHold, 'maxHoldMs');
    this.#hold = clamp(options.initialHoldMs ?? 5, this.#minHold, this.#maxHold);
    this.#maxDepth = options.maxDepth;
    this.#minDepth = Math.min(options.minDepth ?? 3, this.#maxDepth);
    if (!Number.isInteger(this.#minDepth) || this.#minDepth < 1)
      throw new RangeError(`minDepth must be an integer >= 1, got ${options.minDepth}`);
    this.#depth = this.#minDepth;
  }

  /** How long the first packet behind a gap waits for it, ms. */
  get holdMs(): number {
    return this.#hold;
  }

  /** How many packets held behind a gap make it a loss at once. */
  get depth(): number {
    return this.#depth;
  }

  /**
   * A gap filled: its packet came `waitedMs` after the first packet behind it, with `overtaken`
   * packets held behind it by then.
   */
  filled(waitedMs: number, overtaken: number): void {
    this.#hold = clamp(Math.max(this.#hold, waitedMs * MARGIN), this.#minHold, this.#maxHold);
    this.#depth = clamp(
      Math.max(this.#depth, Math.ceil((overtaken + 1) * MARGIN)),
      this.#minDepth,
      this.#maxDepth,
    );
  }

  /** A packet arrived after its gap had been given up: the estimates were too short. */
  late(): void {
    this.#hold = clamp(this.#hold * 2, this.#minHold, this.#maxHold);
    this.#depth = clamp(this.#depth * 2, this.#minDepth, this.#maxDepth);
  }

  /** A gap was given up as a loss. */
  skipped(): void {
    this.#hold = Math.max(this.#minHold, this.#hold - this.#hold * DECAY);
    this.#depth = Math.max(this.#minDepth, this.#depth - Math.ceil(this.#depth * DECAY));
  }
}

function finite(value: number, min: number, name: string): number {
  if (!Number.isFinite(value) || value < min)
    throw new RangeError(`${name} must be a finite number >= ${min}, got ${value}`);
  return value;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}
