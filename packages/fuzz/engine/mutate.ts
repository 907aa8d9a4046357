/**
 * Byte-level mutators: bit flips, interesting values, byte insert/delete, duplication, splicing
 * with another input, dictionary tokens and length-field tweaks.
 *
 * @module
 */
import { concatBytes } from './bytes.js';
import type { Rng } from './rng.js';

/** What a mutation may draw on besides the input itself. */
export interface MutationContext {
  /** Longest input to produce. */
  readonly maxLength: number;
  /** Tokens to insert or overwrite with. */
  readonly dictionary: readonly Uint8Array[];
  /** Another input of the corpus, for splicing. */
  readonly other: () => Uint8Array;
}

const INTERESTING_8 = [0x00, 0x01, 0x02, 0x03, 0x0f, 0x10, 0x20, 0x40, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_16 = [
  0x0000, 0x0001, 0x00ff, 0x0100, 0x03ff, 0x0400, 0x07ff, 0x0800, 0x0fff, 0x1000, 0x1fff, 0x2000,
  0x2140, 0x7fff, 0x8000, 0xfffe, 0xffff,
];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x1a2b3c4d];

function put(out: Uint8Array, at: number, value: number, width: 1 | 2 | 4, little: boolean): void {
  for (let k = 0; k < width && at + k < out.length; k++) {
    const shift = little ? 8 * k : 8 * (width - 1 - k);
    out[at + k] = (value >>> shift) & 0xff;
  }
}

/** Offsets of 16-bit big-endian values that look like a length: near the bytes that follow. */
function lengthFields16(input: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 1 < input.length; at++) {
    const v = (input[at]! << 8) | input[at + 1]!;
    const rest = input.length - at;
    if (v > 0 && v >= rest - 24 && v <= rest + 24) out.push(at);
  }
  return out;
}

/** Offsets of 8-bit values that look like an option length (2..remaining). */
function lengthFields8(input: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 1; at < input.length; at++) {
    const v = input[at]!;
    if (v >= 2 && v <= input.length - at + 1) out.push(at);
  }
  return out;
}

function tweak(rng: Rng, value: number, max: number): number {
  switch (rng.below(6)) {
    case 0:
      return (value + 1) & max;
    case 1:
      return (value - 1) & max;
    case 2:
      return 0;
    case 3:
      return max;
    case 4:
      return (value + rng.int(2, 64)) & max;
    default:
      return rng.u32() & max;
  }
}

/** Applies one randomly chosen mutation to a copy of `input`. */
function mutateOnce(input: Uint8Array, rng: Rng, ctx: MutationContext): Uint8Array {
  const n = input.length;
  if (n === 0) return rng.bytes(rng.int(1, 16));
  const at = rng.below(n);
  const out = input.slice();
  switch (rng.below(16)) {
    case 0:
      out[at] = out[at]! ^ (1 << rng.below(8));
      return out;
    case 1:
      out[at] = rng.u32() & 0xff;
      return out;
    case 2:
      out[at] = rng.pick(INTERESTING_8);
      return out;
    case 3:
      put(out, at, rng.pick(INTERESTING_16), 2, rng.chance(0.2));
      return out;
    case 4:
      put(out, at, rng.pick(INTERESTING_32), 4, rng.chance(0.2));
      return out;
    case 5:
      out[at] = (out[at]! + (rng.chance(0.5) ? 1 : -1) * rng.int(1, 35)) & 0xff;
      return out;
    case 6: {
      const extra = rng.chance(0.7) ? rng.int(1, 8) : rng.length(256);
      return concatBytes([input.subarray(0, at), rng.bytes(extra), input.subarray(at)]);
    }
    case 7: {
      const len = Math.min(n - at, rng.chance(0.7) ? rng.int(1, 8) : rng.length(n));
      return concatBytes([input.subarray(0, at), input.subarray(at + len)]);
    }
    case 8: {
      const from = rng.below(n);
      const len = Math.min(n - from, rng.int(1, 64));
      return concatBytes([
        input.subarray(0, at),
        input.subarray(from, from + len),
        input.subarray(at),
      ]);
    }
    case 9: {
      const from = rng.below(n);
      const len = Math.min(n - from, n - at, rng.int(1, 32));
      out.copyWithin(at, from, from + len);
      return out;
    }
    case 10: {
      const other = ctx.other();
      const cut = rng.below(other.length + 1);
      return concatBytes([input.subarray(0, at), other.subarray(cut)]);
    }
    case 11: {
      if (ctx.dictionary.length === 0) return out;
      const token = rng.pick(ctx.dictionary);
      if (rng.chance(0.5)) return concatBytes([input.subarray(0, at), token, input.subarray(at)]);
      out.set(token.subarray(0, n - at), at);
      return out;
    }
    case 12: {
      const fields = lengthFields16(input);
      if (fields.length === 0) return out;
      const f = rng.pick(fields);
      put(out, f, tweak(rng, (out[f]! << 8) | out[f + 1]!, 0xffff), 2, false);
      return out;
    }
    case 13: {
      const fields = lengthFields8(input);
      if (fields.length === 0) return out;
      const f = rng.pick(fields);
      out[f] = tweak(rng, out[f]!, 0xff);
      return out;
    }
    case 14:
      return input.slice(0, at);
    default: {
      const len = Math.min(n - at, rng.int(1, 64));
      const times = rng.int(1, 8);
      const chunk = input.subarray(at, at + len);
      return concatBytes([
        input.subarray(0, at + len),
        ...Array(times).fill(chunk),
        input.subarray(at + len),
      ]);
    }
  }
}

/** Applies a stack of 1 to 8 (sometimes up to 32) mutations, capped at `ctx.maxLength`. */
export function mutate(input: Uint8Array, rng: Rng, ctx: MutationContext): Uint8Array {
  const rounds = rng.chance(0.1) ? rng.int(1, 32) : rng.int(1, rng.chance(0.5) ? 2 : 8);
  let out = input;
  for (let i = 0; i < rounds; i++) out = mutateOnce(out, rng, ctx);
  return out.length > ctx.maxLength ? out.subarray(0, ctx.maxLength) : out;
}

/** Joins a prefix of one input with a suffix of another. */
export function splice(a: Uint8Array, b: Uint8Array, rng: Rng, maxLength: number): Uint8Array {
  const out = concatBytes([
    a.subarray(0, rng.below(a.length + 1)),
    b.subarray(rng.below(b.length + 1)),
  ]);
  return out.length > maxLength ? out.subarray(0, maxLength) : out;
}
