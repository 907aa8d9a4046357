import { formatStatus } from '../control/status-format.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { showLog } from './commands/log.js';
import { type Command, parseArgs, USAGE, UsageError } from './parse-args.js';
import { packageVersion } from './version.js';

/** Runs one command; returns the exit status. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pptpkit: ${error.message}\n${USAGE}\n`);
      return EXIT.config;
    }
    throw error;
  }
  switch (command.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    case 'version':
      process.stdout.write(`pptpkit ${packageVersion()}\n`);
      return EXIT.ok;
    case 'up': {
      // Loaded on demand: only `up` needs the native addon and the protocol stack, so the
      // other commands start without them.
      const { up } = await import('./commands/up.js');
      return up(command, argv);
    }
    case 'serve': {
      const { serve } = await import('./commands/serve.js');
      return serve(command);
    }
    case 'down': {
      const { down } = await import('./commands/down.js');
      return down(command, process.stdout, process.stderr);
    }
    case 'status':
      return formatStatus(command.peer, command.json, process.stdout);
    case 'log':
      return showLog(command.peer, command.lines, process.stdout, process.stderr);
  }
}
