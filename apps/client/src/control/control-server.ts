import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import type { Logger } from '../log/logger.js';

/** What the control socket can ask of a running tunnel. */
export interface ControlHandlers {
  /** A status snapshot (JSON-serialisable). */
  status(): unknown;
  /** Orderly teardown of the tunnel (or the whole server). */
  down(): void;
  /**
   * A server's teardown of one session (`target` an id, user or address) or of every session
   * (`--all`); the answer goes back to the caller. Absent: a request with a target is refused.
   */
  downTarget?(target: string): { readonly ok: boolean; readonly error?: string };
  /** Log. */
  readonly log: Logger;
}

/** A running control server. */
export interface ControlServer {
  /** Stops listening and removes the socket file. */
  close(): Promise<void>;
}

/** Largest request line accepted. */
const MAX_REQUEST = 1024;

/**
 * Listens on the tunnel's unix socket. Protocol: one JSON request per line (`{"command":
 * "status"}`, `{"command":"down"}` or, for a server, `{"command":"down","target":"3"}`), one
 * JSON answer per line (`{"ok":true,...}`).
 */
export function startControlServer(
  path: string,
  handlers: ControlHandlers,
): Promise<ControlServer> {
  rmSync(path, { force: true });
  const server = createServer((socket: Socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_REQUEST) {
        socket.destroy();
        return;
      }
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const line = buffered.slice(0, newline);
      let answer: unknown;
      try {
        const request = JSON.parse(line) as { command?: unknown; target?: unknown };
        if (request.command === 'status') answer = { ok: true, status: handlers.status() };
        else if (request.command === 'down') {
          const target = typeof request.target === 'string' ? request.target : undefined;
          handlers.log.info('down requested on the control socket', {
            ...(target === undefined ? {} : { target }),
          });
          if (target === undefined) {
            handlers.down();
            answer = { ok: true };
          } else {
            answer = handlers.downTarget?.(target) ?? { ok: false, error: 'not a server' };
          }
        } else answer = { ok: false, error: 'unknown command' };
      } catch {
        answer = { ok: false, error: 'bad request' };
      }
      socket.end(`${JSON.stringify(answer)}\n`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      // Only the owner (root) may stop the tunnel or read its status.
      chmodSync(path, 0o600);
      server.unref();
      resolve({
        close: () =>
          new Promise((done) => {
            server.close(() => {
              rmSync(path, { force: true });
              done();
            });
          }),
      });
    });
  });
}
