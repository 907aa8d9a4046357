/**
 * What each pppd option means when pppd serves a PPTP peer for pptpd.
 *
 * @module
 */
import { parseIpv4 } from '@pptpkit/wire';
import { type ConfigLocation, configError } from '../../config/config-error.js';
import { optionTable } from '../../config/option-table.js';
import { pppdNumber } from '../../config/pppd-number.js';
import type { ServerAuthMethod } from './server-config.js';

/** MPPE key-length bits, as pppd keeps them (`MPPE_OPT_40`, `MPPE_OPT_128` of pppd's mppe.h). */
export const MPPE_40 = 1;
/** See {@link MPPE_40}. */
export const MPPE_128 = 2;
/**
 * 56-bit keys: pppd's mppe.h names the bit `MPPE_OPT_56` but lists it as unsupported and has no
 * option that sets it; pptpkit's `require-mppe-56`/`nomppe-56` do, with the 40/128 rules.
 */
export const MPPE_56 = 8;

/** The server's settings while its options are applied, in pppd's terms. */
export interface ServerSettings {
  /** `name`. */
  name?: string;
  /** `usehostname`: the host name wins over `name`. */
  useHostname: boolean;
  /** `domain`, appended to the host name. */
  domain?: string;
  /** pppd's `auth_required` (`auth`, any `require-*`; `noauth` clears it). */
  authRequired: boolean;
  /** Methods named by `require-*`, with the last place each was named (`noauth` keeps them). */
  readonly requested: Map<ServerAuthMethod, ConfigLocation>;
  /**
   * pppd's wanted MPPE bits ({@link MPPE_40}, {@link MPPE_56}, {@link MPPE_128}); non-zero means
   * required.
   */
  mppeBits: number;
  /** The last option that set MPPE bits. */
  mppeAt?: ConfigLocation;
  /** `mppe-stateful`. */
  allowStateful: boolean;
  /** `mppc`. */
  mppc: boolean;
  /** Where `noccp` was given. */
  ccpOffAt?: ConfigLocation;
  /** `ms-dns`, `[primary, secondary]` once set. */
  dns: number[];
  /** `ms-wins`, as `dns`. */
  wins: number[];
  /** `proxyarp`. */
  proxyArp: boolean;
  /** Where `noproxyarp` disabled `proxyarp`. */
  proxyArpOffAt?: ConfigLocation;
  /** `lcp-echo-interval`. */
  echoInterval: number;
  /** `lcp-echo-failure`. */
  echoFailure: number;
  /** `mtu`. */
  mtu?: number;
  /** `mru`. */
  mru?: number;
  /** `debug`. */
  debug: boolean;
  /** `logfile`. */
  logFile?: string;
  /** `idle`. */
  idle?: number;
  /** `maxconnect`. */
  maxConnect?: number;
  /** `ipparam`. */
  ipparam?: string;
}

/** pppd's defaults for a server. */
export function defaultServerSettings(): ServerSettings {
  return {
    useHostname: false,
    authRequired: false,
    requested: new Map(),
    mppeBits: 0,
    allowStateful: false,
    mppc: false,
    dns: [],
    wins: [],
    proxyArp: false,
    echoInterval: 0,
    echoFailure: 0,
    debug: false,
  };
}

/**
 * What pptpkit serve does with one pppd option and how many words it takes (pppd's count).
 * `implemented` changes {@link ServerSettings}; `ignored` means nothing for a userspace PPTP
 * server (noted at debug level with `why`); `refused` is an error naming file, line and option
 * (a warning with `lenient`).
 */
export type ServerOptionSpec =
  | {
      readonly kind: 'implemented';
      readonly args: 0 | 1;
      readonly apply: (s: ServerSettings, arg: string, at: ConfigLocation) => void;
    }
  | { readonly kind: 'ignored'; readonly args: 0 | 1; readonly why: string }
  | { readonly kind: 'refused'; readonly args: 0 | 1; readonly why: string };

const flag = (apply: (s: ServerSettings, at: ConfigLocation) => void): ServerOptionSpec => ({
  kind: 'implemented',
  args: 0,
  apply: (s, _arg, at) => apply(s, at),
});
const withArg = (
  apply: (s: ServerSettings, arg: string, at: ConfigLocation) => void,
): ServerOptionSpec => ({ kind: 'implemented', args: 1, apply });
const ignore =
  (why: string) =>
  (args: 0 | 1): ServerOptionSpec => ({ kind: 'ignored', args, why });
