/**
 * What the interop tests of the pptpkit client share: the CLI under test run from source in the
 * lab namespace, its JSON log, and the namespace's routes and links to compare before/after.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const labInfo = inject('lab');

export const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** The lab's namespace (pkl-lab, or pkl-$PKL_INSTANCE), from the global set-up. */
export const netns = labInfo.netns;
/** The server's tunnel address (pptpd `localip`) and the target routed behind it. */
export const serverTunnel = '192.168.77.1';
export const target = '10.78.0.1';

/** Runs a command inside the lab namespace; never rejects. */
export function inNs(args: string[], env: Record<string, string> = {}, timeout = 30_000) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'ip',
      ['netns', 'exec', netns, ...args],
      { env: { ...process.env, ...env }, timeout },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The CLI under test, run from source with tsx in the lab namespace. */
export const cli = [
  'node',
  '--import',
  'tsx',
  '--conditions=@pptpkit/source',
  join(repo, 'apps/client/src/cli/run.ts'),
];

export interface Tunnel {
  readonly child: ChildProcess;
  readonly records: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

/** Starts `pptpkit up PEER` in the namespace, collecting its JSON log records. */
export function up(
  dir: string,
  secrets: string,
  peer = 'lab',
  extra: readonly string[] = [],
): Tunnel {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      netns,
      ...cli,
      'up',
      peer,
      '--peers-dir',
      join(dir, 'peers'),
      '--secrets',
      secrets,
      '--log-format',
      'json',
      ...extra,
    ],
    {
      cwd: repo,
      env: { ...process.env, PPTPKIT_RUN_DIR: join(dir, 'run') },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
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
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, records, exited };
}

export async function waitFor(
  records: Record<string, unknown>[],
  message: string,
  exited: Promise<unknown>,
  ms: number,
  count = 1,
) {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const end = Date.now() + ms;
  for (;;) {
    const found = records.filter((r) => r['message'] === message);
    if (found.length >= count) return found[count - 1]!;
    if (gone || Date.now() > end) {
      throw new Error(
        `no '${message}' record #${count}; log:\n${records.map((r) => JSON.stringify(r)).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pings `host` once a second until it answers (bounded by `tries`); returns whether it did. */
export async function reachable(host: string, tries = 20): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if ((await inNs(['ping', '-c', '1', '-W', '1', host])).code === 0) return true;
  }
  return false;
}

/**
 * TCP to the lab's echo service on the target, through the tunnel: sends `bytes` pseudo-random
 * octets and returns whether exactly the same came back.
 */
export async function tcpEcho(bytes: number): Promise<boolean> {
  const script = `const c=require('crypto'),d=c.randomBytes(${bytes});const s=require('net').connect(7,'${target}',()=>s.end(d));const got=[];s.on('data',x=>got.push(x));s.on('close',()=>process.stdout.write(Buffer.concat(got).equals(d)?'same':'different '+Buffer.concat(got).length));s.setTimeout(15000,()=>s.destroy());`;
  const run = await inNs(['node', '-e', script]);
  return run.stdout === 'same';
}

export const routes = async (): Promise<string> =>
  (await inNs(['ip', '-4', 'route', 'show', 'table', 'all'])).stdout;
export const links = async (): Promise<string> =>
  (await inNs(['ip', '-o', 'link', 'show'])).stdout
    .split('\n')
    .map((l) => l.split(':')[1]?.trim())
    .filter((n) => n !== undefined && n !== '')
    .join(' ');
