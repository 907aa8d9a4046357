/** A parsed `pptpkit` command line. */
export type Command =
  | {
      readonly command: 'up';
      readonly peer: string;
      readonly peersDir: string;
      readonly secrets: string;
      readonly background: boolean;
      readonly logFormat: 'text' | 'json';
      readonly lenient: boolean;
    }
  | { readonly command: 'down'; readonly peer: string }
  | { readonly command: 'status'; readonly peer?: string; readonly json: boolean }
  | { readonly command: 'log'; readonly peer?: string; readonly lines: number }
  | { readonly command: 'help' }
  | { readonly command: 'version' };

/** A command line `pptpkit` cannot run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The text `pptpkit help` prints. */
export const USAGE: string = `usage:
  pptpkit up PEER [--peers-dir DIR] [--secrets FILE] [--background] [--log-format text|json] [--lenient]
  pptpkit down PEER
  pptpkit status [PEER] [--json]
  pptpkit log [PEER] [--lines N]
  pptpkit help | --help
  pptpkit version | --version`;

/** Parses `argv` (without the node and script paths). */
export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const valued = new Set(['--peers-dir', '--secrets', '--log-format', '--lines']);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
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
      if (!names.includes(f)) throw new UsageError(`${command}: unknown option ${f}`);
    }
  };
  const onePeer = (required: boolean): string | undefined => {
    if (positional.length > 1) throw new UsageError(`${command}: one peer at a time`);
    if (required && positional.length === 0) throw new UsageError(`${command}: which peer?`);
    return positional[0];
  };

  switch (command) {
    case 'up': {
      allow('--peers-dir', '--secrets', '--background', '--log-format', '--lenient');
      const logFormat = flags.get('--log-format') ?? 'text';
      if (logFormat !== 'text' && logFormat !== 'json') {
        throw new UsageError('--log-format is text or json');
      }
      return {
        command,
        peer: onePeer(true)!,
        peersDir: (flags.get('--peers-dir') as string | undefined) ?? '/etc/ppp/peers',
        secrets: (flags.get('--secrets') as string | undefined) ?? '/etc/ppp/chap-secrets',
        background: flags.has('--background'),
        logFormat,
        lenient: flags.has('--lenient'),
      };
    }
    case 'down':
      allow();
      return { command, peer: onePeer(true)! };
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
      throw new UsageError(`unknown command '${command}'`);
  }
}
