import { lookup } from 'node:dns/promises';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { openRtnetlink, type Rtnetlink } from '@pptpkit/linux-net';
import { PptpkitError, parseIpv4 } from '@pptpkit/wire';
import { loadPeer } from '../../config/index.js';
import { askControl } from '../../control/control-client.js';
import { runPaths } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { JournalFile } from '../../host/journal-file.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { detach, isDetachedChild, secretFromParent } from '../detach.js';
import { type ClientConfig, loadClientConfig, type SecretSources } from '../load-config.js';
import type { Command } from '../parse-args.js';
import { isInteractive, PromptAbortedError, promptPassword } from '../password-prompt.js';
import { readConfig } from '../runtime/files.js';
import { runLogger } from '../runtime/run-log.js';
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
 * Whether the peer's options say `updetach` (return once up, as `--background`). A file that
 * does not load says no here: the foreground run then reports why.
 */
function wantsUpdetach(command: UpCommand): boolean {
  try {
    return (
      loadPeer(command.peer, {
        read: readConfig,
        ...(command.peersDir === undefined ? {} : { peersDir: command.peersDir }),
        lenient: command.lenient,
      }).settings.detach === 'updetach'
    );
  } catch {
    return false;
  }
}

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
 * `pptpkit up PEER`: loads the peer's configuration, prepares the run directory, resolves the
 * server and runs the tunnel ({@link runTunnel}); with `--background` or `updetach` in a
 * detached copy of this process that reports back once up.
 */
export async function up(command: UpCommand, argv: readonly string[]): Promise<ExitCode> {
  const paths = runPaths(command.peer);
  const detached = isDetachedChild();
  const credentialsDir = process.env['CREDENTIALS_DIRECTORY'];
  let sources: SecretSources = credentialsDir === undefined ? {} : { credentialsDir };
  try {
    const prompted = await promptedSecret(command, sources, detached);
    if (prompted !== undefined) sources = { ...sources, prompted };
  } catch (error) {
    if (!(error instanceof PromptAbortedError)) throw error;
    process.stderr.write(`pptpkit: ${error.message} [${error.code}]\n`);
    return EXIT.config;
  }
  if (!detached && (command.background || wantsUpdetach(command))) {
    return detach(argv, paths.log, sources.prompted);
  }
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o755 });
    writeFileSync(paths.log, '');
  } catch (error) {
    process.stderr.write(
      `pptpkit: cannot use ${paths.dir}: ${(error as Error).message} (run as root)\n`,
    );
    return EXIT.privileges;
  }
  if (existsSync(paths.socket)) {
    try {
      await askControl(paths.socket, 'status', 2000);
      process.stderr.write(`pptpkit: tunnel ${command.peer} is already running\n`);
      return EXIT.fatal;
    } catch {
      // A stale socket from a run that died: the journal recovery cleans up after it.
    }
  }
  const target = { format: command.logFormat, file: paths.log, detached };
  let log = runLogger(target);
  let config: ClientConfig;
  try {
    config = loadClientConfig(command, readConfig, log, sources);
  } catch (error) {
    const e = error as Error & { code?: string };
    log.error(e.message, { ...(e.code === undefined ? {} : { code: e.code }) });
    // A peer that does not load (a typo in its name, say) leaves no log behind to confuse
    // a later `pptpkit log`; a detached copy keeps it for the parent, which shows its tail.
    if (!detached) rmSync(paths.log, { force: true });
    return EXIT.config;
  }
  log = runLogger(target, config.settings);
  log.debug('authenticating as', { user: config.credentials.user, from: config.secretFrom });
  for (const o of config.ignored) {
    log.debug('option ignored', { option: o.option, file: o.file, line: o.line, why: o.why });
  }
  let server: string;
  try {
    server = await resolveServer(config.server);
  } catch (error) {
    log.error('cannot resolve the server', { server: config.server, error });
    return EXIT.unreachable;
  }
  let rtnl: Rtnetlink;
  try {
    rtnl = openRtnetlink();
  } catch (error) {
    log.error('cannot open rtnetlink', { error });
    return EXIT.privileges;
  }
  return runTunnel({
    peer: command.peer,
    server,
    settings: config.settings,
    credentials: config.credentials,
    paths,
    rtnl,
    journal: new JournalFile(paths.journal),
    log,
  });
}
