import { lookup } from 'node:dns/promises';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { openRtnetlink, type Rtnetlink } from '@pptpkit/linux-net';
import { parseIpv4 } from '@pptpkit/wire';
import type { PeerSettings } from '../config/index.js';
import { askControl, requestControl } from '../control/control-client.js';
import { type ControlServer, startControlServer } from '../control/control-server.js';
import { runDir, runPaths } from '../control/paths.js';
import { formatStatus } from '../control/status-format.js';
import type { HookContext } from '../hooks/run-hook.js';
import { runEventScripts } from '../hooks/run-scripts.js';
import { HostChanges } from '../host/host-changes.js';
import { JournalFile } from '../host/journal-file.js';
import { LinuxHost } from '../host/linux-host.js';
import { createLogger, type Logger } from '../log/logger.js';
import { nodeIo } from '../session/node-io.js';
import { runPersistent } from '../session/persist.js';
import { Session } from '../session/session.js';
import { detach, isDetachedChild, ParentReport } from './detach.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { type ClientConfig, loadClientConfig } from './load-config.js';
import { type Command, parseArgs, USAGE, UsageError } from './parse-args.js';
import { readTextFile } from './read-text-file.js';
import { runStopSteps } from './stop-steps.js';

const readText = (path: string): string | undefined => readTextFile(path);

const files = {
  read: (path: string): string | null => readText(path) ?? null,
  write: (path: string, content: string | null): void => {
    if (content === null) rmSync(path, { force: true });
    else writeFileSync(path, content);
  },
};

/** Resolves the server name to an IPv4 address. */
async function resolveServer(host: string): Promise<string> {
  if (parseIpv4(host) !== undefined) return host;
  const { address } = await lookup(host, { family: 4 });
  return address;
}

/** Undoes host changes a crashed earlier run left in its journal. */
async function recoverJournal(journal: JournalFile, rtnl: Rtnetlink, log: Logger): Promise<void> {
  const left = journal.read();
  if (left === undefined) return;
  log.warn('undoing host changes left by an earlier run', {
    journal: journal.path,
    changes: left.entries.length,
  });
  const report = await new HostChanges(rtnl, journal, files, left.entries).undo(left.pending);
  if (report.failures.length > 0)
    log.error('some earlier changes could not be undone', { failures: report.failures });
}

/**
 * Whether the peer's options say `updetach` (return once up, as `--background`). A file that
 * does not load says no here: the foreground run then reports why.
 */
