/**
 * `serve-config`: `pptpkit serve`'s configuration (apps/client/src/serve/config, imported by
 * relative path) on bundles of pptpd.conf, the ppp options it names, /etc/ppp/options,
 * chap-secrets, pap-secrets and `@/file` secrets; then the secrets lookups and the address
 * rules the server decides with.
 *
 * @module
 */
import { encodeUtf8, formatIpv4, parseIpv4 } from '@pptpkit/wire';
import { optionTable } from '../../../apps/client/src/config/index.js';
import type { ReadResult } from '../../../apps/client/src/config/read-failure.js';
import {
  type AddressRange,
  type AddressRule,
  addressCount,
  checkSecret,
  loadServerConfig,
  loadServerSecrets,
  lookupServerSecret,
  type ServerAuthMethod,
  type ServerConfig,
  type ServerSecrets,
} from '../../../apps/client/src/serve/config/index.js';
import { invariant, typedErrorCode } from '../engine/outcome.js';
import { hashBytes, type Rng } from '../engine/rng.js';
import { sameValue } from '../engine/same-value.js';
import type { FuzzTarget, StepTimer } from '../engine/target.js';
import { buildBundle, parseBundle } from './config-bundle.js';

const CONF = '/etc/pptpd.conf';
const OPTIONS = '/etc/ppp/options.pptpd';
const GLOBAL = '/etc/ppp/options';
const CHAP = '/etc/ppp/chap-secrets';
const PAP = '/etc/ppp/pap-secrets';
const SECRET_FILE = '/etc/ppp/secret';
/** Planted in secret columns: text that must never reach a message. */
const MARK = 'Zq7MARK';
const MARK_RE = /Zq7MARK[0-9]*/g;

/** A message and its details, for the secret check. */
type Said = string;

/** Runs `f`: a value, or a typed error whose code must satisfy `ok`. */
function typed<T>(
  timer: StepTimer,
  said: Said[],
  ok: (code: string) => boolean,
  what: string,
  f: () => T,
): { value: T } | { code: string; error: Error & { details?: Record<string, unknown> } } {
  try {
    return { value: timer.time(f) };
  } catch (error) {
    const code = typedErrorCode(error);
    if (code === undefined) throw error;
    invariant(ok(code), `${what} failed with an unexpected code`, code);
    const e = error as Error & { details?: Record<string, unknown> };
    said.push(e.message, JSON.stringify(e.details ?? {}));
    return { code, error: e };
  }
}

/** The error names the file and line it gives in its details, as `file:line: `. */
function checkErrorPlace(e: Error & { details?: Record<string, unknown> }, read: Set<string>) {
  const file = e.details?.file;
  const line = e.details?.line;
  invariant(
    typeof file === 'string' && typeof line === 'number' && Number.isInteger(line) && line >= 0,
    'a configuration error without a file and a line from 0',
    e.message,
  );
  invariant(
    e.message.startsWith(`${file}:${line}: `),
    'a configuration error not led by file:line',
  );
  invariant(read.has(file), 'a configuration error names a file that was not read', file);
}

const STEPS = new Set([1, 256, 65_536, 16_777_216]);

function checkRanges(list: readonly AddressRange[], which: string): void {
  invariant(list.length > 0, `an empty ${which} list`);
  for (const r of list) {
    invariant(
      Number.isInteger(r.first) &&
        Number.isInteger(r.last) &&
        r.first >= 0 &&
        r.first <= r.last &&
        r.last <= 0xffff_ffff &&
        STEPS.has(r.step) &&
        (r.last - r.first) % r.step === 0,
      `a ${which} range that is not first <= last with a valid step`,
      JSON.stringify(r),
    );
  }
}

const isAddress = (a: number): boolean => Number.isInteger(a) && a >= 0 && a <= 0xffff_ffff;

