import { readdirSync } from 'node:fs';
import { runDir, runPaths } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { readText } from '../runtime/files.js';

/** The peer whose log is in the run directory, when there is exactly one. */
function onlyLoggedPeer(): string | undefined {
  let names: string[];
  try {
    names = readdirSync(runDir()).filter((f) => f.endsWith('.log'));
  } catch {
    return undefined;
  }
  return names.length === 1 ? names[0]!.slice(0, -4) : undefined;
}

/** `pptpkit log [PEER] [--lines N]`: the last lines of a tunnel's log (like `plog`). */
export function showLog(peer: string | undefined, lines: number): ExitCode {
  const name = peer ?? onlyLoggedPeer();
  const text = name === undefined ? undefined : readText(runPaths(name).log);
  if (text === undefined) {
    process.stderr.write(
      `pptpkit: no log for ${peer ?? 'any tunnel (name the peer when there are several)'}\n`,
    );
    return EXIT.fatal;
  }
  const all = text.trimEnd().split('\n');
  process.stdout.write(`${all.slice(-lines).join('\n')}\n`);
  return EXIT.ok;
}
