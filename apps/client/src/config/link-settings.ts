import {
  type AutomatonConfig,
  DEFAULT_AUTOMATON_CONFIG,
  type IpcpConfig,
  type LcpConfig,
} from '@pptpkit/ppp-lcp-ipcp';
import { parseIpv4 } from '@pptpkit/wire';
import type { ControlTimers, PeerSettings } from './peer-settings.js';

/** The parts of a `PppLink`'s options that the peer's settings decide. */
export interface LinkTuning {
  /** LCP: MRU, ACFC/PFC/magic requests, echo, and LCP's own restart timer and counters. */
  readonly lcp: Partial<LcpConfig>;
  /** IPCP: our address to ask for, DNS. */
  readonly ipcp: IpcpConfig;
  /** Restart timer and counters of IPCP and CCP (`ipcp-restart`, `ipcp-max-*`). */
  readonly automaton: Partial<AutomatonConfig>;
  /** Whether to run CCP at all (`noccp` turns it off). */
  readonly ccp: boolean;
}

/** pppd's timer options in the automaton's units (seconds → ms). */
function automatonOf(t: ControlTimers): Partial<AutomatonConfig> {
  return {
    ...(t.restartSeconds === undefined ? {} : { restartMs: t.restartSeconds * 1000 }),
    ...(t.maxConfigure === undefined ? {} : { maxConfigure: t.maxConfigure }),
    ...(t.maxTerminate === undefined ? {} : { maxTerminate: t.maxTerminate }),
    ...(t.maxFailure === undefined ? {} : { maxFailure: t.maxFailure }),
  };
}

/**
 * Maps the settings onto `PppLink` options: `mru`/`default-mru`, `noaccomp`, `nopcomp`,
 * `nomagic`, `lcp-echo-*`, `lcp-restart`/`lcp-max-*` (LCP only), `ipcp-restart`/`ipcp-max-*`
 * (IPCP and CCP; pppd has no separate CCP timers), the local address of `local:remote`,
 * `usepeerdns`, `noccp`.
 */
export function linkTuning(s: PeerSettings): LinkTuning {
  // Checked when the option was read (`applyAddressPair`), with the same parser.
  const localAddress = s.localAddress === undefined ? undefined : parseIpv4(s.localAddress);
  return {
    lcp: {
      ...(s.mru === undefined ? {} : { mru: s.mru }),
      acfc: s.acfc,
      pfc: s.pfc,
      magic: s.magic,
      echoIntervalMs: s.lcpEchoInterval * 1000,
      echoFailure: s.lcpEchoFailure,
      automaton: { ...DEFAULT_AUTOMATON_CONFIG, ...automatonOf(s.lcpTimers) },
    },
    ipcp: {
      requestDns: s.usePeerDns,
      ...(localAddress === undefined ? {} : { localAddress }),
    },
    automaton: automatonOf(s.ipcpTimers),
    ccp: s.ccp,
  };
}

/**
 * Checks the addresses IPCP agreed against `local:remote`, as pppd does without
 * `ipcp-accept-local`/`ipcp-accept-remote` (it insists on its own, so the negotiation fails).
 *
 * @returns why the addresses are not acceptable, or `undefined` when they are.
 */
export function addressProblem(s: PeerSettings, local: string, remote: string): string | undefined {
  if (s.localAddress !== undefined && !s.acceptLocal && local !== s.localAddress) {
    return `the server gave us ${local}, but the options insist on ${s.localAddress} (ipcp-accept-local allows it)`;
  }
  if (s.remoteAddress !== undefined && !s.acceptRemote && remote !== s.remoteAddress) {
    return `the server's address is ${remote}, but the options insist on ${s.remoteAddress} (ipcp-accept-remote allows it)`;
  }
  return undefined;
}

/**
 * Which of `idle` and `maxconnect` (pppd exit statuses 12 and 13) has run out, given when the
 * link came up and when data last passed either way (ms, one clock).
 */
export function limitReached(
  s: PeerSettings,
  upAtMs: number,
  lastDataMs: number,
  nowMs: number,
): 'idle' | 'maxconnect' | undefined {
  if (s.maxConnect !== undefined && nowMs - upAtMs >= s.maxConnect * 1000) return 'maxconnect';
  if (s.idle !== undefined && nowMs - Math.max(upAtMs, lastDataMs) >= s.idle * 1000) return 'idle';
  return undefined;
}
