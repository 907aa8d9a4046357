import { didYouMean } from './did-you-mean.js';
import {
  COMMAND_WORDS,
  type CommandName,
  type CommandSpec,
  findCommand,
  type OptionSpec,
} from './spec/command-spec.js';

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
      /** Also log to syslog (`--syslog`). */
      readonly syslog: boolean;
      readonly lenient: boolean;
      /**
       * The pppd options after PEER (`pptpkit up work debug mtu 1400`), one word each, applied
       * after the peer file as `pppd call PEER OPTION...` applies them.
       */
      readonly extraOptions: readonly string[];
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
      /** Also log to syslog (`--syslog`). */
      readonly syslog: boolean;
      readonly lenient: boolean;
      /** Seconds a control connection has to authenticate. */
      readonly authTimeout: number;
      /** Unauthenticated control connections at once per source address. */
      readonly perSource: number;
    }
  | { readonly command: 'status'; readonly peer?: string; readonly json: boolean }
  | { readonly command: 'log'; readonly peer?: string; readonly lines: number }
  | {
      readonly command: 'install-service';
      /** The directory to install under (`/`, or a staging directory). */
      readonly root: string;
      /** The user the service runs as. */
      readonly user: string;
      /** Whether to create that user (`--no-user`: not). */
      readonly createUser: boolean;
    }
  | {
      readonly command: 'help';
      /** The command to describe; absent: every command. */
      readonly topic?: CommandName;
    }
  | { readonly command: 'version' };

/** A command line `pptpkit` cannot run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command the line was for, when it names a known one. */
  readonly topic: CommandName | undefined;

  /**
   * @param message - what is wrong.
   * @param topic - the command the line was for, when it names a known one.
   */
  constructor(message: string, topic?: CommandName) {
    super(message);
    this.topic = topic;
  }
}

/** The words of a command line after the command, sorted by the command's option table. */
interface Scanned {
  /** Options given, by long name: the value, or `true` for a flag. */
  readonly flags: Map<string, string | true>;
  /** The positional arguments. */
  readonly positional: string[];
  /** `up`: the words after PEER that are not our options (pppd options). */
  readonly extra: string[];
}

