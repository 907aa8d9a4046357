import { execFile } from 'node:child_process';
import { withoutServiceVariables } from '../service/sd-notify.js';

/** How a command ended. */
export interface CommandResult {
  /** Exit status; `null` when it was killed or could not start. */
  readonly code: number | null;
  /** Its standard output. */
  readonly stdout: string;
  /** Its standard error, or why it could not start. */
  readonly stderr: string;
}

/** Runs a program with arguments (no shell); injectable so tests need no `resolvectl`. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

/**
 * Runs commands with `execFile`, each bounded to 10 s, in our environment less systemd's
 * notification variables; never rejects.
 */
export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    const options = { timeout: 10_000, env: withoutServiceVariables(process.env) };
    execFile(file, [...args], options, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      const code = typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr: stderr === '' ? error.message : stderr });
    });
  });
