import { lookup } from 'node:dns/promises';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { openRtnetlink, type Rtnetlink } from '@pptpkit/linux-net';
import { parseIpv4 } from '@pptpkit/wire';
import { askControl } from '../../control/control-client.js';
import { runPaths } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { JournalFile } from '../../host/journal-file.js';
import { createLogger } from '../../log/logger.js';
import { detach, isDetachedChild } from '../detach.js';
import { type ClientConfig, loadClientConfig } from '../load-config.js';
import type { Command } from '../parse-args.js';
import { readText } from '../runtime/files.js';
import { runLogger } from '../runtime/run-log.js';
import { runTunnel } from '../runtime/tunnel-run.js';

type UpCommand = Extract<Command, { command: 'up' }>;

/** Resolves the server name to an IPv4 address. */
async function resolveServer(host: string): Promise<string> {
  if (parseIpv4(host) !== undefined) return host;
  const { address } = await lookup(host, { family: 4 });
  return address;
}

/**
 * Whether the peer's options say `updetach` (return once up, as `--background`). A file that
 * does not load says no here: the foreground run then reports why.
 */
function wantsUpdetach(command: UpCommand): boolean {
  const quiet = createLogger({
    format: 'text',
    level: 'error',
    write: () => {},
    clock: () => new Date(),
  });
  try {
    return loadClientConfig(command, readText, quiet).settings.detach === 'updetach';
  } catch {
    return false;
  }
}

/**
 * `pptpkit up PEER`: loads the peer's configuration, prepares the run directory, resolves the
 * server and runs the tunnel ({@link runTunnel}); with `--background` or `updetach` in a
 * detached copy of this process that reports back once up.
 */
export async function up(command: UpCommand, argv: readonly string[]): Promise<ExitCode> {
  const paths = runPaths(command.peer);
  const detached = isDetachedChild();
  if (!detached && (command.background || wantsUpdetach(command))) return detach(argv, paths.log);
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
    config = loadClientConfig(command, readText, log);
  } catch (error) {
    const e = error as Error & { code?: string };
    log.error(e.message, { ...(e.code === undefined ? {} : { code: e.code }) });
    // A peer that does not load (a typo in its name, say) leaves no log behind to confuse
    // a later `pptpkit log`; a detached copy keeps it for the parent, which shows its tail.
    if (!detached) rmSync(paths.log, { force: true });
    return EXIT.config;
  }
  log = runLogger(target, config.settings);
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
