import { PptpkitError } from '@pptpkit/wire';
import { didYouMean } from '../cli/did-you-mean.js';
import { type ConfigLocation, configError } from './config-error.js';
import { OptionFiles } from './option-files.js';
import type { OptionSpec } from './option-spec.js';
import { applyAddressPair, optionTable } from './option-table.js';
import { defaultPeerSettings, type PeerSettings } from './peer-settings.js';
import type { ReadConfigFile } from './read-failure.js';
import type { Word } from './tokenize.js';

/** Every option name, for "did you mean" (the table never changes). */
const optionNames: readonly string[] = [...optionTable.keys()];
/** Hints already computed: a file that repeats an unknown word (includes) costs one search. */
const hints = new Map<string, string>();

/** ` (did you mean X?)` for an unknown option `name`, or `''`; at most 1024 remembered. */
function optionHint(name: string): string {
  let hint = hints.get(name);
  if (hint === undefined) {
    if (hints.size >= 1024) hints.clear();
    hint = didYouMean(name, optionNames);
    hints.set(name, hint);
  }
  return hint;
}

export type { ReadConfigFile } from './read-failure.js';

/** Something in the configuration worth telling the user that does not stop the tunnel. */
export interface ConfigWarning extends ConfigLocation {
  /** What is wrong. */
  readonly message: string;
}

/** An option accepted without effect, and why (worth a debug line). */
export interface IgnoredOption extends ConfigLocation {
  /** The option as written. */
  readonly option: string;
  /** Why it means nothing for pptpkit. */
  readonly why: string;
}

/** Where to find files and how strict to be. */
export interface LoadPeerOptions {
  /** Reads a file. */
  readonly read: ReadConfigFile;
  /** Directory of peer files (pppd: `/etc/ppp/peers`). */
  readonly peersDir?: string;
  /** Global options read first if present (pppd: `/etc/ppp/options`); `false` to skip. */
  readonly globalOptions?: string | false;
  /** Unknown and refused options become warnings instead of errors. */
  readonly lenient?: boolean;
  /**
   * Options from the command line (`pppd call PEER OPTION...`), applied after the peer file
   * (pppd reads the peer file where `call` stands: options.c `callfile`); their `file` is
   * `<command line>` and their `line` their position.
   */
  readonly extraOptions?: readonly Word[];
}

/** The outcome of reading a peer's configuration. */
export interface LoadedPeer {
  /** The settings after every option, in pppd's order. */
  readonly settings: PeerSettings;
  /** Tolerated problems. */
  readonly warnings: readonly ConfigWarning[];
  /** Options accepted without effect (serial line, kernel, server side...). */
  readonly ignored: readonly IgnoredOption[];
  /** Every file read, once each, in the order first read. */
  readonly files: readonly string[];
}

const at = (word: Word): ConfigLocation => ({ file: word.file, line: word.line });

/**
 * Checks a `call`/peer name as pppd does: relative, without `..` components, not empty.
 *
 * @returns the problem, or `undefined` if the name is fine.
 */
function peerNameProblem(name: string): string | undefined {
  if (name === '' || name.startsWith('/')) return 'must be a name, not an absolute path';
  if (name.split('/').includes('..')) return 'may not contain ..';
  return undefined;
}

/**
 * Options pppd recognises by their form rather than their name (pppd options.c): a serial
 * speed, a device path, or a `local:remote` address pair.
 */
function optionByForm(name: string): OptionSpec | undefined {
  if (/^[0-9]+$/.test(name)) {
    return { kind: 'ignored', args: 0, why: 'a serial line speed; a PPTP tunnel has none' };
  }
  if (name.startsWith('/dev/')) {
    return { kind: 'ignored', args: 0, why: 'a serial device; a PPTP tunnel has none' };
  }
  if (name.includes(':')) {
    return {
      kind: 'implemented',
      args: 0,
      apply: (s, _args, where) => applyAddressPair(s, name, where),
    };
  }
  return undefined;
}

