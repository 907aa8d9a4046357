/**
 * `config-peer` and `config-secrets`: the client's pppd-compatible configuration parsers
 * (apps/client/src/config, imported by relative path: the `pptpkit` package exports no modules),
 * on bundles of files (a peer file, `file`/`call` includes, /etc/ppp/options, secrets).
 *
 * @module
 */
import { encodeUtf8 } from '@pptpkit/wire';
import {
  type Credentials,
  defaultPeerSettings,
  findSecret,
  type LoadedPeer,
  loadPeer,
  optionTable,
  type PeerSettings,
  parseSecrets,
  resolveCredentials,
  type SecretEntry,
  usableAuthMethods,
} from '../../../apps/client/src/config/index.js';
import { invariant, typedErrorCode } from '../engine/outcome.js';
import type { Rng } from '../engine/rng.js';
import { sameValue } from '../engine/same-value.js';
import type { FuzzTarget, StepTimer } from '../engine/target.js';
import { buildBundle, parseBundle } from './config-bundle.js';
import {
  clientLinkOptions,
  LAB_CREDENTIALS,
  LinkPair,
  type ServerAuth,
  type ServerCcp,
  serverLinkOptions,
} from './link-pair.js';

const PEERS = '/etc/ppp/peers';
const PEER_FILE = `${PEERS}/fuzz`;
const SECRETS = { chap: '/etc/ppp/chap-secrets', pap: '/etc/ppp/pap-secrets' } as const;

/** Runs `f`, letting through only values and `CONFIG_*` typed errors. */
function configStep<T>(timer: StepTimer, f: () => T): { value: T } | { code: string } {
  try {
    return { value: timer.time(f) };
  } catch (error) {
    const code = typedErrorCode(error);
    if (code === undefined) throw error;
    invariant(code.startsWith('CONFIG_'), 'a configuration error without a CONFIG_ code', code);
    return { code };
  }
}

/** The authentication a pppd-like server asks for: the best method the client accepts. */
function serverAuthFor(settings: PeerSettings): ServerAuth {
  const usable = usableAuthMethods(settings);
  const order: readonly ServerAuth[] = ['mschap-v2', 'mschap', 'chap', 'pap'];
  return order.find((m) => usable.includes(m as never)) ?? 'none';
}

/** The CCP a pppd-like server runs for a client with these settings. */
function serverCcpFor(s: PeerSettings): ServerCcp {
  if (!s.ccp) return 'none';
  if (s.mppe.allow128 || s.mppe.allow40)
    return s.mppe.preferStateful ? 'mppe-stateful' : 'mppe-stateless';
  return s.mppc ? 'mppc' : 'none';
}

/**
 * Runs the link the settings describe against a healthy pppd-like server that accepts its
 * credentials and answers every LCP Echo-Request, for three echo intervals: no side may
 * declare the other dead.
 */
function healthyServer(settings: PeerSettings, credentials: Credentials, timer: StepTimer): string {
  const secret = credentials.password ?? credentials.chapPassword ?? credentials.papPassword ?? '';
  const pair = new LinkPair(
    clientLinkOptions(settings, credentials, 0x6366),
    serverLinkOptions(serverAuthFor(settings), serverCcpFor(settings), false, 0x7376, {
      user: credentials.user,
      password: secret,
    }),
    timer,
  );
  pair.start();
  pair.run(60_000 + 3 * settings.lcpEchoInterval * 1000);
  for (const side of ['client', 'server'] as const) {
    invariant(
      pair.checker(side).downCode !== 'PPP_ECHO_TIMEOUT',
      'an echo timeout although the peer answers every LCP Echo-Request',
      `${side}: lcp-echo-interval ${settings.lcpEchoInterval}, lcp-echo-failure ${settings.lcpEchoFailure}`,
    );
  }
  const client = pair.checker('client');
  return client.downCode ?? (client.ups > 0 ? 'link-up' : 'link-not-up');
}

