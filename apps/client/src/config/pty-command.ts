import { PptpkitError, parseIpv4 } from '@pptpkit/wire';
import { type ConfigErrorCode, type ConfigLocation, configError } from './config-error.js';

/**
 * What pptp-linux's options in a `pty "pptp HOST ..."` command ask of pptpkit, each with
 * pptp-linux's meaning (`man 8 pptp`, pptp-linux 1.10).
 */
export interface PptpOptions {
  /** Phone Number of the Outgoing-Call-Request (`--phone`). */
  readonly phone?: string;
  /** Local IPv4 address the control connection and the GRE socket are bound to (`--localbind`). */
  readonly localBind?: string;
  /** `SO_MARK` of the control connection and the GRE socket (`--rtmark`). */
  readonly rtMark?: number;
  /** Pin no host route to the server (`--nohostroute`). */
  readonly noHostRoute: boolean;
  /**
   * A fixed wait for a missing GRE packet, ms, instead of the adaptive one: `--timeout` (0.01 to
   * 10 s), or 0 with `--nobuffer` (which wins, as in pptp-linux).
   */
  readonly reorderHoldMs?: number;
  /** GRE packets this far or further ahead of the next expected one are dropped (`--missing-window`). */
  readonly missingWindow?: number;
  /** Seconds without a control message before an Echo-Request; 0 sends none (`--idle-wait`). */
  readonly idleWait?: number;
  /** Seconds an Echo-Reply may take before the control connection is closed (`--max-echo-wait`). */
  readonly maxEchoWait?: number;
  /** pptp-linux's log level: 0 low (warnings), 1 default, 2 high (debug) (`--loglevel`). */
  readonly logLevel?: 0 | 1 | 2;
  /** A name carried by every log record, where pptp-linux puts it in syslog (`--logstring`). */
  readonly logString?: string;
  /** Options accepted without effect, and why (logged at debug). */
  readonly noEffect: readonly { readonly option: string; readonly why: string }[];
}

/** The server and the options of a pptp `pty` command. */
export interface PptpCommand {
  /** The server (host name or address), the first word that is not an option. */
  readonly server: string;
  /** Its options. */
  readonly options: PptpOptions;
  /**
   * Options pptpkit cannot honour (`CONFIG_UNSUPPORTED_OPTION` errors), in order; the rest of the
   * command is still read, so that `--lenient` can warn about them and keep the server.
   */
  readonly refused: readonly PptpkitError[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Building = Mutable<Omit<PptpOptions, 'noEffect' | 'reorderHoldMs'>> & {
  noEffect: { option: string; why: string }[];
  /** `--timeout`, ms. */
  timeoutMs?: number;
  /** `--nobuffer`. */
  noBuffer?: boolean;
};

/** Throws the configuration error for one option of the command. */
type Fail = (code: ConfigErrorCode, problem: string) => never;

/** How one pptp-linux option is handled. */
type PptpOptionSpec =
  | { readonly kind: 'flag'; readonly apply: (o: Building, fail: Fail) => void }
  | { readonly kind: 'value'; readonly apply: (o: Building, value: string, fail: Fail) => void }
  | { readonly kind: 'refused'; readonly value: boolean; readonly why: string };

/** Why an option that only works between pptp and a pppd on a pty has no effect here. */
const PTY_PAIR = 'pptpkit is pptp and pppd in one process: there is no pty between them';

const flag = (apply: (o: Building, fail: Fail) => void): PptpOptionSpec => ({
  kind: 'flag',
  apply,
});
const value = (apply: (o: Building, v: string, fail: Fail) => void): PptpOptionSpec => ({
  kind: 'value',
  apply,
});
const noEffect = (option: string, why: string) => (o: Building) => {
  o.noEffect.push({ option, why });
};

/** A whole decimal number in `min..max`, else a `CONFIG_BAD_VALUE` naming the range. */
function integer(v: string, min: number, max: number, fail: Fail): number {
  const n = /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= min && n <= max))
    fail('CONFIG_BAD_VALUE', `'${v}' is not a whole number in ${min}..${max}`);
  return n;
}

/** A decimal number of seconds (`10`, `0.5`, `.3`). */
function seconds(v: string, fail: Fail): number {
  if (!/^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(v))
    fail('CONFIG_BAD_VALUE', `'${v}' is not a number of seconds`);
  return Number(v);
}

