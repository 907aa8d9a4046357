/**
 * Load bench of `pptpkit serve`: one server process in the server namespace of a veth rig
 * (`tools/netns/veth-rig.ts`; `connections 1100`, a /20 `remoteip` pool, MS-CHAPv2 +
 * MPPE-128 stateless) and one load generator process in the client namespace
 * (`load/generator.ts`: 1,000 client tunnel cores sharing one raw GRE socket, each with its
 * own TCP connection, at most 100 negotiating at once). Measures the time until all are up, the
 * server's RSS before and after (→ kB per idle tunnel), an ICMP echo through every tunnel, and
 * after closing them all: the server's session count, RSS and routes.
 *
 * Run: `pnpm --filter pptpkit bench:serve-load` (as root). Without root it prints why it
 * skipped and exits 0. `PPTPKIT_LOAD_TUNNELS` sets the number of tunnels (default 1000).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type LoggedProcess,
  repo,
  rssKb,
  serveStatus,
  sourceNode,
  startServe,
} from '../../../tools/netns/pptpkit-procs.js';
import { createVethRig, RIG_SERVER_ADDRESS, type VethRig } from '../../../tools/netns/veth-rig.js';
import { cpuTicks } from './lab-results.js';
import type { LoadConfig } from './load/generator.js';
import { cell, formatTable } from './serve-figures.js';

const tunnels = Number(process.env['PPTPKIT_LOAD_TUNNELS'] ?? '1000');
/** Upper bound of the whole bench. */
const watchdogSeconds = 120;
const password = 'Load-Passw0rd';
const userPrefix = 'load';
const serverTunnel = '10.90.0.1';
/** 10.90.16.0/20 as pptpd's `remoteip` list of last-octet ranges (4064 addresses). */
const remoteIp = Array.from({ length: 16 }, (_, i) => `10.90.${16 + i}.1-254`).join(',');
/** Goals printed beside the figures. */
const goalUpSeconds = 10;
/** Tunnels negotiating at once (the generator's pacing, and the server's `--per-source`). */
const inFlight = 100;
const goalKbPerTunnel = 100;

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function unavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'not root (creates network namespaces)';
  try {
    execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
  } catch {
    return 'taskset is not installed';
  }
  if (!Number.isInteger(tunnels) || tunnels < 1 || tunnels > 1000) {
    return `PPTPKIT_LOAD_TUNNELS must be an integer 1..1000 (got ${tunnels})`;
  }
  return undefined;
}

