import { lookup } from 'node:dns/promises';
import { existsSync, mkdirSync } from 'node:fs';
import { openRtnetlink, type Rtnetlink } from '@pptpkit/linux-net';
import { parseIpv4 } from '@pptpkit/wire';
import { askControl } from '../../control/control-client.js';
import { runPaths } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { JournalFile } from '../../host/journal-file.js';
import { APP_CODE, errorCode } from '../../log/app-codes.js';
import { detach, isDetachedChild } from '../detach.js';
import { type ClientConfig, loadClientConfig } from '../load-config.js';
import type { Command } from '../parse-args.js';
import { readText } from '../runtime/files.js';
import { RunLog } from '../runtime/run-log.js';
import { runTunnel } from '../runtime/tunnel-run.js';

type UpCommand = Extract<Command, { command: 'up' }>;

/** Resolves the server name to an IPv4 address. */
async function resolveServer(host: string): Promise<string> {
  if (parseIpv4(host) !== undefined) return host;
  const { address } = await lookup(host, { family: 4 });
  return address;
}

/**
 * `pptpkit up PEER`: loads the peer's configuration, then, in the foreground or (with
 * `--background` or `updetach`) in a detached copy of this process that reports back once up,
 * opens the peer's log file, prepares the run directory, resolves the server and runs the tunnel
 * ({@link runTunnel}). A peer that does not load (a typo in its name, say) touches no file: the
 * error goes to stderr only.
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
  let config: ClientConfig;
  try {
    config = loadClientConfig(command, readText, log);
  } catch (error) {
    log.error((error as Error).message, { code: errorCode(error, APP_CODE.internal) });
    // The starting process loaded this peer before it detached us: the file changed since.
    // Its log is the only place the parent can show why.
    if (detached) runLog.open(paths.log);
    return EXIT.config;
  }
  if (!detached && (command.background || config.settings.detach === 'updetach')) {
    return detach(argv, paths.log);
  }
  log = runLog.open(paths.log, config.settings);
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
