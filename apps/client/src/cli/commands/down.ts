/**
 * `pptpkit down [PEER | -a]`, as `poff` is used: without a peer the one tunnel running, with
 * `-a` every running tunnel; `down serve [SESSION|--all]` for the server.
 *
 * @module
 */
import {
  type ControlOutput,
  controlSockets,
  type Denied,
  permissionDeniedLine,
  requestControl,
} from '../../control/control-client.js';
import { runDir } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { Command } from '../parse-args.js';

type DownCommand = Extract<Command, { command: 'down' }>;

/**
 * The tunnels with a control socket in the run directory (not the server's), by name, or
 * {@link Denied} when the caller may not list it.
 */
export function runningTunnels(dir: string = runDir()): string[] | Denied {
  const names = controlSockets(dir);
  return Array.isArray(names) ? names.filter((n) => n !== 'serve') : names;
}

/** Runs `down`; returns the exit status (the worst of several with `-a`). */
export async function down(
  command: DownCommand,
  out: { write(s: string): unknown },
  err: { write(s: string): unknown },
): Promise<ExitCode> {
  const io: ControlOutput = { out, err };
  if (command.peer !== undefined) {
    return requestControl(command.peer, 'down', io, 30_000, command.target);
  }
  const running = runningTunnels();
  if (!Array.isArray(running)) {
    err.write(permissionDeniedLine(runDir(), running.denied, command.all ? 'down -a' : 'down'));
    return EXIT.privileges;
  }
  if (command.all) {
    if (running.length === 0) {
      err.write('pptpkit: no tunnel is running\n');
      return EXIT.fatal;
    }
    let worst: ExitCode = EXIT.ok;
    for (const peer of running) {
      const code = await requestControl(peer, 'down', io);
      if (code !== EXIT.ok) worst = code;
    }
    return worst;
  }
  if (running.length === 1) return requestControl(running[0]!, 'down', io);
  if (running.length === 0) {
    err.write('pptpkit: no tunnel is running\n');
    return EXIT.fatal;
  }
  err.write(`pptpkit: down: which peer? running: ${running.join(', ')} (or -a for all)\n`);
  return EXIT.config;
}
