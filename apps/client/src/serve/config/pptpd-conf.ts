/**
 * pptpd's own configuration file, `/etc/pptpd.conf`, read by pptpd's rules.
 *
 * @module
 */
import { parseIpv4 } from '@pptpkit/wire';
import { type ConfigLocation, configError } from '../../config/config-error.js';
import type { ConfigWarning, IgnoredOption } from '../../config/load-peer.js';
import { parseAddressList } from './address-range.js';
import type { AddressRange } from './server-config.js';

/**
 * pptpd reads lines into a 512-byte buffer and skips (with a syslog error) any line of 510
 * characters or more (configfile.c, `MAX_CONFIG_STRING_SIZE` in defaults.h).
 */
export const PPTPD_MAX_LINE = 509;

/** pptpd.conf's settings, before the ppp options files are read. */
export interface PptpdConf {
  /** `option`: the ppp options file, with where it was named. */
  readonly option?: { readonly file: string; readonly at: ConfigLocation };
  /** `listen` (default `0.0.0.0`). */
  readonly listen: string;
  /** `connections` (default 100). */
  readonly connections: number;
  /** `localip`, or `undefined` when absent. */
  readonly localIp?: readonly AddressRange[];
  /** `remoteip`, or `undefined` when absent. */
  readonly remoteIp?: readonly AddressRange[];
  /** `debug`. */
  readonly debug: boolean;
  /** `stimeout` (default 10). */
  readonly startTimeout: number;
  /** `noipparam`. */
  readonly noIpparam: boolean;
  /** Keywords accepted without effect. */
  readonly ignored: readonly IgnoredOption[];
  /** Tolerated problems. */
  readonly warnings: readonly ConfigWarning[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What one keyword does. */
type Keyword =
  | { readonly kind: 'flag'; readonly apply: (c: Mutable<PptpdConf>) => void }
  | {
      readonly kind: 'value';
      readonly apply: (c: Mutable<PptpdConf>, value: string, at: ConfigLocation) => void;
    }
  | { readonly kind: 'ignored'; readonly why: string }
  | { readonly kind: 'refused'; readonly why: string };

/** A whole number in `min..max`, strictly decimal (pptpd's `atoi` would take `10x` as 10). */
function count(keyword: string, min: number, max: number, value: string, at: ConfigLocation) {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) {
    throw configError(
      'CONFIG_BAD_VALUE',
      at,
      keyword,
      `'${value}' is not a number in ${min}..${max}`,
    );
  }
  return n;
}

const keywords: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ['option', { kind: 'value', apply: (c, file, at) => (c.option = { file, at }) }],
  [
    'listen',
    {
      kind: 'value',
      apply: (c, v, at) => {
        if (parseIpv4(v) === undefined) {
          throw configError(
            'CONFIG_BAD_VALUE',
            at,
            'listen',
            `'${v}' is not an IPv4 address (pptpkit does no DNS lookups)`,
          );
        }
        c.listen = v;
      },
    },
  ],
  [
    'connections',
    // pptpd takes a number <= 0 as its default; a PPTP call ID is 16 bits.
    {
      kind: 'value',
      apply: (c, v, at) => (c.connections = count('connections', 1, 65_535, v, at)),
    },
  ],
  [
    'localip',
    { kind: 'value', apply: (c, v, at) => (c.localIp = parseAddressList(v, at, 'localip')) },
  ],
  [
    'remoteip',
    { kind: 'value', apply: (c, v, at) => (c.remoteIp = parseAddressList(v, at, 'remoteip')) },
  ],
  ['debug', { kind: 'flag', apply: (c) => (c.debug = true) }],
  [
    'stimeout',
    { kind: 'value', apply: (c, v, at) => (c.startTimeout = count('stimeout', 1, 86_400, v, at)) },
  ],
  ['noipparam', { kind: 'flag', apply: (c) => (c.noIpparam = true) }],
  ['logwtmp', { kind: 'ignored', why: 'pptpkit serve writes no wtmp records' }],
  ['speed', { kind: 'ignored', why: 'a serial line speed for pppd; a PPTP session has none' }],
  ['ppp', { kind: 'ignored', why: 'the path of pppd; pptpkit serve runs PPP itself' }],
  ['pidfile', { kind: 'ignored', why: "pptpkit serve does not write pptpd's pid file" }],
  ['bcrelay', { kind: 'refused', why: 'broadcast relay (bcrelay) is not implemented' }],
  [
    'delegate',
    { kind: 'refused', why: 'delegating address allocation to pppd is not implemented' },
  ],
  ['vrf', { kind: 'refused', why: 'binding to a VRF is not implemented' }],
]);

