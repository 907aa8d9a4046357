/**
 * Pure readers for what the lab tunnel bench measures (`lab-tunnel.ts`): iperf3 `-J` reports,
 * ping summaries, the reference guest's `init.log`, `/proc/<pid>/stat` CPU times, and the
 * side-by-side table. No I/O here, so the unit tests need neither root nor the lab.
 */

/** One iperf3 TCP test, as its `-J` report gives it. */
export interface IperfResult {
  /** Goodput at the receiving end, Mbit/s. */
  readonly receivedMbits: number;
  /** Rate at the sending end, Mbit/s. */
  readonly sentMbits: number;
  /** TCP retransmissions counted by the sender, when iperf3 knows them. */
  readonly retransmits: number | undefined;
  /** Congestion control of the sending socket (`cubic`, `bbr`, ...), when reported. */
  readonly senderCongestion: string | undefined;
  /** Whether the test ran server → client (`iperf3 -R`). */
  readonly reverse: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const numberAt = (o: Record<string, unknown>, key: string, what: string): number => {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`iperf3 report: ${what}.${key} is not a number`);
  }
  return v;
};

/**
 * Reads an `iperf3 -J` report. Throws with iperf3's own message when the report is an error
 * (`{"error": "..."}`, e.g. the server was unreachable), or when the text is not such a report.
 */
