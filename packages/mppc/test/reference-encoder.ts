/**
 * An independent RFC 2118 encoder for tests, written from the bit sheet in
 * `docs/mppc-encoding.md` (RFC 2118 §4.2) and not from `src/`: tokens become strings
 * of '0'/'1' characters, then bytes. It keeps its own model of the receiver's history (8192
 * bytes, zeroed on a flush — "histories are initialised to zeroes" — a write pointer and how
 * far it was written since the last flush; a copy reaching back past the front reads forward
 * and gets zeros past index 8191, as FreeRDP's decoder does) and offers several deliberately
 * different ways to choose tokens for the same data.
 */

/** One RFC 2118 token. */
export type Token =
  | { readonly kind: 'literal'; readonly byte: number }
  | { readonly kind: 'copy'; readonly offset: number; readonly length: number };

const HISTORY = 8192;

function bin(value: number, width: number): string {
  return value.toString(2).padStart(width, '0');
}

/** The bit string of one token, straight from the table (offset 0 is allowed, for tests). */
export function tokenBits(t: Token): string {
  if (t.kind === 'literal') {
    return t.byte < 0x80 ? `0${bin(t.byte, 7)}` : `10${bin(t.byte - 0x80, 7)}`;
  }
  let bits: string;
  if (t.offset < 64) bits = `1111${bin(t.offset, 6)}`;
  else if (t.offset < 320) bits = `1110${bin(t.offset - 64, 8)}`;
  else bits = `110${bin(t.offset - 320, 13)}`;
  if (t.length === 3) return `${bits}0`;
  // Rows 4–7, 8–15, ..., 4096–8191: k ones, a zero, then k + 1 low bits.
  for (let k = 1; k <= 11; k++) {
    const low = 2 ** (k + 1);
    if (t.length >= low && t.length < 2 * low) {
      return `${bits}${'1'.repeat(k)}0${bin(t.length - low, k + 1)}`;
    }
  }
  throw new RangeError(`length ${t.length} has no code`);
}

