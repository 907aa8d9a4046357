/**
 * Outcome classes of one input: a value, a typed error (the accepted outcomes), or a failure —
 * an exception that is not a pptpkit typed error, a broken invariant, an input slower than the
 * limit, or a hang.
 *
 * @module
 */
import { PptpkitError } from '@pptpkit/wire';
import type { FuzzTarget, StepTimer } from './target.js';

/** A broken invariant. `message` is stable (it names the failure); `details` varies per input. */
export class InvariantViolation extends Error {
  /** The message without details: it names the failure. */
  readonly stableMessage: string;
  /** Input-specific context, kept out of the failure's signature. */
  readonly details: string;

  /**
   * @param message - what broke, without input-specific numbers.
   * @param details - input-specific context.
   */
  constructor(message: string, details = '') {
    super(details === '' ? message : `${message} (${details})`);
    this.name = 'InvariantViolation';
    this.stableMessage = message;
    this.details = details;
  }
}

/** Throws an {@link InvariantViolation} unless `condition` holds. */
export function invariant(condition: unknown, message: string, details = ''): asserts condition {
  if (!condition) throw new InvariantViolation(message, details);
}

/** The failure classes. */
export type FailureKind = 'exception' | 'invariant' | 'slow' | 'hang';

/** What one run of one input gave. */
export type Outcome =
  | { readonly kind: 'value'; readonly label: string | undefined }
  | { readonly kind: 'typed'; readonly code: string }
  | {
      readonly kind: 'exception' | 'invariant';
      readonly message: string;
      readonly signature: string;
      readonly stack: string;
    };

/** The code of a pptpkit typed error (the `@pptpkit/wire` brand and a string `code`), if it is one. */
export function typedErrorCode(error: unknown): string | undefined {
  if (!(error instanceof PptpkitError)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/**
 * Runs `step`, a call into a running core with peer input: RFC-compliant cores never throw on
 * peer misbehaviour (they drop, answer or go down), so a typed error escaping is a failure too.
 */
export function coreStep<T>(timer: StepTimer, what: string, step: () => T): T {
  try {
    return timer.time(step);
  } catch (error) {
    const code = typedErrorCode(error);
    if (code === undefined) throw error;
    throw new InvariantViolation(`${what} threw ${code} on peer input`, (error as Error).message);
  }
}

/** Numbers and hex runs replaced, so that one bug gives one signature whatever the input. */
function normalise(text: string): string {
  return text
    .replace(/\b0x[0-9a-f]+\b/gi, 'X')
    .replace(/\b[0-9a-f]*[0-9][0-9a-f]*\b/gi, 'N')
    .slice(0, 160);
}

/**
 * The first stack frame inside the repository, as `function in path` (no line number, so that an
 * edit elsewhere in the file keeps the signature), or `?`.
 */
function throwSite(stack: string): string {
  for (const line of stack.split('\n').slice(1)) {
    const m = /at (?:(\S+) \()?.*?((?:packages|apps)\/[^\s:)]+):\d+/.exec(line);
    if (m !== null) return m[1] === undefined ? m[2]! : `${m[1]} in ${m[2]}`;
  }
  return '?';
}

/** Classifies what `run` threw. */
function classify(error: unknown): Outcome {
  const code = typedErrorCode(error);
  if (code !== undefined) return { kind: 'typed', code };
  if (error instanceof InvariantViolation) {
    return {
      kind: 'invariant',
      message: error.message,
      signature: `invariant: ${normalise(error.stableMessage)}`,
      stack: error.stack ?? '',
    };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  const stack = e.stack ?? '';
  return {
    kind: 'exception',
    message: `${e.name}: ${e.message}`,
    signature: `${e.name}: ${normalise(e.message)} @ ${throwSite(stack)}`,
    stack,
  };
}

/** A timer that keeps the slowest step of the current input, in milliseconds. */
export class WorstStep implements StepTimer {
  /** The slowest step since the last {@link WorstStep.reset}. */
  worst = 0;

  /** Forgets the steps of the previous input. */
  reset(): void {
    this.worst = 0;
  }

  /** Runs and times one step. */
  time<T>(step: () => T): T {
    const t0 = performance.now();
    try {
      return step();
    } finally {
      const ms = performance.now() - t0;
      if (ms > this.worst) this.worst = ms;
    }
  }
}

/** The outcome of one input and how long it took (the measure the 10 ms rule applies to). */
export interface TimedOutcome {
  /** What happened. */
  readonly outcome: Outcome;
  /** Milliseconds: the whole input, or its slowest step for `step` targets. */
  readonly ms: number;
}

/** Runs one input once against fresh state and classifies the outcome. */
export function runInput(target: FuzzTarget, input: Uint8Array, timer: WorstStep): TimedOutcome {
  timer.reset();
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    outcome = { kind: 'value', label: target.run(input, timer) };
  } catch (error) {
    outcome = classify(error);
  }
  const total = performance.now() - t0;
  return { outcome, ms: target.timing === 'step' ? timer.worst : total };
}
