/**
 * Runs the targets in a worker thread and watches it: an input that makes no progress for the
 * hang limit is saved as a `hang` reproducer, the worker is terminated, and a new one carries
 * on with the next target.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { bytesToHex } from './bytes.js';
import { emptyStats, type FailureRecord, type TargetStats } from './loop.js';
import { ProgressBoard } from './progress-board.js';
import { saveReproducer } from './reproducer.js';
import type { WorkerJob, WorkerMessage } from './worker-protocol.js';

/** What the supervisor needs to know. */
export interface SuperviseOptions {
  /** Targets, in order. */
  readonly targets: readonly string[];
  /** The run's seed. */
  readonly seed: number;
  /** Inputs per target at most. */
  readonly runs: number | undefined;
  /** Seconds per target at most. */
  readonly secondsPerTarget: number | undefined;
  /** The slow-input limit in ms. */
  readonly slowMs: number;
  /** Seconds without progress that make a hang. */
  readonly hangSeconds: number;
  /** Sees each target's statistics as soon as it is done. */
  readonly onResult: (stats: TargetStats) => void;
}

/** A worker that runs TypeScript (tsx registered in it) under this process's conditions. */
function startWorker(job: WorkerJob): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

/** Runs every target; resolves with their statistics, in order. */
export async function superviseRun(options: SuperviseOptions): Promise<TargetStats[]> {
  const board = new ProgressBoard();
  const results: TargetStats[] = [];
  let next = 0;
  while (next < options.targets.length) {
    const first = next;
    next = await new Promise<number>((resolve) => {
      let current = first;
      let heapBefore: number | undefined;
      let seen = board.progress;
      let quietSince = performance.now();
      let settled = false;
      const worker = startWorker({
        targets: options.targets.slice(first),
        firstIndex: first,
        seed: options.seed,
        runs: options.runs,
        secondsPerTarget: options.secondsPerTarget,
        slowMs: options.slowMs,
        board: board.buffer,
      });
      const finish = (after: number): void => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        resolve(after);
      };
      const abandon = (failure: FailureRecord, inputs: number): void => {
        const name = options.targets[current]!;
        const stats = emptyStats(name);
        stats.inputs = inputs;
        stats.failures = 1;
        stats.distinct.push(failure);
        if (heapBefore !== undefined) stats.heapBefore = heapBefore;
        results.push(stats);
        options.onResult(stats);
        void worker.terminate();
        finish(current + 1);
      };
      const watch = setInterval(() => {
        const progress = board.progress;
        if (progress !== seen) {
          seen = progress;
          quietSince = performance.now();
          return;
        }
        if (performance.now() - quietSince < options.hangSeconds * 1000) return;
        const { targetIndex, inputs, input } = board.current();
        current = targetIndex;
        const failure: FailureRecord = {
          kind: 'hang',
          signature: `hang: no progress for ${options.hangSeconds} s`,
          message: `an input ran for more than ${options.hangSeconds} s`,
          iteration: inputs,
          inputHex: bytesToHex(input),
          ms: options.hangSeconds * 1000,
          count: 1,
        };
        // A hang cannot be replayed here: an existing hang reproducer counts as the same bug.
        const saved = saveReproducer(
          options.targets[targetIndex]!,
          options.seed,
          failure,
          () => true,
        );
        failure.reproducer = saved.file;
        failure.known = saved.existed;
        abandon(failure, inputs + 1);
      }, 250);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'start') {
          current = options.targets.indexOf(message.target);
          heapBefore = message.heapBefore;
        } else if (message.type === 'result') {
          results.push(message.stats);
          options.onResult(message.stats);
          current++;
        } else finish(options.targets.length);
      });
      worker.on('error', (error) => {
        // The runner itself broke (a generator or a seed loader threw): report it on the target.
        abandon(
          {
            kind: 'exception',
            signature: `runner: ${error.name}: ${error.message}`,
            message: `the fuzz runner failed: ${error.stack ?? error.message}`,
            iteration: -1,
            inputHex: '',
            ms: 0,
            count: 1,
          },
          0,
        );
      });
      worker.on('exit', () => finish(options.targets.length));
    });
  }
  return results;
}
