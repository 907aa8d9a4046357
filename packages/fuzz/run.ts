/**
 * `pnpm fuzz`: runs the fuzz targets, time-boxed and deterministic for a seed, in a watched
 * worker; prints a report per target and a summary table (or JSON with `--json`); exits 1 on
 * any failure. Run it with `node --expose-gc --import tsx --conditions=@pptpkit/source run.ts`.
 *
 * @module
 */
import { parseRunArgs, selectTargets } from './engine/args.js';
import { formatSummary, formatTarget, type RunInfo, summaryJson } from './engine/report.js';
import { superviseRun } from './engine/supervisor.js';
import { TARGETS } from './targets/index.js';

const args = (() => {
  try {
    return parseRunArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
})();

if (args.list) {
  for (const t of TARGETS)
    console.log(`${t.name.padEnd(24)} ${t.packageName.padEnd(24)} ${t.entry}`);
  process.exit(0);
}

let names: string[];
try {
  names = selectTargets(
    TARGETS.map((t) => t.name),
    args.targets,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const info: RunInfo = {
  seed: args.seed,
  seconds: args.seconds,
  runs: args.runs,
  slowMs: args.slowMs,
};
// With --json the report goes to stderr, so that stdout holds the JSON alone.
const say = (text: string): void => {
  (args.json ? process.stderr : process.stdout).write(`${text}\n`);
};
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  say('note: run node with --expose-gc for heap figures after a forced GC');
}
say(`fuzzing ${names.length} targets, seed ${args.seed}`);
const results = await superviseRun({
  targets: names,
  seed: args.seed,
  runs: args.runs,
  secondsPerTarget: args.seconds === undefined ? undefined : args.seconds / names.length,
  slowMs: args.slowMs,
  hangSeconds: args.hangSeconds,
  onResult: (stats) => say(formatTarget(stats)),
});
say('');
say(formatSummary(results, info));
if (args.json) process.stdout.write(`${JSON.stringify(summaryJson(results, info), null, 2)}\n`);
process.exitCode = results.some((s) => s.failures > 0) ? 1 : 0;
