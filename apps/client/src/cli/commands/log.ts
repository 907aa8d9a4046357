/**
 * `pptpkit log [PEER] [--lines N]` (like `plog`): the last lines of a tunnel's log, across the
 * current file and the rotated ones; `log serve` for the server.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { permissionDeniedLine } from '../../control/control-client.js';
import { logDir, logPath, runDir } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { logFiles } from '../../log/log-file.js';
import { readText } from '../runtime/files.js';
import { runningTunnels } from './down.js';

/** Where `log` writes. */
interface Out {
  write(s: string): unknown;
}

/** The peers with a log file (current or rotated) in the log directory, not the server. */
export function loggedPeers(dir: string = logDir()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const peers = new Set<string>();
  for (const name of names) {
    const match = /^(.+)\.log(?:\.\d+)?$/.exec(name);
    if (match !== null && match[1] !== 'serve') peers.add(match[1]!);
  }
  return [...peers].sort();
}

/** The last `lines` lines of log `path` and its rotated files, oldest first. */
export function lastLines(path: string, lines: number): string[] | undefined {
  let found = false;
  const out: string[] = [];
  for (const file of logFiles(path)) {
    const text = readText(file);
    if (text === undefined) continue;
    found = true;
    const trimmed = text.trimEnd();
    if (trimmed !== '') out.unshift(...trimmed.split('\n').slice(-(lines - out.length)));
    if (out.length >= lines) break;
  }
  return found ? out : undefined;
}

/**
 * Runs `log`. Without a peer: the one running tunnel; if none runs, the only peer with a log;
 * with several, exit 2 naming them.
 */
export function showLog(peer: string | undefined, lines: number, out: Out, err: Out): ExitCode {
  let name = peer;
  if (name === undefined) {
    const listed = runningTunnels();
    if (!Array.isArray(listed)) {
      err.write(permissionDeniedLine(runDir(), listed.denied, 'log'));
      return EXIT.privileges;
    }
    const running = listed;
    const candidates = running.length > 0 ? running : loggedPeers();
    if (candidates.length > 1) {
      const what = running.length > 0 ? 'running' : 'logged';
      err.write(`pptpkit: log: which peer? ${what}: ${candidates.join(', ')}\n`);
      return EXIT.config;
    }
    name = candidates[0];
  }
  const text = name === undefined ? undefined : lastLines(logPath(name), lines);
  if (text === undefined) {
    err.write(`pptpkit: no log for ${name ?? 'any tunnel'} in ${logDir()}\n`);
    return EXIT.fatal;
  }
  if (text.length > 0) out.write(`${text.join('\n')}\n`);
  return EXIT.ok;
}
