/**
 * Messages between the runner and its fuzzing worker.
 *
 * @module
 */
import type { TargetStats } from './loop.js';

/** What the runner asks the worker to do. */
export interface WorkerJob {
  /** Target names, in order. */
  readonly targets: readonly string[];
  /** Index in the runner's list of the first one (for the progress board). */
  readonly firstIndex: number;
  /** The run's seed. */
  readonly seed: number;
  /** Inputs per target at most. */
  readonly runs: number | undefined;
  /** Seconds per target at most. */
  readonly secondsPerTarget: number | undefined;
  /** The slow-input limit in ms. */
  readonly slowMs: number;
  /** The progress board's memory. */
  readonly board: SharedArrayBuffer;
}

/** What the worker reports. */
export type WorkerMessage =
  | { readonly type: 'start'; readonly target: string; readonly heapBefore: number | undefined }
  | { readonly type: 'result'; readonly stats: TargetStats }
  | { readonly type: 'done' };
