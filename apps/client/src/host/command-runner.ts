import { execFile } from 'node:child_process';

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

/** Runs commands with `execFile`, each bounded to 10 s; never rejects. */
export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      const code = typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr: stderr === '' ? error.message : stderr });
    });
  });
