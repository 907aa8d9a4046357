/**
 * The runner's only source of randomness: a small seeded generator (sfc32), so that the same
 * seed gives the same inputs on every machine.
 *
 * @module
 */
import { SeededRandom } from '@pptpkit/testkit';

/** FNV-1a over the UTF-16 code units of `text`: mixes a target's name into the seed. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** FNV-1a over bytes: derives per-input choices (e.g. chunk boundaries) from the input itself. */
export function hashBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic pseudo-random generator with the runner's helpers, over the test kit's seeded
 * sfc32 (`SeededRandom`): one generator for fuzzing and the simulated wire.
 */
export class Rng {
  readonly #g: SeededRandom;

  /** @param seed - any 32-bit value; equal seeds give equal sequences. */
  constructor(seed: number) {
    this.#g = new SeededRandom(seed);
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    return this.#g.next();
  }

  /** A uniform integer in `[0, n)`; `n` must be a positive integer below 2^32. */
  below(n: number): number {
    return n <= 1 ? 0 : this.u32() % n;
  }

  /** A uniform integer in `[min, max]`. */
  int(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** `n` random octets. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }

  /** A length biased towards small values (a random scale from 16 to 65536), at most `max`. */
  length(max: number): number {
    const scale = this.pick([16, 64, 256, 1024, 4096, 65536]);
    return this.below(Math.min(max, scale) + 1);
  }
}

/** A `randomBytes(n)` for the cores under test, deterministic from `seed`. */
export function seededRandomBytes(seed: number): (n: number) => Uint8Array {
  const rng = new Rng(seed);
  return (n) => rng.bytes(n);
}
