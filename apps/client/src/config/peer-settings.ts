import type { ConfigLocation } from './config-error.js';
import { defaultIpv6Settings, type Ipv6Settings } from './ipv6-settings.js';
import type { PptpOptions } from './pty-command.js';

/** Authentication methods pppd can refuse or require, by their pppd option names. */
export type AuthMethod = 'pap' | 'chap' | 'mschap' | 'mschap-v2' | 'eap';

/** MPPE policy as the options left it. */
export interface MppeSettings {
  /** Fail the link unless MPPE is negotiated (`require-mppe*`; cleared by `nomppe`). */
  required: boolean;
  /** 40-bit keys acceptable. */
  allow40: boolean;
  /**
   * 56-bit keys acceptable (`require-mppe-56`, `mppe-56`: pptpkit's own options, as pppd has
   * none for 56-bit; Windows offers it).
   */
  allow56: boolean;
  /** 128-bit keys acceptable. */
  allow128: boolean;
  /**
   * Set once an option chose the key lengths (`require-mppe*`, `nomppe`): until then they are
   * the default (128-bit) and `require-mppe-40`/`-56`/`-128` replaces them, as in pppd, whose
   * lengths start empty; after that it adds its length (pppd's `OPT_A2OR`).
   */
  lengthsChosen?: boolean;
  /** Stateful mode acceptable when the server asks for it (`mppe-stateful`). */
  allowStateful: boolean;
  /**
   * Ask for stateful mode ourselves (`mppe-stateful-prefer`, pptpkit's own option): needed to
   * get stateful MPPE from a pppd server, which only follows a peer that asks (pppd peers with
   * `mppe-stateful` still ask for stateless). A server that refuses stateful then fails CCP.
   */
  preferStateful?: boolean;
}

/**
 * Restart timer and counters of one control protocol (pppd `lcp-restart`, `lcp-max-configure`,
 * `lcp-max-terminate`, `lcp-max-failure` and the `ipcp-*` equivalents). An absent field keeps
 * the RFC 1661 §4.6 default (3 s, 10, 2, 5).
 */
export interface ControlTimers {
  /** Seconds between retransmissions of Configure- and Terminate-Requests (`*-restart`). */
  restartSeconds?: number;
  /** Configure-Requests sent without an answer before giving up (`*-max-configure`). */
  maxConfigure?: number;
  /** Terminate-Requests sent without an answer before giving up (`*-max-terminate`). */
  maxTerminate?: number;
  /** Configure-Naks sent in a row before Naks become Rejects (`*-max-failure`). */
  maxFailure?: number;
}

/** Everything a peer's options say, in the form the client uses. */
export interface PeerSettings {
  /** The PPTP server, from `pty "pptp HOST ..."` or our own `pptp-server HOST`. */
  server?: { host: string; at: ConfigLocation };
  /** pptp-linux's options from the last `pty "pptp HOST ..."`, and where it was. */
  pptp?: PptpOptions & { readonly at: ConfigLocation };
  /** Our name for authentication (`user`, else `name`). */
  user?: string;
  /** Our local name (`name`). */
  name?: string;
  /** The server's name, for looking up the secret (`remotename`). */
  remotename?: string;
  /** A password given inline (`password`, discouraged: use chap-secrets). */
  password?: string;
  /** A file whose first line is the password (`password-file`, ours). */
  passwordFile?: string;
  /**
   * A file whose first line is the new password, used if the server reports the password
   * expired (MS-CHAPv2 `E=648`: RFC 2759 §7 password change) (`new-password-file`, ours).
   */
  newPasswordFile?: string;
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
  /**
   * Run CCP at all (`noccp`/`-ccp` clear it). Without CCP there is no MPPE: the session must then
   * leave the CCP policy out of the `PppLink` (CCP is Protocol-Rejected). `loadPeer`
   * refuses `noccp` while MPPE is still required.
   */
  ccp: boolean;
  /** Ask for Address-and-Control-Field-Compression (`noaccomp`/`-ac` clear it): LCP `acfc`. */
  acfc: boolean;
  /** Ask for Protocol-Field-Compression (`nopcomp`/`-pc` clear it): LCP `pfc`. */
  pfc: boolean;
  /** Negotiate a magic number (`nomagic`/`-mn` clear it): LCP `magic`. */
  magic: boolean;
  /** LCP restart timer and counters (`lcp-restart`, `lcp-max-*`): LCP `automaton`. */
  lcpTimers: ControlTimers;
  /** IPCP (and CCP) restart timer and counters (`ipcp-restart`, `ipcp-max-*`). */
  ipcpTimers: ControlTimers;
  /** Seconds between PAP Authenticate-Requests (`pap-restart`; pppd default 3). */
  papRestart?: number;
  /** PAP Authenticate-Requests sent before giving up (`pap-max-authreq`; pppd default 10). */
  papMaxAuthreq?: number;
  /** `eap-timeout` seconds: the wait for the server's first EAP Request. */
  eapTimeout?: number;
  /** `eap-max-rreq`: EAP Requests answered without Success or Failure. */
  eapMaxRreq?: number;
  /**
   * Our IPv4 address to ask for, from a `local:remote` option such as `10.0.0.2:`; absent asks
   * the server to assign one (IPCP `localAddress`).
   */
  localAddress?: string;
  /** The server's tunnel address we insist on, from `local:remote` such as `:10.0.0.1`. */
  remoteAddress?: string;
  /** Take the server's idea of our address even though `localAddress` is set (`ipcp-accept-local`). */
  acceptLocal: boolean;
  /** Take the server's own address even though `remoteAddress` is set (`ipcp-accept-remote`). */
  acceptRemote: boolean;
  /** End the link after this many seconds without data either way (`idle`); pppd exit 12. */
  idle?: number;
  /** End the link after this many seconds up (`maxconnect`); pppd exit 13. */
  maxConnect?: number;
  /** Name of this link for scripts (`linkname`; pppd sets `LINKNAME` in their environment). */
  linkname?: string;
  /** Use the host name as our name for authentication, overriding `name` (`usehostname`). */
  useHostname: boolean;
  /** Domain appended to the host name when it is our name (`domain`). */
  domain?: string;
  /** File whose first line is the user name and second the password (`+ua`). */
  uaFile?: string;
  /** Script run when IPCP comes up (`ip-up-script`; default `/etc/ppp/ip-up`). */
  ipUpScript?: string;
  /** Script run when IPCP goes down (`ip-down-script`; default `/etc/ppp/ip-down`). */
  ipDownScript?: string;
  /**
   * Extra environment of the scripts (`set NAME=VALUE`); a `null` value removes the variable
   * (`unset NAME`).
   */
  scriptEnv: Map<string, string | null>;
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
  /** Append the log to this file (`logfile`; `nolog` clears it). */
  logfile?: string;
  /** pppd's detach behaviour: stay in the foreground, or return once up. */
  detach: 'default' | 'nodetach' | 'updetach';
  /** IPv6CP and the IPv6 host settings (`+ipv6`, `ipv6 L,R`, `defaultroute6`, ...). */
  ipv6: Ipv6Settings;
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
    mppe: { required: true, allow40: false, allow56: false, allow128: true, allowStateful: false },
    mppc: false,
    ccp: true,
    acfc: true,
    pfc: true,
    magic: true,
    lcpTimers: {},
    ipcpTimers: {},
    acceptLocal: false,
    acceptRemote: false,
    useHostname: false,
    scriptEnv: new Map(),
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
    ipv6: defaultIpv6Settings(),
  };
}
