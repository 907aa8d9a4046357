/**
 * A two-namespace rig for running `pptpkit serve` and its clients on one machine: namespaces
 * `pks-srv-<suffix>` and `pks-cli-<suffix>` joined by a veth pair, 10.79.0.1/24 (server) ↔
 * 10.79.0.2/24 (client). The veth is created inside the server namespace with its peer moved
 * straight into the client's, so nothing is ever added to the root namespace. Whoever creates
 * a rig removes it ({@link VethRig.remove}); an `exit` handler removes it too if the process
 * ends first, and {@link VethRig.remove} kills the children started through the rig.
 *
 * Needs root (`ip netns add`). Used by `test/interop/serve-pptpkit.test.ts` and the serve
 * benches in `apps/client/bench`.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';

/** The server's address on the veth. */
export const RIG_SERVER_ADDRESS = '10.79.0.1';
/** The client's address on the veth. */
export const RIG_CLIENT_ADDRESS = '10.79.0.2';
/** The veth's name in both namespaces. */
export const RIG_LINK = 'veth0';

/** Which end of the rig. */
export type RigSide = 'server' | 'client';

/** What a command run in a namespace did. */
export interface RigRun {
  /** Exit status (1 when killed by a signal or on a timeout). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A created rig. */
export interface VethRig {
  /** The server namespace's name. */
  readonly serverNs: string;
  /** The client namespace's name. */
  readonly clientNs: string;
  /** The namespace of `side`. */
  ns(side: RigSide): string;
  /** Runs `args` in `side`'s namespace with a timeout; never rejects. */
  run(
    side: RigSide,
    args: readonly string[],
    timeoutMs?: number,
    env?: NodeJS.ProcessEnv,
  ): Promise<RigRun>;
  /**
   * Starts `args` in `side`'s namespace (`ip netns exec` execs it, so the child's pid is the
   * command's own, e.g. node's, whose /proc entry the benches sample). Killed by `remove`.
   */
  spawn(
    side: RigSide,
    args: readonly string[],
    options?: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: 'ignore' | 'pipe' },
  ): ChildProcess;
  /** Kills the children started with `spawn` and deletes both namespaces (and the veth). */
  remove(): void;
}

const sh = (args: readonly string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 15_000 });
};

/** Names of the namespaces that exist now. */
export function listNamespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');
}

/**
 * Creates the rig. `suffix` (default: this process's pid and a random number) keeps parallel
 * runs apart; each namespace's loopback and the veth are up, the addresses set.
 *
 * @throws Error when `ip` fails (not root, or a namespace of that name exists); what was
 *   created by then is removed first.
 */
export function createVethRig(
  suffix = `${process.pid}-${Math.floor(Math.random() * 1e6)}`,
): VethRig {
  const serverNs = `pks-srv-${suffix}`;
  const clientNs = `pks-cli-${suffix}`;
  const children = new Set<ChildProcess>();
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    children.clear();
    for (const ns of [clientNs, serverNs]) {
      try {
        sh(['netns', 'del', ns]);
      } catch {
        // Not created (a failed set-up), or already gone.
      }
    }
  };
  process.on('exit', remove);
  try {
    sh(['netns', 'add', serverNs]);
    sh(['netns', 'add', clientNs]);
    sh([
      '-n',
      serverNs,
      'link',
      'add',
      RIG_LINK,
      'type',
      'veth',
      'peer',
      'name',
      RIG_LINK,
      'netns',
      clientNs,
    ]);
    for (const [ns, address] of [
      [serverNs, RIG_SERVER_ADDRESS],
      [clientNs, RIG_CLIENT_ADDRESS],
    ] as const) {
      sh(['-n', ns, 'link', 'set', 'lo', 'up']);
      sh(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', RIG_LINK]);
      sh(['-n', ns, 'link', 'set', RIG_LINK, 'up']);
    }
  } catch (error) {
    remove();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`creating the veth rig failed: ${stderr || (error as Error).message}`);
  }
  const ns = (side: RigSide): string => (side === 'server' ? serverNs : clientNs);
  return {
    serverNs,
    clientNs,
    ns,
    run(side, args, timeoutMs = 30_000, env = process.env) {
      return new Promise((resolve) => {
        const child = execFile(
          'ip',
          ['netns', 'exec', ns(side), ...args],
          { env, timeout: timeoutMs, maxBuffer: 64 << 20 },
          (error, stdout, stderr) => {
            children.delete(child);
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
        children.add(child);
      });
    },
    spawn(side, args, options = {}) {
      const child = spawn('ip', ['netns', 'exec', ns(side), ...args], {
        env: options.env ?? process.env,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    remove,
  };
}
