import type { ConfigLocation } from './config-error.js';

/** Authentication methods pppd can refuse or require, by their pppd option names. */
export type AuthMethod = 'pap' | 'chap' | 'mschap' | 'mschap-v2' | 'eap';

/** MPPE policy as the options left it. */
export interface MppeSettings {
  /** Fail the link unless MPPE is negotiated (`require-mppe*`; cleared by `nomppe`). */
  required: boolean;
  /** 40-bit keys acceptable. */
  allow40: boolean;
  /** 128-bit keys acceptable. */
  allow128: boolean;
  /** Stateful mode acceptable when the server asks for it (`mppe-stateful`). */
  allowStateful: boolean;
  /**
   * Ask for stateful mode ourselves (`mppe-stateful-prefer`, pptpkit's own option): needed to
   * get stateful MPPE from a pppd server, which only follows a peer that asks (pppd peers with
   * `mppe-stateful` still ask for stateless). A server that refuses stateful then fails CCP.
   */
  preferStateful?: boolean;
}

/** Everything a peer's options say, in the form the client uses. */
export interface PeerSettings {
  /** The PPTP server, from `pty "pptp HOST ..."` or our own `pptp-server HOST`. */
  server?: { host: string; at: ConfigLocation };
  /** Our name for authentication (`user`, else `name`). */
  user?: string;
  /** Our local name (`name`). */
  name?: string;
  /** The server's name, for looking up the secret (`remotename`). */
  remotename?: string;
  /** A password given inline (`password`, discouraged: use chap-secrets). */
  password?: string;
  /** Passed to hook scripts as their sixth argument (`ipparam`). */
  ipparam?: string;
  /** Methods we refuse when the server asks us to authenticate (`refuse-*`). */
  refuse: Set<AuthMethod>;
  /** Whether we require the server to authenticate itself (`auth`, `require-*`; `noauth`). */
  authRequired: boolean;
  /** Methods we would ask the server to authenticate with (`require-*`). */
  requirePeerAuth: Set<AuthMethod>;
  /** MPPE policy. */
  mppe: MppeSettings;
  /** Offer and accept MPPC compression (`mppc`/`nomppc`, our own options). */
  mppc: boolean;
  /** Interface MTU (`mtu`). */
  mtu?: number;
  /** MRU we ask for (`mru`). */
  mru?: number;
  /** Add a default route through the tunnel if there is none (`defaultroute`). */
  defaultRoute: boolean;
  /** Replace an existing default route (`replacedefaultroute`). */
  replaceDefaultRoute: boolean;
  /**
   * Route everything through the tunnel with the two halves `0.0.0.0/1` and `128.0.0.0/1`,
   * leaving the existing default route in place (`defaultroute-split`, pptpkit's own option).
   */
  splitDefaultRoute: boolean;
  /** Metric of the default route we add (`defaultroute-metric`, pppd 2.4.9). */
  defaultRouteMetric?: number;
  /** Use the DNS servers the server offers (`usepeerdns`). */
  usePeerDns: boolean;
  /** Reconnect after the link ends (`persist`). */
  persist: boolean;
  /** Give up after this many consecutive failed attempts; 0 = never (`maxfail`, pppd default 10). */
  maxfail: number;
  /** Seconds to wait before reconnecting (`holdoff`). */
  holdoff: number;
  /** Seconds between LCP Echo-Requests; 0 = none (`lcp-echo-interval`). */
  lcpEchoInterval: number;
  /** Unanswered echoes before the link is declared dead; 0 = never (`lcp-echo-failure`). */
  lcpEchoFailure: number;
  /** Name of the TUN interface (`ifname`). */
  ifname?: string;
  /** Unit number: the interface is `ppp<unit>` unless `ifname` is given (`unit`). */
  unit?: number;
  /** Verbose logging (`debug`). */
  debug: boolean;
  /** Append the log to this file (`logfile`). */
  logfile?: string;
  /** pppd's detach behaviour: stay in the foreground, or return once up. */
  detach: 'default' | 'nodetach' | 'updetach';
}

/**
 * The settings before any option is read: what pptp-linux + pppd would do against a Windows
 * server — MS-CHAPv2 accepted, MPPE-128 required, stateless (stateful refused), no
 * compression, echo every 30 s with 4 failures allowed (Debian's options.pptp values).
 */
export function defaultPeerSettings(): PeerSettings {
  return {
    refuse: new Set(),
    authRequired: false,
    requirePeerAuth: new Set(),
    mppe: { required: true, allow40: false, allow128: true, allowStateful: false },
    mppc: false,
    defaultRoute: false,
    replaceDefaultRoute: false,
    splitDefaultRoute: false,
    usePeerDns: false,
    persist: false,
    maxfail: 10,
    holdoff: 0,
    lcpEchoInterval: 30,
    lcpEchoFailure: 4,
    debug: false,
    detach: 'default',
  };
}
