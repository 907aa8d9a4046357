import { PptpkitError, parseIpv4 } from '@pptpkit/wire';
import { type ConfigLocation, configError } from './config-error.js';
import { ignoredOptions } from './ignored-options.js';
import { applyIpv6Identifiers } from './ipv6-settings.js';
import type { ApplyOption, OptionSpec } from './option-spec.js';
import type { AuthMethod, ControlTimers, PeerSettings } from './peer-settings.js';
import { pppdNumber } from './pppd-number.js';
import { parsePptpCommand } from './pty-command.js';
import { refusedOptions } from './refused-options.js';

const flag = (apply: (s: PeerSettings) => void): OptionSpec => ({
  kind: 'implemented',
  args: 0,
  apply,
});
const text = (apply: (s: PeerSettings, v: string) => void): OptionSpec => ({
  kind: 'implemented',
  args: 1,
  apply: (s, [v]) => apply(s, v!),
});
const withArg = (apply: ApplyOption): OptionSpec => ({ kind: 'implemented', args: 1, apply });

/** A pppd number option in `min..max` ({@link pppdNumber}). */
function integer(
  option: string,
  min: number,
  max: number,
  apply: (s: PeerSettings, v: number) => void,
): OptionSpec {
  return withArg((s, [raw], at) => apply(s, pppdNumber(option, raw!, min, max, at)));
}

const refuse = (m: AuthMethod): OptionSpec => flag((s) => s.refuse.add(m));
const requirePeer = (m: AuthMethod): OptionSpec =>
  flag((s) => {
    s.requirePeerAuth.add(m);
    s.authRequired = true;
  });

/** The old `mppe required,stateless,no40,...` syntax of Debian's pppd MPPE patch. */
const mppeList: OptionSpec = withArg((s, [list], at) => {
  for (const item of list!.split(',')) {
    switch (item.trim()) {
      case 'required':
        s.mppe.required = true;
        break;
      case 'stateless':
        s.mppe.allowStateful = false;
        break;
      case 'stateful':
        s.mppe.allowStateful = true;
        break;
      case 'no40':
        s.mppe.allow40 = false;
        break;
      case 'no128':
        s.mppe.allow128 = false;
        break;
      case 'no56':
        s.mppe.allow56 = false;
        break;
      default:
        throw configError('CONFIG_BAD_VALUE', at, 'mppe', `unknown MPPE keyword '${item}'`);
    }
  }
});

/** An integer that sets one field of a restart-timer group. */
const timer = (
  option: string,
  group: 'lcpTimers' | 'ipcpTimers',
  field: keyof ControlTimers,
  max: number,
): OptionSpec => integer(option, 1, max, (s, v) => (s[group][field] = v));

/**
 * Applies a pppd `local:remote` word (`10.0.0.2:10.0.0.1`, `10.0.0.2:`, `:10.0.0.1`, `:`).
 * pppd also takes host names here; pptpkit wants addresses.
 */
export function applyAddressPair(s: PeerSettings, word: string, at: ConfigLocation): void {
  const colon = word.indexOf(':');
  const parts = [word.slice(0, colon), word.slice(colon + 1)] as const;
  for (const part of parts) {
    // A strict dotted quad (`parseIpv4` of @pptpkit/wire).
    if (part !== '' && parseIpv4(part) === undefined) {
      throw configError('CONFIG_BAD_VALUE', at, word, `'${part}' is not an IPv4 address`);
    }
  }
  if (parts[0] !== '') s.localAddress = parts[0];
  if (parts[1] !== '') s.remoteAddress = parts[1];
}

/** `plugin`: only pppd's own PPTP plugin (`pptp.so`, whose job pptpkit does) is accepted. */
const plugin: OptionSpec = withArg((_s, [path], at) => {
  if (path!.split('/').pop() === 'pptp.so') return;
  throw new PptpkitError(
    'CONFIG_UNSUPPORTED_OPTION',
    `${at.file}:${at.line}: plugin: pptpkit cannot load pppd plugins ('${path}')`,
    { details: { file: at.file, line: at.line, option: 'plugin' } },
  );
});

/** `set NAME=VALUE` / `unset NAME`: the scripts' environment. */
const setEnv = withArg((s, [assignment], at) => {
  const eq = assignment!.indexOf('=');
  if (eq <= 0) throw configError('CONFIG_BAD_VALUE', at, 'set', 'expected NAME=VALUE');
  s.scriptEnv.set(assignment!.slice(0, eq), assignment!.slice(eq + 1));
});