/**
 * Reads a peer's options the way `pppd call PEER OPTION...` does: the global options file, then
 * `PEERS_DIR/PEER`, then the command line's options, following `file` and `call` includes where they appear, applying every
 * option in order (so a later `noauth` undoes an earlier `require-chap`). A file included twice
 * is applied twice but read once; the work is bounded by `INCLUDE_LIMITS`.
 *
 * @throws PptpkitError with a `CONFIG_*` code naming file, line and option.
 */
export function loadPeer(peer: string, options: LoadPeerOptions): LoadedPeer {
  const peersDir = (options.peersDir ?? '/etc/ppp/peers').replace(/\/+$/, '');
  const settings = defaultPeerSettings();
  const warnings: ConfigWarning[] = [];
  const ignored: IgnoredOption[] = [];
  let ccpOffAt: ConfigLocation | undefined;
  const optionFiles = new OptionFiles(options.read, warnings);
  const commandLine: ConfigLocation = { file: '<command line>', line: 1 };

  const applyWords = (words: readonly Word[]): void => {
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const name = word.text;
      if (name === 'file' || name === 'call') {
        const arg = words[++i];
        if (arg === undefined) {
          throw configError('CONFIG_MISSING_ARGUMENT', word, name, 'needs a file name');
        }
        if (name === 'file') optionFiles.include(arg.text, word, name, false, applyWords);
        else {
          const problem = peerNameProblem(arg.text);
          if (problem) throw configError('CONFIG_BAD_VALUE', word, name, problem);
          optionFiles.include(`${peersDir}/${arg.text}`, word, name, false, applyWords);
        }
        continue;
      }
      const spec = optionTable.get(name) ?? optionByForm(name);
      if (spec === undefined) {
        const hint = optionHint(name);
        if (!options.lenient) {
          throw configError(
            'CONFIG_UNKNOWN_OPTION',
            word,
            name,
            `unknown or unsupported option${hint}`,
          );
        }
        warnings.push({ ...at(word), message: `unknown or unsupported option '${name}'${hint}` });
        continue;
      }
      const args = words.slice(i + 1, i + 1 + spec.args);
      if (args.length < spec.args) {
        throw configError('CONFIG_MISSING_ARGUMENT', word, name, 'needs a value');
      }
      i += spec.args;
      if (spec.kind === 'ignored') {
        ignored.push({ ...at(word), option: name, why: spec.why });
        continue;
      }
      try {
        if (spec.kind === 'refused') {
          throw configError('CONFIG_UNSUPPORTED_OPTION', word, name, `not supported: ${spec.why}`);
        }
        spec.apply(
          settings,
          args.map((a) => a.text),
          at(word),
        );
      } catch (error) {
        const unsupported =
          error instanceof PptpkitError && error.code === 'CONFIG_UNSUPPORTED_OPTION';
        if (!(unsupported && options.lenient)) throw error;
        warnings.push({ ...at(word), message: (error as Error).message });
        continue;
      }
      if (name === 'noccp' || name === '-ccp') ccpOffAt = at(word);
      if (name === 'password') {
        warnings.push({
          ...at(word),
          message:
            'a password in an options file is readable by anyone who can read it; use chap-secrets',
        });
      }
    }
  };

  const problem = peerNameProblem(peer);
  if (problem) throw configError('CONFIG_BAD_VALUE', commandLine, 'peer', problem);
  const globalOptions = options.globalOptions ?? '/etc/ppp/options';
  if (globalOptions !== false) {
    optionFiles.include(globalOptions, commandLine, 'options', true, applyWords);
  }
  optionFiles.include(`${peersDir}/${peer}`, commandLine, 'call', false, applyWords);
  if (options.extraOptions !== undefined) applyWords(options.extraOptions);
  if (!settings.ccp && settings.mppe.required && ccpOffAt !== undefined) {
    throw configError(
      'CONFIG_BAD_VALUE',
      ccpOffAt,
      'noccp',
      'without CCP there is no MPPE, which the options require (add nomppe to run unencrypted)',
    );
  }
  // pptp-linux options of the pty command that have no effect here (only the last pty counts).
  const pty = settings.pptp;
  if (pty !== undefined) {
    for (const e of pty.noEffect) ignored.push({ file: pty.at.file, line: pty.at.line, ...e });
  }
  return { settings, warnings, ignored, files: optionFiles.files };
}
