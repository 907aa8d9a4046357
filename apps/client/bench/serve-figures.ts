/**
 * Pure readers and printers for the serve benches (`serve-capacity.ts`, `serve-load.ts`):
 * `iperf3 -J` reports of one-way and `--bidir` tests, and aligned Markdown-style tables.
 */

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Goodput of one direction of an iperf3 test, Mbit/s at the receiver. */
export interface DirectionMbits {
  /** Client → server. */
  readonly up: number | undefined;
  /** Server → client. */
  readonly down: number | undefined;
}

const mbits = (end: Record<string, unknown>, key: string): number | undefined => {
  const sum = end[key];
  if (!isRecord(sum)) return undefined;
  const bps = sum['bits_per_second'];
  return typeof bps === 'number' && Number.isFinite(bps) ? bps / 1e6 : undefined;
};

/**
 * Reads an `iperf3 -J` report of a one-way (`-R` or not) or `--bidir` TCP test into goodput per
 * direction. Throws with iperf3's message for an error report, or when it is no such report.
 */
export function iperfDirections(text: string): DirectionMbits {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new Error(`iperf3 report is not JSON: ${JSON.stringify(text.slice(0, 160))}`);
  }
  if (!isRecord(report)) throw new Error('iperf3 report is not a JSON object');
  if (typeof report['error'] === 'string') throw new Error(`iperf3: ${report['error']}`);
  const end = report['end'];
  const start = report['start'];
  if (!isRecord(end)) throw new Error('iperf3 report has no end');
  const test = isRecord(start) ? start['test_start'] : undefined;
  const reverse = isRecord(test) && test['reverse'] === 1;
  const forward = mbits(end, 'sum_received');
  if (forward === undefined) throw new Error('iperf3 report has no end.sum_received');
  // iperf3 3.12 marks a --bidir test only by the reverse half's sums.
  const back = mbits(end, 'sum_received_bidir_reverse');
  if (back !== undefined) return { up: forward, down: back };
  return reverse ? { up: undefined, down: forward } : { up: forward, down: undefined };
}

/** `v` with `digits` decimals, `n/a` when undefined. */
export const cell = (v: number | undefined, digits = 1): string =>
  v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);

/** A Markdown-style table: the first column left-aligned, the others right-aligned. */
export function formatTable(
  header: readonly string[],
  body: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