/** Peer options, includes and secrets, and the link they configure. */
export const configPeerTarget: FuzzTarget = {
  name: 'config-peer',
  packageName: 'pptpkit',
  entry:
    'loadPeer (strict and --lenient) on a bundle of option files, resolveCredentials, then the PppLink the session builds from them against a healthy server',
  invariants: [
    'errors are typed CONFIG_* errors',
    'what loads strictly loads leniently, to the same settings',
    'warnings and ignored options name a file that was read and a line from 1',
    'with a server that answers every LCP Echo-Request, no echo timeout (lcp-echo-interval/-failure)',
    'the link invariants of ppp-link-client',
  ],
  maxLength: 8192,
  timing: 'step',
  dictionary: ['\nfile ', '\ncall ', ' "', "'", '\\', '#', '\n%% /etc/ppp/x\n', '0x', ':'].map(
    encodeUtf8,
  ),
  seeds() {
    const debian = [
      'pty "pptp 10.77.0.10 --nolaunchpppd --loglevel 1"',
      'name pptpkit',
      'remotename pptpd',
      'refuse-pap\nrefuse-chap\nrefuse-mschap\nrefuse-eap',
      'require-mppe-128',
      'file /etc/ppp/options.pptp',
      'ipparam lab',
    ].join('\n');
    const options =
      'lock\nnoauth\nnobsdcomp\nnodeflate\nlcp-echo-failure 4\nlcp-echo-interval 30\n';
    return [
      buildBundle(debian, [
        ['/etc/ppp/options.pptp', options],
        [SECRETS.chap, '"pptpkit" pptpd "golden-Passw0rd" *\n'],
      ]),
      buildBundle(
        'pptp-server 10.0.0.1\nuser alice\npassword "s3cret pass"\nmppe-stateful-prefer\nmppc\n',
        [],
      ),
      buildBundle('pty "pptp h"\nnomppe\nlcp-echo-interval 1\nlcp-echo-failure 0\nfile /a', [
        ['/a', 'file /b\nfile /b\n'],
        ['/b', 'noauth\n'],
      ]),
    ];
  },
  generate: generateBundle,
  run(input, timer) {
    const bundle = parseBundle(input, PEER_FILE);
    const options = { read: bundle.readConfig, peersDir: PEERS };
    const strict = configStep(timer, () => loadPeer('fuzz', options));
    const lenient = configStep(timer, () => loadPeer('fuzz', { ...options, lenient: true }));
    if ('value' in strict) {
      invariant('value' in lenient, 'a configuration that loads strictly fails with --lenient');
      invariant(
        sameValue(settingsView(strict.value), settingsView(lenient.value)),
        '--lenient changes the settings of a configuration that loads strictly',
      );
    }
    const loaded = 'value' in strict ? strict : lenient;
    if (!('value' in loaded)) return loaded.code;
    checkLocations(loaded.value);
    const settings = loaded.value.settings;
    const resolved = configStep(timer, () =>
      resolveCredentials(settings, {
        read: bundle.readConfig,
        readSecrets: bundle.readConfig,
        files: SECRETS,
        hostname: 'fuzzhost',
      }),
    );
    const credentials = 'value' in resolved ? resolved.value.credentials : LAB_CREDENTIALS;
    return healthyServer(settings, credentials, timer);
  },
};

/** Settings as plain data (sets and maps as arrays) for comparison. */
function settingsView(loaded: LoadedPeer): unknown {
  return JSON.parse(
    JSON.stringify(loaded.settings, (_k, v: unknown) =>
      v instanceof Set ? [...v].sort() : v instanceof Map ? [...v.entries()] : v,
    ),
  );
}

function checkLocations(loaded: LoadedPeer): void {
  const files = new Set([...loaded.files, '<command line>']);
  for (const w of [...loaded.warnings, ...loaded.ignored]) {
    invariant(files.has(w.file), 'a warning names a file that was not read', w.file);
    invariant(
      Number.isInteger(w.line) && w.line >= 1,
      'a warning with a line number below 1',
      String(w.line),
    );
  }
}