const refuse =
  (why: string) =>
  (args: 0 | 1): ServerOptionSpec => ({ kind: 'refused', args, why });

/** A pppd number option in `min..max` (`pppdNumber`, the client's parser). */
function integer(
  option: string,
  min: number,
  max: number,
  apply: (s: ServerSettings, v: number) => void,
): ServerOptionSpec {
  return withArg((s, v, at) => apply(s, pppdNumber(option, v, min, max, at)));
}

/** A strict dotted quad, else `CONFIG_BAD_VALUE` (pppd would also try DNS). */
function address(option: string, v: string, at: ConfigLocation): number {
  const a = parseIpv4(v);
  if (a === undefined) {
    throw configError(
      'CONFIG_BAD_VALUE',
      at,
      option,
      `'${v}' is not an IPv4 address (pptpkit does no DNS lookups)`,
    );
  }
  return a;
}

/** pppd's `ms-dns`/`ms-wins`: the last two given, a single one doubling as the secondary. */
const lastTwo = (list: number[], a: number): number[] =>
  list.length === 0 ? [a, a] : [list[1]!, a];

const requirePeer = (m: ServerAuthMethod): ServerOptionSpec =>
  flag((s, at) => {
    s.authRequired = true;
    s.requested.set(m, at);
  });
/**
 * `require-mppe` sets the 40 and 128 bits (the 56 one cleared: pppd writes the whole byte);
 * `require-mppe-40`/`-56`/`-128` add one (pppd's OPT_A2OR), `nomppe-N` clears one (OPT_A2CLRB).
 */
const setMppe = (bits: number, add: boolean): ServerOptionSpec =>
  flag((s, at) => {
    s.mppeBits = add ? s.mppeBits | bits : bits;
    s.mppeAt = at;
  });
const clearMppe = (bits: number): ServerOptionSpec => flag((s) => (s.mppeBits &= ~bits));
const noMppe = flag((s) => (s.mppeBits = 0));
const stateless = flag((s) => (s.allowStateful = false));

/** The old `mppe required,stateless,no40,...` list of Debian's MPPE patch. */
const mppeList = withArg((s, list, at) => {
  let required = false;
  let clear = 0;
  for (const item of list.split(',')) {
    switch (item.trim()) {
      case 'required':
        required = true;
        break;
      case 'stateless':
        s.allowStateful = false;
        break;
      case 'stateful':
        s.allowStateful = true;
        break;
      case 'no40':
        clear |= MPPE_40;
        break;
      case 'no128':
        clear |= MPPE_128;
        break;
      case 'no56':
        clear |= MPPE_56;
        break;
      default:
        throw configError('CONFIG_BAD_VALUE', at, 'mppe', `unknown MPPE keyword '${item}'`);
    }
  }
  if (required) {
    s.mppeBits = MPPE_40 | MPPE_128;
    s.mppeAt = at;
  }
  s.mppeBits &= ~clear;
});

const noProxyArp = flag((s, at) => {
  s.proxyArp = false;
  s.proxyArpOffAt = at;
});
const noCcp = flag((s, at) => {
  s.ccpOffAt = at;
  s.mppc = false;
});
const debug = flag((s) => (s.debug = true));

const selfAuth = ignore(
  'limits how this end authenticates itself to the peer, which a PPTP server is not asked to do',
);
const ownCredentials = ignore(
  'our own credentials for authenticating to the peer, which a PPTP server is not asked to do',
);
const authTimers = ignore("pptpkit serve's authentication timers are not configurable");
const srp = ignore('EAP-SRP is not implemented: pptpkit serve offers EAP-MS-CHAP-V2 and EAP-MD5');
const keepRoute = ignore("pptpkit serve never changes the host's default route");
const moveRoute = refuse("would send this host's traffic to one client");
const redial = ignore('a redial setting; a server does not dial');
const detach = ignore('pptpkit serve does not run pppd processes to detach');
const clientTransport = refuse("a client's way to reach its server; pptpd gives pppd its pty");