/** pptp-linux 1.10's options (pptp.c's getopt table), by name. */
const pptpOptions: ReadonlyMap<string, PptpOptionSpec> = new Map<string, PptpOptionSpec>([
  [
    'phone',
    value((o, v, fail) => {
      // pptp-linux cuts the number to the 64 octets of the field; we refuse rather than cut.
      if (new TextEncoder().encode(v).length > 64)
        fail(
          'CONFIG_BAD_VALUE',
          'longer than the 64 octets of the Phone Number field (RFC 2637 §2.7)',
        );
      o.phone = v;
    }),
  ],
  ['nolaunchpppd', flag(noEffect('--nolaunchpppd', `${PTY_PAIR}; pptpkit never launches pppd`))],
  [
    'quirks',
    value((_o, v, fail) => {
      if (v !== 'BEZEQ_ISRAEL')
        fail('CONFIG_BAD_VALUE', `unknown quirk '${v}' (pptp-linux knows BEZEQ_ISRAEL only)`);
      fail(
        'CONFIG_UNSUPPORTED_OPTION',
        'not supported: the BEZEQ_ISRAEL quirk (Orckit ADSL modems) is not implemented',
      );
    }),
  ],
  [
    'debug',
    flag(noEffect('--debug', `keeps pptp in the foreground when it launches pppd; ${PTY_PAIR}`)),
  ],
  ['sync', flag(noEffect('--sync', `chooses synchronous HDLC framing on the pty; ${PTY_PAIR}`))],
  [
    'timeout',
    value((o, v, fail) => {
      const s = seconds(v, fail);
      // pptp-linux's range, in its words: between 0.01 and 10 seconds.
      if (s < 0.01 || s > 10)
        fail('CONFIG_BAD_VALUE', `${v} s is out of range: 0.01 to 10 seconds`);
      o.timeoutMs = s * 1000;
    }),
  ],
  ['logstring', value((o, v) => (o.logString = v))],
  [
    'localbind',
    value((o, v, fail) => {
      if (parseIpv4(v) === undefined) fail('CONFIG_BAD_VALUE', `'${v}' is not an IPv4 address`);
      o.localBind = v;
    }),
  ],
  ['loglevel', value((o, v, fail) => (o.logLevel = integer(v, 0, 2, fail) as 0 | 1 | 2))],
  [
    'nobuffer',
    flag((o) => {
      o.noBuffer = true;
    }),
  ],
  ['idle-wait', value((o, v, fail) => (o.idleWait = integer(v, 0, 86_400, fail)))],
  [
    'max-echo-wait',
    value((o, v, fail) => {
      // pptp-linux accepts 0, which would close the connection as the request leaves.
      o.maxEchoWait = integer(v, 1, 86_400, fail);
    }),
  ],
  [
    'version',
    { kind: 'refused', value: false, why: 'pptp would print its version and exit: no tunnel' },
  ],
  [
    'test-type',
    value((o, v, fail) => {
      if (integer(v, 0, 3, fail) !== 0) {
        fail(
          'CONFIG_UNSUPPORTED_OPTION',
          'not supported: pptpkit never reorders its own GRE packets to test a server',
        );
      }
      o.noEffect.push({ option: '--test-type', why: '0 sends packets in order, as pptpkit does' });
    }),
  ],
  [
    'test-rate',
    value((o, v, fail) => {
      integer(v, 1, 0xffffffff, fail);
      o.noEffect.push({ option: '--test-rate', why: 'paces --test-type tests, which are off' });
    }),
  ],
  [
    'rtmark',
    value((o, v, fail) => {
      const n = /^(0x[0-9a-f]+|[0-9]+)$/i.test(v) ? Number(v) : Number.NaN;
      if (!(n >= 0 && n <= 0xffffffff))
        fail('CONFIG_BAD_VALUE', `'${v}' is not a mark (0 to 4294967295, or 0x hexadecimal)`);
      o.rtMark = n;
    }),
  ],
  ['nohostroute', flag((o) => (o.noHostRoute = true))],
  ['missing-window', value((o, v, fail) => (o.missingWindow = integer(v, 1, 65_536, fail)))],
]);

/**
 * The options a `--name` may name, as getopt_long finds them: the exact name, else every option
 * it is a prefix of (one: an abbreviation; several: ambiguous).
 */
function findOptions(name: string): string[] {
  if (pptpOptions.has(name)) return [name];
  return [...pptpOptions.keys()].filter((k) => k.startsWith(name));
}