const WORDS = ['pptpkit', 'pptpd', '*', 'alice', 'DOMAIN\\\\user', 'x y', '', '@/etc/ppp/secret'];
const ARGS = [
  '0',
  '1',
  '30',
  '4',
  '0x10',
  '010',
  '4294967295',
  '99999999999',
  '-1',
  'abc',
  '1500',
  '128',
  '16384',
  '"pptp 10.0.0.1 --nolaunchpppd"',
  "'pptp h --phone 1 host'",
  'pptp.so',
  'required,stateless,no40',
  'A=B',
  '10.0.0.1:10.0.0.2',
  ':',
  '/etc/ppp/x0',
  'x0',
  '"quoted \\"word\\""',
];

/** A random options file: options from the client's own table with plausible arguments. */
function optionsText(rng: Rng, names: readonly string[], lines: number): string {
  const out: string[] = [];
  for (let k = 0; k < lines; k++) {
    const roll = rng.below(20);
    if (roll === 0) out.push(`# ${rng.pick(names)}`);
    else if (roll === 1)
      out.push(rng.pick(['file /etc/ppp/x0', 'call other', 'file /nonexistent', 'call ../etc']));
    else if (roll === 2)
      out.push(rng.pick(['115200', '/dev/ttyS0', '10.1.1.1:10.1.1.2', 'no-such-option']));
    else {
      const name = rng.pick(names);
      const spec = optionTable.get(name);
      out.push(spec !== undefined && spec.args === 1 ? `${name} ${rng.pick(ARGS)}` : name);
    }
  }
  return out.join(rng.chance(0.1) ? ' \\\n' : '\n');
}

/** A bundle: a peer file, maybe includes (sometimes a deep tree of repeated includes), secrets. */
function generateBundle(rng: Rng): Uint8Array {
  const names = [...optionTable.keys()];
  const others: [string, string][] = [];
  let main = `pty "pptp 10.0.0.1 --nolaunchpppd"\n${optionsText(rng, names, rng.int(0, 12))}`;
  if (rng.chance(0.3)) others.push(['/etc/ppp/x0', optionsText(rng, names, rng.int(0, 6))]);
  if (rng.chance(0.2)) others.push([`${PEERS}/other`, optionsText(rng, names, rng.int(0, 6))]);
  if (rng.chance(0.02)) {
    // A tree of files each including the next several times (pppd re-reads every include).
    const depth = rng.int(4, 16);
    const fanout = rng.int(2, 3);
    main += '\nfile /t0';
    for (let d = 0; d < depth; d++) others.push([`/t${d}`, `file /t${d + 1}\n`.repeat(fanout)]);
    others.push([`/t${depth}`, 'noauth\n']);
  }
  if (rng.chance(0.6)) {
    const secret = rng.pick(['golden-Passw0rd', 'p@ss word', '@/etc/ppp/secret', '']);
    others.push([SECRETS.chap, `${rng.pick(WORDS)} ${rng.pick(WORDS)} "${secret}" *\n`]);
    others.push(['/etc/ppp/secret', 'from-file\n']);
  }
  if (rng.chance(0.3)) others.push(['/etc/ppp/options', optionsText(rng, names, rng.int(0, 4))]);
  return buildBundle(main, others);
}

/** A secrets file line: client, server, secret, addresses, with pppd's quoting. */
function secretsLine(rng: Rng): string {
  const word = (): string => {
    const w = rng.pick(WORDS);
    return rng.pick([w, `"${w}"`, `'${w}'`, w.replace(/ /g, '\\ ')]);
  };
  const cols = Array.from({ length: rng.pick([1, 2, 3, 3, 4, 5]) }, word);
  return `${cols.join(rng.pick([' ', '\t', '  ']))}${rng.chance(0.1) ? ' # comment' : ''}`;
}

/** The score findSecret ranks entries by (exact client 2, exact server 1). */
function score(e: SecretEntry): number {
  const wild = (s: string): boolean => s === '*' || s === '';
  return (wild(e.client) ? 0 : 2) + (wild(e.server) ? 0 : 1);
}

