/**
 * `pptpkit install-service [--root DIR] [--user NAME] [--no-user]`: installs the systemd unit,
 * the service user, the man page and the bash completion.
 *
 * @module
 */
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { Command } from '../parse-args.js';

type InstallServiceCommand = Extract<Command, { command: 'install-service' }>;

/** Runs `install-service`; returns the exit status. */
export async function installService(
  _command: InstallServiceCommand,
  _out: { write(text: string): unknown },
  err: { write(text: string): unknown },
): Promise<ExitCode> {
  err.write('pptpkit: install-service: not built yet\n');
  return EXIT.fatal;
}
