/**
 * Every fuzz target, for a fixed number of inputs from a fixed seed: the harness runs, the
 * target reaches both accepted outcomes where its input allows, and no failure comes up that
 * is not already saved as a reproducer (those are replayed by regressions.test.ts). Timing is
 * not checked here (no timing in unit tests): the 10 ms rule is the runner's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzzTarget } from '../engine/loop.js';
import { reproducerStillFails } from '../engine/recheck.js';
import { loadReproducers } from '../engine/reproducer.js';
import { TARGETS, targetNamed } from '../targets/index.js';

/** Inputs per target: a few thousand in all, seconds in total. */
const RUNS = 120;
const SEED = 12;

/** Failures with a saved reproducer that still fails: regressions.test.ts reports those. */
const known = new Set(
  loadReproducers()
    .filter(({ reproducer: r }) => reproducerStillFails(targetNamed(r.target)!, r, 10))
    .map(({ reproducer: r }) => `${r.target}\n${r.signature}`),
);

describe('fuzz targets (fixed seed, bounded inputs)', () => {
  it("has a unique name for every target, each in the README's table", () => {
    expect(new Set(TARGETS.map((t) => t.name)).size).toBe(TARGETS.length);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const t of TARGETS) expect(readme).toContain(`| \`${t.name}\``);
  });

  for (const target of TARGETS) {
    it(`${target.name}: ${RUNS} inputs, no failure without a reproducer`, () => {
      const stats = fuzzTarget(target, { seed: SEED, runs: RUNS });
      expect(stats.inputs).toBe(RUNS);
      expect(stats.values + stats.typed + stats.failures).toBeGreaterThanOrEqual(RUNS);
      // The seeds and generators reach real values, not only rejections.
      expect(stats.values).toBeGreaterThan(0);
      const fresh = stats.distinct
        .filter((f) => !known.has(`${target.name}\n${f.signature}`))
        .map((f) => `${f.kind}: ${f.message} (input ${f.inputHex.slice(0, 200)})`);
      expect(fresh).toEqual([]);
    });
  }
});