function matches(e: SecretEntry, client: string, server: string | undefined): boolean {
  const wild = (s: string): boolean => s === '*' || s === '';
  return (
    (wild(e.client) || e.client === client) &&
    (server === undefined || wild(e.server) || e.server === server)
  );
}

/** chap-secrets / pap-secrets parsing and lookup. */
export const configSecretsTarget: FuzzTarget = {
  name: 'config-secrets',
  packageName: 'pptpkit',
  entry: 'parseSecrets, findSecret for the names in the file and wildcards, resolveCredentials',
  invariants: [
    'parseSecrets never throws; entries have a line from 1',
    'findSecret returns a matching entry with the best score, the first among equals, or a typed CONFIG_ error',
    'a secret `@file` is the first word of that file',
  ],
  maxLength: 4096,
  timing: 'input',
  dictionary: ['"', "'", '\\', '#', '*', '@', '\n'].map(encodeUtf8),
  seeds() {
    return [
      encodeUtf8('"pptpkit" pptpd "golden-Passw0rd" *\n'),
      encodeUtf8(
        '# client server secret addresses\nalice * "pass word" 10.0.0.2\n* pptpd @/etc/ppp/secret\n%% /etc/ppp/secret\nfrom-file\n',
      ),
    ];
  },
  generate(rng) {
    const lines = Array.from({ length: rng.int(0, 8) }, () => secretsLine(rng));
    return buildBundle(
      lines.join('\n'),
      rng.chance(0.5) ? [['/etc/ppp/secret', `${rng.pick(WORDS)} tail\n`]] : [],
    );
  },
  run(input) {
    const bundle = parseBundle(input, SECRETS.chap);
    const text = bundle.files.get(SECRETS.chap)!;
    const { entries } = parseSecrets(text, SECRETS.chap);
    for (const e of entries)
      invariant(Number.isInteger(e.line) && e.line >= 1, 'a secrets entry with a line below 1');
    const clients = [...new Set([...entries.map((e) => e.client), 'pptpkit'])].slice(0, 4);
    const servers = [
      ...new Set<string | undefined>([undefined, ...entries.map((e) => e.server)]),
    ].slice(0, 3);
    let found = 0;
    for (const client of clients) {
      for (const server of servers) {
        let result: ReturnType<typeof findSecret>;
        try {
          result = findSecret(entries, client, server, bundle.readConfig, SECRETS.chap);
        } catch (error) {
          const code = typedErrorCode(error);
          if (code === undefined) throw error;
          invariant(
            code === 'CONFIG_NO_SECRET' || code === 'CONFIG_UNREADABLE',
            'findSecret failed with an unexpected code',
            code,
          );
          invariant(
            code !== 'CONFIG_NO_SECRET' || !entries.some((e) => matches(e, client, server)),
            'CONFIG_NO_SECRET although an entry matches',
          );
          continue;
        }
        found++;
        const { entry, secret } = result;
        invariant(
          entries.includes(entry) && matches(entry, client, server),
          'findSecret returned an entry that does not match',
        );
        const best = entries.find(
          (e) =>
            matches(e, client, server) &&
            score(e) === Math.max(...entries.filter((x) => matches(x, client, server)).map(score)),
        );
        invariant(best === entry, 'findSecret did not return the first entry with the best score');
        if (!entry.secret.startsWith('@'))
          invariant(secret === entry.secret, 'findSecret changed the secret');
      }
    }
    const settings = defaultPeerSettings();
    settings.name = clients[0]!;
    const resolved = resolveCredentials(settings, {
      read: bundle.readConfig,
      readSecrets: bundle.readConfig,
      files: SECRETS,
      hostname: 'fuzzhost',
    });
    invariant(
      resolved.credentials.user === settings.name,
      'resolveCredentials changed the user name',
    );
    return found > 0 ? 'found' : 'none-found';
  },
};
