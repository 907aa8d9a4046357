import { lookup } from 'node:dns/promises';
import { existsSync, mkdirSync } from 'node:fs';
import { openRtnetlink, type Rtnetlink } from '@pptpkit/linux-net';
import { PptpkitError, parseIpv4 } from '@pptpkit/wire';
import { askControl } from '../../control/control-client.js';
import { runPaths } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { JournalFile } from '../../host/journal-file.js';
import { APP_CODE, errorCode } from '../../log/app-codes.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { detach, isDetachedChild, secretFromParent } from '../detach.js';
import { type ClientConfig, loadClientConfig, type SecretSources } from '../load-config.js';
import { promptNewPassword } from '../new-password-prompt.js';
import type { Command } from '../parse-args.js';
import { isInteractive, PromptAbortedError, promptPassword } from '../password-prompt.js';
import { readConfig } from '../runtime/files.js';
import { RunLog } from '../runtime/run-log.js';
import { runTunnel } from '../runtime/tunnel-run.js';

type UpCommand = Extract<Command, { command: 'up' }>;

/** Resolves the server name to an IPv4 address. */
async function resolveServer(host: string): Promise<string> {
  if (parseIpv4(host) !== undefined) return host;
  const { address } = await lookup(host, { family: 4 });
  return address;
}

/** A logger that says nothing, for loading the configuration ahead of the run. */
const quietLogger = (): Logger =>
  createLogger({ format: 'text', level: 'error', write: () => {}, clock: () => new Date() });

/**
 * The user to ask a password for: the one named by a `CONFIG_NO_SECRET` error when nothing
 * (option, file, credential, secrets file) gives a secret; `undefined` otherwise (a secret was
 * found, or the configuration fails for another reason, which the run reports).
 */
function userWithoutSecret(command: UpCommand, sources: SecretSources): string | undefined {
  try {
    loadClientConfig(command, readConfig, quietLogger(), sources);
    return undefined;
  } catch (error) {
    const user = (error as { details?: { user?: unknown } }).details?.user;
    const noSecret = error instanceof PptpkitError && error.code === 'CONFIG_NO_SECRET';
    return noSecret && typeof user === 'string' ? user : undefined;
  }
}

/**
 * The password typed at the prompt, when nothing else gives one: in a detached copy, the one
 * its parent prompted for; else asked on the terminal, if stdin and stderr are one.
 *
 * @throws PromptAbortedError when the user gives up the prompt.
 */
async function promptedSecret(
  command: UpCommand,
  sources: SecretSources,
  detached: boolean,
): Promise<string | undefined> {
  const terminal = { input: process.stdin, output: process.stderr };
  if (!detached && !isInteractive(terminal)) return undefined;
  const user = userWithoutSecret(command, sources);
  if (user === undefined) return undefined;
  if (detached) return secretFromParent();
  return promptPassword(`Password for ${user}@${command.peer}: `, terminal);
}

/**
 * `pptpkit up PEER`: loads the peer's configuration, then, in the foreground or (with
 * `--background` or `updetach`) in a detached copy of this process that reports back once up,
 * opens the peer's log file, prepares the run directory, resolves the server and runs the tunnel
 * ({@link runTunnel}). A peer that does not load (a typo in its name, say) touches no file: the
 * error goes to stderr only. Without any secret, on a terminal, the password is asked for first
 * (a detached copy gets it from its parent).
 */
export async function up(command: UpCommand, argv: readonly string[]): Promise<ExitCode> {
  const paths = runPaths(command.peer);
  const detached = isDetachedChild();
  const runLog = new RunLog({
    format: command.logFormat,
    stderr: !detached,
    syslog: command.syslog,
  });
  let log = runLog.log;
  const credentialsDir = process.env['CREDENTIALS_DIRECTORY'];
  let sources: SecretSources = credentialsDir === undefined ? {} : { credentialsDir };
  try {
    const prompted = await promptedSecret(command, sources, detached);
    if (prompted !== undefined) sources = { ...sources, prompted };
  } catch (error) {
    if (!(error instanceof PromptAbortedError)) throw error;
    log.error(error.message, { code: error.code });
    return EXIT.config;
  }
  let config: ClientConfig;
  try {
    config = loadClientConfig(command, readConfig, log, sources);
  } catch (error) {
    log.error((error as Error).message, { code: errorCode(error, APP_CODE.internal) });
    // The starting process loaded this peer before it detached us: the file changed since.
    // Its log is the only place the parent can show why.
    if (detached) runLog.open(paths.log);
    return EXIT.config;
  }
  if (!detached && (command.background || config.settings.detach === 'updetach')) {
    return detach(argv, paths.log, sources.prompted);
  }
  log = runLog.open(paths.log, config.settings);
  log.debug('authenticating as', { user: config.credentials.user, from: config.secretFrom });
  for (const o of config.ignored) {
    log.debug('option ignored', { option: o.option, file: o.file, line: o.line, why: o.why });
  }
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    log.error(`cannot use ${paths.dir} (run as root)`, { code: APP_CODE.runDirUnusable, error });
    return EXIT.privileges;
  }
  if (existsSync(paths.socket)) {
    try {
      await askControl(paths.socket, 'status', 2000);
      log.error(`tunnel ${command.peer} is already running`, { code: APP_CODE.alreadyRunning });
      return EXIT.fatal;
    } catch {
      // A stale socket from a run that died: the journal recovery cleans up after it.
    }
  }
  let server: string;
  try {
    server = await resolveServer(config.server);
  } catch (error) {
    log.error('cannot resolve the server', {
      code: APP_CODE.serverUnresolvable,
      server: config.server,
      error,
    });
    return EXIT.unreachable;
  }
  let rtnl: Rtnetlink;
  try {
    rtnl = openRtnetlink();
  } catch (error) {
    log.error('cannot open rtnetlink', {
      code: errorCode(error, APP_CODE.rtnetlinkUnavailable),
      error,
    });
    return EXIT.privileges;
  }
  // An expired MS-CHAPv2 password without `new-password-file`: asked for on the terminal, in
  // the foreground only (a detached copy has none).
  const terminal = { input: process.stdin, output: process.stderr };
  const askNewPassword =
    !detached && isInteractive(terminal) && config.settings.newPasswordFile === undefined
      ? async (): Promise<string | undefined> => {
          try {
            return await promptNewPassword(config.credentials.user, command.peer, terminal);
          } catch (error) {
            if (!(error instanceof PptpkitError)) throw error;
            log.error(error.message, { code: error.code });
            return undefined;
          }
        }
      : undefined;
  return runTunnel({
    peer: command.peer,
    server,
    settings: config.settings,
    credentials: config.credentials,
    paths,
    rtnl,
    journal: new JournalFile(paths.journal),
    log,
    ...(askNewPassword === undefined ? {} : { askNewPassword }),
  });
}