function wantsUpdetach(command: Extract<Command, { command: 'up' }>): boolean {
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

async function up(
  command: Extract<Command, { command: 'up' }>,
  argv: readonly string[],
): Promise<ExitCode> {
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
      // A stale socket from a run that died: the journal recovery below cleans up after it.
    }
  }
  const write = (line: string): void => {
    if (!detached) process.stderr.write(`${line}\n`);
    try {
      appendFileSync(paths.log, `${line}\n`);
    } catch {
      // The log file is a convenience.
    }
  };
  let log = createLogger({
    format: command.logFormat,
    level: 'info',
    write,
    clock: () => new Date(),
  });
  let config: ClientConfig;
  try {
    config = loadClientConfig(command, readText, log);
  } catch (error) {
    log.error((error as Error).message);
    return EXIT.config;
  }
  const { settings } = config;
  if (settings.debug)
    log = createLogger({
      format: command.logFormat,
      level: 'debug',
      write,
      clock: () => new Date(),
    });
  if (settings.logfile !== undefined) {
    const file = settings.logfile;
    const inner = write;
    log = createLogger({
      format: command.logFormat,
      level: settings.debug ? 'debug' : 'info',
      write: (line) => {
        inner(line);
        try {
          appendFileSync(file, `${line}\n`);
        } catch {
          // Best effort, as pppd.
        }
      },
      clock: () => new Date(),
    });
  }
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
  const journal = new JournalFile(paths.journal);
  /**
   * Runs pppd's scripts for an event (`script`, else the scripts of `script.d/`), logging
   * their output and failures; never rejects.
   */
  const runScripts = (event: string, script: string, ctx: HookContext): Promise<void> =>
    runEventScripts(script, ctx, {
      timeoutMs: 30_000,
      onOutput: (each, line) => log.info(event, { script: each, output: line }),
    }).then(
      (runs) => {
        for (const { script: each, result } of runs) {
          if (result.ran && (result.exitCode !== 0 || result.timedOut))
            log.warn(`${event} script failed`, { script: each, ...result });
        }
      },
      (error: unknown) => log.warn(`${event} failed`, { error }),
    );
  const root = new AbortController();
  let firstSignalAt: number | undefined;
  const onSignal = (name: string): void => {
    const now = performance.now();
    // A launcher that relays the signal to us as well as its process group (tsx, timeout)
    // delivers it twice within a few ms: only a later, separate signal forces the exit.
    if (firstSignalAt !== undefined && now - firstSignalAt < 500) return;
    if (firstSignalAt !== undefined) {
      log.error('second signal: exiting at once', { signal: name });
      process.exit(EXIT.signal);
    }
    firstSignalAt = now;
    log.info('signal received, tearing down', { signal: name });
    root.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGHUP', () => onSignal('SIGHUP'));
  // A bug that escapes every callback guard still ends the tunnel in order (exit 1), with the
  // host restored, instead of killing the process with the host changed.
  let internalError = false;
  const onUnexpected = (error: unknown): void => {
    log.error('internal error', { error });
    if (internalError) return;
    internalError = true;
    root.abort();
  };
  process.on('uncaughtException', onUnexpected);
  process.on('unhandledRejection', onUnexpected);
  const parent = new ParentReport();
  let control: ControlServer | undefined;
  let exitCode: ExitCode = EXIT.fatal;
  try {
    await recoverJournal(journal, rtnl, log);
    let current: Session | undefined;
    let requestedDown = false;
    control = await startControlServer(paths.socket, {
      status: () => current?.status() ?? { peer: command.peer, state: 'waiting', server },
      down: () => {
        requestedDown = true;
        root.abort();
      },
      log,
    });
    const sleeping = new Set<() => void>();
    root.signal.addEventListener('abort', () => {
      for (const wake of sleeping) wake();
    });
    const result = await runPersistent({
      persist: settings.persist,
      maxfail: settings.maxfail,
      holdoffMs: settings.holdoff * 1000,
      stopped: () => root.signal.aborted,
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            sleeping.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, ms);
          sleeping.add(wake);
        }),
      log,
      attempt: async () => {
        const host = new LinuxHost({
          settings,
          rtnl,
          journal,
          files,
          log,
          // pppd's ip-pre-up: the interface has its addresses but is not up yet.
          beforeLinkUp: (device, addresses) =>
            runScripts('ip-pre-up', '/etc/ppp/ip-pre-up', {
              ...hookContext(command.peer, server, settings, {}),
              iface: device,
              local: addresses.local,
              remote: addresses.peer,
            }),
        });
        const attempt = new AbortController();
        const abort = (): void => attempt.abort();
        root.signal.addEventListener('abort', abort, { once: true });
        const startedAt = performance.now();
        const session: Session = new Session({
          peer: command.peer,
          server,
          settings,
          credentials: config.credentials,
          io: nodeIo(host),
          log,
          signal: attempt.signal,
          onUp: (status) => {
            log.info('tunnel up', {
              interface: status.interface,
              local: status.local,
              remote: status.remote,
              seconds: Number(((performance.now() - startedAt) / 1000).toFixed(3)),
            });
            // Once only, however many times `persist` brings the tunnel back.
            parent.up();
            writeFileSync(
              paths.state,
              `${JSON.stringify({ pid: process.pid, interface: status.interface })}\n`,
            );
            void runScripts(
              'ip-up',
              settings.ipUpScript ?? '/etc/ppp/ip-up',
              hookContext(command.peer, server, settings, status),
            );
          },
        });
        current = session;
        let result = await session.run();
        root.signal.removeEventListener('abort', abort);
        await runStopSteps(
          [{ name: 'state file', run: () => rmSync(paths.state, { force: true }) }],
          log,
        );
        if (result.wasUp) {
          await runScripts(
            'ip-down',
            settings.ipDownScript ?? '/etc/ppp/ip-down',
            hookContext(command.peer, server, settings, session.status()),
          );
        }
        if (requestedDown) result = { ...result, exitCode: EXIT.ok };
        current = undefined;
        return result;
      },
    });
    exitCode = result.exitCode;
  } catch (error) {
    log.error('internal error', { error });
    internalError = true;
  } finally {
    await runStopSteps(
      [
        { name: 'control socket', run: () => control?.close() },
        { name: 'state file', run: () => rmSync(paths.state, { force: true }) },
        // Whatever a failed step of the session's stop left behind is still in the journal.
        { name: 'host journal', run: () => recoverJournal(journal, rtnl, log) },
        { name: 'rtnetlink', run: () => rtnl.close() },
      ],
      log,
    );
    process.off('uncaughtException', onUnexpected);
    process.off('unhandledRejection', onUnexpected);
  }
  if (internalError) exitCode = EXIT.fatal;
  log.info('exiting', { exitCode });
  return exitCode;
}

function hookContext(
  peer: string,
  server: string,
  settings: PeerSettings,
  status: Partial<ReturnType<Session['status']>>,
): HookContext {
  return {
    iface: status.interface ?? '',
    device: server,
    speed: 0,
    local: status.local ?? '',
    remote: status.remote ?? '',
    ipparam: settings.ipparam ?? '',
    peer,
    ...(settings.linkname === undefined ? {} : { linkname: settings.linkname }),
    ...(settings.scriptEnv.size === 0 ? {} : { extraEnv: settings.scriptEnv }),
    ...(status.dns === undefined ? {} : { dns: status.dns }),
    ...(status.uptimeMs === undefined ? {} : { connectTime: Math.round(status.uptimeMs / 1000) }),
    ...(status.data === undefined
      ? {}
      : { bytesSent: status.data.txBytes, bytesReceived: status.data.rxBytes }),
  };
}

/** The peer whose log is in the run directory, when there is exactly one. */
function onlyLoggedPeer(): string | undefined {
  let names: string[];
  try {
    names = readdirSync(runDir()).filter((f) => f.endsWith('.log'));
  } catch {
    return undefined;
  }
  return names.length === 1 ? names[0]!.slice(0, -4) : undefined;
}

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
      process.stdout.write('pptpkit 0.0.0\n');
      return EXIT.ok;
    case 'up':
      return up(command, argv);
    case 'down':
      return requestControl(command.peer, 'down', process.stdout);
    case 'status':
      return formatStatus(command.peer, command.json, process.stdout);
    case 'log': {
      const peer = command.peer ?? onlyLoggedPeer();
      const text = peer === undefined ? undefined : readText(runPaths(peer).log);
      if (text === undefined) {
        process.stderr.write(
          `pptpkit: no log for ${command.peer ?? 'any tunnel (name the peer when there are several)'}\n`,
        );
        return EXIT.fatal;
      }
      const lines = text.trimEnd().split('\n');
      process.stdout.write(`${lines.slice(-command.lines).join('\n')}\n`);
      return EXIT.ok;
    }
  }
}
