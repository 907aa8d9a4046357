import { fstatSync } from 'node:fs';

/**
 * Whether file descriptor `fd` (stderr by default) is connected to the systemd journal: systemd
 * sets `JOURNAL_STREAM` to the `device:inode` (decimal) of the stream it connected to a
 * service's stdout/stderr, and a process checks it against its own descriptor, because a
 * redirected stderr (`2>file`) inherits the variable but is no longer the journal
 * (sd-daemon(3), systemd.exec(5)).
 */
export function isJournalStream(
  env: NodeJS.ProcessEnv = process.env,
  fd: number = process.stderr.fd,
): boolean {
  const match = /^(\d+):(\d+)$/.exec(env['JOURNAL_STREAM'] ?? '');
  if (match === null) return false;
  try {
    const stat = fstatSync(fd, { bigint: true });
    return stat.dev === BigInt(match[1]!) && stat.ino === BigInt(match[2]!);
  } catch {
    return false;
  }
}
