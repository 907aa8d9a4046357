/**
 * What the runner prints: a block per target as it finishes, a summary table, and the JSON
 * summary.
 *
 * @module
 */
import type { TargetStats } from './loop.js';

/** The run's parameters, echoed in the report. */
export interface RunInfo {
  /** The seed. */
  readonly seed: number;
  /** Seconds of the whole pass, if time-boxed. */
  readonly seconds: number | undefined;
  /** Inputs per target at most, if bounded. */
  readonly runs: number | undefined;
  /** The slow-input limit in ms. */
  readonly slowMs: number;
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1048576).toFixed(1)} MB`;
}

function top(counts: Record<string, number>, n: number): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function perSecond(s: TargetStats): number {
  return s.elapsedMs > 0 ? Math.round((s.inputs * 1000) / s.elapsedMs) : 0;
}

/** The block printed when a target is done. */
export function formatTarget(s: TargetStats): string {
  const lines = [
    `${s.target}: ${s.inputs} inputs (${perSecond(s)}/s), ${s.values} values, ${s.typed} typed errors, ${s.failures} failures`,
  ];
  if (s.typed > 0) lines.push(`  typed errors: ${top(s.codes, 5)}`);
  if (s.values > 0) lines.push(`  values: ${top(s.labels, 5)}`);
  if (s.worstIteration >= 0) {
    const hex = s.worstInputHex.length > 64 ? `${s.worstInputHex.slice(0, 64)}…` : s.worstInputHex;
    lines.push(`  worst ${Math.round(s.worstMs * 1000)} µs at input #${s.worstIteration} (${hex})`);
  }
  lines.push(`  heap ${mb(s.heapBefore)} before, ${mb(s.heapAfter)} after (forced GC)`);
  for (const f of s.distinct) {
    const where =
      f.reproducer === undefined
        ? ''
        : ` -> regressions/${f.reproducer}${f.known ? ' (known)' : ' (new)'}`;
    lines.push(`  FAILURE ${f.kind} x${f.count}: ${f.message}${where}`);
  }
  return lines.join('\n');
}

/** The summary table of every target. */
export function formatSummary(all: readonly TargetStats[], info: RunInfo): string {
  const header = [
    'target',
    'inputs',
    'inputs/s',
    'values',
    'typed',
    'failures',
    'worst µs',
    'heap before',
    'heap after',
  ];
  const rows = all.map((s) => [
    s.target,
    String(s.inputs),
    String(perSecond(s)),
    String(s.values),
    String(s.typed),
    String(s.failures),
    String(Math.round(s.worstMs * 1000)),
    mb(s.heapBefore),
    mb(s.heapAfter),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ');
  const failures = all.reduce((n, s) => n + s.failures, 0);
  return [
    `seed ${info.seed}${info.seconds === undefined ? '' : `, ${info.seconds} s`}${info.runs === undefined ? '' : `, at most ${info.runs} inputs per target`}, slow limit ${info.slowMs} ms`,
    line(header),
    ...rows.map(line),
    failures === 0 ? 'no failures' : `${failures} failing inputs`,
  ].join('\n');
}

/** The machine-readable summary. */
export function summaryJson(all: readonly TargetStats[], info: RunInfo): unknown {
  return {
    ...info,
    failures: all.reduce((n, s) => n + s.failures, 0),
    targets: all.map((s) => ({
      target: s.target,
      inputs: s.inputs,
      inputsPerSecond: perSecond(s),
      values: s.values,
      typedErrors: s.typed,
      failures: s.failures,
      codes: s.codes,
      labels: s.labels,
      worstUs: Math.round(s.worstMs * 1000),
      worstInput: s.worstIteration,
      worstInputHex: s.worstInputHex,
      heapBefore: s.heapBefore ?? null,
      heapAfter: s.heapAfter ?? null,
      elapsedMs: Math.round(s.elapsedMs),
      distinctFailures: s.distinct,
    })),
  };
}
