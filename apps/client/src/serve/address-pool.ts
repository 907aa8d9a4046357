/**
 * The addresses `pptpkit serve` hands out: pptpd's `remoteip` (and, when `localip` is a list,
 * its `localip`) as ranges, with the addresses in use. Ranges stay ranges: a /8 costs nothing
 * until its addresses are taken.
 *
 * @module
 */
import type { AddressRange } from './config/server-config.js';

/** How many addresses a range holds. */
const count = (r: AddressRange): number => Math.floor((r.last - r.first) / r.step) + 1;

/** A set of IPv4 addresses (as 32-bit numbers) to take from and give back. */
export class AddressPool {
  readonly #ranges: readonly AddressRange[];
  readonly #used = new Set<number>();
  /** Where the next search starts: range index and offset, so freed addresses rest a while. */
  #range = 0;
  #offset = 0;
  readonly #size: number;

  /** @param ranges - the pool's addresses; overlapping ranges count their addresses once. */
  constructor(ranges: readonly AddressRange[]) {
    this.#ranges = ranges;
    this.#size = ranges.reduce((n, r) => n + count(r), 0);
  }

  /** Addresses in use. */
  get used(): number {
    return this.#used.size;
  }

  /** Whether `address` is one of the pool's. */
  contains(address: number): boolean {
    return this.#ranges.some(
      (r) => address >= r.first && address <= r.last && (address - r.first) % r.step === 0,
    );
  }

  /**
   * Takes a free address `permits` accepts, searching round the pool from where the last
   * search ended; `undefined` when none is free. Looks at each address at most once, and at
   * no more than 65,536 past the ones in use (a huge pool that `permits` mostly refuses).
   */
  take(permits: (address: number) => boolean = () => true): number | undefined {
    if (this.#ranges.length === 0) return undefined;
    const limit = Math.min(this.#size, 65_536 + this.#used.size);
    for (let looked = 0; looked < limit; looked++) {
      const range = this.#ranges[this.#range]!;
      const address = range.first + this.#offset * range.step;
      if (address >= range.last) {
        this.#range = (this.#range + 1) % this.#ranges.length;
        this.#offset = 0;
      } else this.#offset++;
      if (!this.#used.has(address) && permits(address)) {
        this.#used.add(address);
        return address;
      }
    }
    return undefined;
  }

  /** Takes `address` itself (a secrets file's fixed address); false when it is taken. */
  takeExactly(address: number): boolean {
    if (this.#used.has(address)) return false;
    this.#used.add(address);
    return true;
  }

  /** Gives `address` back. */
  release(address: number): void {
    this.#used.delete(address);
  }
}