/**
 * Parses pptpd.conf as pptpd does: one `keyword value` per line, the keyword ending at the first
 * space or tab, the value the rest of the line with trailing blanks removed; a line starting
 * with `#` is a comment (a `#` later on a line is part of the value). pptpd silently skips
 * unknown keywords, lines starting with a blank and lines of 510 characters or more, and uses
 * the first line of a keyword that appears twice; here the first three are errors naming file
 * and line (warnings with `lenient`, the line then skipped as pptpd does) and a repeated keyword
 * is a warning.
 *
 * @throws PptpkitError `CONFIG_UNKNOWN_OPTION`, `CONFIG_UNSUPPORTED_OPTION` (bcrelay, delegate,
 *   vrf), `CONFIG_BAD_VALUE` or `CONFIG_MISSING_ARGUMENT`, naming file, line and keyword.
 */
export function parsePptpdConf(text: string, file: string, lenient: boolean): PptpdConf {
  const conf: Mutable<PptpdConf> = {
    listen: '0.0.0.0',
    connections: 100,
    debug: false,
    startTimeout: 10,
    noIpparam: false,
    ignored: [],
    warnings: [],
  };
  const ignored: IgnoredOption[] = [];
  const warnings: ConfigWarning[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');

  /** An error, or with `lenient` a warning (the line is then skipped). */
  const problem = (error: Error, at: ConfigLocation): void => {
    if (!lenient) throw error;
    warnings.push({ ...at, message: error.message });
  };

  for (let i = 0; i < lines.length; i++) {
    const at: ConfigLocation = { file, line: i + 1 };
    const raw = lines[i]!;
    const line = raw.replace(/[ \t\r]+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const space = line.search(/[ \t]/);
    const keyword = space < 0 ? line : line.slice(0, space);
    if (raw.length > PPTPD_MAX_LINE) {
      const why = `line longer than ${PPTPD_MAX_LINE} characters, which pptpd skips`;
      problem(configError('CONFIG_BAD_VALUE', at, keyword.slice(0, 40), why), at);
      continue;
    }
    if (space === 0) {
      const word = line.trim().split(/[ \t]/)[0]!;
      const why = 'pptpd skips a line that starts with a blank: remove the indentation';
      problem(configError('CONFIG_BAD_VALUE', at, word, why), at);
      continue;
    }
    const value = space < 0 ? '' : line.slice(space).replace(/^[ \t]+/, '');
    const spec = keywords.get(keyword);
    if (spec === undefined) {
      problem(configError('CONFIG_UNKNOWN_OPTION', at, keyword, 'unknown pptpd.conf keyword'), at);
      continue;
    }
    const first = seen.get(keyword);
    if (first !== undefined) {
      warnings.push({ ...at, message: `${keyword}: repeated; pptpd uses line ${first}` });
      continue;
    }
    seen.set(keyword, at.line);
    switch (spec.kind) {
      case 'ignored':
        ignored.push({ ...at, option: keyword, why: spec.why });
        break;
      case 'refused':
        problem(
          configError('CONFIG_UNSUPPORTED_OPTION', at, keyword, `not supported: ${spec.why}`),
          at,
        );
        break;
      case 'flag':
        spec.apply(conf);
        break;
      case 'value':
        if (value === '') {
          throw configError('CONFIG_MISSING_ARGUMENT', at, keyword, 'needs a value');
        }
        spec.apply(conf, value, at);
        break;
    }
  }
  return { ...conf, ignored, warnings };
}
