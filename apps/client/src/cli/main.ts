import { formatStatus } from '../control/status-format.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { showLog } from './commands/log.js';
import { type Command, parseArgs, UsageError } from './parse-args.js';
import { findCommand } from './spec/command-spec.js';
import { commandHelp, generalHelp, usageHint } from './spec/help-text.js';
import { packageVersion } from './version.js';

/** Runs one command; returns the exit status. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      const spec = error.topic === undefined ? undefined : findCommand(error.topic);
      process.stderr.write(`pptpkit: ${error.message}\n${usageHint(spec)}\n`);
      return EXIT.config;
    }
    throw error;
  }
  switch (command.command) {
    case 'help': {
      const spec = command.topic === undefined ? undefined : findCommand(command.topic);
      process.stdout.write(`${spec === undefined ? generalHelp() : commandHelp(spec)}\n`);
      return EXIT.ok;
    }
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
    case 'install-service': {
      const { installService } = await import('./commands/install-service.js');
      return installService(command, process.stdout, process.stderr);
    }
  }
}