const noDefaultRoute = flag((s) =>
  Object.assign(s, { defaultRoute: false, replaceDefaultRoute: false, splitDefaultRoute: false }),
);
/**
 * The MPPE key-length options, by pppd 2.4.9's ccp.c option table: `require-mppe` sets 40 and
 * 128 (replacing what was there), `require-mppe-N` adds N (`OPT_A2OR`; the first one replaces
 * pptpkit's default 128, as pppd's lengths start empty), `nomppe-N` clears N (`OPT_A2CLRB`),
 * `nomppe` clears all. pppd has no 56-bit option (`require-mppe-56` is an unknown option to
 * it); pptpkit's `require-mppe-56`/`nomppe-56` follow the rules of the 40- and 128-bit ones.
 */
const requireMppe = flag((s) =>
  Object.assign(s.mppe, {
    required: true,
    allow40: true,
    allow56: false,
    allow128: true,
    lengthsChosen: true,
  }),
);
type MppeLength = 'allow40' | 'allow56' | 'allow128';
const requireMppeLength = (length: MppeLength): OptionSpec =>
  flag((s) => {
    if (s.mppe.lengthsChosen !== true) {
      Object.assign(s.mppe, { allow40: false, allow56: false, allow128: false });
    }
    Object.assign(s.mppe, { required: true, [length]: true, lengthsChosen: true });
  });
const noMppeLength = (length: MppeLength): OptionSpec => flag((s) => (s.mppe[length] = false));
/** The SourceForge patch's `mppe-40`/`-128` (and our `mppe-56`): allow N, keep the rest. */
const allowMppeLength = (length: MppeLength): OptionSpec =>
  flag((s) => Object.assign(s.mppe, { [length]: true, lengthsChosen: true }));
const noMppe = flag((s) =>
  Object.assign(s.mppe, {
    required: false,
    allow40: false,
    allow56: false,
    allow128: false,
    lengthsChosen: true,
  }),
);
const stateless = flag((s) => {
  s.mppe.allowStateful = false;
  delete s.mppe.preferStateful;
});
/** `idle 0`/`maxconnect 0` mean no limit, as in pppd. */
function setOrClear(s: PeerSettings, key: 'idle' | 'maxConnect', v: number): void {
  if (v === 0) delete s[key];
  else s[key] = v;
}
const noCcp = flag((s) => (s.ccp = false));
const noAcfc = flag((s) => (s.acfc = false));
const noPfc = flag((s) => (s.pfc = false));
const noMagic = flag((s) => (s.magic = false));
const defaultMru = flag((s) => delete s.mru);
const debug = flag((s) => (s.debug = true));
const nodetach = flag((s) => (s.detach = 'nodetach'));

