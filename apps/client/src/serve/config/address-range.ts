/**
 * pptpd's `localip`/`remoteip` lists: parsed into ranges, counted and indexed without ever
 * expanding a range.
 *
 * @module
 */
import { parseIpv4 } from '@pptpkit/wire';
import { type ConfigLocation, configError } from '../../config/config-error.js';
import type { AddressRange } from './server-config.js';

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** An octet in strict decimal (no sign, no leading zero), or `undefined`. */
function octet(text: string): number | undefined {
  if (!OCTET.test(text)) return undefined;
  const n = Number(text);
  return n <= 255 ? n : undefined;
}

/** Why `item` is not a range or an address, with pptpd's rules as the hint. */
function badItem(item: string): string {
  if (item === '') return 'empty item (two commas, or a comma at an end)';
  if (/\s/.test(item)) return `'${item}': no spaces are allowed in the list (pptpd.conf(5))`;
  if (item.includes('#')) return `'${item}': pptpd has no comments after a value`;
  if (/^[0-9.]+-[0-9.]+$/.test(item) && (item.match(/\./g) ?? []).length > 3) {
    return `'${item}': pptpd ranges vary one octet only (write 10.0.0.2-254), it refuses this form`;
  }
  if (/[^0-9.-]/.test(item)) {
    return `'${item}' is not an IPv4 address (pptpkit does no DNS lookups)`;
  }
  return `'${item}' is not an IPv4 address or range (a.b.c.d, or a.b.c.d-e with one octet varying)`;
}

/** Parses one list item: `a.b.c.d`, or a dotted quad with exactly one octet written `lo-hi`. */
function parseItem(item: string): AddressRange | undefined {
  const single = parseIpv4(item);
  if (single !== undefined) return { first: single, last: single, step: 1 };
  const parts = item.split('.');
  if (parts.length !== 4 || item.split('-').length !== 2) return undefined;
  let first = 0;
  let last = 0;
  let step = 0;
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    const dash = part.indexOf('-');
    const lo = octet(dash < 0 ? part : part.slice(0, dash));
    const hi = dash < 0 ? lo : octet(part.slice(dash + 1));
    if (lo === undefined || hi === undefined || hi < lo) return undefined;
    first = first * 256 + lo;
    last = last * 256 + hi;
    if (dash >= 0) step = 256 ** (3 - i);
  }
  return { first, last, step };
}

/**
 * Parses a pptpd address list (`192.168.0.234,192.168.0.245-249,192.168.0.254`): items
 * separated by commas, no spaces, each a dotted quad or a quad with one octet written as an
 * inclusive `lo-hi` range. Like pptpd, a range with `hi < lo` or an octet past 255 is an error;
 * unlike pptpd, host names (which it resolves) are refused, and octets must be plain decimal
 * (pptpd's `inet_addr` would read `010` as octal).
 *
 * @throws PptpkitError `CONFIG_BAD_VALUE` naming `at` and `keyword`.
 */
export function parseAddressList(
  value: string,
  at: ConfigLocation,
  keyword: string,
): AddressRange[] {
  if (value === '') throw configError('CONFIG_MISSING_ARGUMENT', at, keyword, 'needs addresses');
  return value.split(',').map((item) => {
    const range = parseItem(item);
    if (range === undefined) throw configError('CONFIG_BAD_VALUE', at, keyword, badItem(item));
    return range;
  });
}

/** How many addresses a range holds. */
export function rangeSize(range: AddressRange): number {
  return (range.last - range.first) / range.step + 1;
}

/** How many addresses a list holds (a sum over its items; nothing is expanded). */
export function addressCount(list: readonly AddressRange[]): number {
  let n = 0;
  for (const range of list) n += rangeSize(range);
  return n;
}

/**
 * The `index`th address of a list (0-based), as pptpd numbers its slots, or `undefined` past
 * the end.
 */
export function addressAt(list: readonly AddressRange[], index: number): number | undefined {
  let rest = index;
  for (const range of list) {
    const size = rangeSize(range);
    if (rest < size) return range.first + rest * range.step;
    rest -= size;
  }
  return undefined;
}
