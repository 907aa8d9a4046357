import { type ConfigLocation, configError } from './config-error.js';
import type { AuthMethod, PeerSettings } from './peer-settings.js';
import { serverFromPty } from './pty-command.js';

/** An option's effect: applies its arguments to the settings. */
type Apply = (s: PeerSettings, args: readonly string[], at: ConfigLocation) => void;

/** How many arguments an option takes and what it does with them. */
interface OptionSpec {
  readonly args: 0 | 1;
  readonly apply: Apply;
}

const flag = (apply: (s: PeerSettings) => void): OptionSpec => ({ args: 0, apply });
const text = (apply: (s: PeerSettings, v: string) => void): OptionSpec => ({
  args: 1,
  apply: (s, [v]) => apply(s, v!),
});
const accepted: OptionSpec = flag(() => {});

/** Parses a pppd number (C `strtoul` base 0: decimal, `0x` hex, leading-0 octal) in a range. */
function integer(
  option: string,
  min: number,
  max: number,
  apply: (s: PeerSettings, v: number) => void,
): OptionSpec {
  return {
    args: 1,
    apply: (s, [raw], at) => {
      const v = raw!;
      const n = /^0x[0-9a-f]+$/i.test(v)
        ? Number.parseInt(v.slice(2), 16)
        : /^0[0-7]+$/.test(v)
          ? Number.parseInt(v, 8)
          : /^[0-9]+$/.test(v)
            ? Number(v)
            : Number.NaN;
      if (!Number.isInteger(n) || n < min || n > max) {
        throw configError(
          'CONFIG_BAD_VALUE',
          at,
          option,
          `'${v}' is not a number in ${min}..${max}`,
        );
      }
      apply(s, n);
    },
  };
}

const refuse = (m: AuthMethod): OptionSpec => flag((s) => s.refuse.add(m));
const requirePeer = (m: AuthMethod): OptionSpec =>
  flag((s) => {
    s.requirePeerAuth.add(m);
    s.authRequired = true;
  });

/** The old `mppe required,stateless,no40,...` syntax of Debian's pppd MPPE patch. */
const mppeList: OptionSpec = {
  args: 1,
  apply: (s, [list], at) => {
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
          break; // 56-bit is never offered by pptpkit
        default:
          throw configError('CONFIG_BAD_VALUE', at, 'mppe', `unknown MPPE keyword '${item}'`);
      }
    }
  },
};

/**
 * The options pptpkit understands, by pppd name. Options that only make sense for pppd on a
 * serial line are not here: they are errors naming file and line (a warning with `--lenient`).
 */
export const optionTable: ReadonlyMap<string, OptionSpec> = new Map<string, OptionSpec>([
  ['pty', { args: 1, apply: (s, [cmd], at) => (s.server = { host: serverFromPty(cmd!, at), at }) }],
  ['pptp-server', { args: 1, apply: (s, [host], at) => (s.server = { host: host!, at }) }],
  ['name', text((s, v) => (s.name = v))],
  ['user', text((s, v) => (s.user = v))],
  ['remotename', text((s, v) => (s.remotename = v))],
  ['password', text((s, v) => (s.password = v))],
  ['ipparam', text((s, v) => (s.ipparam = v))],
  ['refuse-pap', refuse('pap')],
  ['refuse-chap', refuse('chap')],
  ['refuse-mschap', refuse('mschap')],
  ['refuse-mschap-v2', refuse('mschap-v2')],
  ['refuse-eap', refuse('eap')],
  ['require-pap', requirePeer('pap')],
  ['require-chap', requirePeer('chap')],
  ['require-mschap', requirePeer('mschap')],
  ['require-mschap-v2', requirePeer('mschap-v2')],
  ['require-eap', requirePeer('eap')],
  ['auth', flag((s) => (s.authRequired = true))],
  ['noauth', flag((s) => (s.authRequired = false))],
  [
    'require-mppe',
    flag((s) => Object.assign(s.mppe, { required: true, allow40: true, allow128: true })),
  ],
  [
    'require-mppe-40',
    flag((s) => Object.assign(s.mppe, { required: true, allow40: true, allow128: false })),
  ],
  [
    'require-mppe-128',
    flag((s) => Object.assign(s.mppe, { required: true, allow40: false, allow128: true })),
  ],
  [
    'nomppe',
    flag((s) => Object.assign(s.mppe, { required: false, allow40: false, allow128: false })),
  ],
  ['nomppe-40', flag((s) => (s.mppe.allow40 = false))],
  ['nomppe-128', flag((s) => (s.mppe.allow128 = false))],
  ['mppe-stateful', flag((s) => (s.mppe.allowStateful = true))],
  [
    'nomppe-stateful',
    flag((s) => {
      s.mppe.allowStateful = false;
      delete s.mppe.preferStateful;
    }),
  ],
  // pptpkit's own: request stateful MPPE (see MppeSettings.preferStateful).
  [
    'mppe-stateful-prefer',
    flag((s) => Object.assign(s.mppe, { allowStateful: true, preferStateful: true })),
  ],
  // The SourceForge MPPE patch's spelling, used by the seed guide.
  ['mppe-40', flag((s) => (s.mppe.allow40 = true))],
  ['mppe-128', flag((s) => (s.mppe.allow128 = true))],
  [
    'mppe-stateless',
    flag((s) => {
      s.mppe.allowStateful = false;
      delete s.mppe.preferStateful;
    }),
  ],
  ['mppe', mppeList],
  ['mppc', flag((s) => (s.mppc = true))],
  ['nomppc', flag((s) => (s.mppc = false))],
  // Compression schemes pptpkit never offers; asking not to is a no-op.
  ['nobsdcomp', accepted],
  ['nodeflate', accepted],
  ['novj', accepted],
  ['novjccomp', accepted],
  ['noipdefault', accepted],
  // pppd's serial-device lock: there is no serial device.
  ['lock', accepted],
  ['mtu', integer('mtu', 128, 16384, (s, v) => (s.mtu = v))],
  ['mru', integer('mru', 128, 16384, (s, v) => (s.mru = v))],
  ['defaultroute', flag((s) => (s.defaultRoute = true))],
  [
    'nodefaultroute',
    flag((s) =>
      Object.assign(s, {
        defaultRoute: false,
        replaceDefaultRoute: false,
        splitDefaultRoute: false,
      }),
    ),
  ],
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
  ['usepeerdns', flag((s) => (s.usePeerDns = true))],
  ['persist', flag((s) => (s.persist = true))],
  ['nopersist', flag((s) => (s.persist = false))],
  ['maxfail', integer('maxfail', 0, 1_000_000, (s, v) => (s.maxfail = v))],
  ['holdoff', integer('holdoff', 0, 86_400, (s, v) => (s.holdoff = v))],
  ['lcp-echo-interval', integer('lcp-echo-interval', 0, 86_400, (s, v) => (s.lcpEchoInterval = v))],
  ['lcp-echo-failure', integer('lcp-echo-failure', 0, 1000, (s, v) => (s.lcpEchoFailure = v))],
  ['ifname', text((s, v) => (s.ifname = v))],
  ['unit', integer('unit', 0, 65_535, (s, v) => (s.unit = v))],
  ['debug', flag((s) => (s.debug = true))],
  ['logfile', text((s, v) => (s.logfile = v))],
  ['nodetach', flag((s) => (s.detach = 'nodetach'))],
  ['updetach', flag((s) => (s.detach = 'updetach'))],
]);