export function parseIperf3Json(text: string): IperfResult {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new Error(`iperf3 report is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  if (!isRecord(report)) throw new Error('iperf3 report is not a JSON object');
  if (typeof report['error'] === 'string') throw new Error(`iperf3: ${report['error']}`);
  const end = report['end'];
  const start = report['start'];
  if (!isRecord(end) || !isRecord(end['sum_sent']) || !isRecord(end['sum_received'])) {
    throw new Error('iperf3 report has no end.sum_sent/sum_received (not a TCP test?)');
  }
  const sent = end['sum_sent'];
  const received = end['sum_received'];
  const testStart = isRecord(start) ? start['test_start'] : undefined;
  const retransmits = sent['retransmits'];
  const congestion = end['sender_tcp_congestion'];
  return {
    receivedMbits: numberAt(received, 'bits_per_second', 'end.sum_received') / 1e6,
    sentMbits: numberAt(sent, 'bits_per_second', 'end.sum_sent') / 1e6,
    retransmits: typeof retransmits === 'number' ? retransmits : undefined,
    senderCongestion: typeof congestion === 'string' ? congestion : undefined,
    reverse: isRecord(testStart) && testStart['reverse'] === 1,
  };
}

/** The summary lines of an iputils `ping` run. */
export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
  /** Round-trip times in milliseconds (absent when no reply came back). */
  readonly rtt: { readonly min: number; readonly avg: number; readonly max: number } | undefined;
}

/** Reads `N packets transmitted, M received` and `rtt min/avg/max/mdev = a/b/c/d ms`. */
export function parsePingSummary(text: string): PingSummary {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  if (counts === null) throw new Error('ping output has no "packets transmitted" summary');
  const rtt =
    /(?:rtt|round-trip) min\/avg\/max(?:\/mdev|\/stddev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(
      text,
    );
  return {
    transmitted: Number(counts[1]),
    received: Number(counts[2]),
    rtt:
      rtt === null ? undefined : { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) },
  };
}

/** The RTT of each reply (`... icmp_seq=N ttl=64 time=0.706 ms`), in the order printed. */
export function parsePingTimes(text: string): number[] {
  return [...text.matchAll(/icmp_seq=\d+ ttl=\d+ time=([\d.]+) ms/g)].map((m) => Number(m[1]));
}

/**
 * Seconds the lab's reference client took from `pppd call` to the tunnel being usable: the
 * guest init logs `[uptime] connecting to ...` and later `[uptime] state: up`
 * (`tools/lab/guest/init`). Undefined when either line is missing (the tunnel never came up).
 */
export function referenceSecondsToUp(initLog: string): number | undefined {
  const connecting = /^\[([\d.]+)\] connecting to /m.exec(initLog);
  const up = /^\[([\d.]+)\] state: up$/m.exec(initLog);
  if (connecting === null || up === null) return undefined;
  return Number(up[1]) - Number(connecting[1]);
}

/**
 * User plus system CPU time of a process in clock ticks, from the text of `/proc/<pid>/stat`.
 * The command name (field 2) may hold spaces and parentheses, so fields are counted after the
 * last `)`: utime and stime are fields 14 and 15 of the whole line.
 */
export function cpuTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After ")": field 3 (state) is index 0, so fields 14 and 15 are indexes 11 and 12.
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) {
    throw new Error('/proc/<pid>/stat has no utime/stime');
  }
  return utime + stime;
}

/** One row of the comparison: a metric, pptpkit's figure, the reference's figure. */
export interface ComparisonRow {
  readonly metric: string;
  readonly pptpkit: number | undefined;
  readonly reference: number | undefined;
  /** Decimals to print (default 1). */
  readonly digits?: number;
}

const cell = (v: number | undefined, digits: number): string =>
  v === undefined ? 'n/a' : v.toFixed(digits);

/** pptpkit ÷ reference, or undefined when either is missing or the reference is zero. */
export function ratio(
  pptpkit: number | undefined,
  reference: number | undefined,
): number | undefined {
  if (pptpkit === undefined || reference === undefined || reference === 0) return undefined;
  return pptpkit / reference;
}

/** A Markdown-style table: the first column left-aligned, the others right-aligned. */
function formatTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** A Markdown-style table `metric | pptpkit | reference | ratio` with aligned columns. */
export function formatComparison(rows: readonly ComparisonRow[], referenceName: string): string {
  const header = ['metric', 'pptpkit', referenceName, 'ratio pptpkit/reference'];
  const body = rows.map((r) => {
    const digits = r.digits ?? 1;
    const q = ratio(r.pptpkit, r.reference);
    return [r.metric, cell(r.pptpkit, digits), cell(r.reference, digits), cell(q, 2)];
  });
  return formatTable(header, body);
}

/**
 * The MPPE mode pppd reports in its log (`MPPE 128-bit stateless compression enabled` →
 * `MPPE 128-bit stateless`, the same wording pptpkit logs), or undefined when none was enabled.
 */
export function pppdEncryption(pppdLog: string): string | undefined {
  const enabled = /^(MPPE \d+-bit (?:stateless|stateful)) compression enabled$/m.exec(pppdLog);
  return enabled?.[1];
}

/** What one client measured under one fault profile. */
export interface ProfileFigures {
  /** Download (server → client) Mbit/s; undefined when iperf3 could not complete. */
  readonly down: number | undefined;
  /** Upload (client → server) Mbit/s. */
  readonly up: number | undefined;
  /** Ping replies lost, %. */
  readonly pingLossPercent: number | undefined;
}

/** One fault profile's row: pptpkit's and the reference client's figures. */
export interface FaultRow {
  readonly profile: string;
  readonly pptpkit: ProfileFigures;
  readonly reference: ProfileFigures;
}

const percentOf = (v: number | undefined, clean: number | undefined): string =>
  v === undefined || clean === undefined || clean === 0
    ? 'n/a'
    : `${((v / clean) * 100).toFixed(0)} %`;

/**
 * A Markdown-style table of throughput under each fault profile: each client's download and
 * upload, each as a share of the same client's figure on the first (clean) row, ping loss, and
 * the pptpkit/reference ratio per direction.
 */
export function formatFaultTable(rows: readonly FaultRow[]): string {
  const clean = rows[0];
  const header = [
    'wire',
    'pptpkit ↓ Mbit/s',
    'of clean',
    'pptpkit ↑',
    'of clean',
    'ping lost',
    'reference ↓',
    'of clean',
    'reference ↑',
    'of clean',
    'ratio ↓',
    'ratio ↑',
  ];
  const body = rows.map((r) => [
    r.profile,
    cell(r.pptpkit.down, 1),
    percentOf(r.pptpkit.down, clean?.pptpkit.down),
    cell(r.pptpkit.up, 1),
    percentOf(r.pptpkit.up, clean?.pptpkit.up),
    r.pptpkit.pingLossPercent === undefined ? 'n/a' : `${r.pptpkit.pingLossPercent.toFixed(0)} %`,
    cell(r.reference.down, 1),
    percentOf(r.reference.down, clean?.reference.down),
    cell(r.reference.up, 1),
    percentOf(r.reference.up, clean?.reference.up),
    cell(ratio(r.pptpkit.down, r.reference.down), 2),
    cell(ratio(r.pptpkit.up, r.reference.up), 2),
  ]);
  return formatTable(header, body);
}