/** Splits a command line into words with shell-like quoting (`'...'`, `"..."`, `\x`). */
function splitCommand(cmd: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < cmd.length) word += cmd[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < cmd.length) word = (word ?? '') + cmd[++i]!;
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Reads a pppd `pty` command such as `pptp 10.1.1.14 --nolaunchpppd --rtmark 7` the way
 * pptp-linux reads its command line (`pptp HOST [pptp-options]`, options anywhere, `--name=value`
 * and unambiguous abbreviations as getopt_long allows): the server and what each option asks.
 * pptpkit speaks PPTP itself, so any other pty program is an error; so is an option pptp-linux
 * does not know (it exits on one); one pptpkit cannot honour is listed in `refused`.
 *
 * @throws PptpkitError `CONFIG_BAD_VALUE`, `CONFIG_UNKNOWN_OPTION`, `CONFIG_MISSING_ARGUMENT` or
 *   `CONFIG_NO_SERVER`, naming file, line and the pptp option.
 */
export function parsePptpCommand(cmd: string, at: ConfigLocation): PptpCommand {
  const words = splitCommand(cmd);
  const program = words[0]?.split('/').pop();
  if (program !== 'pptp') {
    throw configError(
      'CONFIG_BAD_VALUE',
      at,
      'pty',
      `pptpkit can only replace "pptp HOST ..." here, not '${words[0] ?? ''}'`,
    );
  }
  const o: Building = { noHostRoute: false, noEffect: [] };
  const refused: PptpkitError[] = [];
  const unsupported = (error: unknown): void => {
    if (!(error instanceof PptpkitError && error.code === 'CONFIG_UNSUPPORTED_OPTION')) throw error;
    refused.push(error);
  };
  let server: string | undefined;
  let optionsEnded = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (optionsEnded || !w.startsWith('-') || w === '-') {
      if (server === undefined) {
        server = w;
        continue;
      }
      refused.push(
        configError(
          'CONFIG_UNSUPPORTED_OPTION',
          at,
          `pty ${w}`,
          'not supported: pptp hands further words to a pppd it launches; put pppd options in the peer file',
        ),
      );
      continue;
    }
    if (w === '--') {
      optionsEnded = true;
      continue;
    }
    const eq = w.indexOf('=');
    const written = eq < 0 ? w : w.slice(0, eq);
    const candidates = w.startsWith('--') && w.length > 2 ? findOptions(written.slice(2)) : [];
    if (candidates.length > 1) {
      throw configError(
        'CONFIG_UNKNOWN_OPTION',
        at,
        `pty ${written}`,
        `ambiguous: ${candidates.map((c) => `--${c}`).join(', ')}`,
      );
    }
    const name = candidates[0];
    const spec = name === undefined ? undefined : pptpOptions.get(name);
    if (spec === undefined) {
      throw configError(
        'CONFIG_UNKNOWN_OPTION',
        at,
        `pty ${written}`,
        'not a pptp-linux option (pptp exits on an unknown option)',
      );
    }
    const label = `pty --${name}`;
    const fail: Fail = (code, problem) => {
      throw configError(code, at, label, problem);
    };
    const takesValue = spec.kind === 'value' || (spec.kind === 'refused' && spec.value);
    if (!takesValue && eq >= 0) fail('CONFIG_BAD_VALUE', 'takes no value');
    let arg: string | undefined;
    if (takesValue) {
      arg = eq >= 0 ? w.slice(eq + 1) : words[++i];
      if (arg === undefined) fail('CONFIG_MISSING_ARGUMENT', 'needs a value');
    }
    try {
      if (spec.kind === 'refused') fail('CONFIG_UNSUPPORTED_OPTION', `not supported: ${spec.why}`);
      else if (spec.kind === 'flag') spec.apply(o, fail);
      else spec.apply(o, arg!, fail);
    } catch (error) {
      unsupported(error);
    }
  }
  if (server === undefined) {
    throw configError('CONFIG_NO_SERVER', at, 'pty', 'the pptp command names no server');
  }
  const { timeoutMs, noBuffer, ...options } = o;
  if (noBuffer && timeoutMs !== undefined) {
    options.noEffect.push({
      option: '--timeout',
      why: '--nobuffer overrides it, as in pptp-linux',
    });
  }
  const reorderHoldMs = noBuffer ? 0 : timeoutMs;
  return {
    server,
    options: { ...options, ...(reorderHoldMs === undefined ? {} : { reorderHoldMs }) },
    refused,
  };
}
