/**
 * `pptpkit serve`: pptpd's files in, a running server out, until SIGTERM or `down serve`.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  type GreListener,
  openGreListener,
  openRtnetlink,
  type Rtnetlink,
} from '@pptpkit/linux-net';
import { askControl } from '../../control/control-client.js';
import { logPath, runPaths } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { APP_CODE, errorCode } from '../../log/app-codes.js';
import type { Logger } from '../../log/logger.js';
import { DEFAULT_ADMISSION } from '../../serve/admission.js';
import { loadServerConfig } from '../../serve/config/load-server-config.js';
import type { ServerConfig } from '../../serve/config/server-config.js';
import { loadServerSecrets, lookupServerSecret } from '../../serve/config/server-secrets.js';
import { greListenerPort } from '../../serve/gre-listener-port.js';
import { PptpServer } from '../../serve/pptp-server.js';
import { ServerHost } from '../../serve/server-host.js';
import type { SecretLookup } from '../../serve/server-tunnel-options.js';
import { SdNotifier } from '../../service/sd-notify.js';
import type { Command } from '../parse-args.js';
import { readConfig } from '../runtime/files.js';
import { guardProcess } from '../runtime/process-guards.js';
import { RunLog } from '../runtime/run-log.js';

type ServeCommand = Extract<Command, { command: 'serve' }>;

/**
 * Secrets as pppd reads them: afresh for every peer (an edited `chap-secrets` applies to the
 * next connection), the server column matched against our `name`.
 */
function secretLookup(command: ServeCommand, config: ServerConfig, log: Logger): SecretLookup {
  return (user, method) => {
    const secrets = loadServerSecrets(readConfig, command.secrets, command.papSecrets);
    try {
      const found = lookupServerSecret(
        secrets,
        method === 'pap' ? 'pap' : 'mschap-v2',
        user,
        config.name,
        readConfig,
      );
      for (const w of found.warnings) log.warn(w.message, { file: w.file, line: w.line });
      return { secret: found.secret, rule: found.addresses };
    } catch (error) {
      const e = error as Error & { code?: string };
      const what =
        e.code === 'CONFIG_UNREADABLE' ? 'cannot read the secrets file' : 'no secret for the peer';
      log.warn(what, { user, code: e.code, reason: e.message });
      return undefined;
    }
  };
}

/** Runs `pptpkit serve` until it stops; returns the exit status. */
export async function serve(command: ServeCommand): Promise<ExitCode> {
  const runLog = new RunLog({ format: command.logFormat, stderr: true, syslog: command.syslog });
  let log = runLog.log;
  let config: ServerConfig;
  try {
    config = loadServerConfig({
      configFile: command.config,
      read: readConfig,
      globalOptions: command.globalOptions,
      lenient: command.lenient,
      hostname: hostname(),
    });
  } catch (error) {
    log.error((error as Error).message, { code: errorCode(error, APP_CODE.internal) });
    return EXIT.config;
  }
  log = runLog.open(logPath('serve'), { debug: config.debug, logfile: config.logFile });
  for (const w of config.warnings) log.warn(w.message, { file: w.file, line: w.line });
  for (const o of config.ignored) {
    log.debug('option ignored', { option: o.option, file: o.file, line: o.line, why: o.why });
  }
  const paths = runPaths('serve');
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    log.error(`cannot use ${paths.dir} (run as root)`, { code: APP_CODE.runDirUnusable, error });
    return EXIT.privileges;
  }
  try {
    await askControl(paths.socket, 'status', 1000);
    log.error('a server is already running', {
      code: APP_CODE.alreadyRunning,
      socket: paths.socket,
    });
    return EXIT.fatal;
  } catch {
    // No server answers: a stale socket is replaced.
  }
  let rtnl: Rtnetlink | undefined;
  let listener: GreListener | undefined;
  let host: ServerHost | undefined;
  try {
    rtnl = openRtnetlink();
    listener = openGreListener(config.listen === '0.0.0.0' ? {} : { bind: config.listen });
    host = await ServerHost.open(rtnl, command.interfaceName);
  } catch (error) {
    const e = error as Error & { code?: string };
    log.error('cannot set up the server', {
      code: errorCode(error, APP_CODE.serveSetupFailed),
      error: e.message,
    });
    listener?.close();
    rtnl?.close();
    return e.code === 'LINUXNET_NO_CAPABILITY' || e.code === 'LINUXNET_NO_ACCESS'
      ? EXIT.privileges
      : EXIT.fatal;
  }
  const notify = new SdNotifier({ log });
  notify.startWatchdog();
  const server = new PptpServer({
    config,
    lookup: secretLookup(command, config, log),
    host,
    gre: greListenerPort(listener),
    limits: {
      ...DEFAULT_ADMISSION,
      maxSessions: config.maxSessions,
      maxPendingPerSource: command.perSource,
    },
    authTimeoutMs: command.authTimeout * 1000,
    scriptsDir: command.scriptsDir,
    controlSocket: paths.socket,
    log,
    notify,
  });
  const guards = guardProcess(log, () => server.stop('signal'));
  try {
    await server.start();
  } catch (error) {
    log.error('cannot start the server', { code: APP_CODE.serveStartFailed, error });
    server.stop('start failed');
    await server.stopped;
    guards.remove();
    notify.close();
    rtnl.close();
    return EXIT.fatal;
  }
  const code = await server.stopped;
  guards.remove();
  notify.close();
  rtnl.close();
  return guards.internalError() ? EXIT.fatal : code;
}
