/**
 * `pptpkit serve` and `pptpkit up` run from source inside a {@link VethRig}, with their JSON
 * logs collected: what the serve interop test and the serve benches share. Every file they
 * read is written into a temporary directory (pptpd.conf, the ppp options file, secrets, the
 * peer), nothing from /etc is read (`--global-options none`, an empty scripts directory).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RIG_SERVER_ADDRESS, type RigSide, type VethRig } from './veth-rig.js';

/** The repository's root. */
export const repo: string = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** node running a TypeScript file of the workspace from source (tsx, the source condition). */
export const sourceNode: readonly string[] = [
  process.execPath,
  '--import',
  'tsx',
  '--conditions=@pptpkit/source',
];

/** The CLI under test, run from source. */
export const cliCommand: readonly string[] = [
  ...sourceNode,
  join(repo, 'apps/client/src/cli/run.ts'),
];

/** A running pptpkit process and its log. */
export interface LoggedProcess {
  readonly child: ChildProcess;
  /** The process id of node itself (`ip netns exec` and `taskset` exec it). */
  readonly pid: number;
  /** JSON log records so far (lines that are not JSON become `{ message: line }`). */
  readonly records: Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Its run directory (`PPTPKIT_RUN_DIR`). */
  readonly runDir: string;
  /** The log so far, one record per line. */
  log(): string;
  /**
   * The first record whose message contains `text`; rejects after `ms` or once the process
   * has exited without one.
   */
  waitFor(text: string, ms: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after `ms`; resolves with the exit code (null when killed). */
  stop(ms?: number): Promise<number | null>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts `args` in `side`'s namespace and collects its JSON log from stderr. */
function logged(
  rig: VethRig,
  side: RigSide,
  args: readonly string[],
  runDir: string,
  core: number | undefined,
): LoggedProcess {
  mkdirSync(runDir, { recursive: true });
  const pinned = core === undefined ? [] : ['taskset', '-c', String(core)];
  const child = rig.spawn(side, [...pinned, ...cliCommand, ...args], {
    cwd: repo,
    env: { ...process.env, PPTPKIT_RUN_DIR: runDir },
  });
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
  child.stdout?.resume();
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  if (child.pid === undefined) throw new Error(`could not start ${args[0]}`);
  const log = (): string => records.map((r) => JSON.stringify(r)).join('\n');
  return {
    child,
    pid: child.pid,
    records,
    exited,
    runDir,
    log,
    async waitFor(text, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const found = records.find((r) => String(r['message'] ?? '').includes(text));
        if (found !== undefined) return found;
        if (exitCode !== undefined || Date.now() > end) {
          throw new Error(
            `no '${text}' in the log of pptpkit ${args[0]} (${exitCode === undefined ? `${ms} ms` : `exit ${exitCode}`}):\n${log()}`,
          );
        }
        await sleep(25);
      }
    },
    async stop(ms = 15_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(ms).then(() => 'timeout' as const)]);
      if (code !== 'timeout') return code;
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** What `pptpkit serve` is started with. */
export interface ServeSetup {
  /** Lines of the ppp options file (`option` in pptpd.conf). */
  readonly options: readonly string[];
  /** `localip`. */
  readonly localIp: string;
  /** `remoteip`. */
  readonly remoteIp: string;
  /** `connections`. Default: pptpd's (100). */
  readonly connections?: number;
  /** `chap-secrets` text. */
  readonly chapSecrets: string;
  /** `pap-secrets` text. Default: none. */
  readonly papSecrets?: string;
  /** `taskset -c` core. */
  readonly core?: number;
  /** More command-line flags (`--per-source N`). */
  readonly flags?: readonly string[];
}

/**
 * Writes the server's files into `dir/serve` and starts `pptpkit serve` in the rig's server
 * namespace, listening on the veth address; resolves once it logged `listening on`.
 */
export async function startServe(
  rig: VethRig,
  dir: string,
  setup: ServeSetup,
  readyMs = 20_000,
): Promise<LoggedProcess> {
  const at = join(dir, 'serve');
  mkdirSync(join(at, 'scripts'), { recursive: true });
  const options = join(at, 'options.pptpd');
  writeFileSync(options, `${setup.options.join('\n')}\n`);
  const conf = join(at, 'pptpd.conf');
  writeFileSync(
    conf,
    [
      `option ${options}`,
      `listen ${RIG_SERVER_ADDRESS}`,
      `localip ${setup.localIp}`,
      `remoteip ${setup.remoteIp}`,
      ...(setup.connections === undefined ? [] : [`connections ${setup.connections}`]),
      '',
    ].join('\n'),
  );
  const chap = join(at, 'chap-secrets');
  writeFileSync(chap, setup.chapSecrets, { mode: 0o600 });
  const pap = join(at, 'pap-secrets');
  writeFileSync(pap, setup.papSecrets ?? '', { mode: 0o600 });
  const serve = logged(
    rig,
    'server',
    [
      'serve',
      '--config',
      conf,
      '--global-options',
      'none',
      '--secrets',
      chap,
      '--pap-secrets',
      pap,
      '--scripts-dir',
      join(at, 'scripts'),
      '--log-format',
      'json',
      ...(setup.flags ?? []),
    ],
    join(at, 'run'),
    setup.core,
  );
  try {
    await serve.waitFor('listening on', readyMs);
  } catch (error) {
    await serve.stop(2_000);
    throw error;
  }
  return serve;
}

/**
 * Writes a peer `name` (`peerLines`, after the `pty` line pointing at the rig's server, with
 * `ptyOptions` after `--nolaunchpppd`) and its secrets into `dir/<name>` and starts `pptpkit up`
 * in the client namespace.
 */
export function startClient(
  rig: VethRig,
  dir: string,
  name: string,
  peerLines: readonly string[],
  secrets: { chap: string; pap?: string },
  core?: number,
  ptyOptions = '',
): LoggedProcess {
  const at = join(dir, name);
  const peers = join(at, 'peers');
  mkdirSync(peers, { recursive: true });
  writeFileSync(
    join(peers, name),
    [`pty "pptp ${RIG_SERVER_ADDRESS} --nolaunchpppd${ptyOptions}"`, ...peerLines, ''].join('\n'),
  );
  const chap = join(at, 'chap-secrets');
  writeFileSync(chap, secrets.chap, { mode: 0o600 });
  const pap = join(at, 'pap-secrets');
  writeFileSync(pap, secrets.pap ?? '', { mode: 0o600 });
  return logged(
    rig,
    'client',
    [
      'up',
      name,
      '--peers-dir',
      peers,
      '--secrets',
      chap,
      '--pap-secrets',
      pap,
      '--log-format',
      'json',
    ],
    join(at, 'run'),
    core,
  );
}

/** Runs a short pptpkit command (`status`, `down`) against a run directory; never rejects. */
export function pptpkitCommand(
  rig: VethRig,
  side: RigSide,
  runDir: string,
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return rig.run(side, [...cliCommand, ...args], timeoutMs, {
    ...process.env,
    PPTPKIT_RUN_DIR: runDir,
  });
}

/** One session in `pptpkit status serve --json`. */
export interface ServeSession {
  readonly id: number;
  readonly peer: string;
  readonly user: string;
  readonly address: string;
  readonly state: string;
  readonly auth?: string;
  readonly mppe?: string;
  readonly uptimeMs?: number;
  readonly counters?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** `pptpkit status serve --json`. */
export interface ServeStatus {
  readonly schema: string;
  readonly listen: unknown;
  readonly interface: unknown;
  readonly sessions: readonly ServeSession[];
  readonly [key: string]: unknown;
}

/**
 * Asks the server in `serve` for `status serve --json`; throws with its output when that fails.
 * The output goes to a file, not a pipe: the CLI calls `process.exit` right after writing, and
 * node drops what a pipe has not taken yet (a status of 1,000 sessions, ~450 kB, came back cut
 * at ~430 kB through a pipe).
 */
export async function serveStatus(rig: VethRig, serve: LoggedProcess): Promise<ServeStatus> {
  const file = join(serve.runDir, 'status.json');
  const r = await rig.run(
    'server',
    ['sh', '-c', '"$@" > "$0"', file, ...cliCommand, 'status', 'serve', '--json'],
    30_000,
    { ...process.env, PPTPKIT_RUN_DIR: serve.runDir },
  );
  if (r.code !== 0) throw new Error(`pptpkit status serve --json: exit ${r.code}: ${r.stderr}`);
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as ServeStatus;
  } catch {
    throw new Error(
      `pptpkit status serve --json printed no JSON (${text.length} characters): ${text.slice(0, 200)} … ${text.slice(-200)}`,
    );
  }
}

/** Resident set size of a process, kB (`VmRSS` in /proc/PID/status). */
export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`/proc/${pid}/status has no VmRSS`);
  return Number(m[1]);
}
