/**
 * Lab tunnel benchmark: TCP throughput (iperf3, both directions), ping RTT and time to `up`
 * of pptpkit's real tunnel, beside the reference client (pptp-linux + pppd + kernel MPPE in
 * a user-mode-linux guest) against the same pptpd in the same lab run; then both again under
 * each fault profile of the lab (`lab.sh faults`: loss each way, and loss, delay, reordering
 * and duplication combined), in stateless and stateful MPPE, printed as shares of the clean
 * figures from the same run and as pptpkit/reference ratios.
 *
 * Runs its own lab instance (`PKL_INSTANCE=bench`, namespace `pkl-bench`) and always stops it.
 * Everything that sends packets runs inside that namespace or inside the lab's guests. Without
 * root or the lab it prints why it skipped and exits 0. `PPTPKIT_BENCH_SECONDS` sets the length
 * of each iperf3 test (default 5).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cpuTicks,
  type FaultRow,
  formatComparison,
  formatFaultTable,
  type IperfResult,
  type PingSummary,
  type ProfileFigures,
  parseIperf3Json,
  parsePingSummary,
  parsePingTimes,
  pppdEncryption,
  referenceSecondsToUp,
} from './lab-results.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const labScript = join(repo, 'tools/lab/lab.sh');
const instance = 'bench';
const netns = `pkl-${instance}`;
/** Where the lab's files come from may be overridden; its settings may not (default lab). */
const keptLabSettings = new Set(['PKL_CACHE', 'PKL_MIRROR', 'PKL_UML']);
const labEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('PKL_') || keptLabSettings.has(k)),
  ),
  PKL_INSTANCE: instance,
};
/** The lab's run directory for this instance (see `lab.sh env`). */
const labRun = `/run/pptpkit-lab-${instance}`;
/** pptpd's end of the tunnel (what the reference client pings) and the iperf3 server behind it. */
const serverTunnel = '192.168.77.1';
const target = '10.78.0.1';
const pingCount = 20;
const congestion = 'cubic';
/** Upper bound of the whole bench, lab starts and stops included. */
const watchdogSeconds = 1200;

/** The wires measured, the clean one first (lab settings of `lab.sh faults`). */
const faultProfiles: readonly { name: string; netem: string; upLoss: string }[] = [
  { name: 'clean', netem: '', upLoss: '0' },
  { name: '3 % loss server → client', netem: 'loss 3%', upLoss: '0' },
  { name: '3 % loss client → server', netem: '', upLoss: '3' },
  {
    name: '3 % loss both ways + 2 ms delay + 25 % reordering + 1 % duplication',
    netem: 'loss 3% delay 2ms reorder 25% duplicate 1%',
    upLoss: '3',
  },
];

const seconds = Number(process.env['PPTPKIT_BENCH_SECONDS'] ?? '5');

