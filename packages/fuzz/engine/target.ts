/**
 * What a fuzz target is: seeds, a structure-aware generator and one run of one input.
 *
 * @module
 */
import type { Rng } from './rng.js';

/**
 * Measures the calls a target makes into the code under test. Targets that drive a state
 * machine time each call (one TCP read, one frame, one timer expiry): the 10 ms rule applies
 * to the slowest of them, as each is one network input to a running core.
 */
export interface StepTimer {
  /** Runs `step` and records how long it took. */
  time<T>(step: () => T): T;
}

/** One fuzz target: an entry point that consumes network bytes or configuration text. */
export interface FuzzTarget {
  /** Stable name, used by `--target` and as the reproducer folder. */
  readonly name: string;
  /** The package whose code it feeds. */
  readonly packageName: string;
  /** The entry point(s) it calls, for the README and `--list`. */
  readonly entry: string;
  /** What beyond "a value or a typed error" it checks, one short sentence each. */
  readonly invariants: readonly string[];
  /** Longest input the mutators produce. */
  readonly maxLength: number;
  /**
   * `input`: the 10 ms rule applies to the whole input (a decoder, a parser). `step`: to the
   * slowest single call into the core, timed through the {@link StepTimer}.
   */
  readonly timing: 'input' | 'step';
  /** Tokens the mutators insert or overwrite with (option names, magic numbers...). */
  readonly dictionary: readonly Uint8Array[];
  /** Inputs built from the golden captures and the test vectors. */
  seeds(): readonly Uint8Array[];
  /** A fresh structure-aware input. */
  generate(rng: Rng): Uint8Array;
  /**
   * Runs one input against fresh state. Returns a short label of the value it produced (for
   * the outcome counts; `undefined` for none), or throws: a pptpkit typed error is an
   * accepted outcome, an `InvariantViolation` or any other exception is a failure.
   */
  run(input: Uint8Array, timer: StepTimer): string | undefined;
}
