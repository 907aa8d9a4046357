import { join } from 'node:path';

/** Where a tunnel keeps its run-time files. */
export interface RunPaths {
  /** The directory (`/run/pptpkit`, or `$PPTPKIT_RUN_DIR`). */
  readonly dir: string;
  /** The control socket. */
  readonly socket: string;
  /** The recent log (`pptpkit log`). */
  readonly log: string;
  /** The host-change journal (undone after a crash). */
  readonly journal: string;
  /** Present while the tunnel is up: pid and interface. */
  readonly state: string;
}

/** The run directory: `$PPTPKIT_RUN_DIR` or `/run/pptpkit`. */
export function runDir(): string {
  return process.env['PPTPKIT_RUN_DIR'] ?? '/run/pptpkit';
}

/** The run-time files of tunnel `peer`. */
export function runPaths(peer: string): RunPaths {
  const dir = runDir();
  const base = peer.replaceAll('/', '_');
  return {
    dir,
    socket: join(dir, `${base}.sock`),
    log: join(dir, `${base}.log`),
    journal: join(dir, `${base}.journal`),
    state: join(dir, `${base}.state`),
  };
}