/** Why the bench cannot run here, or undefined when it can. */
function unavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `the lab needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (the lab creates a network namespace and TAPs)';
  if (!existsSync('/usr/bin/linux.uml')) {
    return 'user-mode-linux is not installed (tools/lab/lab.sh deps)';
  }
  for (const tool of ['iperf3', 'ping']) {
    if (!['/usr/bin', '/bin', '/usr/sbin'].some((d) => existsSync(join(d, tool)))) {
      return `${tool} is not installed (tools/lab/lab.sh deps)`;
    }
  }
  return undefined;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Children still running, killed if the bench is interrupted. */
const children = new Set<ChildProcess>();
/** Temporary directories to remove, also when the bench is interrupted. */
const tempDirs = new Set<string>();

/** Runs a command with a timeout; never rejects. */
function run(file: string, args: string[], timeoutMs: number, env = labEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd: repo, env, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        children.delete(child);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    children.add(child);
  });
}

const lab = (args: string[], timeoutMs: number, env = labEnv): Promise<Run> =>
  run('bash', [labScript, ...args], timeoutMs, env);
const inNs = (args: string[], timeoutMs: number): Promise<Run> =>
  run('ip', ['netns', 'exec', netns, ...args], timeoutMs);

/** The 1, 5 and 15 minute load averages. */
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Stops the bench's lab instance (synchronously, so it also runs from a signal handler). */
function stopLab(): void {
  try {
    execFileSync('bash', [labScript, 'stop'], { env: labEnv, stdio: 'ignore', timeout: 30_000 });
  } catch {
    process.stderr.write(`lab tunnel bench: 'PKL_INSTANCE=${instance} lab.sh stop' failed\n`);
  }
}

/** What one client measured through its tunnel. */
interface Figures {
  upload: IperfResult;
  download: IperfResult;
  ping: PingSummary;
  /** Each reply's RTT in ms, in order. */
  pingTimes: number[];
  secondsToUp: number | undefined;
  /** pptpkit only: CPU time of the client process over each iperf3 test, % of one core. */
  cpuUpload?: number;
  cpuDownload?: number;
  /** Seconds from launching the process to the `tunnel up` record (pptpkit only). */
  secondsLaunchToUp?: number;
  /** The MPPE mode the client logged it negotiated. */
  encryption?: string;
}

async function referenceRun(
  env: NodeJS.ProcessEnv = labEnv,
): Promise<Figures & { guestCongestion: string }> {
  const client = await lab(['client'], (75 + 2 * seconds + 20) * 1000, {
    ...env,
    PKL_IPERF_SECONDS: String(seconds),
    PKL_IPERF_JSON: '1',
    PKL_PING_COUNT: String(pingCount),
  });
  const read = (name: string): string => {
    const path = join(labRun, 'client', name);
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  };
  if (client.code !== 0) {
    throw new Error(`reference client failed:\n${client.stderr}\n${read('init.log')}`);
  }
  return {
    upload: parseIperf3Json(read('iperf3-up.txt')),
    download: parseIperf3Json(read('iperf3-down.txt')),
    ping: parsePingSummary(read('ping.txt')),
    pingTimes: parsePingTimes(read('ping.txt')),
    secondsToUp: referenceSecondsToUp(read('init.log')),
    guestCongestion: read('tcp-congestion.txt').trim() || 'unknown',
    encryption: pppdEncryption(read('pppd.log')),
  };
}

/** The seed's peer format, pointed at the lab's server, plus the login secret. */
function writeConfig(dir: string, stateful = false): { peers: string; secrets: string } {
  const peers = join(dir, 'peers');
  mkdirSync(peers);
  writeFileSync(
    join(peers, 'bench'),
    `pty "pptp 10.77.0.10 --nolaunchpppd"\nname pptpkit\nrequire-mppe-128\ndefaultroute\n${stateful ? 'mppe-stateful-prefer\n' : ''}`,
  );
  const secrets = join(dir, 'chap-secrets');
  writeFileSync(secrets, 'pptpkit * golden-Passw0rd *\n', { mode: 0o600 });
  return { peers, secrets };
}

/** CPU % of one core used by `pid` while `work` runs. */
async function cpuDuring<T>(pid: number, work: () => Promise<T>): Promise<[T, number]> {
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const stat = (): number => cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const t0 = performance.now();
  const c0 = stat();
  const result = await work();
  const c1 = stat();
  const wall = (performance.now() - t0) / 1000;
  return [result, ((c1 - c0) / ticksPerSecond / wall) * 100];
}

async function iperf(reverse: boolean): Promise<IperfResult> {
  // -C: the namespace may not switch its default to a restricted algorithm (EPERM outside the
  // initial namespace), but a root socket may choose it; iperf3 passes it to the server too.
  const args = ['iperf3', '-c', target, '-t', String(seconds), '-C', congestion, '-J'];
  if (reverse) args.push('-R');
  const r = await inNs(args, (seconds + 20) * 1000);
  return parseIperf3Json(r.stdout);
}

/** A running pptpkit client in the bench's namespace. */
interface PptpkitClient {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly records: Record<string, unknown>[];
  readonly exited: Promise<void>;
  readonly dir: string;
  readonly secondsLaunchToUp: number;
  readonly secondsToUp: number | undefined;
  readonly encryption: string | undefined;
  /** The log so far, one JSON record per line. */
  log(): string;
}

/** Starts `pptpkit up` from source in the namespace and waits for an answer through it. */
async function startPptpkit(stateful = false): Promise<PptpkitClient> {
  const dir = mkdtempSync(join(tmpdir(), 'pptpkit-bench-'));
  tempDirs.add(dir);
  const { peers, secrets } = writeConfig(dir, stateful);
  const launched = performance.now();
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      netns,
      process.execPath,
      '--import',
      'tsx',
      '--conditions=@pptpkit/source',
      join(repo, 'apps/client/src/cli/run.ts'),
      'up',
      'bench',
      '--peers-dir',
      peers,
      '--secrets',
      secrets,
      '--log-format',
      'json',
    ],
    {
      cwd: repo,
      env: { ...process.env, PPTPKIT_RUN_DIR: join(dir, 'run') },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.add(child);
  const records: Record<string, unknown>[] = [];
  let partial = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        records.push({ message: line });
      }
    }
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const log = (): string => records.map((r) => JSON.stringify(r)).join('\n');

  // `ip netns exec` execs the command: the child's pid is node's, whose CPU we sample.
  const end = Date.now() + 30_000;
  let upRecord: Record<string, unknown> | undefined;
  while (upRecord === undefined) {
    upRecord = records.find((r) => r['message'] === 'tunnel up');
    if (upRecord !== undefined) break;
    if (exitCode !== undefined || Date.now() > end) {
      throw new Error(`pptpkit did not reach 'tunnel up' (exit ${exitCode}); log:\n${log()}`);
    }
    await sleep(50);
  }
  const secondsLaunchToUp = (performance.now() - launched) / 1000;
  const encryption = records.find((r) => r['message'] === 'network layer up')?.['encryption'];
  const first = records.find((r) => r['message'] === 'connecting');
  const secondsToUp =
    first !== undefined && typeof upRecord['time'] === 'string'
      ? (Date.parse(upRecord['time']) - Date.parse(String(first['time']))) / 1000
      : undefined;
  // pppd sets up its end (ppp unit, kernel MPPE) just after IPCP opens: wait for one answer.
  let answered = false;
  for (let i = 0; i < 20 && !answered; i++) {
    answered = (await inNs(['ping', '-c', '1', '-W', '1', serverTunnel], 5_000)).code === 0;
  }
  if (!answered) throw new Error(`no ping answer through pptpkit's tunnel; log:\n${log()}`);
  if (child.pid === undefined) throw new Error('pptpkit has no pid');
  return {
    child,
    pid: child.pid,
    records,
    exited,
    dir,
    secondsLaunchToUp,
    secondsToUp,
    encryption: typeof encryption === 'string' ? encryption : undefined,
    log,
  };
}

