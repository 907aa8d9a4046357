import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { type LabPlace, lab, labPlace, labUnavailableReason } from './lab.js';

/** What the global set-up tells the interop tests about the lab. */
export interface LabInfo {
  /** The lab is running; when false, `reason` says why the interop tests are skipped. */
  available: boolean;
  reason: string;
  /** The lab's network namespace (run the client under test there), '' when unavailable. */
  netns: string;
  /** The lab's run directory (guest logs and settings), '' when unavailable. */
  run: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabInfo;
  }
}

/** Host processes whose command line names the lab's run directory (the UML guests). */
function labGuestProcesses(run: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(`pkl_dir=${run}/`)) {
        pids.push(Number(entry));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function netnsExists(netns: string): boolean {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .some((line) => line.split(' ')[0] === netns);
}

/**
 * Starts the lab once for the whole interop run and stops it afterwards. In CI a lab that
 * cannot run is an error; on a developer machine the tests are skipped with the reason printed.
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const reason = labUnavailableReason();
  if (reason !== undefined) {
    if (process.env['CI']) throw new Error(`interop lab cannot run in CI: ${reason}`);
    console.warn(`[interop] SKIPPED: ${reason}`);
    project.provide('lab', { available: false, reason, netns: '', run: '' });
    return undefined;
  }
  const started = Date.now();
  // Both builds are cached (/var/cache/pptpkit-lab); on a fresh machine they take minutes,
  // which belongs here rather than inside a test's time limit.
  const build = await lab(['build-stateful']);
  process.stderr.write(build.stderr);
  if (build.code !== 0)
    throw new Error(`tools/lab/lab.sh build-stateful failed (exit ${build.code})`);
  const start = await lab(['start']);
  process.stderr.write(start.stderr);
  if (start.code !== 0) throw new Error(`tools/lab/lab.sh start failed (exit ${start.code})`);
  console.info(`[interop] lab started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const place: LabPlace = await labPlace();
  project.provide('lab', { available: true, reason: '', ...place });
  return async () => {
    const stop = await lab(['stop']);
    process.stderr.write(stop.stderr);
    if (stop.code !== 0) throw new Error(`tools/lab/lab.sh stop failed (exit ${stop.code})`);
    if (netnsExists(place.netns)) {
      throw new Error(`lab.sh stop left the namespace ${place.netns} behind`);
    }
    const left = labGuestProcesses(place.run);
    if (left.length > 0) throw new Error(`lab.sh stop left guest processes: ${left.join(', ')}`);
  };
}