/** Options that change {@link PeerSettings}, by pppd name (and the `+x`/`-x` aliases). */
const implementedOptions: ReadonlyMap<string, OptionSpec> = new Map<string, OptionSpec>([
  [
    'pty',
    withArg((s, [cmd], at) => {
      const { server, options, refused } = parsePptpCommand(cmd!, at);
      s.server = { host: server, at };
      s.pptp = { ...options, at };
      // The server is kept, so that with --lenient the refusal is only a warning.
      if (refused.length > 0) throw refused[0];
    }),
  ],
  ['pptp-server', withArg((s, [host], at) => (s.server = { host: host!, at }))],
  // pppd's PPTP plugin (`plugin pptp.so`) names the server this way.
  ['pptp_server', withArg((s, [host], at) => (s.server = { host: host!, at }))],
  ['plugin', plugin],
  ['name', text((s, v) => (s.name = v))],
  ['user', text((s, v) => (s.user = v))],
  ['remotename', text((s, v) => (s.remotename = v))],
  ['password', text((s, v) => (s.password = v))],
  ['+ua', text((s, v) => (s.uaFile = v))],
  // Ours: the password in a file of its own (first line), so the peer file may stay readable.
  ['password-file', text((s, v) => (s.passwordFile = v))],
  // Ours: the new password (first line) for an MS-CHAPv2 password change (RFC 2759 §7).
  ['new-password-file', text((s, v) => (s.newPasswordFile = v))],
  ['usehostname', flag((s) => (s.useHostname = true))],
  ['domain', text((s, v) => (s.domain = v))],
  ['ipparam', text((s, v) => (s.ipparam = v))],
  ['linkname', text((s, v) => (s.linkname = v))],
  ['refuse-pap', refuse('pap')],
  ['-pap', refuse('pap')],
  ['refuse-chap', refuse('chap')],
  ['-chap', refuse('chap')],
  ['refuse-mschap', refuse('mschap')],
  ['-mschap', refuse('mschap')],
  ['refuse-mschap-v2', refuse('mschap-v2')],
  ['-mschap-v2', refuse('mschap-v2')],
  ['refuse-eap', refuse('eap')],
  ['-eap', refuse('eap')],
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
  ['auth', flag((s) => (s.authRequired = true))],
  ['noauth', flag((s) => (s.authRequired = false))],
  ['pap-restart', integer('pap-restart', 1, 600, (s, v) => (s.papRestart = v))],
  ['pap-max-authreq', integer('pap-max-authreq', 1, 1000, (s, v) => (s.papMaxAuthreq = v))],
  ['eap-timeout', integer('eap-timeout', 1, 3600, (s, v) => (s.eapTimeout = v))],
  ['eap-max-rreq', integer('eap-max-rreq', 1, 1000, (s, v) => (s.eapMaxRreq = v))],
  ['require-mppe', requireMppe],
  ['+mppe', requireMppe],
  ['require-mppe-40', requireMppeLength('allow40')],
  ['+mppe-40', requireMppeLength('allow40')],
  // pptpkit's own (pppd has no 56-bit MPPE): the rules of require-mppe-40/-128.
  ['require-mppe-56', requireMppeLength('allow56')],
  ['+mppe-56', requireMppeLength('allow56')],
  ['require-mppe-128', requireMppeLength('allow128')],
  ['+mppe-128', requireMppeLength('allow128')],
  ['nomppe', noMppe],
  ['-mppe', noMppe],
  ['nomppe-40', noMppeLength('allow40')],
  ['-mppe-40', noMppeLength('allow40')],
  ['nomppe-56', noMppeLength('allow56')],
  ['-mppe-56', noMppeLength('allow56')],
  ['nomppe-128', noMppeLength('allow128')],
  ['-mppe-128', noMppeLength('allow128')],
  ['mppe-stateful', flag((s) => (s.mppe.allowStateful = true))],
  ['nomppe-stateful', stateless],
  // pptpkit's own: request stateful MPPE (see MppeSettings.preferStateful).
  [
    'mppe-stateful-prefer',
    flag((s) => Object.assign(s.mppe, { allowStateful: true, preferStateful: true })),
  ],
  // The SourceForge MPPE patch's spelling, used by the seed guide.
  ['mppe-40', allowMppeLength('allow40')],
  ['mppe-56', allowMppeLength('allow56')],
  ['mppe-128', allowMppeLength('allow128')],
  ['mppe-stateless', stateless],
  ['mppe', mppeList],
  ['mppc', flag((s) => (s.mppc = true))],
  ['nomppc', flag((s) => (s.mppc = false))],
  ['noccp', noCcp],
  ['-ccp', noCcp],
  ['noaccomp', noAcfc],
  ['-ac', noAcfc],
  ['nopcomp', noPfc],
  ['-pc', noPfc],
  ['nomagic', noMagic],
  ['-mn', noMagic],
  ['default-mru', defaultMru],
  ['-mru', defaultMru],
  [
    '-all',
    flag((s) => {
      Object.assign(s, { acfc: false, pfc: false, magic: false });
      delete s.mru;
    }),
  ],
  ['mtu', integer('mtu', 128, 16384, (s, v) => (s.mtu = v))],
  ['mru', integer('mru', 128, 16384, (s, v) => (s.mru = v))],
  ['lcp-restart', timer('lcp-restart', 'lcpTimers', 'restartSeconds', 600)],
  ['lcp-max-configure', timer('lcp-max-configure', 'lcpTimers', 'maxConfigure', 1000)],
  ['lcp-max-terminate', timer('lcp-max-terminate', 'lcpTimers', 'maxTerminate', 1000)],
  ['lcp-max-failure', timer('lcp-max-failure', 'lcpTimers', 'maxFailure', 1000)],
  ['ipcp-restart', timer('ipcp-restart', 'ipcpTimers', 'restartSeconds', 600)],
  ['ipcp-max-configure', timer('ipcp-max-configure', 'ipcpTimers', 'maxConfigure', 1000)],
  ['ipcp-max-terminate', timer('ipcp-max-terminate', 'ipcpTimers', 'maxTerminate', 1000)],
  ['ipcp-max-failure', timer('ipcp-max-failure', 'ipcpTimers', 'maxFailure', 1000)],
  ['ipcp-accept-local', flag((s) => (s.acceptLocal = true))],
  ['ipcp-accept-remote', flag((s) => (s.acceptRemote = true))],
  ['defaultroute', flag((s) => (s.defaultRoute = true))],
  ['nodefaultroute', noDefaultRoute],
  ['-defaultroute', noDefaultRoute],
  // pptpkit's own: 0.0.0.0/1 + 128.0.0.0/1 through the tunnel, the default route untouched.
  ['defaultroute-split', flag((s) => (s.splitDefaultRoute = true))],
  [
    'defaultroute-metric',
    integer('defaultroute-metric', 0, 0xffff_ffff, (s, v) => (s.defaultRouteMetric = v)),
  ],
  [
    'replacedefaultroute',
    flag((s) => Object.assign(s, { defaultRoute: true, replaceDefaultRoute: true })),
  ],
  ['noreplacedefaultroute', flag((s) => (s.replaceDefaultRoute = false))],
  ['usepeerdns', flag((s) => (s.usePeerDns = true))],
  ['persist', flag((s) => (s.persist = true))],
  ['nopersist', flag((s) => (s.persist = false))],
  ['maxfail', integer('maxfail', 0, 1_000_000, (s, v) => (s.maxfail = v))],
  ['holdoff', integer('holdoff', 0, 86_400, (s, v) => (s.holdoff = v))],
  ['idle', integer('idle', 0, 2_000_000, (s, v) => setOrClear(s, 'idle', v))],
  ['maxconnect', integer('maxconnect', 0, 2_000_000, (s, v) => setOrClear(s, 'maxConnect', v))],
  ['lcp-echo-interval', integer('lcp-echo-interval', 0, 86_400, (s, v) => (s.lcpEchoInterval = v))],
  ['lcp-echo-failure', integer('lcp-echo-failure', 0, 1000, (s, v) => (s.lcpEchoFailure = v))],
  ['ifname', text((s, v) => (s.ifname = v))],
  ['unit', integer('unit', 0, 65_535, (s, v) => (s.unit = v))],
  ['debug', debug],
  ['-d', debug],
  ['logfile', text((s, v) => (s.logfile = v))],
  ['nolog', flag((s) => delete s.logfile)],
  ['nodetach', nodetach],
  ['-detach', nodetach],
  ['updetach', flag((s) => (s.detach = 'updetach'))],
  // pppd 2.5: tell systemd once up (READY=1), in the foreground. pptpkit notifies whenever
  // systemd gives it a NOTIFY_SOCKET; what is left is the foreground.
  ['up_sdnotify', nodetach],
  ['ip-up-script', text((s, v) => (s.ipUpScript = v))],
  ['ip-down-script', text((s, v) => (s.ipDownScript = v))],
  // IPv6CP (pppd's ipv6cp.c options) and pptpkit's own ipv6-leak-block.
  ['+ipv6', flag((s) => (s.ipv6.enabled = true))],
  ['ipv6', withArg((s, [word], at) => applyIpv6Identifiers(s.ipv6, word!, at))],
  ['noipv6', flag((s) => (s.ipv6.enabled = false))],
  ['-ipv6', flag((s) => (s.ipv6.enabled = false))],
  ['ipv6cp-accept-local', flag((s) => (s.ipv6.acceptLocal = true))],
  ['ipv6cp-accept-remote', flag((s) => (s.ipv6.acceptRemote = true))],
  ['ipv6cp-use-ipaddr', flag((s) => (s.ipv6.useIpaddr = true))],
  ['ipv6cp-use-persistent', flag((s) => (s.ipv6.usePersistent = true))],
  ['defaultroute6', flag((s) => (s.ipv6.defaultRoute = true))],
  ['nodefaultroute6', flag((s) => (s.ipv6.defaultRoute = false))],
  ['-defaultroute6', flag((s) => (s.ipv6.defaultRoute = false))],
  ['ipv6-leak-block', flag((s) => (s.ipv6.leakBlock = true))],
  ['noipv6-leak-block', flag((s) => (s.ipv6.leakBlock = false))],
  ['ipv6-up-script', text((s, v) => (s.ipv6.upScript = v))],
  ['ipv6-down-script', text((s, v) => (s.ipv6.downScript = v))],
  ['set', setEnv],
  ['unset', text((s, v) => s.scriptEnv.set(v, null))],
]);

/**
 * Every option pptpkit knows, by pppd name: the implemented ones, those accepted without
 * effect and those refused (see {@link OptionSpec}). Anything else is unknown: an error naming
 * file, line and option (a warning with `--lenient`). Serial speeds (`115200`), device paths
 * (`/dev/ttyS0`) and `local:remote` address pairs are recognised by their form, as pppd does.
 */
export const optionTable: ReadonlyMap<string, OptionSpec> = new Map<string, OptionSpec>([
  ...ignoredOptions,
  ...refusedOptions,
  ...implementedOptions,
]);
