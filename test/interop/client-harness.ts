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
 * octets and returns true when exactly the same came back (so `bytes` cross each way), else what
 * came back. The connection stays open until everything is back (the echo service, `socat
 * PIPE`, gives up half a second after our end of the stream, which a lossy tunnel outlasts).
 * Gives up after `idleMs` without progress or `timeoutMs` in all.
 */
export async function tcpEcho(
  bytes: number,
  timeoutMs = 30_000,
  idleMs = 15_000,
): Promise<true | string> {
  const script = `const d=require('crypto').randomBytes(${bytes});const got=[];let n=0,fin=false;const done=()=>{if(fin)return;fin=true;const b=Buffer.concat(got);process.stdout.write(b.equals(d)?'same':'different: '+b.length+' of ${bytes} bytes back')};const s=require('net').connect(7,'${target}',()=>s.write(d));s.on('data',x=>{got.push(x);n+=x.length;if(n>=d.length){done();s.destroy()}});s.on('close',done);s.on('error',e=>process.stderr.write(String(e)));s.setTimeout(${idleMs},()=>s.destroy());`;
  const run = await inNs(['node', '-e', script], {}, timeoutMs);
  return run.stdout === 'same' ? true : `${run.stdout} ${run.stderr}`.trim() || `exit ${run.code}`;
}

/** The lab's target serves these for {@link tcpTransfer} once {@link startTransferServices} ran. */
const DOWNLOAD_PORT = 19;
const UPLOAD_PORT = 9;
/** `seq -w 1 600000`: 600 000 distinct 7-byte lines, 4.2 MB (more than 4 MiB). */
const DOWNLOAD_LINES = 600_000;

/**
 * Starts two services on the lab's target (in the pptpd guest, through `lab.sh server-exec`):
 * TCP 19 sends `seq -w 1 600000` and closes once the client closed (were it to close first, its
 * kernel would hold the unsent rest as an orphan and abort it after a few backed-off
 * retransmissions on a lossy path); TCP 9 reads to the end and answers `sha256sum`.
 * Unlike the echo service (one `socat` relaying into a pipe and back, which can stall once both
 * directions' buffers fill on a slow path), each direction here is flow-controlled on its own.
 */
export async function startTransferServices(
  lab: (args: string[]) => Promise<{ code: number; stderr: string }>,
): Promise<void> {
  const r = await lab([
    'server-exec',
    `pkill -f 'TCP4-LISTEN:(${DOWNLOAD_PORT}|${UPLOAD_PORT}),' ; ` +
      `(socat TCP4-LISTEN:${DOWNLOAD_PORT},reuseaddr,fork SYSTEM:'seq -w 1 ${DOWNLOAD_LINES}; cat >/dev/null' </dev/null >/dev/null 2>&1 &) ; ` +
      `(socat TCP4-LISTEN:${UPLOAD_PORT},reuseaddr,fork SYSTEM:sha256sum </dev/null >/dev/null 2>&1 &) ; sleep 0.3`,
  ]);
  if (r.code !== 0) throw new Error(`lab.sh server-exec failed: ${r.stderr}`);
}

/**
 * A content-verified TCP transfer each way through the tunnel ({@link startTransferServices}):
 * downloads the 4.2 MB of distinct numbered lines and compares them byte for byte, then uploads
 * 4 MiB of pseudo-random bytes and compares the server's SHA-256 of what it received. Returns
 * true, or what went wrong.
 */
export async function tcpTransfer(timeoutMs = 120_000, idleMs = 30_000): Promise<true | string> {
  const script = `const net=require('net'),c=require('crypto');
const want=Array.from({length:${DOWNLOAD_LINES}},(_,i)=>String(i+1).padStart(6,'0')+'\\n').join('');
const fetch=(port,send,until)=>new Promise((resolve)=>{const got=[];let n=0;const s=net.connect(port,'${target}',()=>{if(send)s.end(send)});s.on('data',x=>{got.push(x);n+=x.length;if(until&&n>=until)s.end()});s.on('close',()=>resolve(Buffer.concat(got)));s.on('error',e=>process.stderr.write(String(e)));s.setTimeout(${idleMs},()=>s.destroy())});
(async()=>{const down=await fetch(${DOWNLOAD_PORT},undefined,want.length);if(down.toString('latin1')!==want){process.stdout.write('download differs: '+down.length+' of '+want.length+' bytes');return}
const d=c.randomBytes(4<<20);const up=(await fetch(${UPLOAD_PORT},d)).toString().split(' ')[0];
process.stdout.write(up===c.createHash('sha256').update(d).digest('hex')?'same':'upload differs: server hash '+up)})();`;
  const run = await inNs(['node', '-e', script], {}, timeoutMs);
  return run.stdout === 'same' ? true : `${run.stdout} ${run.stderr}`.trim() || `exit ${run.code}`;
}

export const routes = async (): Promise<string> =>
  (await inNs(['ip', '-4', 'route', 'show', 'table', 'all'])).stdout;
export const links = async (): Promise<string> =>
  (await inNs(['ip', '-o', 'link', 'show'])).stdout
    .split('\n')
    .map((l) => l.split(':')[1]?.trim())
    .filter((n) => n !== undefined && n !== '')
    .join(' ');
