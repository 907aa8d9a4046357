import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { runPaths } from './paths.js';

/** The answer of a running tunnel. */
export interface ControlAnswer {
  /** The request was understood. */
  readonly ok: boolean;
  /** The status snapshot, for `status`. */
  readonly status?: unknown;
  /** Why not, when `ok` is false. */
  readonly error?: string;
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
 * socket to disappear, which happens once the host is restored.
 */
export async function requestControl(
  peer: string,
  command: 'down',
  out: { write(s: string): unknown },
  waitMs = 30_000,
  target?: string,
): Promise<ExitCode> {
  const { socket } = runPaths(peer);
  if (!existsSync(socket)) {
    out.write(`pptpkit: no tunnel ${peer} is running\n`);
    return EXIT.fatal;
  }
  try {
    const answer = await askControl(socket, command, 5000, target);
    if (!answer.ok) {
      out.write(`pptpkit: ${answer.error ?? 'refused'}\n`);
      return EXIT.fatal;
    }
  } catch (error) {
    out.write(`pptpkit: ${peer}: ${(error as Error).message}\n`);
    return EXIT.fatal;
  }
  if (target !== undefined) {
    out.write(`${peer} ${target === '--all' ? 'all sessions' : `session ${target}`}: closing\n`);
    return EXIT.ok;
  }
  const deadline = Date.now() + waitMs;
  while (existsSync(socket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (existsSync(socket)) {
    out.write(`pptpkit: ${peer} is still stopping\n`);
    return EXIT.fatal;
  }
  out.write(`${peer}: down\n`);
  return EXIT.ok;
}