/** The sanity of a loaded configuration. */
function checkConfig(c: ServerConfig, read: Set<string>): void {
  checkRanges(c.localIp, 'localip');
  checkRanges(c.remoteIp, 'remoteip');
  const remotes = addressCount(c.remoteIp);
  const locals = addressCount(c.localIp);
  invariant(
    Number.isInteger(c.maxSessions) && c.maxSessions >= 1 && c.maxSessions <= 65_535,
    'maxSessions is not an integer in 1..65535',
    String(c.maxSessions),
  );
  invariant(c.maxSessions <= remotes, 'maxSessions exceeds the remoteip addresses');
  invariant(c.pairLocal === locals > 1, 'pairLocal does not say whether localip is a list');
  invariant(!c.pairLocal || c.maxSessions <= locals, 'maxSessions exceeds the localip addresses');
  invariant(parseIpv4(c.listen) !== undefined, 'listen is not an IPv4 address', c.listen);
  invariant(c.startTimeout >= 1 && c.startTimeout <= 86_400, 'stimeout out of 1..86400');
  for (const list of [c.dns, c.wins]) {
    invariant(list.length === 0 || list.length === 2, 'ms-dns/ms-wins not 0 or 2 addresses');
    invariant(list.every(isAddress), 'ms-dns/ms-wins holds a non-address');
  }
  invariant(
    c.requireAuth.length > 0 || c.warnings.some((w) => w.message.includes('no authentication')),
    'no authentication required and no warning about it',
  );
  invariant(
    new Set(c.requireAuth).size === c.requireAuth.length,
    'a method required twice',
    c.requireAuth.join(','),
  );
  const m = c.mppe;
  invariant(
    m.required === (m.allow128 || m.allow56 || m.allow40),
    'MPPE required without a key length',
  );
  if (m.required) {
    // With MPPE required, EAP is EAP-MS-CHAP-V2 only (EAP-MD5 yields no keys); MS-CHAP (v1)
    // yields keys only with 128 bits allowed.
    const keyed: ServerAuthMethod[] = m.allow128
      ? ['mschap-v2', 'mschap', 'eap']
      : ['mschap-v2', 'eap'];
    invariant(
      c.requireAuth.length > 0 && c.requireAuth.every((x) => keyed.includes(x)),
      'MPPE required with a method that yields no MPPE keys',
      c.requireAuth.join(','),
    );
  }
  for (const w of [...c.warnings, ...c.ignored]) {
    invariant(read.has(w.file), 'a warning names a file that was not read', w.file);
    invariant(Number.isInteger(w.line) && w.line >= 0, 'a warning with a line below 0');
  }
}

/** Addresses to probe a rule with: those its column names, the pool's edges, special ones. */
function probes(
  words: readonly string[],
  config: ServerConfig | undefined,
  seed: number,
): number[] {
  const out = new Set<number>([
    0,
    0x7f00_0001,
    0xe000_0001,
    0xffff_ffff,
    0x0a00_0001,
    0xc0a8_0101,
    seed >>> 0,
  ]);
  for (const w of words) {
    const a = parseIpv4(w.replace(/^!/, '').replace(/\/.*$/, ''));
    if (a !== undefined) for (const d of [-1, 0, 1]) out.add((a + d) >>> 0);
  }
  for (const r of config?.remoteIp ?? []) out.add(r.first).add(r.last);
  return [...out];
}

/** pppd's rules as address-rule.ts documents them, checked on what they determine alone. */
function checkRule(rule: AddressRule, words: readonly string[], addresses: number[]): void {
  const bad = (a: number): boolean => a >>> 24 === 127 || a >>> 28 >= 0xe;
  const single = rule.single();
  invariant(
    single === undefined || (isAddress(single) && rule.permits(single)),
    'single() is an address permits() refuses',
    single === undefined ? '' : formatIpv4(single),
  );
  if (single !== undefined) {
    invariant(
      words.some((w) => w === formatIpv4(single) || w === `${formatIpv4(single)}/32`),
      'single() is not a host address the column names',
      formatIpv4(single),
    );
  }
  invariant(rule.choose(undefined) === single, 'choose(undefined) is not single()');
  const head = words[0];
  for (const a of addresses) {
    const ok = rule.permits(a);
    invariant(typeof ok === 'boolean', 'permits() is not a boolean');
    if (bad(a)) invariant(!ok, 'a loopback, multicast or class E address is permitted');
    if (head === undefined || head === '-' || head === '--')
      invariant(!ok, 'an address permitted by an empty column or one that starts with -');
    if (head === '*' && !bad(a)) invariant(ok, 'an address refused by a column that starts with *');
    invariant(
      rule.choose(a) === (ok ? a : single),
      'choose() is neither the permitted offer nor single()',
    );
  }
}

