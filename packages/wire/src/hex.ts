/** Lower-case hexadecimal digits, for {@link toHex}. */
const digits = '0123456789abcdef';

/** Formats bytes as lower-case hex with no separators. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += digits[b >>> 4]! + digits[b & 15]!;
  return out;
}

/**
 * Parses hex into bytes. Whitespace and `:` separators are ignored, so RFC-style
 * `"5B 5D 7C"` works.
 *
 * @throws RangeError on an odd number of digits or a non-hex character.
 */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0) throw new RangeError('hex string has an odd number of digits');
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new RangeError('hex string has a non-hex character');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