/** Stops a pptpkit client with SIGINT (SIGKILL after 20 s) and removes its files. */
async function stopPptpkit(c: PptpkitClient): Promise<void> {
  try {
    c.child.kill('SIGINT');
    const stopped = await Promise.race([
      c.exited.then(() => true),
      sleep(20_000).then(() => false),
    ]);
    if (!stopped) {
      c.child.kill('SIGKILL');
      throw new Error('pptpkit did not exit within 20 s of SIGINT');
    }
  } finally {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    rmSync(c.dir, { recursive: true, force: true });
    tempDirs.delete(c.dir);
  }
}

/** The clean-wire figures: pings, iperf3 each way with the client's CPU. */
async function pptpkitRun(): Promise<Figures> {
  const c = await startPptpkit();
  try {
    const pinged = await inNs(
      ['ping', '-c', String(pingCount), '-i', '0.2', '-W', '2', serverTunnel],
      30_000,
    );
    const [upload, cpuUpload] = await cpuDuring(c.pid, () => iperf(false));
    const [download, cpuDownload] = await cpuDuring(c.pid, () => iperf(true));
    return {
      upload,
      download,
      ping: parsePingSummary(pinged.stdout),
      pingTimes: parsePingTimes(pinged.stdout),
      secondsToUp: c.secondsToUp,
      cpuUpload,
      cpuDownload,
      secondsLaunchToUp: c.secondsLaunchToUp,
      encryption: c.encryption,
    };
  } finally {
    await stopPptpkit(c);
  }
}

/**
 * Sets the lab's wire faults (`lab.sh faults`), and restarts the iperf3 server in the pptpd
 * guest: a test that a bad wire stalled keeps it busy (refusing every later test) until its
 * own timeout.
 */
async function setFaults(netem: string, upLoss: string): Promise<void> {
  const r = await lab(['faults'], 60_000, { ...labEnv, PKL_NETEM: netem, PKL_UP_LOSS: upLoss });
  if (r.code !== 0) throw new Error(`lab.sh faults failed:\n${r.stderr}`);
  const restart = await lab(
    [
      'server-exec',
      'pkill -x iperf3; sleep 0.2; iperf3 -s -D --logfile /lab/iperf3.log; sleep 0.3',
    ],
    60_000,
  );
  if (restart.code !== 0)
    throw new Error(`restarting iperf3 in the guest failed:\n${restart.stderr}`);
}

/** Mbit/s received, or undefined when iperf3 did not complete (a dead or stalled tunnel). */
async function iperfOrUndefined(reverse: boolean): Promise<number | undefined> {
  try {
    return (await iperf(reverse)).receivedMbits;
  } catch {
    return undefined;
  }
}

