/**
 * Capacity bench of `pptpkit serve` with the pptpkit client: both in their own network
 * namespace joined by a veth pair (`tools/netns/veth-rig.ts`), the server pinned to core 0
 * and the client to core 1 (`taskset`), iperf3 through the tunnel to an iperf3 server bound to
 * the server's tunnel address: client → server, server → client and both at once, for
 * MPPE-128 stateless, MPPE-128 stateful (random data, iperf3's default) and MPPE-128 + MPPC
 * (text: the repository's own .ts/.md files, fed through a FIFO to `iperf3 -F`). Beside each,
 * the same over the bare veth. Per test: goodput, tunnel packets/s (the client's data
 * counters), CPU seconds of each pptpkit process (/proc/PID/stat) and µs of CPU per packet.
 *
 * Run: `pnpm --filter pptpkit bench:serve` (as root). Without root, iperf3 or taskset it prints
 * why it skipped and exits 0. `PPTPKIT_BENCH_SECONDS` sets each iperf3 test (default 5).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LoggedProcess,
  pptpkitCommand,
  repo,
  serveStatus,
  startClient,
  startServe,
} from '../../../tools/netns/pptpkit-procs.js';
import { createVethRig, RIG_SERVER_ADDRESS, type VethRig } from '../../../tools/netns/veth-rig.js';
import { cpuTicks } from './lab-results.js';
import { cell, type DirectionMbits, formatTable, iperfDirections } from './serve-figures.js';

const seconds = Number(process.env['PPTPKIT_BENCH_SECONDS'] ?? '5');
/** Upper bound of the whole bench. */
const watchdogSeconds = 240;
const serverTunnel = '10.88.0.1';
const user = 'bench';
const password = 'Bench-Passw0rd';
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

type Direction = 'up' | 'down' | 'both';
const directions: readonly Direction[] = ['up', 'down', 'both'];
const directionName: Record<Direction, string> = {
  up: 'client → server',
  down: 'server → client',
  both: 'both at once',
};

interface Mode {
  readonly name: string;
  readonly client: readonly string[];
  readonly server: readonly string[];
  /** Send text (compressible) rather than iperf3's random buffer. */
  readonly text: boolean;
  /** Goal per direction, Mbit/s. */
  readonly goal: number | undefined;
}

const mppe128 = ['require-mschap-v2', 'require-mppe-128'];
const modes: readonly Mode[] = [
  {
    name: 'MPPE-128 stateless',
    client: ['require-mppe-128'],
    server: mppe128,
    text: false,
    goal: 600,
  },
  {
    name: 'MPPE-128 stateful',
    client: ['require-mppe-128', 'mppe-stateful-prefer'],
    server: [...mppe128, 'mppe-stateful'],
    text: false,
    goal: 1000,
  },
  {
    name: 'MPPE-128 + MPPC',
    client: ['require-mppe-128', 'mppc'],
    server: [...mppe128, 'mppc'],
    text: true,
    goal: undefined,
  },
];

/** One row of the result. */
interface Row {
  readonly mode: string;
  readonly data: string;
  readonly direction: Direction;
  readonly mbits: DirectionMbits;
  readonly bare: DirectionMbits | undefined;
  readonly goal: number | undefined;
  readonly packetsPerSecond?: number;
  readonly serverCpu?: number;
  readonly clientCpu?: number;
  readonly packets?: number;
  /** Wall time from before to after the test, s. */
  readonly wall?: number;
  /** MPPC: plain ÷ compressed bytes of the bulk direction(s), `↑ / ↓` when both. */
  readonly compression?: string;
}

function unavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'not root (creates network namespaces)';
  for (const tool of ['iperf3', 'taskset', 'ping']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 10) {
    return `PPTPKIT_BENCH_SECONDS must be an integer 1..10 (got ${seconds})`;
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Processes outside the rig (the FIFO pumps), killed on the way out. */
const pumps = new Set<ChildProcess>();

/** Feeds `corpus` into the FIFO `fifo` over and over until its reader goes away. */
function pump(corpus: string, fifo: string): ChildProcess {
  const child = spawn('sh', ['-c', 'while cat "$0"; do :; done > "$1"', corpus, fifo], {
    stdio: 'ignore',
  });
  pumps.add(child);
  child.on('exit', () => pumps.delete(child));
  return child;
}

/** Starts a one-shot iperf3 server in the server namespace; resolves once it listens. */
async function iperfServer(
  rig: VethRig,
  address: string,
  port: number,
  file: string | undefined,
): Promise<ChildProcess> {
  // --forceflush: the "Server listening" line reaches the pipe at once.
  const args = ['iperf3', '-s', '-1', '--forceflush', '-B', address, '-p', String(port)];
  if (file !== undefined) args.push('-F', file);
  const server = rig.spawn('server', args);
  let out = '';
  server.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  server.stderr?.resume();
  for (let i = 0; i < 100 && !out.includes('listening'); i++) await sleep(50);
  if (!out.includes('listening')) throw new Error(`iperf3 -s did not start: ${out}`);
  return server;
}

interface Files {
  readonly corpus: string;
  readonly fifoUp: string;
  readonly fifoDown: string;
}

/**
 * One iperf3 test from the client namespace to `address`. Random data: one iperf3 test (`-R`
 * for down, `--bidir` for both). Text: the sender reads a FIFO fed with the corpus (`-F`); both
 * at once are then two concurrent one-way tests, since `--bidir -F` would make each receiver
 * write into the FIFO it sends from.
 */
async function iperf(
  rig: VethRig,
  address: string,
  direction: Direction,
  text: boolean,
  files: Files,
): Promise<DirectionMbits> {
  const client = async (port: number, extra: readonly string[]): Promise<DirectionMbits> => {
    const r = await rig.run(
      'client',
      ['iperf3', '-c', address, '-p', String(port), '-t', String(seconds), '-J', ...extra],
      (seconds + 30) * 1000,
    );
    return iperfDirections(r.stdout);
  };
  const finish = async (servers: ChildProcess[]): Promise<void> => {
    for (const s of servers) {
      if (s.exitCode === null && s.signalCode === null) {
        await Promise.race([new Promise((r) => s.once('exit', r)), sleep(3_000)]);
        s.kill('SIGKILL');
      }
    }
  };
  if (!text) {
    const server = await iperfServer(rig, address, 5201, undefined);
    try {
      return await client(
        5201,
        direction === 'down' ? ['-R'] : direction === 'both' ? ['--bidir'] : [],
      );
    } finally {
      await finish([server]);
    }
  }
  const servers: ChildProcess[] = [];
  const fed: ChildProcess[] = [];
  try {
    const up = async (): Promise<number | undefined> => {
      servers.push(await iperfServer(rig, address, 5201, undefined));
      fed.push(pump(files.corpus, files.fifoUp));
      return (await client(5201, ['-F', files.fifoUp])).up;
    };
    const down = async (): Promise<number | undefined> => {
      fed.push(pump(files.corpus, files.fifoDown));
      servers.push(await iperfServer(rig, address, 5202, files.fifoDown));
      return (await client(5202, ['-R'])).down;
    };
    if (direction === 'up') return { up: await up(), down: undefined };
    if (direction === 'down') return { up: undefined, down: await down() };
    const [u, d] = await Promise.all([up(), down()]);
    return { up: u, down: d };
  } finally {
    await finish(servers);
    for (const p of fed) p.kill('SIGKILL');
  }
}

/** The last 20 lines of `text`. */
const tail = (text: string): string => text.split('\n').slice(-20).join('\n');

const cpuSeconds = (pid: number): number =>
  cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / ticksPerSecond;

/** The client's data and GRE counters (`pptpkit status PEER --json`), GRE ones as `gre.*`. */
async function clientCounters(
  rig: VethRig,
  client: LoggedProcess,
  peer: string,
): Promise<Record<string, number>> {
  const r = await pptpkitCommand(rig, 'client', client.runDir, ['status', peer, '--json']);
  if (r.code !== 0) throw new Error(`pptpkit status ${peer}: exit ${r.code}: ${r.stderr}`);
  const s = JSON.parse(r.stdout) as { data: Record<string, number>; gre: Record<string, number> };
  return {
    ...s.data,
    ...Object.fromEntries(Object.entries(s.gre).map(([k, v]) => [`gre.${k}`, v])),
  };
}

/** Client counters that show trouble (loss, window, MPPE/MPPC drops) when they move. */
const troubleCounters = [
  'txDropped',
  'rxDropped',
  'rxBadChecksum',
  'mppeDropped',
  'mppeRejected',
  'resetRequests',
  'mppcDropped',
  'gre.windowBlocked',
  'gre.windowOverruns',
  'gre.retransmits',
  'gre.duplicates',
  'gre.lost',
  'gre.late',
  'gre.reordered',
];

async function measureMode(
  rig: VethRig,
  dir: string,
  mode: Mode,
  files: Files,
  bare: Map<string, DirectionMbits>,
  notes: string[],
): Promise<Row[]> {
  const serve = await startServe(rig, dir, {
    options: ['name pptpd', ...mode.server],
    localIp: serverTunnel,
    remoteIp: '10.88.0.10-20',
    chapSecrets: `${user} pptpd ${password} *\n`,
    core: 0,
  });
  const peer = `cap${modes.indexOf(mode)}`;
  let client: LoggedProcess | undefined;
  try {
    client = startClient(
      rig,
      dir,
      peer,
      [`name ${user}`, ...mode.client],
      {
        chap: `${user} * ${password} *\n`,
      },
      1,
    );
    await client.waitFor('tunnel up', 30_000);
    const encryption = (await client.waitFor('network layer up', 1_000))['encryption'];
    let answered = false;
    for (let i = 0; i < 10 && !answered; i++) {
      answered = (await rig.run('client', ['ping', '-c', '1', '-W', '1', serverTunnel])).code === 0;
    }
    if (!answered) throw new Error('no ping answer through the tunnel');
    const session = (await serveStatus(rig, serve)).sessions[0];
    notes.push(
      `${mode.name}: client logged '${String(encryption)}', server status mppe '${String(session?.mppe)}'`,
    );
    const rows: Row[] = [];
    for (const direction of directions) {
      const before = await clientCounters(rig, client, peer);
      const t0 = performance.now();
      const s0 = cpuSeconds(serve.pid);
      const c0 = cpuSeconds(client.pid);
      let mbits: DirectionMbits;
      try {
        mbits = await iperf(rig, serverTunnel, direction, mode.text, files);
      } catch (error) {
        notes.push(`${mode.name}, ${directionName[direction]}: ${(error as Error).message}`);
        mbits = { up: undefined, down: undefined };
      }
      const s1 = cpuSeconds(serve.pid);
      const c1 = cpuSeconds(client.pid);
      const wall = (performance.now() - t0) / 1000;
      const after = await clientCounters(rig, client, peer);
      const delta = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
      const packets = delta('txPackets') + delta('rxPackets');
      const moved = troubleCounters.filter((k) => delta(k) !== 0).map((k) => `${k} +${delta(k)}`);
      if (moved.length > 0) {
        notes.push(`${mode.name}, ${directionName[direction]}: client ${moved.join(', ')}`);
      }
      const ratio = (plain: string, compressed: string): number | undefined =>
        delta(compressed) > 0 ? delta(plain) / delta(compressed) : undefined;
      const up = ratio('mppcTxPlainBytes', 'mppcTxCompressedBytes');
      const down = ratio('mppcRxPlainBytes', 'mppcRxCompressedBytes');
      rows.push({
        mode: mode.name,
        data: mode.text ? 'text' : 'random',
        direction,
        mbits,
        bare: bare.get(`${mode.text ? 'text' : 'random'} ${direction}`),
        goal: mode.goal,
        packets,
        packetsPerSecond: packets / seconds,
        serverCpu: s1 - s0,
        clientCpu: c1 - c0,
        wall,
        compression:
          direction === 'up'
            ? cell(up, 2)
            : direction === 'down'
              ? cell(down, 2)
              : `${cell(up, 2)} / ${cell(down, 2)}`,
      });
    }
    const last = await serveStatus(rig, serve);
    notes.push(
      `${mode.name}: server status at the end: dropped ${JSON.stringify(last['dropped'])}, GRE socket ${JSON.stringify(last['greSocket'])}`,
    );
    return rows;
  } catch (error) {
    throw new Error(
      `${mode.name}: ${tail((error as Error).message)}\n--- serve log (end):\n${tail(serve.log())}\n--- client log (end):\n${tail(client?.log() ?? '')}`,
    );
  } finally {
    await client?.stop(10_000);
    const code = await serve.stop(15_000);
    if (code !== 0) notes.push(`${mode.name}: pptpkit serve exited ${code} on SIGTERM`);
  }
}

const mbitsCell = (d: DirectionMbits | undefined, direction: Direction): string => {
  if (d === undefined) return 'n/a';
  if (direction === 'up') return cell(d.up);
  if (direction === 'down') return cell(d.down);
  return `${cell(d.up)} / ${cell(d.down)}`;
};

function report(
  rows: readonly Row[],
  bare: ReadonlyMap<string, DirectionMbits>,
  notes: readonly string[],
  loadBefore: string,
): void {
  const perPacket = (cpu: number | undefined, packets: number | undefined): string =>
    cpu === undefined || packets === undefined || packets === 0
      ? 'n/a'
      : cell((cpu / packets) * 1e6, 2);
  const goalMet = (r: Row): string => {
    if (r.goal === undefined) return '—';
    const values =
      r.direction === 'up'
        ? [r.mbits.up]
        : r.direction === 'down'
          ? [r.mbits.down]
          : [r.mbits.up, r.mbits.down];
    const met = values.every((v) => v !== undefined && v >= (r.goal ?? 0));
    return `≥ ${r.goal} ${met ? 'met' : 'NOT met'}`;
  };
  const table = formatTable(
    [
      'mode (data)',
      'direction',
      'Mbit/s (↑ / ↓)',
      'bare veth Mbit/s',
      'goal per direction',
      'tunnel packets/s',
      'server CPU s',
      'client CPU s',
      'server µs/packet',
      'client µs/packet',
      'server / client CPU % of a core',
      'MPPC plain/compressed',
    ],
    rows.map((r) => [
      `${r.mode} (${r.data})`,
      directionName[r.direction],
      mbitsCell(r.mbits, r.direction),
      mbitsCell(r.bare, r.direction),
      goalMet(r),
      cell(r.packetsPerSecond, 0),
      cell(r.serverCpu, 2),
      cell(r.clientCpu, 2),
      perPacket(r.serverCpu, r.packets),
      perPacket(r.clientCpu, r.packets),
      r.wall === undefined || r.serverCpu === undefined || r.clientCpu === undefined
        ? 'n/a'
        : `${cell((r.serverCpu / r.wall) * 100, 0)} / ${cell((r.clientCpu / r.wall) * 100, 0)}`,
      r.compression ?? 'n/a',
    ]),
  );
  console.log(
    `\nserve capacity bench: pptpkit up (core 1) ↔ pptpkit serve (core 0) over a veth pair, MS-CHAPv2, iperf3 ${seconds} s per test to ${serverTunnel} (the server's tunnel address)`,
  );
  console.log(table);
  console.log('\nbare veth (no tunnel), same iperf3 tests:');
  console.log(
    formatTable(
      ['data', ...directions.map((d) => `${directionName[d]} Mbit/s`)],
      ['random', 'text'].map((data) => [
        data,
        ...directions.map((d) => mbitsCell(bare.get(`${data} ${d}`), d)),
      ]),
    ),
  );
  console.log(
    [
      "'bare veth': the same iperf3 test between the namespaces' veth addresses, no tunnel (the kernel's TCP over veth, with its offloads).",
      "'random': iperf3's default buffer of random bytes (MPPC cannot shrink it). 'text': the repository's .ts/.md files, cycled through a FIFO into iperf3 -F on the sending side; both at once is then two concurrent one-way iperf3 tests.",
      "packets/s: IP packets through the tunnel both ways (the client's txPackets + rxPackets) ÷ the test length; µs/packet: a process's CPU (utime + stime) ÷ those packets; CPU %: that CPU ÷ the test's wall time (iperf3's set-up included).",
      'iperf3 itself is not pinned: it shares the two cores with the pptpkit processes.',
      ...notes,
      `Load average before/after: ${loadBefore} / ${load()} (other work on this host changes these figures).`,
    ].join('\n'),
  );
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  const reason = unavailableReason();
  if (reason !== undefined) {
    console.log(`serve capacity bench skipped: ${reason}`);
    return 0;
  }
  const loadBefore = load();
  const rig = createVethRig(`cap-${process.pid}`);
  const dir = mkdtempSync(join(tmpdir(), 'pptpkit-serve-capacity-'));
  const cleanUp = (): void => {
    for (const p of pumps) p.kill('SIGKILL');
    rig.remove();
    rmSync(dir, { recursive: true, force: true });
  };
  const abort = (why: string, code: number): void => {
    cleanUp();
    process.stderr.write(`serve capacity bench: ${why}; namespaces removed\n`);
    process.exit(code);
  };
  process.once('SIGINT', () => abort('interrupted by SIGINT', 130));
  process.once('SIGTERM', () => abort('interrupted by SIGTERM', 143));
  const watchdog = setTimeout(
    () => abort(`no result after ${watchdogSeconds} s`, 1),
    watchdogSeconds * 1000,
  );
  try {
    const files: Files = {
      corpus: join(dir, 'corpus.txt'),
      fifoUp: join(dir, 'up.fifo'),
      fifoDown: join(dir, 'down.fifo'),
    };
    const sources = execFileSync('git', ['ls-files', '-z', '*.ts', '*.md'], {
      cwd: repo,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => f !== '');
    writeFileSync(files.corpus, Buffer.concat(sources.map((f) => readFileSync(join(repo, f)))));
    execFileSync('mkfifo', [files.fifoUp, files.fifoDown]);

    const notes: string[] = [];
    const bare = new Map<string, DirectionMbits>();
    for (const text of [false, true]) {
      for (const direction of directions) {
        try {
          bare.set(
            `${text ? 'text' : 'random'} ${direction}`,
            await iperf(rig, RIG_SERVER_ADDRESS, direction, text, files),
          );
        } catch (error) {
          notes.push(
            `bare veth, ${text ? 'text' : 'random'}, ${directionName[direction]}: ${(error as Error).message}`,
          );
        }
      }
    }
    const rows: Row[] = [];
    for (const mode of modes) {
      try {
        rows.push(...(await measureMode(rig, dir, mode, files, bare, notes)));
      } catch (error) {
        notes.push(`FAILED ${(error as Error).message}`);
      }
    }
    report(rows, bare, notes, loadBefore);
    return 0;
  } finally {
    clearTimeout(watchdog);
    cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `serve capacity bench failed: ${(error as Error).stack ?? String(error)}\n`,
    );
    process.exit(1);
  },
);
