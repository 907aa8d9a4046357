/**
 * `pptpkit serve`: pptpd's files in, a running server out, until SIGTERM or `down serve`.
 *
 * @module
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  type GreListener,
  openGreListener,
  openRtnetlink,
  type Rtnetlink,
} from '@pptpkit/linux-net';
import { askControl } from '../../control/control-client.js';
import { runPaths } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { DEFAULT_ADMISSION } from '../../serve/admission.js';
import { loadServerConfig } from '../../serve/config/load-server-config.js';
import type { ServerConfig } from '../../serve/config/server-config.js';
import { loadServerSecrets, lookupServerSecret } from '../../serve/config/server-secrets.js';
import { greListenerPort } from '../../serve/gre-listener-port.js';
import { PptpServer } from '../../serve/pptp-server.js';
import { ServerHost } from '../../serve/server-host.js';
import type { SecretLookup } from '../../serve/server-tunnel-options.js';
import type { Command } from '../parse-args.js';
import { readConfig } from '../runtime/files.js';
import { guardProcess } from '../runtime/process-guards.js';

type ServeCommand = Extract<Command, { command: 'serve' }>;

/** The server's logger: stderr, and pppd's `logfile` when the options name one. */
function serveLogger(command: ServeCommand, config?: ServerConfig): Logger {
  return createLogger({
    format: command.logFormat,
    level: config?.debug ? 'debug' : 'info',
    clock: () => new Date(),
    write: (line) => {
      process.stderr.write(`${line}\n`);
      if (config?.logFile === undefined) return;
      try {
        appendFileSync(config.logFile, `${line}\n`);
      } catch {
        // Best effort, as pppd.
      }
    },
  });
}

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
  let log = serveLogger(command);
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
    const e = error as Error & { code?: string };
    log.error(e.message, { ...(e.code === undefined ? {} : { code: e.code }) });
    return EXIT.config;
  }
  log = serveLogger(command, config);
  for (const w of config.warnings) log.warn(w.message, { file: w.file, line: w.line });
  for (const o of config.ignored) {
    log.debug('option ignored', { option: o.option, file: o.file, line: o.line, why: o.why });
  }
  const paths = runPaths('serve');
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    log.error(`cannot use ${paths.dir} (run as root)`, { error });
    return EXIT.privileges;
  }
  try {
    await askControl(paths.socket, 'status', 1000);
    log.error('a server is already running', { socket: paths.socket });
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
    log.error('cannot set up the server', { code: e.code, error: e.message });
    listener?.close();
    rtnl?.close();
    return e.code === 'LINUXNET_NO_CAPABILITY' ? EXIT.privileges : EXIT.fatal;
  }
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
  });
  const guards = guardProcess(log, () => server.stop('signal'));
  try {
    await server.start();
  } catch (error) {
    log.error('cannot start the server', { error });
    server.stop('start failed');
    await server.stopped;
    guards.remove();
    rtnl.close();
    return EXIT.fatal;
  }
  const code = await server.stopped;
  guards.remove();
  rtnl.close();
  return guards.internalError() ? EXIT.fatal : code;
}
