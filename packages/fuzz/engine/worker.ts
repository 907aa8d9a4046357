/**
 * The fuzzing worker: runs its job's targets one after the other, writing every input to the
 * progress board first, saving a reproducer for each new failure, and reporting each target's
 * statistics with the heap before and after (forced GC).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TARGETS } from '../targets/index.js';
import { heapAfterGc } from './heap.js';
import { fuzzTarget } from './loop.js';
import { ProgressBoard } from './progress-board.js';
import { reproducerStillFails } from './recheck.js';
import { saveReproducer } from './reproducer.js';
import type { WorkerJob, WorkerMessage } from './worker-protocol.js';

const job = workerData as WorkerJob;
const board = new ProgressBoard(job.board);
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);

for (const [k, name] of job.targets.entries()) {
  const target = TARGETS.find((t) => t.name === name)!;
  const index = job.firstIndex + k;
  const heapBefore = heapAfterGc();
  post({ type: 'start', target: name, heapBefore });
  const stats = fuzzTarget(target, {
    seed: job.seed,
    ...(job.runs === undefined ? {} : { runs: job.runs }),
    ...(job.secondsPerTarget === undefined
      ? {}
      : { deadline: performance.now() + job.secondsPerTarget * 1000 }),
    slowMs: job.slowMs,
    minimize: true,
    onInput: (input, s) => board.record(index, s.inputs, input),
    onFailure: (failure) => {
      const saved = saveReproducer(name, job.seed, failure, (r) =>
        reproducerStillFails(target, r, job.slowMs),
      );
      failure.reproducer = saved.file;
      failure.known = saved.existed;
    },
  });
  stats.heapBefore = heapBefore;
  stats.heapAfter = heapAfterGc();
  post({ type: 'result', stats });
}
post({ type: 'done' });
