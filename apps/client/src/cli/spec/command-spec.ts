/**
 * The `pptpkit` command line, described once: its commands, their arguments and options. The
 * parser, `pptpkit help`, the "did you mean" lists, the man page and the bash completion are all
 * made from this table.
 *
 * @module
 */

/** What the shell completes in a place of the command line. */
export interface Completion {
  /**
   * `peer`: the files in the peers directory; `session`: a server session (not listed); `file`,
   * `dir`: paths; `command`: a command name; `none`: nothing but {@link Completion.words}.
   */
  readonly kind: 'peer' | 'session' | 'file' | 'dir' | 'command' | 'none';
  /** Fixed words offered as well (`text`, `json`; `serve` beside a peer). */
  readonly words?: readonly string[];
}

/** One `--option` of a command. */
export interface OptionSpec {
  /** The long name, with its dashes. */
  readonly name: `--${string}`;
  /** A one-letter form, with its dash (`-a`). */
  readonly short?: `-${string}`;
  /** The value's name in the help (`FILE`); absent for a flag. */
  readonly value?: string;
  /** The value used when the option is absent, as written on the command line. */
  readonly default?: string;
  /** One sentence for the help. */
  readonly help: string;
  /** What the shell completes as the value. */
  readonly complete?: Completion;
}

/** One positional argument of a command. */
export interface ArgumentSpec {
  /** Its name in the synopsis (`PEER`). */
  readonly name: string;
  /** Whether it may be left out. */
  readonly optional: boolean;
  /** Whether it takes every remaining word. */
  readonly repeats?: boolean;
  /** One sentence for the help. */
  readonly help: string;
  /** What the shell completes here. */
  readonly complete: Completion;
}

/** One command. */
export interface CommandSpec {
  /** Its name (`up`). */
  readonly name: CommandName;
  /** Other names for it (`pon`, pppd's script for `pppd call`). */
  readonly aliases: readonly string[];
  /** How it is called, one form a line, without the leading `pptpkit`. */
  readonly synopsis: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** A paragraph for its help and the man page. */
  readonly description: string;
  /** Its positional arguments, in order. */
  readonly arguments: readonly ArgumentSpec[];
  /** Its options (every command also takes `-h`/`--help`). */
  readonly options: readonly OptionSpec[];
}

/** The name of a command. */
export type CommandName =
  | 'up'
  | 'down'
  | 'status'
  | 'log'
  | 'serve'
  | 'install-service'
  | 'help'
  | 'version';

const peerFile = { kind: 'peer' } as const;
const file = { kind: 'file' } as const;
const dir = { kind: 'dir' } as const;

const logFormat: OptionSpec = {
  name: '--log-format',
  value: 'text|json',
  default: 'text',
  help: 'log lines as text or as JSON objects, one a line',
  complete: { kind: 'none', words: ['text', 'json'] },
};
const syslog: OptionSpec = {
  name: '--syslog',
  help: 'also log to syslog, as pppd does',
};
const lenient: OptionSpec = {
  name: '--lenient',
  help: 'unknown or unsupported options are warnings, not errors',
};
const secrets: OptionSpec = {
  name: '--secrets',
  value: 'FILE',
  default: '/etc/ppp/chap-secrets',
  help: 'CHAP and MS-CHAP secrets',
  complete: file,
};
const papSecrets: OptionSpec = {
  name: '--pap-secrets',
  value: 'FILE',
  default: '/etc/ppp/pap-secrets',
  help: 'PAP secrets',
  complete: file,
};