/** Routes in the server namespace's main table. */
async function routeCount(rig: VethRig): Promise<number> {
  const r = await rig.run('server', ['ip', '-4', 'route', 'show']);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

/** Sessions the server reports, by state, and its `refused`/`dropped` counters. */
async function sessionStates(
  rig: VethRig,
  serve: LoggedProcess,
  notes?: string[],
  when?: string,
): Promise<Record<string, number>> {
  const status = await serveStatus(rig, serve);
  const states: Record<string, number> = {};
  for (const s of status.sessions) states[s.state] = (states[s.state] ?? 0) + 1;
  notes?.push(
    `server status ${when}: refused ${JSON.stringify(status['refused'])}, dropped ${JSON.stringify(status['dropped'])}, GRE socket ${JSON.stringify(status['greSocket'])}`,
  );
  return states;
}

const total = (states: Record<string, number>): number =>
  Object.values(states).reduce((a, b) => a + b, 0);

interface Figures {
  rssIdle?: number;
  rssUp?: number;
  rssEcho?: number;
  rssQuiet?: number;
  rssClosed?: number;
  routesIdle?: number;
  routesUp?: number;
  routesClosed?: number;
  statesUp?: Record<string, number>;
  statesClosed?: Record<string, number>;
  sessionsGoneMs?: number;
  serveExit?: number | null;
  serveCpuUp?: number;
  up?: Record<string, unknown>;
  echo?: Record<string, unknown>;
  closed?: Record<string, unknown>;
}

async function run(rig: VethRig, dir: string, f: Figures, notes: string[]): Promise<void> {
  const secrets = Array.from(
    { length: tunnels },
    (_, i) => `${userPrefix}${i} pptpd ${password} *`,
  ).join('\n');
  const serve = await startServe(rig, dir, {
    options: ['name pptpd', 'require-mschap-v2', 'require-mppe-128'],
    localIp: serverTunnel,
    remoteIp,
    connections: 1100,
    chapSecrets: `${secrets}\n`,
    core: 0,
    // Every tunnel comes from the generator's one address: let as many negotiate at once as
    // the generator keeps in flight (the default, 16, turns the rest away).
    flags: ['--per-source', String(inFlight)],
  });
  try {
    await sleep(1_000);
    f.rssIdle = rssKb(serve.pid);
    f.routesIdle = await routeCount(rig);
    const config: LoadConfig = {
      server: RIG_SERVER_ADDRESS,
      count: tunnels,
      inFlight,
      userPrefix,
      password,
      upTimeoutMs: 45_000,
      echoRounds: 3,
      echoSpacingMs: 300,
      echoWaitMs: 2_000,
      closeTimeoutMs: 20_000,
    };
    const generator = rig.spawn(
      'client',
      ['taskset', '-c', '1', ...sourceNode, join(repo, 'apps/client/bench/load/generator.ts')],
      {
        cwd: repo,
        env: { ...process.env, PPTPKIT_LOAD: JSON.stringify(config) },
        stdin: 'pipe',
      },
    );
    let stderr = '';
    generator.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const lines = createInterface({ input: generator.stdout! });
    const phase = (name: string, ms: number): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no '${name}' report in ${ms} ms`)), ms);
        const onLine = (line: string): void => {
          const record = JSON.parse(line) as Record<string, unknown>;
          if (record['phase'] === 'error') reject(new Error(String(record['message'])));
          if (record['phase'] !== name) return;
          clearTimeout(timer);
          lines.off('line', onLine);
          resolve(record);
        };
        lines.on('line', onLine);
        generator.once('exit', (code) =>
          reject(new Error(`generator exited ${code} before '${name}':\n${stderr}`)),
        );
      });
    const serveCpu = (): number =>
      cpuTicks(readFileSync(`/proc/${serve.pid}/stat`, 'utf8')) / ticksPerSecond;
    const c0 = serveCpu();
    f.up = await phase('up', 60_000);
    f.serveCpuUp = serveCpu() - c0;
    await sleep(1_000);
    f.rssUp = rssKb(serve.pid);
    f.routesUp = await routeCount(rig);
    f.statesUp = await sessionStates(rig, serve, notes, 'with all up');
    generator.stdin?.write('echo\n');
    f.echo = await phase('echo', 15_000);
    f.rssEcho = rssKb(serve.pid);
    // An idle tunnel lets its spare buffers and MPPE key chain go 10 s after its last packet.
    await sleep(12_000);
    f.rssQuiet = rssKb(serve.pid);
    generator.stdin?.write('close\n');
    f.closed = await phase('closed', 30_000);
    const started = Date.now();
    let states = await sessionStates(rig, serve);
    while (total(states) > 0 && Date.now() - started < 15_000) {
      await sleep(250);
      states = await sessionStates(rig, serve);
    }
    f.statesClosed = await sessionStates(rig, serve, notes, 'after close');
    if (total(states) === 0) f.sessionsGoneMs = Date.now() - started;
    await sleep(1_000);
    f.rssClosed = rssKb(serve.pid);
    f.routesClosed = await routeCount(rig);
  } catch (error) {
    notes.push(`FAILED: ${(error as Error).message}`);
    const tail = serve.log().split('\n').slice(-30).join('\n');
    notes.push(`last serve log lines:\n${tail}`);
  } finally {
    f.serveExit = await serve.stop(20_000);
  }
}

function report(f: Figures, notes: readonly string[], loadBefore: string): void {
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const upMs = num(f.up?.['allUpMs']);
  const upCount = num(f.up?.['up']) ?? 0;
  const kbPerTunnel =
    f.rssUp !== undefined && f.rssIdle !== undefined && upCount > 0
      ? (f.rssUp - f.rssIdle) / upCount
      : undefined;
  const rows: string[][] = [
    ['tunnels up', `${upCount} of ${tunnels}`, `${tunnels}`],
    [
      'time until all up, s',
      cell(upMs === undefined ? undefined : upMs / 1000, 2),
      `≤ ${goalUpSeconds}`,
    ],
    [
      'per-tunnel connect → up, p50 / p99 / max, ms',
      `${cell(num(f.up?.['tunnelUpMsP50']), 0)} / ${cell(num(f.up?.['tunnelUpMsP99']), 0)} / ${cell(num(f.up?.['tunnelUpMsMax']), 0)}`,
      '',
    ],
    ['server CPU while connecting, s', cell(f.serveCpuUp, 2), ''],
    [
      'generator CPU while connecting, s',
      cell((num(f.up?.['generatorCpuMs']) ?? Number.NaN) / 1000, 2),
      '',
    ],
    ['server RSS idle, MB', cell((f.rssIdle ?? Number.NaN) / 1024, 1), ''],
    ['server RSS all up, MB', cell((f.rssUp ?? Number.NaN) / 1024, 1), ''],
    ['server RSS per tunnel, just up, kB', cell(kbPerTunnel, 1), ''],
    ['server sessions reported, all up', JSON.stringify(f.statesUp ?? {}), ''],
    ['server routes idle / all up', `${f.routesIdle ?? 'n/a'} / ${f.routesUp ?? 'n/a'}`, ''],
    [
      'echo: tunnels answered / up',
      `${f.echo?.['tunnelsAnswered'] ?? 'n/a'} / ${f.echo?.['tunnels'] ?? 'n/a'}`,
      'all',
    ],
    [
      'echo: replies / requests',
      `${f.echo?.['replies'] ?? 'n/a'} / ${f.echo?.['sent'] ?? 'n/a'}`,
      '',
    ],
    ['server RSS after echo, MB', cell((f.rssEcho ?? Number.NaN) / 1024, 1), ''],
    [
      'server RSS per tunnel, 12 s without traffic, kB',
      cell(
        f.rssQuiet !== undefined && f.rssIdle !== undefined && upCount > 0
          ? (f.rssQuiet - f.rssIdle) / upCount
          : Number.NaN,
        1,
      ),
      `≤ ${goalKbPerTunnel}`,
    ],
    [
      'generator: tunnels closed in order / time, s',
      `${f.closed?.['closed'] ?? 'n/a'} / ${cell((num(f.closed?.['elapsedMs']) ?? Number.NaN) / 1000, 2)}`,
      '',
    ],
    ['server sessions after close', JSON.stringify(f.statesClosed ?? {}), '{}'],
    [
      'server: all sessions gone after, s',
      cell(f.sessionsGoneMs === undefined ? undefined : f.sessionsGoneMs / 1000, 2),
      '',
    ],
    ['server RSS after close, MB', cell((f.rssClosed ?? Number.NaN) / 1024, 1), ''],
    ['server routes after close', `${f.routesClosed ?? 'n/a'}`, `${f.routesIdle ?? 'n/a'}`],
    ['server exit on SIGTERM', `${f.serveExit ?? 'n/a'}`, '0'],
  ];
  console.log(
    `\nserve load bench: ${tunnels} client tunnels (one generator process, one raw GRE socket, ≤ ${inFlight} negotiating at once) → one pptpkit serve (--per-source ${inFlight}), MS-CHAPv2 + MPPE-128 stateless, over a veth pair`,
  );
  console.log(formatTable(['metric', 'pptpkit serve', 'goal'], rows));
  console.log(
    [
      `generator report, up: ${JSON.stringify(f.up ?? {})}`,
      `generator report, echo: ${JSON.stringify(f.echo ?? {})}`,
      `generator report, closed: ${JSON.stringify(f.closed ?? {})}`,
      "Server pinned to core 0, generator to core 1; both run from source (node + tsx). RSS is VmRSS of the server's node process.",
      ...notes,
      `Load average before/after: ${loadBefore} / ${load()} (other work on this host changes these figures).`,
    ].join('\n'),
  );
}

async function main(): Promise<number> {
  const reason = unavailableReason();
  if (reason !== undefined) {
    console.log(`serve load bench skipped: ${reason}`);
    return 0;
  }
  const loadBefore = load();
  const rig = createVethRig(`load-${process.pid}`);
  const dir = mkdtempSync(join(tmpdir(), 'pptpkit-serve-load-'));
  const cleanUp = (): void => {
    rig.remove();
    rmSync(dir, { recursive: true, force: true });
  };
  const abort = (why: string, code: number): void => {
    cleanUp();
    process.stderr.write(`serve load bench: ${why}; namespaces removed\n`);
    process.exit(code);
  };
  process.once('SIGINT', () => abort('interrupted by SIGINT', 130));
  process.once('SIGTERM', () => abort('interrupted by SIGTERM', 143));
  const watchdog = setTimeout(
    () => abort(`no result after ${watchdogSeconds} s`, 1),
    watchdogSeconds * 1000,
  );
  const figures: Figures = {};
  const notes: string[] = [];
  try {
    await run(rig, dir, figures, notes);
    report(figures, notes, loadBefore);
    return 0;
  } finally {
    clearTimeout(watchdog);
    cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`serve load bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