/** Options with a server meaning (or a server reason to ignore or refuse them), by pppd name. */
const serverOptions: ReadonlyMap<string, ServerOptionSpec> = new Map<string, ServerOptionSpec>([
  ['name', withArg((s, v) => (s.name = v))],
  ['usehostname', flag((s) => (s.useHostname = true))],
  ['domain', withArg((s, v) => (s.domain = v))],
  ['auth', flag((s) => (s.authRequired = true))],
  ['noauth', flag((s) => (s.authRequired = false))],
  ['require-pap', requirePeer('pap')],
  ['+pap', requirePeer('pap')],
  ['require-chap', requirePeer('chap')],
  ['+chap', requirePeer('chap')],
  ['require-mschap', requirePeer('mschap')],
  ['+mschap', requirePeer('mschap')],
  ['require-mschap-v2', requirePeer('mschap-v2')],
  ['+mschap-v2', requirePeer('mschap-v2')],
  ['require-eap', requirePeer('eap')],
  ['+eap', requirePeer('eap')],
  ['refuse-pap', selfAuth(0)],
  ['-pap', selfAuth(0)],
  ['refuse-chap', selfAuth(0)],
  ['-chap', selfAuth(0)],
  ['refuse-mschap', selfAuth(0)],
  ['-mschap', selfAuth(0)],
  ['refuse-mschap-v2', selfAuth(0)],
  ['-mschap-v2', selfAuth(0)],
  ['refuse-eap', selfAuth(0)],
  ['-eap', selfAuth(0)],
  ['user', ownCredentials(1)],
  ['password', ownCredentials(1)],
  ['+ua', ownCredentials(1)],
  ['pap-restart', ownCredentials(1)],
  ['pap-max-authreq', ownCredentials(1)],
  ['remotename', refuse("would check every peer against one name's secret")(1)],
  ['login', refuse('checking PAP passwords against the system password database')(0)],
  ['papcrypt', refuse('crypt()ed PAP secrets are not implemented')(0)],
  ['enable-session', refuse('session accounting (PAM, utmp) is not implemented')(0)],
  ['allow-ip', refuse('addresses usable without authentication are not implemented')(1)],
  ['allow-number', refuse('calling-number checks are not implemented')(1)],
  ['privgroup', ignore("pppd's privileged-option model does not apply to pptpkit serve")(1)],
  ['pap-timeout', authTimers(1)],
  ['chap-restart', authTimers(1)],
  ['chap-max-challenge', authTimers(1)],
  ['chap-interval', refuse('periodic re-authentication is not implemented')(1)],
  ['eap-restart', authTimers(1)],
  ['eap-max-sreq', authTimers(1)],
  ['eap-timeout', selfAuth(1)],
  ['eap-max-rreq', selfAuth(1)],
  ['eap-interval', refuse('periodic re-authentication is not implemented')(1)],
  ['srp-interval', srp(1)],
  ['srp-pn-secret', srp(1)],
  ['srp-use-pseudonym', srp(0)],
  ['require-mppe', setMppe(MPPE_40 | MPPE_128, false)],
  ['+mppe', setMppe(MPPE_40 | MPPE_128, false)],
  ['require-mppe-40', setMppe(MPPE_40, true)],
  ['+mppe-40', setMppe(MPPE_40, true)],
  ['require-mppe-128', setMppe(MPPE_128, true)],
  ['+mppe-128', setMppe(MPPE_128, true)],
  // pptpkit's own (pppd has no 56-bit MPPE): the rules of require-mppe-40/-128.
  ['require-mppe-56', setMppe(MPPE_56, true)],
  ['+mppe-56', setMppe(MPPE_56, true)],
  ['nomppe', noMppe],
  ['-mppe', noMppe],
  ['nomppe-40', clearMppe(MPPE_40)],
  ['-mppe-40', clearMppe(MPPE_40)],
  ['nomppe-128', clearMppe(MPPE_128)],
  ['-mppe-128', clearMppe(MPPE_128)],
  ['nomppe-56', clearMppe(MPPE_56)],
  ['-mppe-56', clearMppe(MPPE_56)],
  ['mppe-stateful', flag((s) => (s.allowStateful = true))],
  ['nomppe-stateful', stateless],
  ['mppe-stateless', stateless],
  ['mppe', mppeList],
  ['mppc', flag((s) => (s.mppc = true))],
  ['nomppc', flag((s) => (s.mppc = false))],
  ['noccp', noCcp],
  ['-ccp', noCcp],
  ['ms-dns', withArg((s, v, at) => (s.dns = lastTwo(s.dns, address('ms-dns', v, at))))],
  ['ms-wins', withArg((s, v, at) => (s.wins = lastTwo(s.wins, address('ms-wins', v, at))))],
  [
    'proxyarp',
    flag((s, at) => {
      const off = s.proxyArpOffAt;
      if (off !== undefined) {
        // pppd: "proxyarp option is disabled" (OPT_ENABLE after noproxyarp's OPT_A2CLR).
        throw configError(
          'CONFIG_BAD_VALUE',
          at,
          'proxyarp',
          `disabled by noproxyarp at ${off.file}:${off.line}`,
        );
      }
      s.proxyArp = true;
    }),
  ],
  ['noproxyarp', noProxyArp],
  ['-proxyarp', noProxyArp],
  ['lcp-echo-interval', integer('lcp-echo-interval', 0, 86_400, (s, v) => (s.echoInterval = v))],
  ['lcp-echo-failure', integer('lcp-echo-failure', 0, 1000, (s, v) => (s.echoFailure = v))],
  ['mtu', integer('mtu', 128, 16384, (s, v) => (s.mtu = v))],
  ['mru', integer('mru', 128, 16384, (s, v) => (s.mru = v))],
  [
    'idle',
    integer('idle', 0, 2_000_000, (s, v) => {
      if (v === 0) delete s.idle;
      else s.idle = v;
    }),
  ],
  [
    'maxconnect',
    integer('maxconnect', 0, 2_000_000, (s, v) => {
      if (v === 0) delete s.maxConnect;
      else s.maxConnect = v;
    }),
  ],
  ['ipparam', withArg((s, v) => (s.ipparam = v))],
  ['debug', debug],
  ['-d', debug],
  ['logfile', withArg((s, v) => (s.logFile = v))],
  ['nolog', flag((s) => delete s.logFile)],
  ['linkname', ignore("names pppd's pid file; pptpkit serve writes none")(1)],
  ['nodetach', detach(0)],
  ['-detach', detach(0)],
  ['updetach', detach(0)],
  ['defaultroute', moveRoute(0)],
  ['replacedefaultroute', moveRoute(0)],
  ['defaultroute-split', moveRoute(0)],
  ['defaultroute-metric', moveRoute(1)],
  ['nodefaultroute', keepRoute(0)],
  ['-defaultroute', keepRoute(0)],
  ['noreplacedefaultroute', keepRoute(0)],
  ['usepeerdns', ignore('a server does not take DNS servers from its clients')(0)],
  ['persist', redial(0)],
  ['nopersist', redial(0)],
  ['maxfail', redial(1)],
  ['holdoff', redial(1)],
  ['pty', clientTransport(1)],
  ['pptp-server', clientTransport(1)],
  ['pptp_server', clientTransport(1)],
  ['call', refuse("a peers file belongs to a client; name the server's options with file")(1)],
  ['plugin', refuse('pptpkit serve cannot load pppd plugins (radius, logwtmp, ...)')(1)],
]);

/**
 * Options recognised by their form, as pppd does: a serial speed, a device, or a
 * `local:remote` pair (pptpd passes each session's own pair after the options file, which
 * overrides it).
 */
function optionByForm(name: string): ServerOptionSpec | undefined {
  if (/^[0-9]+$/.test(name)) return ignore('a serial line speed; a PPTP session has none')(0);
  if (name.startsWith('/dev/')) return ignore('a serial device; a PPTP session has none')(0);
  if (name.includes(':')) {
    return ignore("pptpd's localip/remoteip pair for the session overrides it")(0);
  }
  return undefined;
}

/**
 * How pptpkit serve treats a pppd option: its own table first; then the client's table (an
 * option the client ignores or refuses, a serial-line or kernel setting, say, means the same
 * to the server; one the client implements but the server does not is refused); then pppd's
 * by-form options. `undefined`: unknown.
 */
export function serverOption(name: string): ServerOptionSpec | undefined {
  const own = serverOptions.get(name);
  if (own !== undefined) return own;
  const client = optionTable.get(name);
  if (client === undefined) return optionByForm(name);
  if (client.kind === 'implemented') {
    return refuse('a client setting that pptpkit serve does not implement')(client.args);
  }
  return client;
}
