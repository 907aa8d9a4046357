import { existsSync, realpathSync, statSync } from 'node:fs';

/** What {@link systemdResolvedInUse} looks at; injectable for tests. */
export interface ResolvedProbe {
  /** Whether a path exists. */
  exists(path: string): boolean;
  /** The path with every symbolic link resolved, or `undefined` when that fails. */
  realpath(path: string): string | undefined;
  /** An identity of a process's network namespace (`/proc/PID/ns/net`), or `undefined`. */
  netns(pid: 'self' | 1): string | undefined;
}

/** The probe of the running system. */
export const systemProbe: ResolvedProbe = {
  exists: existsSync,
  realpath(path) {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  },
  netns(pid) {
    try {
      const s = statSync(`/proc/${pid}/ns/net`);
      return `${s.dev}:${s.ino}`;
    } catch {
      return undefined;
    }
  },
};

/**
 * Whether DNS should go to systemd-resolved rather than into resolv.conf. All three must hold:
 * - `/run/systemd/resolve/` exists (resolved runs: it creates that directory);
 * - `resolvConf` resolves (through its symbolic link) to a file in `/run/systemd/resolve/`
 *   (the stub or the uplink file), i.e. the system's resolver really asks resolved;
 * - we run in the network namespace of PID 1: resolved serves that namespace only, so from
 *   any other one (`ip netns exec`, the lab) it could neither see our interface nor should it
 *   be touched; there resolv.conf is used (which `ip netns exec` bind-mounts per namespace).
 */
export function systemdResolvedInUse(
  resolvConf = '/etc/resolv.conf',
  probe: ResolvedProbe = systemProbe,
): boolean {
  if (!probe.exists('/run/systemd/resolve/')) return false;
  const real = probe.realpath(resolvConf);
  if (real === undefined || !real.startsWith('/run/systemd/resolve/')) return false;
  const ours = probe.netns('self');
  return ours !== undefined && ours === probe.netns(1);
}
