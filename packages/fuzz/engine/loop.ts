/**
 * The fuzzing loop of one target: seeds first, then structure-aware generation, mutation,
 * splicing and random bytes, with a corpus that keeps every input that produced an outcome not
 * seen before. Deterministic for a given seed: the same seed and number of runs give the same
 * inputs.
 *
 * @module
 */
import { bytesToHex } from './bytes.js';
import { minimizeInput } from './minimize.js';
import { mutate, splice } from './mutate.js';
import { type FailureKind, runInput, type TimedOutcome, WorstStep } from './outcome.js';
import { hashText, Rng } from './rng.js';
import type { FuzzTarget } from './target.js';

/** One distinct failure (one signature) of a run. */
export interface FailureRecord {
  /** The failure class. */
  readonly kind: FailureKind;
  /** What identifies it: the error class, normalised message and throw site, or the invariant. */
  readonly signature: string;
  /** The first occurrence's message. */
  readonly message: string;
  /** Index of the first failing input in the run. */
  readonly iteration: number;
  /** The (minimised) failing input. */
  readonly inputHex: string;
  /** Milliseconds the input took (slow failures: the confirming re-run). */
  readonly ms: number;
  /** How many inputs failed this way. */
  count: number;
  /** The reproducer file, once saved (or found already saved). */
  reproducer?: string;
  /** True when that reproducer existed before this run. */
  known?: boolean;
}

/** What one target's run produced. */
export interface TargetStats {
  /** The target. */
  readonly target: string;
  /** Inputs run (the warm-up pass over the seeds is not counted). */
  inputs: number;
  /** Inputs that produced a value. */
  values: number;
  /** Inputs that produced a typed error. */
  typed: number;
  /** Failing inputs, every class. */
  failures: number;
  /** Value labels and how often each came. */
  readonly labels: Record<string, number>;
  /** Typed error codes and how often each came. */
  readonly codes: Record<string, number>;
  /** Distinct failures, in order of discovery. */
  readonly distinct: FailureRecord[];
  /** The slowest input's time in ms (whole input, or its slowest step for `step` targets). */
  worstMs: number;
  /** Its index. */
  worstIteration: number;
  /** Its bytes. */
  worstInputHex: string;
  /** Wall-clock time of the run. */
  elapsedMs: number;
  /** Heap in use after a forced GC before the run, when `--expose-gc` is on. */
  heapBefore?: number;
  /** The same after the run. */
  heapAfter?: number;
}

/** How to run a target. */
export interface LoopOptions {
  /** The run's seed. */
  readonly seed: number;
  /** Stop after this many inputs. */
  readonly runs?: number;
  /** Stop at this `performance.now()`. */
  readonly deadline?: number;
  /** An input slower than this (ms, twice in a row) fails; `undefined` turns timing off. */
  readonly slowMs?: number;
  /** Shrink failing inputs before reporting them. */
  readonly minimize?: boolean;
  /** Called with every input before it runs (the hang watchdog keeps the last one). */
  readonly onInput?: (input: Uint8Array, stats: TargetStats) => void;
  /** Called once per new failure signature, after minimisation (saves the reproducer). */
  readonly onFailure?: (failure: FailureRecord) => void;
}

/** Most distinct value labels or codes counted; the rest go under `other`. */
const MAX_KEYS = 64;
/** Inputs slower than this (ms) are measured a second time. */
const REMEASURE_MS = 2;
/** Most inputs kept in the corpus. */
const MAX_CORPUS = 512;

function count(map: Record<string, number>, key: string): boolean {
  const fresh = map[key] === undefined;
  const k = fresh && Object.keys(map).length >= MAX_KEYS ? 'other' : key;
  map[k] = (map[k] ?? 0) + 1;
  return fresh;
}

/** Creates empty statistics for `target`. */
export function emptyStats(target: string): TargetStats {
  return {
    target,
    inputs: 0,
    values: 0,
    typed: 0,
    failures: 0,
    labels: {},
    codes: {},
    distinct: [],
    worstMs: 0,
    worstIteration: -1,
    worstInputHex: '',
    elapsedMs: 0,
  };
}

