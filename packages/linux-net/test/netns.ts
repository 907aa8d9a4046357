/**
 * Network namespaces for the integration tests. Every namespace is named `pkln-<pid>-<tag>`
 * (unique per run, never the interop lab's `pkl-` names) and removed in `afterAll`. The test
 * process enters a namespace with setns(2) on its own thread (the addon's `setNetns`), so the
 * TUN device, raw sockets, UDP sockets and netlink socket it creates live there; it checks the
 * switch by comparing namespace inodes before doing anything, and returns home afterwards.
 *
 * Importing this module fails the test file under CI when not root; elsewhere the files that
 * need root skip with a printed warning.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import { nativeAddon } from '../src/addon.js';

/** True when the integration tests can run. */
export const isRoot: boolean = process.getuid?.() === 0;

if (!isRoot) {
  const reason =
    'not root (they create network namespaces, TUN devices and raw sockets; CI runs them as root)';
  // Under CI a suite that cannot run fails: a skip there would pass unnoticed.
  if (process.env.CI) throw new Error(`linux-net integration tests cannot run under CI: ${reason}`);
  console.warn(`@pptpkit/linux-net: integration tests SKIPPED: ${reason}`);
}

/** Runs `ip` with a bounded time. */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The inode of the calling thread's network namespace. */
function currentNetns(): number {
  return statSync('/proc/thread-self/ns/net').ino;
}

const homeNetns = isRoot ? currentNetns() : 0;
/** A descriptor of the namespace the process started in, kept open to return to it. */
const homeFd = isRoot ? openSync('/proc/thread-self/ns/net', 'r') : -1;

/** A network namespace owned by one test file. */
export class Netns {
  readonly name: string;

  constructor(tag: string) {
    this.name = `pkln-${process.pid}-${tag}`;
    ip('netns', 'add', this.name);
    this.ip('link', 'set', 'lo', 'up');
  }

  /** `ip -n NAME ...`. */
  ip(...args: string[]): string {
    return ip('-n', this.name, ...args);
  }

  /** `ip -j -n NAME ...`, parsed. */
  json<T>(...args: string[]): T {
    return JSON.parse(ip('-j', '-n', this.name, ...args)) as T;
  }

  /** Runs a command inside the namespace. */
  exec(command: string, ...args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.name, command, ...args], {
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Moves this thread into the namespace (verified). */
  enter(): void {
    const fd = openSync(`/run/netns/${this.name}`, 'r');
    try {
      nativeAddon().setNetns(fd);
    } finally {
      closeSync(fd);
    }
    if (currentNetns() !== statSync(`/run/netns/${this.name}`).ino) {
      throw new Error(`setns into ${this.name} did not take effect`);
    }
  }

  /** Removes the namespace (idempotent). */
  delete(): void {
    try {
      ip('netns', 'delete', this.name);
    } catch {
      // already gone
    }
  }
}

/** Returns this thread to the namespace the process started in (verified). */
export function leaveNetns(): void {
  nativeAddon().setNetns(homeFd);
  if (currentNetns() !== homeNetns)
    throw new Error('could not return to the home network namespace');
}

/** Resolves when `done()` holds, polling each turn of the event loop; rejects after `ms`. */
export async function until(done: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
