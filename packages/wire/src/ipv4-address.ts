/**
 * Dotted-quad IPv4 addresses as unsigned 32-bit numbers: the one parser and formatter every
 * pptpkit package and the client use.
 *
 * @module
 */

/** `.` */
const DOT = 0x2e;
/** `0` */
const DIGIT_0 = 0x30;
/** `9` */
const DIGIT_9 = 0x39;

/**
 * Parses a strict dotted quad `a.b.c.d` into its unsigned 32-bit value (`a` in the top byte).
 * Each part is 1 to 3 decimal digits with a value of 0 to 255 and no leading zero (`01` is
 * refused: `inet_aton` would read it as octal); no sign, no spaces, no empty part, exactly four
 * parts. Never throws.
 *
 * @returns the address, or `undefined` when `text` is not a dotted quad.
 */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let parts = 0;
  let octet = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    // The end of the text closes the last part, as a dot closes the others.
    const c = i === text.length ? DOT : text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || parts === 4) return undefined;
      value = value * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
      continue;
    }
    if (c < DIGIT_0 || c > DIGIT_9 || (digits > 0 && octet === 0)) return undefined;
    octet = octet * 10 + (c - DIGIT_0);
    digits++;
    if (octet > 255) return undefined;
  }
  return parts === 4 ? value : undefined;
}

/**
 * Formats an unsigned 32-bit address as a dotted quad (`0xc0a80001` → `192.168.0.1`).
 *
 * @throws RangeError when `value` is not an integer from 0 to 0xFFFFFFFF.
 */
export function formatIpv4(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`not a 32-bit IPv4 address: ${value}`);
  }
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}