/** Markers that occur in the bundle only inside secrets: no message may contain them. */
function pureSecretMarks(
  text: string,
  secrets: ServerSecrets,
  read: (p: string) => string | undefined,
) {
  const inSecrets: string[] = [];
  const files = new Set<string>();
  for (const e of [...secrets.chap, ...secrets.pap]) {
    if (e.secret.startsWith('@/')) files.add(e.secret.slice(1));
    else inSecrets.push(...(e.secret.match(MARK_RE) ?? []));
  }
  for (const f of files) {
    const first = /^\s*(\S+)/.exec(read(f) ?? '')?.[1] ?? '';
    inSecrets.push(...(first.match(MARK_RE) ?? []));
  }
  const count = (list: readonly string[], m: string): number => list.filter((x) => x === m).length;
  const all = text.match(MARK_RE) ?? [];
  return [...new Set(inSecrets)].filter((m) => count(all, m) === count(inSecrets, m));
}

/** pptpd.conf, its options files and the secrets, loaded and looked up as `pptpkit serve` does. */
export const serveConfigTarget: FuzzTarget = {
  name: 'serve-config',
  packageName: 'pptpkit',
  entry:
    'loadServerConfig (strict and --lenient) on pptpd.conf + ppp options, loadServerSecrets, lookupServerSecret for every name, the AddressRule of each match, checkSecret',
  invariants: [
    'errors are typed CONFIG_* errors led by file:line of a file that was read',
    'what loads strictly loads leniently, to the same configuration',
    'a loaded configuration is sane: 1 <= maxSessions <= addresses, ranges first <= last with a valid step, ms-dns/ms-wins 0 or 2, a warning when no authentication is required, MPPE only with keyed methods',
    'lookupServerSecret returns a matching entry of the best score or throws CONFIG_NO_SECRET/CONFIG_UNREADABLE',
    "an AddressRule never throws; single() is a host the column names and permits() accepts; choose() follows pppd's rule",
    'no secret text (a planted marker) appears in an error or warning',
  ],
  maxLength: 8192,
  timing: 'input',
  dictionary: [
    '\nlocalip ',
    '\nremoteip ',
    '\nconnections ',
    '\noption /etc/ppp/options.pptpd',
    '\nrequire-mppe-128',
    '\nrequire-mschap-v2',
    '\nfile /etc/ppp/x0',
    '\n%% /etc/ppp/chap-secrets\n',
    '-',
    ',',
    '.',
    '!',
    '/',
    '*',
    ' "',
    `@${SECRET_FILE}`,
    MARK,
  ].map(encodeUtf8),
  seeds() {
    const conf = [
      'option /etc/ppp/options.pptpd',
      'logwtmp',
      'localip 192.168.0.1',
      'remoteip 192.168.0.234-238,192.168.0.245',
      'connections 4',
    ].join('\n');
    const options = [
      'name pptpd',
      'refuse-pap\nrefuse-chap\nrefuse-mschap\nrequire-mschap-v2',
      'require-mppe-128',
      'ms-dns 10.0.0.1\nms-dns 10.0.0.2',
      'proxyarp\nlock\nnobsdcomp\nnovj\nnovjccomp\nnologfd',
    ].join('\n');
    return [
      buildBundle(conf, [
        [OPTIONS, options],
        [CHAP, `alice pptpd "${MARK}1" *\nbob * ${MARK}2 192.168.0.236 !192.168.0.0/24\n`],
        [PAP, `carol * @${SECRET_FILE} 10.0.0.0/8 -\n* * "" -\n`],
        [SECRET_FILE, `${MARK}3 tail\n`],
      ]),
      buildBundle('localip 10.0.0.1-3\nremoteip 10.1-3.0.1\nconnections 100\n', [
        [GLOBAL, 'auth\nrequire-pap\n'],
        [PAP, `* * ${MARK}4\n`],
      ]),
    ];
  },
  generate: generateServeBundle,
  run(input, timer) {
    const bundle = parseBundle(input, CONF);
    const read = new Set<string>();
    const reader = (path: string): ReadResult => {
      read.add(path);
      return bundle.readConfig(path);
    };
    const hostname = (input.length & 1) === 0 ? undefined : 'fuzzhost';
    const base = {
      configFile: CONF,
      read: reader,
      ...(hostname === undefined ? {} : { hostname }),
    };
    const said: Said[] = [];
    const isConfig = (code: string): boolean => code.startsWith('CONFIG_');
    const strict = typed(timer, said, isConfig, 'loadServerConfig', () => loadServerConfig(base));
    const lenient = typed(timer, said, isConfig, 'loadServerConfig', () =>
      loadServerConfig({ ...base, lenient: true }),
    );
    for (const r of [strict, lenient]) if ('error' in r) checkErrorPlace(r.error, read);
    if ('value' in strict) {
      invariant('value' in lenient, 'a configuration that loads strictly fails with --lenient');
      invariant(
        sameValue(strict.value, lenient.value),
        '--lenient changes a configuration that loads strictly',
      );
    }
    const config = 'value' in lenient ? lenient.value : undefined;
    if (config !== undefined) {
      checkConfig(config, read);
      for (const w of config.warnings) said.push(w.message);
      for (const o of config.ignored) said.push(o.option, o.why);
    }
    // Config errors may quote option files that hold a marker: they are not secrets then.
    const configSaid = said.splice(0).join('\n');

    const secrets = timer.time(() => loadServerSecrets(bundle.readConfig, CHAP, PAP));
    for (const w of secrets.warnings) said.push(w.message);
    const serverNames = [
      ...new Set([config?.name ?? 'pptpd', '*', ...secrets.chap.map((e) => e.server)]),
    ].slice(0, 3);
    const users = [
      ...new Set(['nobody', ...[...secrets.chap, ...secrets.pap].map((e) => e.client)]),
    ].slice(0, 5);
    let found = 0;
    for (const method of ['mschap-v2', 'pap'] as const) {
      const entries = method === 'pap' ? secrets.pap : secrets.chap;
      for (const user of users) {
        for (const server of serverNames) {
          const r = typed(
            timer,
            said,
            (c) => c === 'CONFIG_NO_SECRET' || c === 'CONFIG_UNREADABLE',
            'lookupServerSecret',
            () => lookupServerSecret(secrets, method, user, server, bundle.readConfig),
          );
          if (!('value' in r)) continue;
          found++;
          const { entry, secret, addresses, warnings } = r.value;
          for (const w of warnings) said.push(w.message);
          const matches = (e: typeof entry): boolean =>
            (e.client === '*' || e.client === user) && (e.server === '*' || e.server === server);
          const score = (e: typeof entry): number =>
            (e.client === '*' ? 0 : 2) + (e.server === '*' ? 0 : 1);
          invariant(
            entries.includes(entry) && matches(entry),
            'a secret for an entry that does not match',
          );
          invariant(
            !entries.some(
              (e) => matches(e) && score(e) > score(entry) && !e.secret.startsWith('@/'),
            ),
            'a secret from an entry with a lower score than a usable one',
          );
          if (!entry.secret.startsWith('@/'))
            invariant(secret === entry.secret, 'the secret is not the entry’s');
          invariant(checkSecret(r.value, secret), 'checkSecret refuses the secret itself');
          if (secret !== '')
            invariant(!checkSecret(r.value, `${secret}x`), 'checkSecret accepts a longer password');
          timer.time(() =>
            checkRule(
              addresses,
              entry.addresses,
              probes(entry.addresses, config, hashBytes(input)),
            ),
          );
        }
      }
    }
    const text = [...bundle.files.values()].join('\n');
    const marks = pureSecretMarks(text, secrets, bundle.read);
    const configMarks = marks.filter(
      (m) => ![...read].some((p) => bundle.files.get(p)?.includes(m)),
    );
    const secretSaid = said.join('\n');
    for (const m of marks)
      invariant(!secretSaid.includes(m), 'a secret appears in a secrets message');
    for (const m of configMarks)
      invariant(!configSaid.includes(m), 'a secret appears in a configuration message');
    const head = config === undefined ? ('code' in lenient ? lenient.code : 'none') : 'loaded';
    return `${head}/${found > 0 ? 'found' : 'no-secret'}`;
  },
};