/** Picks the next input after the seeds. */
function nextInput(target: FuzzTarget, rng: Rng, corpus: Uint8Array[]): Uint8Array {
  const roll = rng.below(100);
  if (roll < 15) return target.generate(rng);
  if (roll < 22) return rng.bytes(rng.length(target.maxLength));
  const base = rng.pick(corpus);
  if (roll < 30) return splice(base, rng.pick(corpus), rng, target.maxLength);
  return mutate(base, rng, {
    maxLength: target.maxLength,
    dictionary: target.dictionary,
    other: () => rng.pick(corpus),
  });
}

/** Fuzzes one target until `runs` inputs or the deadline. */
export function fuzzTarget(target: FuzzTarget, options: LoopOptions): TargetStats {
  const started = performance.now();
  const stats = emptyStats(target.name);
  const rng = new Rng((options.seed ^ hashText(target.name)) >>> 0);
  const seeds = target.seeds();
  const corpus: Uint8Array[] = seeds.length > 0 ? [...seeds] : [new Uint8Array(0)];
  const timer = new WorstStep();
  const bySignature = new Map<string, FailureRecord>();
  const onInput = options.onInput ?? (() => undefined);
  const run = (input: Uint8Array): TimedOutcome => {
    onInput(input, stats);
    return runInput(target, input, timer);
  };
  // Warm-up, not counted: the first runs compile the code under test and would look slow.
  for (const seed of seeds) run(seed);

  const fail = (
    kind: FailureKind,
    signature: string,
    message: string,
    input: Uint8Array,
    ms: number,
  ): void => {
    stats.failures++;
    const seen = bySignature.get(signature);
    if (seen !== undefined) {
      seen.count++;
      return;
    }
    const small =
      options.minimize && kind !== 'slow'
        ? minimizeInput(target, input, signature, { runs: 4000, ms: 3000 }, (i) =>
            onInput(i, stats),
          )
        : input;
    const record: FailureRecord = {
      kind,
      signature,
      message,
      iteration: stats.inputs - 1,
      inputHex: bytesToHex(small),
      ms,
      count: 1,
    };
    bySignature.set(signature, record);
    stats.distinct.push(record);
    options.onFailure?.(record);
  };

  for (let i = 0; ; i++) {
    if (options.runs !== undefined && i >= options.runs) break;
    if (options.deadline !== undefined && performance.now() >= options.deadline) break;
    const input = i < seeds.length ? seeds[i]! : nextInput(target, rng, corpus);
    const first = run(input);
    const { outcome } = first;
    let ms = first.ms;
    // The machine is noisy (GC pauses, other processes, code compiled on first use): a
    // slow-looking input is run again (up to three times while it stays over the limit) and
    // keeps its fastest time; it fails as slow only when every run was over the limit.
    if (options.slowMs !== undefined && ms > Math.min(options.slowMs, REMEASURE_MS)) {
      for (let again = 0; again < 3 && (again === 0 || ms > options.slowMs); again++) {
        ms = Math.min(ms, run(input).ms);
      }
    }
    stats.inputs++;
    if (ms > stats.worstMs) {
      stats.worstMs = ms;
      stats.worstIteration = i;
      stats.worstInputHex = bytesToHex(input);
    }
    let fresh = false;
    switch (outcome.kind) {
      case 'value':
        stats.values++;
        fresh = count(stats.labels, outcome.label ?? 'value');
        break;
      case 'typed':
        stats.typed++;
        fresh = count(stats.codes, outcome.code);
        break;
      default:
        fail(outcome.kind, outcome.signature, outcome.message, input, ms);
        continue;
    }
    if (fresh && corpus.length < MAX_CORPUS) corpus.push(input);
    if (options.slowMs !== undefined && ms > options.slowMs) {
      // One slow signature per outcome, so that two slow paths of one target stay apart.
      const ended = outcome.kind === 'value' ? (outcome.label ?? 'value') : outcome.code;
      fail(
        'slow',
        `slow: over ${options.slowMs} ms, ending ${ended}`,
        `${target.timing === 'step' ? 'a step' : 'the input'} took ${ms.toFixed(1)} ms at best of four runs (limit ${options.slowMs} ms)`,
        input,
        ms,
      );
    }
  }
  stats.elapsedMs = performance.now() - started;
  return stats;
}
