import { type ConfigLocation, configError } from './config-error.js';

/**
 * Parses a pppd number as pppd does (C `strtol` base 0: decimal, `0x` hex, leading-0 octal) and
 * checks it lies in `min..max`.
 *
 * @throws PptpkitError `CONFIG_BAD_VALUE` naming file, line and option.
 */
export function pppdNumber(
  option: string,
  raw: string,
  min: number,
  max: number,
  at: ConfigLocation,
): number {
  const n = /^0x[0-9a-f]+$/i.test(raw)
    ? Number.parseInt(raw.slice(2), 16)
    : /^0[0-7]+$/.test(raw)
      ? Number.parseInt(raw, 8)
      : /^[0-9]+$/.test(raw)
        ? Number(raw)
        : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw configError('CONFIG_BAD_VALUE', at, option, `'${raw}' is not a number in ${min}..${max}`);
  }
  return n;
}
