import { rmSync, writeFileSync } from 'node:fs';
import type { Rtnetlink } from '@pptpkit/linux-net';
import type { Credentials, PeerSettings } from '../../config/index.js';
import { type ControlServer, startControlServer } from '../../control/control-server.js';
import type { RunPaths } from '../../control/paths.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { HookContext } from '../../hooks/run-hook.js';
import type { JournalFile } from '../../host/journal-file.js';
import { LinuxHost } from '../../host/linux-host.js';
import { APP_CODE } from '../../log/app-codes.js';
import type { Logger } from '../../log/logger.js';
import { SdNotifier } from '../../service/sd-notify.js';
import { nodeIo } from '../../session/node-io.js';
import { runPersistent } from '../../session/persist.js';
import { Session, type SessionResult, TUNNEL_STATUS_SCHEMA } from '../../session/session.js';
import { ParentReport } from '../detach.js';
import { runStopSteps } from '../stop-steps.js';
import { files } from './files.js';
import { recoverJournal } from './journal.js';
import { guardProcess } from './process-guards.js';
import { hookContext, ipv6HookContext, runScripts } from './scripts.js';

/** What one `pptpkit up` process runs. */
export interface TunnelRun {
  /** The peer name. */
  readonly peer: string;
  /** The server's IPv4 address. */
  readonly server: string;
  /** The peer's settings. */
  readonly settings: PeerSettings;
  /** Who we are. */
  readonly credentials: Credentials;
  /** The run directory's files. */
  readonly paths: RunPaths;
  /** rtnetlink (closed by this run). */
  readonly rtnl: Rtnetlink;
  /** The host-change journal. */
  readonly journal: JournalFile;
  /** The log. */
  readonly log: Logger;
  /**
   * Asked once when an attempt fails with `MSCHAP_PASSWORD_EXPIRED` and no new password was
   * given: a new password (typed at a terminal) makes the next attempt, at once, change the
   * password (MS-CHAPv2, RFC 2759 §7); `undefined` keeps the failure.
   */
  readonly askNewPassword?: () => Promise<string | undefined>;
}

/**
 * Runs the tunnel until it ends for good: replays a journal an earlier run left, serves the
 * control socket (`status`, `down`), runs attempts as `persist`/`maxfail`/`holdoff` say (each a
 * {@link Session} with the Linux host, scripts and state file around it), and then cleans up
 * step by step — a step that fails is logged and the next one runs. Returns the exit status.
 */
export async function runTunnel(run: TunnelRun): Promise<ExitCode> {
  const { peer, server, settings, paths, rtnl, journal, log } = run;
  const root = new AbortController();
  const guards = guardProcess(log, () => root.abort());
  const parent = new ParentReport();
  // systemd (Type=notify): READY=1 once the tunnel is first usable, STATUS= as it goes.
  const notify = new SdNotifier({ log });
  notify.startWatchdog();
  let credentials = run.credentials;
  let askNewPassword = run.askNewPassword;
  let stopAnnounced = false;
  const announceStop = (): void => {
    if (stopAnnounced) return;
    stopAnnounced = true;
    notify.stopping('stopping');
  };
  root.signal.addEventListener('abort', announceStop);
  let control: ControlServer | undefined;
  let exitCode: ExitCode = EXIT.fatal;
  let failed = false;
  try {
    await recoverJournal(journal, rtnl, log);
    let current: Session | undefined;
    let requestedDown = false;
    control = await startControlServer(paths.socket, {
      status: () =>
        current?.status() ?? { schema: TUNNEL_STATUS_SCHEMA, peer, state: 'waiting', server },
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
    const attempt = async (): Promise<SessionResult> => {
      let ipv6Up: HookContext | undefined;
      const host = new LinuxHost({
        settings,
        rtnl,
        journal,
        files,
        log,
        // pppd's ip-pre-up: the interface has its addresses but is not up yet.
        beforeLinkUp: (device, addresses) =>
          runScripts(log, 'ip-pre-up', '/etc/ppp/ip-pre-up', {
            ...hookContext(peer, server, settings, {}),
            iface: device,
            local: addresses.local,
            remote: addresses.peer,
          }),
      });
      const stop = new AbortController();
      const abort = (): void => stop.abort();
      root.signal.addEventListener('abort', abort, { once: true });
      const startedAt = performance.now();
      notify.status(`connecting to ${server}`);
      const session: Session = new Session({
        peer,
        server,
        settings,
        credentials,
        io: nodeIo(host),
        log,
        signal: stop.signal,
        onState: (state) => {
          if (state === 'ppp') notify.status('authenticating');
        },
        onUp: (status) => {
          log.info('tunnel up', {
            interface: status.interface,
            local: status.local,
            remote: status.remote,
            seconds: Number(((performance.now() - startedAt) / 1000).toFixed(3)),
          });
          // READY=1 the first time (before the parent hears of it and exits), STATUS= after.
          notify.ready(`up: ${status.local} → ${status.remote} on ${status.interface}`);
          // Once only, however many times `persist` brings the tunnel back.
          parent.up();
          writeFileSync(
            paths.state,
            `${JSON.stringify({ pid: process.pid, interface: status.interface })}\n`,
          );
          void runScripts(
            log,
            'ip-up',
            settings.ipUpScript ?? '/etc/ppp/ip-up',
            hookContext(peer, server, settings, status),
          );
          ipv6Up = ipv6HookContext(peer, server, settings, status);
          if (ipv6Up !== undefined)
            void runScripts(log, 'ipv6-up', settings.ipv6.upScript ?? '/etc/ppp/ipv6-up', ipv6Up);
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
          log,
          'ip-down',
          settings.ipDownScript ?? '/etc/ppp/ip-down',
          hookContext(peer, server, settings, session.status()),
        );
        // pppd runs ipv6-down only after an ipv6-up, with the same addresses.
        if (ipv6Up !== undefined)
          await runScripts(log, 'ipv6-down', settings.ipv6.downScript ?? '/etc/ppp/ipv6-down', {
            ...hookContext(peer, server, settings, session.status()),
            linkLocal: ipv6Up.linkLocal!,
          });
      }
      if (requestedDown) result = { ...result, exitCode: EXIT.ok };
      current = undefined;
      const ask = askNewPassword;
      if (
        ask !== undefined &&
        result.authCode === 'MSCHAP_PASSWORD_EXPIRED' &&
        credentials.newPassword === undefined &&
        !root.signal.aborted
      ) {
        askNewPassword = undefined;
        const newPassword = await ask();
        if (newPassword !== undefined) {
          credentials = { ...credentials, newPassword };
          log.info('connecting again to change the expired password', { user: credentials.user });
          return attempt();
        }
      }
      return result;
    };
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
      attempt,
      onReconnect: (next) =>
        notify.status(
          `reconnecting in ${settings.holdoff} s (attempt ${next}${settings.maxfail > 0 ? ` of ${settings.maxfail}` : ''})`,
        ),
    });
    exitCode = result.exitCode;
  } catch (error) {
    log.error('internal error', { code: APP_CODE.internal, error });
    failed = true;
  } finally {
    announceStop();
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
    guards.remove();
    notify.close();
  }
  if (failed || guards.internalError()) exitCode = EXIT.fatal;
  log.info('exiting', { exitCode });
  return exitCode;
}
