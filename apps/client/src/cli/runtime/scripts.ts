import type { PeerSettings } from '../../config/index.js';
import type { HookContext } from '../../hooks/run-hook.js';
import { runEventScripts } from '../../hooks/run-scripts.js';
import { codeField } from '../../log/app-codes.js';
import type { Logger } from '../../log/logger.js';
import type { SessionStatus } from '../../session/session.js';

/**
 * Runs pppd's scripts for an event (`script`, else the scripts of `script.d/`), logging their
 * output and failures; never rejects.
 */
export function runScripts(
  log: Logger,
  event: string,
  script: string,
  ctx: HookContext,
): Promise<void> {
  return runEventScripts(script, ctx, {
    timeoutMs: 30_000,
    onOutput: (each, line) => log.info(event, { script: each, output: line }),
  }).then(
    (runs) => {
      for (const { script: each, result } of runs) {
        if (result.ran && (result.exitCode !== 0 || result.timedOut))
          log.warn(`${event} script failed`, { script: each, ...result });
      }
    },
    (error: unknown) => log.warn(`${event} failed`, { ...codeField(error), error }),
  );
}

/**
 * The context of pppd's `ipv6-up`/`ipv6-down` scripts once IPv6CP opened (`status.ipv6cp` with
 * identifiers), or `undefined`: the link-local addresses in pppd's text (`fe80::` + the
 * identifier as four groups of four hex digits).
 */
export function ipv6HookContext(
  peer: string,
  server: string,
  settings: PeerSettings,
  status: Partial<SessionStatus>,
): HookContext | undefined {
  const ids = status.ipv6cp;
  if (ids?.local === undefined || ids.remote === undefined) return undefined;
  return {
    ...hookContext(peer, server, settings, status),
    linkLocal: { local: `fe80::${ids.local}`, remote: `fe80::${ids.remote}` },
  };
}

/** pppd's script arguments and environment for a tunnel in the state `status` describes. */
export function hookContext(
  peer: string,
  server: string,
  settings: PeerSettings,
  status: Partial<SessionStatus>,
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