/** Every command, in the order the help lists them. */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  {
    name: 'up',
    aliases: ['pon'],
    synopsis: ['up [OPTION...] PEER [PPPD-OPTION...]'],
    summary: 'connect to PEER and stay until the tunnel ends (like pon)',
    description:
      'Reads /etc/ppp/options, the peer file /etc/ppp/peers/PEER and then the pppd options ' +
      'given after PEER, in that order, as "pppd call PEER OPTION..." does; connects, and stays ' +
      'in the foreground until the tunnel ends (Ctrl-C or "pptpkit down" tear it down in order). ' +
      'Every word after PEER that is not one of the options below is a pppd option, also when ' +
      'it starts with - or + (debug, mtu 1400, -detach, -mppe-40); errors in them name ' +
      '<command line> and their position after PEER. The option updetach in any of these, ' +
      'or --background, returns once the tunnel is up.',
    arguments: [
      { name: 'PEER', optional: false, help: 'the peer file to read', complete: peerFile },
      {
        name: 'PPPD-OPTION',
        optional: true,
        repeats: true,
        help: 'pppd options applied after the peer file',
        complete: { kind: 'none' },
      },
    ],
    options: [
      {
        name: '--peers-dir',
        value: 'DIR',
        default: '/etc/ppp/peers',
        help: 'the directory of peer files',
        complete: dir,
      },
      secrets,
      papSecrets,
      { name: '--background', help: 'return once the tunnel is up (like pppd updetach)' },
      logFormat,
      syslog,
      lenient,
    ],
  },
  {
    name: 'down',
    aliases: ['poff'],
    synopsis: ['down [PEER | -a]', 'down serve [SESSION | --all]'],
    summary: 'orderly teardown of a running tunnel (like poff), or of the server',
    description:
      "Asks a running tunnel over its control socket to end, and waits until the host's " +
      'routes, addresses and DNS are restored. Without PEER: the one tunnel running (when ' +
      'several run, it names them and exits 2); -a: every running tunnel. "down serve" stops ' +
      'the server; "down serve SESSION" ends one session (by id, user or tunnel address) and ' +
      '"down serve --all" every session, and the server keeps serving.',
    arguments: [
      {
        name: 'PEER',
        optional: true,
        help: 'the tunnel, or serve for the server',
        complete: { kind: 'peer', words: ['serve'] },
      },
      {
        name: 'SESSION',
        optional: true,
        help: 'after serve: a session id, user or tunnel address',
        complete: { kind: 'session' },
      },
    ],
    options: [
      {
        name: '--all',
        short: '-a',
        help: 'every running tunnel (after serve: every session)',
      },
    ],
  },
  {
    name: 'status',
    aliases: [],
    synopsis: ['status [PEER | serve] [--json]'],
    summary: 'state, addresses, negotiated auth and MPPE, uptime and counters',
    description:
      'Shows the running tunnels (or PEER): state, addresses, MTU, authentication, MPPE and ' +
      'MPPC mode, uptime, traffic each way, GRE counters and LCP echo round trip. "status ' +
      'serve" shows the server\'s sessions and its refusals and drops by cause. Exits 1 when ' +
      'nothing is running.',
    arguments: [
      {
        name: 'PEER',
        optional: true,
        help: 'the tunnel, or serve for the server',
        complete: { kind: 'peer', words: ['serve'] },
      },
    ],
    options: [{ name: '--json', help: 'machine-readable output' }],
  },
  {
    name: 'log',
    aliases: ['plog'],
    synopsis: ['log [PEER] [--lines N]'],
    summary: "the tunnel's recent log (like plog)",
    description:
      'Prints the last lines of the log of the tunnel PEER (without PEER: the one running), ' +
      'from its current or last run.',
    arguments: [{ name: 'PEER', optional: true, help: 'the tunnel', complete: peerFile }],
    options: [
      {
        name: '--lines',
        value: 'N',
        default: '50',
        help: 'how many lines',
      },
    ],
  },
  {
    name: 'serve',
    aliases: [],
    synopsis: ['serve [OPTION...]'],
    summary: "a PPTP server from pptpd's own files, in the foreground",
    description:
      "Reads pptpd's configuration (/etc/pptpd.conf, the pppd options file it names, " +
      'chap-secrets and pap-secrets) and serves PPTP clients on one shared TUN interface, in ' +
      'the foreground until SIGTERM or "pptpkit down serve".',
    arguments: [],
    options: [
      {
        name: '--config',
        value: 'FILE',
        default: '/etc/pptpd.conf',
        help: "pptpd's configuration",
        complete: file,
      },
      {
        name: '--global-options',
        value: 'FILE|none',
        default: '/etc/ppp/options',
        help: "pppd's global options, read first; none: read none",
        complete: { kind: 'file', words: ['none'] },
      },
      secrets,
      papSecrets,
      {
        name: '--interface',
        value: 'NAME',
        default: 'pptpsrv0',
        help: 'the TUN interface every session shares',
      },
      {
        name: '--scripts-dir',
        value: 'DIR',
        default: '/etc/ppp',
        help: 'where the ip-up and ip-down scripts are',
        complete: dir,
      },
      {
        name: '--auth-timeout',
        value: 'SECONDS',
        default: '30',
        help: 'how long a control connection has to authenticate',
      },
      {
        name: '--per-source',
        value: 'N',
        default: '16',
        help: 'unauthenticated control connections at once per source address',
      },
      logFormat,
      syslog,
      lenient,
    ],
  },
  {
    name: 'install-service',
    aliases: [],
    synopsis: ['install-service [--root DIR] [--user NAME] [--no-user]'],
    summary: 'install the systemd unit, the service user, the man page and the completion',
    description:
      'Installs the systemd unit, creates the dedicated user the service runs as, and ' +
      'installs the manual page pptpkit(8) and the bash completion. With --root, everything ' +
      'goes under that directory instead of / (a staging directory for a package).',
    arguments: [],
    options: [
      {
        name: '--root',
        value: 'DIR',
        default: '/',
        help: 'install under this directory',
        complete: dir,
      },
      {
        name: '--user',
        value: 'NAME',
        default: 'pptpkit',
        help: 'the user the service runs as',
      },
      { name: '--no-user', help: 'do not create the user' },
    ],
  },
  {
    name: 'help',
    aliases: [],
    synopsis: ['help [COMMAND]'],
    summary: 'the commands, or one command in full (also -h, --help)',
    description:
      'Without COMMAND: every command. With it: its synopsis, description, options and the ' +
      'exit statuses, as "pptpkit COMMAND --help" prints them.',
    arguments: [
      { name: 'COMMAND', optional: true, help: 'a command', complete: { kind: 'command' } },
    ],
    options: [],
  },
  {
    name: 'version',
    aliases: [],
    synopsis: ['version'],
    summary: 'the version (also --version)',
    description: "Prints pptpkit's version.",
    arguments: [],
    options: [],
  },
];

/** The spec of the command called `word` (its name or an alias), if there is one. */
export function findCommand(word: string): CommandSpec | undefined {
  return COMMAND_SPECS.find((c) => c.name === word || c.aliases.includes(word));
}

/** Every command name and alias, for "did you mean". */
export const COMMAND_WORDS: readonly string[] = COMMAND_SPECS.flatMap((c) => [
  c.name,
  ...c.aliases,
]);