/** Sorts `rest` into options, positional arguments and (for `up`) pppd options. */
function scan(spec: CommandSpec, word: string, rest: readonly string[]): Scanned {
  const byName = new Map<string, OptionSpec>();
  for (const o of spec.options) {
    byName.set(o.name, o);
    if (o.short !== undefined) byName.set(o.short, o);
  }
  const known = [...byName.keys(), '--help', '-h'];
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  const extra: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    // `pon PEER opts`: after PEER every word but our --options is pppd's, even -detach, +ipv6.
    if (spec.name === 'up' && positional.length > 0 && !arg.startsWith('--')) {
      extra.push(arg);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const option = byName.get(name);
    if (option === undefined) {
      throw new UsageError(`${word}: unknown option ${name}${didYouMean(name, known)}`, spec.name);
    }
    if (option.value !== undefined) {
      const value = eq < 0 ? rest[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${name} needs a value`, spec.name);
      const allowed = option.complete?.kind === 'none' ? option.complete.words : undefined;
      if (allowed !== undefined && !allowed.includes(value)) {
        throw new UsageError(`${name} is ${allowed.join(' or ')}`, spec.name);
      }
      flags.set(option.name, value);
    } else if (eq < 0) flags.set(option.name, true);
    else throw new UsageError(`${name} takes no value`, spec.name);
  }
  return { flags, positional, extra };
}

/** Parses `argv` (without the node and script paths). */
export function parseArgs(argv: readonly string[]): Command {
  const [word, ...rest] = argv;
  if (word === undefined || word === '--help' || word === '-h') return { command: 'help' };
  if (word === '--version') return { command: 'version' };
  const spec = findCommand(word);
  if (spec === undefined) {
    throw new UsageError(
      word.startsWith('-')
        ? `unknown option ${word}`
        : `unknown command '${word}'${didYouMean(word, COMMAND_WORDS)}`,
    );
  }
  // `pptpkit up --help`, `pon work -h`...: that command's help, whatever else the line holds.
  if (rest.some((a) => a === '--help' || a === '-h')) return { command: 'help', topic: spec.name };
  const { flags, positional, extra } = scan(spec, word, rest);
  const fail = (message: string): never => {
    throw new UsageError(message, spec.name);
  };
  /** The option's value, or its default from the table. */
  const text = (name: string): string => {
    const given = flags.get(name);
    if (typeof given === 'string') return given;
    const fallback = spec.options.find((o) => o.name === name)?.default;
    if (fallback === undefined) throw new Error(`${name} has no default`);
    return fallback;
  };
  const count = (name: string): number => {
    const n = Number(text(name));
    return Number.isInteger(n) && n >= 1 ? n : fail(`${name} is a positive number`);
  };
  const logFormat = (): 'text' | 'json' => (text('--log-format') === 'json' ? 'json' : 'text');
  const onePeer = (required: boolean): string | undefined => {
    if (positional.length > 1) fail(`${word}: one peer at a time`);
    if (required && positional.length === 0) fail(`${word}: which peer?`);
    return positional[0];
  };
  const nothingMore = (): void => {
    if (positional.length > 0) fail(`${word}: unexpected ${positional[0]}`);
  };

  switch (spec.name) {
    case 'up':
      return {
        command: 'up',
        peer: onePeer(true)!,
        peersDir: text('--peers-dir'),
        secrets: text('--secrets'),
        papSecrets: text('--pap-secrets'),
        background: flags.has('--background'),
        logFormat: logFormat(),
        syslog: flags.has('--syslog'),
        lenient: flags.has('--lenient'),
        extraOptions: extra,
      };
    case 'down': {
      if (positional[0] === 'serve') {
        if (positional.length > 2) fail(`${word} serve: one session at a time`);
        const target = flags.has('--all') ? '--all' : positional[1];
        return { command: 'down', peer: 'serve', ...(target === undefined ? {} : { target }) };
      }
      const peer = onePeer(false);
      if (flags.has('--all')) {
        if (peer !== undefined) fail(`${word}: a peer or -a, not both`);
        return { command: 'down', all: true };
      }
      return { command: 'down', ...(peer === undefined ? {} : { peer }) };
    }
    case 'serve': {
      nothingMore();
      const globalOptions = text('--global-options');
      return {
        command: 'serve',
        config: text('--config'),
        globalOptions: globalOptions === 'none' ? false : globalOptions,
        secrets: text('--secrets'),
        papSecrets: text('--pap-secrets'),
        interfaceName: text('--interface'),
        scriptsDir: text('--scripts-dir'),
        logFormat: logFormat(),
        syslog: flags.has('--syslog'),
        lenient: flags.has('--lenient'),
        authTimeout: count('--auth-timeout'),
        perSource: count('--per-source'),
      };
    }
    case 'status': {
      const peer = onePeer(false);
      return {
        command: 'status',
        json: flags.has('--json'),
        ...(peer === undefined ? {} : { peer }),
      };
    }
    case 'log': {
      const lines = count('--lines');
      const peer = onePeer(false);
      return { command: 'log', lines, ...(peer === undefined ? {} : { peer }) };
    }
    case 'install-service':
      nothingMore();
      return {
        command: 'install-service',
        root: text('--root'),
        user: text('--user'),
        createUser: !flags.has('--no-user'),
      };
    case 'help': {
      const [topic, more] = positional;
      if (more !== undefined) fail(`help: one command at a time`);
      if (topic === undefined) return { command: 'help' };
      const described = findCommand(topic);
      if (described === undefined) {
        fail(`help: unknown command '${topic}'${didYouMean(topic, COMMAND_WORDS)}`);
      }
      return { command: 'help', topic: described!.name };
    }
    case 'version':
      nothingMore();
      return { command: 'version' };
  }
}