const SERVER_OPTIONS = [
  'name',
  'usehostname',
  'domain',
  'auth',
  'noauth',
  'require-pap',
  'require-chap',
  'require-mschap',
  'require-mschap-v2',
  '+pap',
  '+mschap-v2',
  'require-eap',
  'refuse-pap',
  'refuse-chap',
  'refuse-mschap',
  'refuse-eap',
  'require-mppe',
  'require-mppe-40',
  'require-mppe-128',
  'nomppe',
  'nomppe-40',
  'nomppe-128',
  'mppe-stateful',
  'nomppe-stateful',
  'mppe',
  'mppc',
  'nomppc',
  'noccp',
  'ms-dns',
  'ms-wins',
  'proxyarp',
  'noproxyarp',
  'lcp-echo-interval',
  'lcp-echo-failure',
  'mtu',
  'mru',
  'idle',
  'maxconnect',
  'ipparam',
  'debug',
  'logfile',
  'nolog',
  'nodetach',
  'defaultroute',
  'nodefaultroute',
  'usepeerdns',
  'persist',
  'pty',
  'call',
  'plugin',
  'remotename',
  'user',
  'password',
  'lock',
  'nobsdcomp',
  'novj',
  'file',
];
const ONE_ARG = new Set([
  'name',
  'domain',
  'mppe',
  'ms-dns',
  'ms-wins',
  'lcp-echo-interval',
  'lcp-echo-failure',
  'mtu',
  'mru',
  'idle',
  'maxconnect',
  'ipparam',
  'logfile',
  'pty',
  'call',
  'plugin',
  'remotename',
  'user',
  'password',
  'file',
]);
const ARGS = [
  '0',
  '1',
  '30',
  '0x10',
  '010',
  '128',
  '1500',
  '16384',
  '99999999999',
  '-1',
  'abc',
  '10.0.0.1',
  '255.255.255.255',
  '1.2.3',
  'required,stateless,no40',
  'required,stateful,no128',
  'stateless,bogus',
  '/etc/ppp/x0',
  OPTIONS,
  CHAP,
  '"a b"',
];

