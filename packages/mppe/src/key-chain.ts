/**
 * Stateless receive keys computed in advance, so that the work a packet can cause is bounded
 * (issue 12). Internal to the package.
 *
 * Stateless MPPE changes key before every packet (RFC 3078 §7.1), so the key of a packet is a
 * pure function of the start key and the number of key changes since it: a packet up to 4095
 * counts ahead of the newest one (RFC 3078 §8.1) needs up to 4095 key changes. The chain keeps
 * the keys of the next counts in a ring of 4096 slots indexed by coherency count (64 KiB at
 * 128 bits, in pages allocated as they are first written), filled when it is made (or as
 * packets come, with `initialKeys`); after that, every key a packet may ask for is
 * usually already there, and keeping the ring full costs one key change per genuine packet,
 * what the key change of each packet cost anyway. The keys depend on no packet content, so a
 * forged packet cannot spoil them; taking a packet back only moves the newest count back.
 * An idle decryptor may let the ring go ({@link KeyChain.trim}): the chain then restarts from the
 * newest count's key, refilled by the next packets within their key-change budget.
 */
import { COHERENCY_COUNT_SPACE } from './header.js';
import type { KeySchedule } from './key-schedule.js';

/** The keys of the counts after the newest one, up to a full cycle. */
/** Counts per page of the ring: 256 keys (4 KiB at 128 bits), allocated when first written. */
const PAGE_COUNTS = 256;
const PAGES = COHERENCY_COUNT_SPACE / PAGE_COUNTS;

export class KeyChain {
  /**
   * The ring, in 16 pages of 256 counts: page `c >> 8` holds the key of count `c` at
   * `(c & 255) * length`. A page is allocated when a key is first written to it, so a decryptor
   * that has seen few packets holds few; {@link KeyChain.trim} lets them all go.
   */
  readonly #pages: (Uint8Array | undefined)[] = new Array(PAGES).fill(undefined);
  /** Its session key is the newest key computed: that of count `#frontier`. */
  readonly #keys: KeySchedule;
  #frontier = COHERENCY_COUNT_SPACE - 1;
  #ahead = 0;

  /**
   * Computes the keys of the first cycle (counts 0 to 4095, the key changes a first packet may
   * ask for; the first `initial` of them when fewer are wanted) from `keys`, whose session key
   * must be the initial one; `keys` then belongs to the chain.
   */
  constructor(keys: KeySchedule, initial: number = COHERENCY_COUNT_SPACE) {
    this.#keys = keys;
    this.extend(initial, initial);
  }

  /**
   * The page holding the key of count `c`, at `(c & 255) * length`: valid for a count ahead of
   * the newest one (and the newest), after {@link KeyChain.extend} computed it.
   */
  page(c: number): Uint8Array {
    return this.#pages[(c & 0xfff) >> 8]!;
  }

  /** Bytes the chain holds now (0 once trimmed). */
  get heldBytes(): number {
    let n = 0;
    for (const p of this.#pages) n += p?.length ?? 0;
    return n;
  }

  /**
   * Lets the ring go (up to 64 KiB at 128 bits) and keeps only the newest count's key, from
   * which the next {@link KeyChain.extend} computes the keys after it again. Nothing happens
   * before the first packet moved the newest count (its key, the start one, is not in the ring).
   */
  trim(): void {
    if (this.heldBytes === 0 || this.#ahead >= COHERENCY_COUNT_SPACE) return;
    const len = this.#keys.length;
    // The frontier is at most 4095 ahead of the newest count, so the newest count's slot still
    // holds its own key.
    const newest = (this.#frontier - this.#ahead) & 0xfff;
    const at = (newest & (PAGE_COUNTS - 1)) * len;
    this.#keys.session.set(this.page(newest).subarray(at, at + len));
    this.#frontier = newest;
    this.#ahead = 0;
    this.#pages.fill(undefined);
  }

  /** How many counts after the newest one have their key in the ring (0 to 4096). */
  get ahead(): number {
    return this.#ahead;
  }

  /**
   * Computes keys past the last one until {@link ahead} reaches `target` (at most 4096, as long
   * as the newest count has not moved) or `budget` key changes are spent; returns how many were.
   */
  extend(target: number, budget: number): number {
    const keys = this.#keys;
    const len = keys.length;
    let spent = 0;
    if (this.#ahead >= target || budget <= 0) return 0;
    const pages = this.#pages;
    for (; this.#ahead < target && spent < budget; spent++) {
      keys.advance();
      const c = (this.#frontier + 1) & 0xfff;
      this.#frontier = c;
      const index = c >> 8;
      const page = pages[index] ?? new Uint8Array(PAGE_COUNTS * len);
      pages[index] = page;
      page.set(keys.session, (c & (PAGE_COUNTS - 1)) * len);
      this.#ahead++;
    }
    return spent;
  }

  /** The newest count moved `steps` ahead (at most {@link ahead}), or back (`-steps`). */
  move(steps: number): void {
    this.#ahead -= steps;
  }
}
