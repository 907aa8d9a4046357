import { didYouMean } from './did-you-mean.js';

/** A parsed `pptpkit` command line. */
export type Command =
  | {
      readonly command: 'up';
      readonly peer: string;
      readonly peersDir: string;
      readonly secrets: string;
      readonly papSecrets: string;
      readonly background: boolean;
      readonly logFormat: 'text' | 'json';
      readonly lenient: boolean;
    }
  | {
      readonly command: 'down';
      /** The tunnel; absent: the one running, when exactly one is (or every one, with `all`). */
      readonly peer?: string;
      /** `down serve SESSION` or `down serve --all`: one session, or every session. */
      readonly target?: string;
      /** `down -a`: every running tunnel (not the server), like `poff -a`. */
      readonly all?: boolean;
    }
  | {
      readonly command: 'serve';
      readonly config: string;
      readonly globalOptions: string | false;
      readonly secrets: string;
      readonly papSecrets: string;
      readonly interfaceName: string;
      readonly scriptsDir: string;
      readonly logFormat: 'text' | 'json';
      readonly lenient: boolean;
      /** Seconds a control connection has to authenticate. */
      readonly authTimeout: number;
      /** Unauthenticated control connections at once per source address. */
      readonly perSource: number;
    }
  | { readonly command: 'status'; readonly peer?: string; readonly json: boolean }
  | { readonly command: 'log'; readonly peer?: string; readonly lines: number }
  | { readonly command: 'help' }
  | { readonly command: 'version' };

/** A command line `pptpkit` cannot run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The text `pptpkit help` prints. */
export const USAGE: string = `usage: pptpkit COMMAND [ARGS]

commands:
  up PEER       read /etc/ppp/options and /etc/ppp/peers/PEER, connect, stay until the tunnel ends
  down [PEER]   orderly teardown of a running tunnel (like poff); without PEER the one running;
                -a: every running tunnel
  serve         a PPTP server from pptpd's own files (/etc/pptpd.conf), in the foreground
  down serve [SESSION|--all]  stop the server, or end one session (id, user or address) or all
  status [PEER] state, addresses, negotiated auth/MPPE, uptime and counters
  log [PEER]    the tunnel's recent log (like plog)
  help          this text (also --help, -h)
  version       the version (also --version)

up options:
  --peers-dir DIR       peer files directory (default /etc/ppp/peers)
  --secrets FILE        CHAP/MS-CHAP secrets (default /etc/ppp/chap-secrets)
  --pap-secrets FILE    PAP secrets (default /etc/ppp/pap-secrets)
  --background          return once the tunnel is up (like pppd updetach)
  --log-format text|json  log lines as text (default) or JSON
  --lenient             unknown or unsupported options are warnings, not errors
serve options:
  --config FILE         pptpd.conf (default /etc/pptpd.conf)
  --global-options FILE|none  pppd's global options (default /etc/ppp/options)
  --secrets FILE, --pap-secrets FILE  as for up
  --interface NAME      the TUN all sessions share (default pptpsrv0)
  --scripts-dir DIR     where ip-up/ip-down are (default /etc/ppp)
  --auth-timeout S      seconds a connection has to authenticate (default 30)
  --per-source N        unauthenticated connections at once per address (default 16)
  --log-format, --lenient  as for up
status options:
  --json                machine-readable output
log options:
  --lines N             how many lines (default 50)

exit status (as pppd): 0 ok, 1 fatal or no such tunnel, 2 bad command line or configuration,
3 missing privileges, 4 no TUN support, 5 signal, 8 server unreachable, 10 negotiation failed,
11 server failed to authenticate, 12 idle, 13 connect time limit, 15 server dead, 16 hangup,
19 authentication failed`;

/** The commands, for `--help` anywhere and "did you mean". */
const COMMANDS = ['up', 'down', 'status', 'log', 'serve', 'help', 'version'];

