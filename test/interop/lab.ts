import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `tools/lab/lab.sh`, the one entry point of the interop lab. */
export const labScript: string = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../tools/lab/lab.sh',
);

/** Outcome of one `lab.sh` command. */
export interface LabResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lab.sh <args>` with extra environment settings; never rejects. */
export function lab(args: string[], env: Record<string, string> = {}): Promise<LabResult> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [labScript, ...args],
      { env: { ...process.env, ...env }, timeout: 900_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Why the lab cannot run on this machine, or `undefined` when it can. */
export function labUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `the lab needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) {
    return 'not root: the lab creates a network namespace and TAP devices (run as root)';
  }
  if (!existsSync('/usr/bin/linux.uml')) {
    return 'user-mode-linux is not installed (apt-get install -y user-mode-linux, or tools/lab/lab.sh deps)';
  }
  return undefined;
}

/** The lab's network namespace and run directory, as `lab.sh env` reports them. */
export interface LabPlace {
  /** Network namespace (`pkl-lab`, or `pkl-<PKL_INSTANCE>`). */
  netns: string;
  /** Run directory with the guests' logs (`/run/pptpkit-lab` by default). */
  run: string;
}

/** Asks `lab.sh env` where the lab lives (it honours PKL_INSTANCE and PKL_RUN). */
export async function labPlace(): Promise<LabPlace> {
  const env = await lab(['env']);
  const value = (key: string): string => {
    const line = env.stdout.split('\n').find((l) => l.startsWith(`${key}=`));
    if (line === undefined) throw new Error(`lab.sh env did not print ${key}`);
    return line.slice(key.length + 1);
  };
  return { netns: value('PKL_NETNS'), run: value('PKL_RUN') };
}

/** A file a guest wrote into the run directory `run` (`server` or `client`), or '' if absent. */
export function readGuestFile(run: string, guest: 'server' | 'client', name: string): string {
  const path = join(run, guest, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