function octet(rng: Rng): string {
  return String(rng.pick([0, 1, 2, 9, 10, 100, 127, 192, 224, 254, 255, 256, rng.below(256)]));
}

/** A pptpd address list item: a quad, one octet as a range (any of the four), or junk. */
function addressItem(rng: Rng): string {
  const q = [octet(rng), octet(rng), octet(rng), octet(rng)];
  const roll = rng.below(10);
  if (roll < 3) return q.join('.');
  if (roll < 8) {
    const at = roll < 6 ? 3 : rng.below(4);
    const lo = rng.below(256);
    q[at] = `${lo}-${rng.chance(0.9) ? Math.min(255, lo + rng.below(12)) : rng.below(300)}`;
    return q.join('.');
  }
  return rng.pick([
    '',
    'host.example',
    '10.0.0.1-10.0.0.5',
    '10.0.0.01',
    '10.0.0.1 ',
    '1-2.3-4.5.6',
  ]);
}

function addressList(rng: Rng): string {
  return Array.from({ length: rng.int(1, 4) }, () => addressItem(rng)).join(',');
}

function confText(rng: Rng): string {
  const lines: string[] = [];
  if (rng.chance(0.85)) lines.push(`option ${rng.chance(0.9) ? OPTIONS : '/etc/ppp/none'}`);
  for (let n = rng.int(0, 9); n > 0; n--) {
    switch (rng.below(12)) {
      case 0:
      case 1:
        lines.push(`localip ${addressList(rng)}`);
        break;
      case 2:
      case 3:
        lines.push(`remoteip ${addressList(rng)}`);
        break;
      case 4:
        lines.push(`connections ${rng.pick(['0', '1', '4', '100', '65535', '65536', 'x', '4 '])}`);
        break;
      case 5:
        lines.push(`listen ${rng.pick(['0.0.0.0', '10.0.0.1', 'localhost', '1.2.3.4.5'])}`);
        break;
      case 6:
        lines.push(`stimeout ${rng.pick(['1', '10', '0', '86401'])}`);
        break;
      case 7:
        lines.push(
          rng.pick(['debug', 'noipparam', 'logwtmp', 'speed 115200', 'ppp /usr/sbin/pppd']),
        );
        break;
      case 8:
        lines.push(
          rng.pick(['bcrelay eth1', 'delegate', 'vrf x', 'nosuchkeyword 1', ' localip 1.2.3.4']),
        );
        break;
      case 9:
        lines.push(`# ${rng.pick(['localip 1.1.1.1', 'comment'])}`);
        break;
      case 10:
        lines.push(`remoteip ${'10.0.0.1,'.repeat(rng.int(40, 70))}10.0.0.2`);
        break;
      default:
        lines.push(rng.pick(['option', 'localip', 'connections 2\t ', 'remoteip\t10.9.0.2-5']));
    }
  }
  return lines.join('\n');
}