/** Throughput both ways and ping loss under each fault profile, for one MPPE mode. */
async function faultRows(stateful: boolean): Promise<{ rows: FaultRow[]; notes: string[] }> {
  const env = { ...labEnv, PKL_MPPE_STATEFUL: stateful ? '1' : '0' };
  const notes: string[] = [];
  stopLab();
  const started = await lab(['start'], 90_000, env);
  if (started.code !== 0) throw new Error(`lab.sh start failed:\n${started.stderr}`);
  const ours: ProfileFigures[] = [];
  const c = await startPptpkit(stateful);
  try {
    for (const p of faultProfiles) {
      await setFaults(p.netem, p.upLoss);
      const ping = parsePingSummary(
        (await inNs(['ping', '-c', '100', '-i', '0.02', '-W', '2', '-q', serverTunnel], 30_000))
          .stdout,
      );
      const up = await iperfOrUndefined(false);
      const down = await iperfOrUndefined(true);
      ours.push({
        up,
        down,
        pingLossPercent:
          ping.transmitted > 0 ? (1 - ping.received / ping.transmitted) * 100 : undefined,
      });
    }
    const ups = c.records.filter((r) => r['message'] === 'tunnel up').length;
    const downs = c.records.filter((r) => /down$/.test(String(r['message']))).length;
    notes.push(
      `pptpkit (${c.encryption ?? '?'}): one tunnel through every profile; 'up' ${ups}×, 'down' ${downs}×, exit on SIGINT after.`,
    );
  } finally {
    await setFaults('', '0').catch(() => undefined);
    await stopPptpkit(c);
  }
  const theirs: ProfileFigures[] = [];
  for (const p of faultProfiles) {
    await setFaults(p.netem, p.upLoss);
    try {
      const ref = await referenceRun(env);
      theirs.push({
        up: ref.upload.receivedMbits,
        down: ref.download.receivedMbits,
        pingLossPercent:
          ref.ping.transmitted > 0
            ? (1 - ref.ping.received / ref.ping.transmitted) * 100
            : undefined,
      });
    } catch (error) {
      notes.push(`reference client, ${p.name}: ${(error as Error).message.split('\n')[0]}`);
      theirs.push({ up: undefined, down: undefined, pingLossPercent: undefined });
    }
  }
  await setFaults('', '0');
  return {
    rows: faultProfiles.map((p, i) => ({
      profile: p.name,
      pptpkit: ours[i]!,
      reference: theirs[i]!,
    })),
    notes,
  };
}

function report(
  ours: Figures,
  ref: Figures & { guestCongestion: string },
  nsDefault: string,
  loadBefore: string,
): void {
  const perMbit = (cpu: number | undefined, r: IperfResult): number | undefined =>
    cpu === undefined || r.receivedMbits === 0 ? undefined : cpu / r.receivedMbits;
  const table = formatComparison(
    [
      {
        metric: 'upload Mbit/s (client → server)',
        pptpkit: ours.upload.receivedMbits,
        reference: ref.upload.receivedMbits,
      },
      {
        metric: 'download Mbit/s (server → client)',
        pptpkit: ours.download.receivedMbits,
        reference: ref.download.receivedMbits,
      },
      {
        metric: 'upload TCP retransmits',
        pptpkit: ours.upload.retransmits,
        reference: ref.upload.retransmits,
        digits: 0,
      },
      {
        metric: 'download TCP retransmits',
        pptpkit: ours.download.retransmits,
        reference: ref.download.retransmits,
        digits: 0,
      },
      {
        metric: `ping RTT avg ms (${pingCount})`,
        pptpkit: ours.ping.rtt?.avg,
        reference: ref.ping.rtt?.avg,
        digits: 3,
      },
      {
        metric: 'ping RTT min ms',
        pptpkit: ours.ping.rtt?.min,
        reference: ref.ping.rtt?.min,
        digits: 3,
      },
      {
        metric: 'ping RTT max ms',
        pptpkit: ours.ping.rtt?.max,
        reference: ref.ping.rtt?.max,
        digits: 3,
      },
      {
        metric: 'ping replies',
        pptpkit: ours.ping.received,
        reference: ref.ping.received,
        digits: 0,
      },
      {
        metric: 'time to up s (connect → up)',
        pptpkit: ours.secondsToUp,
        reference: ref.secondsToUp,
        digits: 2,
      },
      { metric: 'pptpkit CPU % of a core, upload', pptpkit: ours.cpuUpload, reference: undefined },
      {
        metric: 'pptpkit CPU % of a core, download',
        pptpkit: ours.cpuDownload,
        reference: undefined,
      },
      {
        metric: 'pptpkit CPU % per Mbit/s, upload',
        pptpkit: perMbit(ours.cpuUpload, ours.upload),
        reference: undefined,
        digits: 2,
      },
      {
        metric: 'pptpkit CPU % per Mbit/s, download',
        pptpkit: perMbit(ours.cpuDownload, ours.download),
        reference: undefined,
        digits: 2,
      },
    ],
    'reference (pptp-linux + pppd + kernel MPPE)',
  );
  console.log(
    `\nlab tunnel bench: MS-CHAPv2 + MPPE-128 stateless (pptpkit logged: ${ours.encryption ?? '?'}; pppd: ${ref.encryption ?? '?'}), iperf3 ${seconds} s each way to ${target}, ping ${serverTunnel}`,
  );
  console.log(table);
  console.log(
    [
      `TCP congestion control: pptpkit's upload sender (namespace ${netns}) ${ours.upload.senderCongestion ?? congestion} (iperf3 -C ${congestion}; the namespace default is ${nsDefault});`,
      `  the reference guest's upload sender ${ref.upload.senderCongestion ?? ref.guestCongestion} (its kernel default: ${ref.guestCongestion});`,
      `  both downloads are sent by the server guest: ${ours.download.senderCongestion ?? '?'} / ${ref.download.senderCongestion ?? '?'}.`,
      `pptpkit runs from source (node + tsx) in the lab namespace; 'time to up' is its 'connecting' log record → 'tunnel up' (launch → up: ${ours.secondsLaunchToUp?.toFixed(2)} s), the reference's is 'pppd call' → ip-up in the guest.`,
      'The reference client runs inside a user-mode-linux guest (its kernel is a process on this host): its figures include UML overhead; its CPU is not measured.',
      `ping RTTs ms, pptpkit:   ${ours.pingTimes.join(' ')}`,
      `ping RTTs ms, reference: ${ref.pingTimes.join(' ')}`,
      `Load average before/after: ${loadBefore} / ${load()} (other work on this host changes these figures).`,
    ].join('\n'),
  );
}

