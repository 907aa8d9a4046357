/**
 * IPv6 addresses as rtnetlink carries them (sixteen network-order bytes) and as people write
 * them: the text forms of RFC 4291 §2.2 in, the canonical form of RFC 5952 §4–5 out.
 *
 * @module
 */

/** Parses one to four hex digits; `undefined` otherwise. */
function hexGroup(text: string): number | undefined {
  return /^[0-9a-fA-F]{1,4}$/.test(text) ? Number.parseInt(text, 16) : undefined;
}

/** Parses a strict dotted quad into four bytes (no leading zeros, each 0–255). */
function dottedQuad(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    bytes.push(Number(part));
  }
  return bytes;
}

/** The 16-bit groups of a run like `a:b:1.2.3.4` (`allowQuad`: a dotted quad may end it). */
function groups(text: string, allowQuad: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const result: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (allowQuad && i === parts.length - 1 && part.includes('.')) {
      const quad = dottedQuad(part);
      if (quad === undefined) return undefined;
      result.push((quad[0]! << 8) | quad[1]!, (quad[2]! << 8) | quad[3]!);
      continue;
    }
    const group = hexGroup(part);
    if (group === undefined) return undefined;
    result.push(group);
  }
  return result;
}

/**
 * The sixteen bytes of an IPv6 address in any RFC 4291 §2.2 text form (`::` once, an embedded
 * dotted quad last); `undefined` when malformed. Zone identifiers (`%eth0`) are refused: the
 * interface is given separately wherever it matters.
 */
export function parseIpv6(text: string): Uint8Array | undefined {
  const gap = text.indexOf('::');
  let words: number[] | undefined;
  if (gap < 0) {
    words = groups(text, true);
    if (words?.length !== 8) return undefined;
  } else {
    if (text.indexOf('::', gap + 1) >= 0) return undefined;
    const head = groups(text.slice(0, gap), false);
    const tail = groups(text.slice(gap + 2), true);
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  for (const [i, word] of words.entries()) {
    bytes[2 * i] = word >>> 8;
    bytes[2 * i + 1] = word & 255;
  }
  return bytes;
}

/** {@link parseIpv6}, throwing `RangeError` when malformed. */
export function ipv6Bytes(text: string): Uint8Array {
  const bytes = parseIpv6(text);
  if (bytes === undefined) throw new RangeError(`not an IPv6 address: ${JSON.stringify(text)}`);
  return bytes;
}

/**
 * The RFC 5952 text of sixteen network-order bytes: lower-case hex without leading zeros, the
 * longest run of two or more zero groups (the first of equal runs) as `::` (§4.2), and
 * IPv4-mapped addresses as `::ffff:a.b.c.d` (§5). Throws `RangeError` on another length.
 */
export function ipv6FromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`expected 16 address bytes, got ${bytes.length}`);
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && words[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = (from: number, to: number): string =>
    words
      .slice(from, to)
      .map((w) => w.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