/** Packs a bit string into bytes, padding the last byte with zero bits. */
export function packBits(bits: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) {
    if (bits[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  }
  return out;
}

/** Encodes tokens to a payload. */
export function encodeTokens(tokens: readonly Token[]): Uint8Array {
  return packBits(tokens.map(tokenBits).join(''));
}

/** The receiver's history as the reference model sees it. */
export class ReferenceHistory {
  readonly bytes: Uint8Array = new Uint8Array(HISTORY);
  ptr = 0;
  /** Indexes below this were written since the last flush. */
  written = 0;

  flush(): void {
    this.bytes.fill(0);
    this.ptr = 0;
    this.written = 0;
  }

  /** Byte the copy (offset d, starting at the pointer) yields at step j. */
  copyByte(d: number, j: number, data: Uint8Array, i: number): number {
    const start = this.ptr - d;
    if (start >= 0) {
      // Within the current pass; from step d on, a byte this (overlapping) copy produced.
      return j >= d ? data[i + j - d]! : this.bytes[start + j]!;
    }
    // Back past the front: forward from index start + 8192, zeros past index 8191.
    const idx = start + HISTORY + j;
    return idx < HISTORY ? this.bytes[idx]! : 0;
  }

  /** Longest match (≤ max) for data[i..] with offset d from the current pointer. */
  matchLength(d: number, data: Uint8Array, i: number, max: number): number {
    let k = 0;
    while (k < max && this.copyByte(d, k, data, i) === data[i + k]) k++;
    return k;
  }

  /**
   * Plays tokens into the model the plain way (one byte at a time) and returns the bytes they
   * produce. Used as the expected output of hand-built streams.
   */
  play(tokens: readonly Token[]): Uint8Array {
    const start = this.ptr;
    for (const t of tokens) {
      if (t.kind === 'literal') {
        this.bytes[this.ptr++] = t.byte;
      } else {
        let src = this.ptr - t.offset;
        if (src < 0) src += HISTORY;
        for (let j = 0; j < t.length; j++) {
          this.bytes[this.ptr] = src < HISTORY ? this.bytes[src]! : 0;
          this.ptr++;
          src++;
        }
      }
    }
    if (this.ptr > this.written) this.written = this.ptr;
    return this.bytes.slice(start, this.ptr);
  }

  /** Writes produced bytes. */
  write(data: Uint8Array, i: number, length: number): void {
    for (let k = 0; k < length; k++) this.bytes[this.ptr++] = data[i + k]!;
    if (this.ptr > this.written) this.written = this.ptr;
  }
}

/** A packet as one of the reference encoders produced it. */
export interface ReferencePacket {
  readonly flags: number;
  readonly payload: Uint8Array;
  readonly tokens: readonly Token[];
  /** Copies whose offset reached back past the front into the history before the restart. */
  readonly wrappedCopies: number;
}

/** How a reference encoder picks the token at data[i]: return a copy length ≥ 3 or 0. */
export type Chooser = (
  h: ReferenceHistory,
  data: Uint8Array,
  i: number,
) => { offset: number; length: number } | undefined;

/** Greatest offset the model may use now (8191, or less when little was written). */
function maxOffset(h: ReferenceHistory): number {
  return Math.min(HISTORY - 1, h.written > h.ptr ? HISTORY - 1 : h.ptr);
}

/** Never copies. */
export const literalsOnly: Chooser = () => undefined;

/** The nearest 3-byte match, always of length exactly 3. */
export const shortestMatches: Chooser = (h, data, i) => {
  if (data.length - i < 3) return undefined;
  const top = maxOffset(h);
  for (let d = 1; d <= top; d++) {
    if (h.matchLength(d, data, i, 3) === 3) return { offset: d, length: 3 };
  }
  return undefined;
};

/** A seeded pseudo-random source (xorshift32), so runs are reproducible from fast-check seeds. */
export function xorshift(seed: number): () => number {
  let s = seed | 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/** A random valid match among a few found, of random valid length; sometimes a literal. */
export function randomMatches(random: () => number): Chooser {
  return (h, data, i) => {
    const remaining = Math.min(data.length - i, 8191);
    if (remaining < 3 || random() < 0.15) return undefined;
    const top = maxOffset(h);
    const found: { offset: number; length: number }[] = [];
    // Probe from a random start so far and wrapped offsets are used, not only the nearest.
    const first = 1 + Math.floor(random() * top);
    for (let n = 0; n < top && found.length < 6; n++) {
      const d = ((first - 1 + n) % top) + 1;
      const length = h.matchLength(d, data, i, remaining);
      if (length >= 3) found.push({ offset: d, length });
    }
    const pick = found[Math.floor(random() * found.length)];
    if (pick === undefined) return undefined;
    return { offset: pick.offset, length: 3 + Math.floor(random() * (pick.length - 2)) };
  };
}

/**
 * Encodes one packet with the given chooser. Restarts at the front (B) when the packet does
 * not fit; `flush` resets the model first (A).
 */
export function encodePacket(
  h: ReferenceHistory,
  data: Uint8Array,
  choose: Chooser,
  flush: boolean,
): ReferencePacket {
  let flags = 0x20;
  if (flush) {
    h.flush();
    flags |= 0x80;
  }
  if (h.ptr + data.length > HISTORY) {
    h.ptr = 0;
    flags |= 0x40;
  }
  const tokens: Token[] = [];
  let wrappedCopies = 0;
  let i = 0;
  while (i < data.length) {
    const copy = choose(h, data, i);
    if (copy === undefined) {
      tokens.push({ kind: 'literal', byte: data[i]! });
      h.write(data, i, 1);
      i++;
    } else {
      tokens.push({ kind: 'copy', offset: copy.offset, length: copy.length });
      if (copy.offset > h.ptr) wrappedCopies++;
      h.write(data, i, copy.length);
      i += copy.length;
    }
  }
  return { flags, payload: encodeTokens(tokens), tokens, wrappedCopies };
}
