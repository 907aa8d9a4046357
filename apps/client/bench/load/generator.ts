/**
 * The load generator of `serve-load.ts`: one process running many client tunnel cores
 * ({@link LoadTunnel}) against one server, with ONE raw GRE socket connected to it (each
 * received packet goes to the tunnel whose Call ID is in the low 16 bits of the GRE key, RFC
 * 2637 §4.1), one TCP connection per tunnel and one timer for all (`DeadlineScheduler`).
 *
 * Run inside the client namespace by `serve-load.ts`, configured by `PPTPKIT_LOAD` (JSON: see
 * {@link LoadConfig}). It reports each phase as one JSON line on stdout and waits for the next
 * command on stdin: it connects every tunnel (at most `inFlight` negotiating at once) and
 * reports `up`; on `echo` it sends ICMP echo requests through every tunnel that is up and
 * reports the replies; on `close` it closes every tunnel in order and reports, then exits.
 */
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { openGreSocket } from '@pptpkit/linux-net';
import { packetPort } from '../../src/session/packet-port.js';
import { LoadTunnel, type LoadTunnelShell } from './load-tunnel.js';
import { DeadlineScheduler } from './scheduler.js';

/** What the generator is told to do. */
export interface LoadConfig {
  /** The server's address (veth). */
  readonly server: string;
  /** Tunnels to run. */
  readonly count: number;
  /** Most tunnels connecting or negotiating at once. */
  readonly inFlight: number;
  /** Tunnel `i` authenticates as `${userPrefix}${i}` with `password`. */
  readonly userPrefix: string;
  readonly password: string;
  /** Give up waiting for the tunnels to come up after this long, ms. */
  readonly upTimeoutMs: number;
  /** Echo requests per tunnel, spaced `echoSpacingMs`; replies awaited `echoWaitMs` after. */
  readonly echoRounds: number;
  readonly echoSpacingMs: number;
  readonly echoWaitMs: number;
  /** Give up waiting for the tunnels to close after this long, ms. */
  readonly closeTimeoutMs: number;
}

