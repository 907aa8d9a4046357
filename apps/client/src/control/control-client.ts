import { existsSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { runPaths } from './paths.js';

/** Where `status` and `down` write: the answer, and what went wrong. */
export interface ControlOutput {
  /** The answer. */
  readonly out: { write(s: string): unknown };
  /** Errors. */
  readonly err: { write(s: string): unknown };
}

/** The stable code printed when the caller may not use a control socket or the run directory. */
export const CONTROL_PERMISSION_DENIED = 'CONTROL_PERMISSION_DENIED';

/** The errno of a permission error (`EACCES`, `EPERM`), or `undefined` for any other. */
export function permissionErrno(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EACCES' || code === 'EPERM' ? code : undefined;
}

/**
 * The line for a control socket or run directory the caller may not use: only root may (the
 * socket is 0600), so it says to run as root with `command` (`status`, `down work`...).
 */
export function permissionDeniedLine(path: string, errno: string, command: string): string {
  return `pptpkit: permission denied: ${path} (${errno}; run as root, e.g. sudo pptpkit ${command}) [${CONTROL_PERMISSION_DENIED}]\n`;
}

/**
 * Whether something is at `path`: `true`, `false` when nothing is, or the errno when the caller
 * may not look (a run directory it may not search).
 */
export function presence(path: string): boolean | string {
  try {
    statSync(path);
    return true;
  } catch (error) {
    return permissionErrno(error) ?? false;
  }
}

/** The answer of a running tunnel. */
export interface ControlAnswer {
  /** The request was understood. */
  readonly ok: boolean;
  /** The status snapshot, for `status`. */
  readonly status?: unknown;
  /** Why not, when `ok` is false. */
  readonly error?: string;
}

/** The caller may not use a path: the errno (`EACCES`, `EPERM`). */
export interface Denied {
  /** The errno. */
  readonly denied: string;
}

/**
 * The names of the control sockets in the run directory `dir` (`work` for `work.sock`),
 * sorted; none when it does not exist; {@link Denied} when the caller may not list it.
 */
export function controlSockets(dir: string): string[] | Denied {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const denied = permissionErrno(error);
    return denied === undefined ? [] : { denied };
  }
  return names
    .filter((n) => n.endsWith('.sock'))
    .map((n) => n.slice(0, -'.sock'.length))
    .sort();
}

/** Sends one request to the control socket at `path`; rejects when nothing answers. */
export function askControl(
  path: string,
  command: 'status' | 'down',
  timeoutMs = 5000,
  target?: string,
): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the tunnel did not answer'));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () =>
      socket.write(`${JSON.stringify({ command, ...(target === undefined ? {} : { target }) })}\n`),
    );
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as ControlAnswer);
      } catch {
        reject(new Error('bad answer from the tunnel'));
      }
    });
  });
}

/**
 * `pptpkit down PEER`: asks the tunnel to tear down and waits (up to `waitMs`) for its control
 * socket to disappear, which happens once the host is restored. A socket the caller may not
 * use is exit 3 (run as root), not a tunnel that is not running.
 */
export async function requestControl(
  peer: string,
  command: 'down',
  io: ControlOutput,
  waitMs = 30_000,
  target?: string,
): Promise<ExitCode> {
  const { out, err } = io;
  const { socket } = runPaths(peer);
  const asRoot = `${command} ${peer}${target === undefined ? '' : ` ${target}`}`;
  const present = presence(socket);
  if (typeof present === 'string') {
    err.write(permissionDeniedLine(socket, present, asRoot));
    return EXIT.privileges;
  }
  if (!present) {
    err.write(`pptpkit: no tunnel ${peer} is running\n`);
    return EXIT.fatal;
  }
  try {
    const answer = await askControl(socket, command, 5000, target);
    if (!answer.ok) {
      err.write(`pptpkit: ${answer.error ?? 'refused'}\n`);
      return EXIT.fatal;
    }
  } catch (error) {
    const errno = permissionErrno(error);
    if (errno !== undefined) {
      err.write(permissionDeniedLine(socket, errno, asRoot));
      return EXIT.privileges;
    }
    err.write(`pptpkit: ${peer}: ${(error as Error).message}\n`);
    return EXIT.fatal;
  }
  if (target !== undefined) {
    out.write(`${peer} ${target === '--all' ? 'all sessions' : `session ${target}`}: closing\n`);
    return EXIT.ok;
  }
  const deadline = Date.now() + waitMs;
  while (existsSync(socket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (existsSync(socket)) {
    err.write(`pptpkit: ${peer} is still stopping\n`);
    return EXIT.fatal;
  }
  out.write(`${peer}: down\n`);
  return EXIT.ok;
}