/** Parses `argv` (without the node and script paths). */
export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  // `pptpkit up --help`, `pptpkit down -h`...: the usage, whatever else the line holds.
  if (command !== undefined && COMMANDS.includes(command)) {
    if (rest.some((a) => a === '--help' || a === '-h')) return { command: 'help' };
  }
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const valued = new Set([
    '--peers-dir',
    '--secrets',
    '--pap-secrets',
    '--log-format',
    '--lines',
    '--config',
    '--global-options',
    '--interface',
    '--scripts-dir',
    '--auth-timeout',
    '--per-source',
  ]);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg === '-a' && command === 'down') {
      flags.set('--all', true);
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`${command}: unknown option ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (valued.has(name)) {
      const value = eq < 0 ? rest[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else if (eq < 0) flags.set(name, true);
    else throw new UsageError(`${name} takes no value`);
  }
  const allow = (...names: string[]): void => {
    for (const f of flags.keys()) {
      if (!names.includes(f))
        throw new UsageError(`${command}: unknown option ${f}${didYouMean(f, names)}`);
    }
  };
  const onePeer = (required: boolean): string | undefined => {
    if (positional.length > 1) throw new UsageError(`${command}: one peer at a time`);
    if (required && positional.length === 0) throw new UsageError(`${command}: which peer?`);
    return positional[0];
  };

  switch (command) {
    case 'up': {
      allow(
        '--peers-dir',
        '--secrets',
        '--pap-secrets',
        '--background',
        '--log-format',
        '--lenient',
      );
      const logFormat = flags.get('--log-format') ?? 'text';
      if (logFormat !== 'text' && logFormat !== 'json') {
        throw new UsageError('--log-format is text or json');
      }
      return {
        command,
        peer: onePeer(true)!,
        peersDir: (flags.get('--peers-dir') as string | undefined) ?? '/etc/ppp/peers',
        secrets: (flags.get('--secrets') as string | undefined) ?? '/etc/ppp/chap-secrets',
        papSecrets: (flags.get('--pap-secrets') as string | undefined) ?? '/etc/ppp/pap-secrets',
        background: flags.has('--background'),
        logFormat,
        lenient: flags.has('--lenient'),
      };
    }
    case 'down': {
      allow('--all');
      if (positional[0] === 'serve') {
        if (positional.length > 2) throw new UsageError('down serve: one session at a time');
        const target = flags.has('--all') ? '--all' : positional[1];
        return { command, peer: 'serve', ...(target === undefined ? {} : { target }) };
      }
      const peer = onePeer(false);
      if (flags.has('--all')) {
        if (peer !== undefined) throw new UsageError('down: a peer or -a, not both');
        return { command, all: true };
      }
      return { command, ...(peer === undefined ? {} : { peer }) };
    }
    case 'serve': {
      allow(
        '--config',
        '--global-options',
        '--secrets',
        '--pap-secrets',
        '--interface',
        '--scripts-dir',
        '--log-format',
        '--lenient',
        '--auth-timeout',
        '--per-source',
      );
      if (positional.length > 0) throw new UsageError(`serve: unexpected ${positional[0]}`);
      const logFormat = flags.get('--log-format') ?? 'text';
      if (logFormat !== 'text' && logFormat !== 'json') {
        throw new UsageError('--log-format is text or json');
      }
      const count = (name: string, fallback: number): number => {
        const raw = flags.get(name);
        if (raw === undefined) return fallback;
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} is a positive number`);
        return n;
      };
      const text = (name: string, fallback: string): string =>
        (flags.get(name) as string | undefined) ?? fallback;
      const globalOptions = text('--global-options', '/etc/ppp/options');
      return {
        command,
        config: text('--config', '/etc/pptpd.conf'),
        globalOptions: globalOptions === 'none' ? false : globalOptions,
        secrets: text('--secrets', '/etc/ppp/chap-secrets'),
        papSecrets: text('--pap-secrets', '/etc/ppp/pap-secrets'),
        interfaceName: text('--interface', 'pptpsrv0'),
        scriptsDir: text('--scripts-dir', '/etc/ppp'),
        logFormat,
        lenient: flags.has('--lenient'),
        authTimeout: count('--auth-timeout', 30),
        perSource: count('--per-source', 16),
      };
    }
    case 'status': {
      allow('--json');
      const peer = onePeer(false);
      return { command, json: flags.has('--json'), ...(peer === undefined ? {} : { peer }) };
    }
    case 'log': {
      allow('--lines');
      const raw = flags.get('--lines') ?? '50';
      const lines = Number(raw);
      if (!Number.isInteger(lines) || lines < 1)
        throw new UsageError('--lines is a positive number');
      const peer = onePeer(false);
      return { command, lines, ...(peer === undefined ? {} : { peer }) };
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { command: 'help' };
    case 'version':
    case '--version':
      return { command: 'version' };
    default:
      throw new UsageError(
        command.startsWith('-')
          ? `unknown option ${command}`
          : `unknown command '${command}'${didYouMean(command, COMMANDS)}`,
      );
  }
}