const config = JSON.parse(process.env['PPTPKIT_LOAD'] ?? '') as LoadConfig;
const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const report = (record: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(record)}\n`);
};

const scheduler = new DeadlineScheduler(now);
const gre = openGreSocket(config.server);
const grePort = packetPort(gre);
/** Tunnels by the Call ID the server sends to. */
const byCallId: (LoadTunnel | undefined)[] = new Array(65536);
const index = new Map<LoadTunnel, number>();
const dirty = new Set<LoadTunnel>();
let greUnknownCallId = 0;
let greRuntPackets = 0;
let settledCount = 0;
let onSettled: (() => void) | undefined;

const shell: LoadTunnelShell = {
  now,
  gre: (buf, start, end) => {
    grePort.write(buf, start, end - start);
  },
  touch: (t) => {
    const i = index.get(t);
    if (i !== undefined) scheduler.touch(i);
  },
  settled: () => {
    settledCount++;
    onSettled?.();
  },
};

grePort.startReading(
  (buf, start, end) => {
    if (end - start < 8) {
      greRuntPackets++;
      return;
    }
    const t = byCallId[(buf[start + 6]! << 8) | buf[start + 7]!];
    if (t === undefined) {
      greUnknownCallId++;
      return;
    }
    t.receiveGre(buf, start, end, now());
    dirty.add(t);
  },
  () => {
    for (const t of dirty) shell.touch(t);
    dirty.clear();
  },
  (error) => {
    report({ phase: 'error', message: `GRE socket: ${error.message}` });
    process.exit(1);
  },
);

/** Call IDs spread over the space (never 0), distinct per tunnel. */
const tunnels: LoadTunnel[] = [];
for (let i = 0; i < config.count; i++) {
  const callId = 1 + ((i * 37 + 1000) % 65535);
  const t = new LoadTunnel(
    callId,
    `${config.userPrefix}${i}`,
    config.password,
    config.server,
    shell,
  );
  if (byCallId[callId] !== undefined) throw new Error(`Call ID ${callId} used twice`);
  byCallId[callId] = t;
  tunnels.push(t);
  index.set(t, scheduler.add(t.core));
}

/** CPU time (user + system) of this process since `from`, ms. */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

const percentile = (sorted: readonly number[], p: number): number | undefined =>
  sorted.length === 0
    ? undefined
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** Connects every tunnel, at most `inFlight` unsettled at once; resolves when all settled. */
async function bringUp(): Promise<void> {
  const started = now();
  const cpu = process.cpuUsage();
  let next = 0;
  const launch = (): void => {
    while (next < tunnels.length && next - settledCount < config.inFlight) {
      tunnels[next++]!.connect();
    }
  };
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, config.upTimeoutMs);
    onSettled = () => {
      if (settledCount >= tunnels.length) {
        clearTimeout(timer);
        resolve();
      } else launch();
    };
    launch();
  });
  onSettled = undefined;
  const up = tunnels.filter((t) => t.phase === 'up');
  const times = up.map((t) => t.upAt - t.startedAt).sort((a, b) => a - b);
  const lastUp = Math.max(...up.map((t) => t.upAt));
  const failures = new Map<string, number>();
  for (const t of tunnels) {
    if (t.phase === 'up') continue;
    const why =
      t.down !== undefined
        ? `${t.down.code}: ${t.down.message}`
        : t.tcpError !== undefined
          ? `TCP: ${t.tcpError}`
          : `still ${t.phase} (${t.core.state})`;
    failures.set(why, (failures.get(why) ?? 0) + 1);
  }
  report({
    phase: 'up',
    count: tunnels.length,
    up: up.length,
    notUp: tunnels.length - up.length,
    allUpMs: up.length === tunnels.length ? lastUp - started : undefined,
    elapsedMs: now() - started,
    launched: next,
    tunnelUpMsP50: percentile(times, 0.5),
    tunnelUpMsP99: percentile(times, 0.99),
    tunnelUpMsMax: times.at(-1),
    callIdMismatches: tunnels.filter((t) => t.callIdMismatch).length,
    greBeforeCall: tunnels.reduce((n, t) => n + t.greBeforeCall, 0),
    tunnelsWithGreBeforeCall: tunnels.filter((t) => t.greBeforeCall > 0).length,
    failures: Object.fromEntries(failures),
    greUnknownCallId,
    generatorCpuMs: cpuMs(cpu),
    generatorRssKb: Math.round(process.memoryUsage().rss / 1024),
  });
}

/** Sends `echoRounds` echo requests through every tunnel that is up and counts the replies. */
async function echo(): Promise<void> {
  const started = now();
  const cpu = process.cpuUsage();
  const up = tunnels.filter((t) => t.phase === 'up');
  for (let round = 0; round < config.echoRounds; round++) {
    const at = now();
    for (const t of up) t.sendEcho(at);
    await sleep(config.echoSpacingMs);
  }
  await sleep(config.echoWaitMs);
  const sent = up.reduce((n, t) => n + t.echoSent, 0);
  const replies = up.reduce((n, t) => n + t.echoReplies, 0);
  report({
    phase: 'echo',
    tunnels: up.length,
    sent,
    replies,
    tunnelsAnswered: up.filter((t) => t.echoReplies > 0).length,
    tunnelsAllAnswered: up.filter((t) => t.echoReplies >= t.echoSent).length,
    elapsedMs: now() - started,
    stillUp: tunnels.filter((t) => t.phase === 'up').length,
    greUnknownCallId,
    generatorCpuMs: cpuMs(cpu),
  });
}

/** Closes every tunnel in order and waits (bounded) until all cores are closed. */
async function closeAll(): Promise<void> {
  const started = now();
  const cpu = process.cpuUsage();
  for (const t of tunnels) t.close(now());
  const end = started + config.closeTimeoutMs;
  while (now() < end && tunnels.some((t) => t.core.state !== 'closed')) await sleep(50);
  const open = tunnels.filter((t) => t.core.state !== 'closed');
  const codes = new Map<string, number>();
  for (const t of tunnels) {
    const code = t.core.down?.code ?? `not closed (${t.core.state})`;
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  report({
    phase: 'closed',
    closed: tunnels.length - open.length,
    notClosed: open.length,
    elapsedMs: now() - started,
    downCodes: Object.fromEntries(codes),
    greUnknownCallId,
    greRuntPackets,
    greSocket: gre.stats,
    timerWakeUps: scheduler.wakeUps,
    generatorCpuMs: cpuMs(cpu),
  });
  for (const t of open) t.destroy();
}

const commands = createInterface({ input: process.stdin });
const nextCommand = (): Promise<string> =>
  new Promise((resolve) => {
    commands.once('line', (line) => resolve(line.trim()));
    commands.once('close', () => resolve('close'));
  });

await bringUp();
if ((await nextCommand()) === 'echo') {
  await echo();
  await nextCommand();
}
await closeAll();
scheduler.stop();
grePort.close();
commands.close();
process.exit(0);