function optionsText(rng: Rng, lines: number): string {
  const names = rng.chance(0.2) ? [...optionTable.keys()] : SERVER_OPTIONS;
  const out: string[] = [];
  for (let k = 0; k < lines; k++) {
    const name = rng.pick(names);
    const takes = ONE_ARG.has(name) || optionTable.get(name)?.args === 1;
    if (name === 'file')
      out.push(`file ${rng.pick(['/etc/ppp/x0', '/etc/ppp/x0', '/missing', OPTIONS])}`);
    else out.push(takes ? `${name} ${rng.pick(ARGS)}` : name);
  }
  return out.join(rng.chance(0.1) ? ' ' : '\n');
}

const NAMES = ['alice', 'bob', 'pptpd', 'fuzzhost', '*', '"*"', 'x y', '""', '-'];
const ADDRESS_WORDS = [
  '*',
  '-',
  '--',
  '10.0.0.5',
  '!10.0.0.5',
  '10.0.0.0/24',
  '!10.0.0.0/8',
  '192.168.1.7',
  '192.168.0.0/16',
  '127.0.0.1',
  '224.0.0.1',
  '0.0.0.0/1',
  'host.example',
  '!host.example',
  '10.0.0.0/33',
  '10.0.0.0/24+',
  '10.9.0.2',
  'mtu',
  '1400',
];

function secretWord(rng: Rng, n: number): string {
  const mark = `${MARK}${n}`;
  switch (rng.below(8)) {
    case 0:
      return `@${SECRET_FILE}`;
    case 1:
      return `"${mark} with space"`;
    case 2:
      return `${mark}${'x'.repeat(rng.int(1000, 1100))}`;
    case 3:
      return `"${mark}`;
    case 4:
      return '""';
    default:
      return mark;
  }
}

function secretsText(rng: Rng, base: number): string {
  const lines: string[] = [];
  for (let n = rng.int(0, 6); n > 0; n--) {
    const cols = [rng.pick(NAMES), rng.pick(NAMES), secretWord(rng, base + n)];
    for (let a = rng.pick([0, 0, 1, 1, 2, 3, 4]); a > 0; a--) cols.push(rng.pick(ADDRESS_WORDS));
    const cut = rng.chance(0.1) ? rng.int(1, 2) : cols.length;
    lines.push(cols.slice(0, cut).join(rng.pick([' ', '\t'])) + (rng.chance(0.1) ? ' # c' : ''));
  }
  return lines.join('\n');
}

/** A bundle: pptpd.conf, its options file, maybe /etc/ppp/options and includes, secrets. */
function generateServeBundle(rng: Rng): Uint8Array {
  const others: [string, string][] = [];
  if (rng.chance(0.9)) others.push([OPTIONS, optionsText(rng, rng.int(0, 14))]);
  if (rng.chance(0.3)) others.push([GLOBAL, optionsText(rng, rng.int(0, 4))]);
  if (rng.chance(0.3)) others.push(['/etc/ppp/x0', optionsText(rng, rng.int(0, 4))]);
  if (rng.chance(0.85)) others.push([CHAP, secretsText(rng, 10)]);
  if (rng.chance(0.5)) others.push([PAP, secretsText(rng, 20)]);
  if (rng.chance(0.5)) others.push([SECRET_FILE, rng.pick([`${MARK}9 tail\n`, '', '# only\n'])]);
  return buildBundle(confText(rng), others);
}