async function main(): Promise<number> {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 30) {
    process.stderr.write(
      `lab tunnel bench: PPTPKIT_BENCH_SECONDS must be an integer 1..30 (got ${process.env['PPTPKIT_BENCH_SECONDS']})\n`,
    );
    return 2;
  }
  const reason = unavailableReason();
  if (reason !== undefined) {
    console.log(`lab tunnel bench skipped: ${reason}`);
    return 0;
  }
  const status = await lab(['status'], 15_000);
  if (/guest image: not built/.test(status.stdout)) {
    console.log(
      'lab tunnel bench skipped: the lab guest image is not built (tools/lab/lab.sh build, a few minutes)',
    );
    return 0;
  }
  if (/server guest: running/.test(status.stdout)) {
    // Another bench holds the instance: leave it alone (stopping it would break that run).
    console.log(
      `lab tunnel bench skipped: the lab instance '${instance}' is already running (another bench? PKL_INSTANCE=${instance} tools/lab/lab.sh stop)`,
    );
    return 0;
  }
  const loadBefore = load();
  const abort = (why: string, code: number): void => {
    for (const c of children) c.kill('SIGKILL');
    stopLab();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`lab tunnel bench: ${why}, lab stopped\n`);
    process.exit(code);
  };
  process.once('SIGINT', () => abort('interrupted by SIGINT', 130));
  process.once('SIGTERM', () => abort('interrupted by SIGTERM', 143));
  // Every step has its own timeout; this bounds the whole run (normally about 50 s).
  setTimeout(() => abort(`no result after ${watchdogSeconds} s`, 1), watchdogSeconds * 1000);
  try {
    const started = await lab(['start'], 90_000);
    if (started.code !== 0) throw new Error(`lab.sh start failed:\n${started.stderr}`);
    const nsDefault = (
      await inNs(['sysctl', '-n', 'net.ipv4.tcp_congestion_control'], 5_000)
    ).stdout.trim();
    console.log(
      `lab tunnel bench: reference client (lab.sh client, ${seconds} s iperf3 each way)...`,
    );
    const ref = await referenceRun();
    console.log('lab tunnel bench: pptpkit...');
    const ours = await pptpkitRun();
    report(ours, ref, nsDefault, loadBefore);
    for (const stateful of [false, true]) {
      console.log(
        `\nlab tunnel bench: ${stateful ? 'stateful' : 'stateless'} MPPE-128 under wire faults (iperf3 ${seconds} s each way, 100 pings at 20 ms)...`,
      );
      const { rows, notes } = await faultRows(stateful);
      console.log(formatFaultTable(rows));
      console.log(notes.join('\n'));
    }
    console.log(
      `Faults: netem in the pptpd guest on everything it sends (to either client), nft random drop of the clients' GRE in the lab namespace. Load average now: ${load()}.`,
    );
    return 0;
  } finally {
    stopLab();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lab tunnel bench failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
