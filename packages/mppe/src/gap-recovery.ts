/**
 * Stateful MPPE across a short gap without a CCP Reset-Request (issue 14). Internal to the
 * package.
 *
 * Stateful MPPE (RFC 3078 §8.2) runs one RC4 keystream across packets and changes key only
 * before FLUSHED packets (flag packets, count low byte 0xFF, among them). When a few packets
 * are lost and none of them can have changed the key, the receiver's RC4 state is right but
 * behind the sender's by the bytes those packets encrypted (the PPP protocol field and the
 * payload: everything after the 2-byte header). Their sum is not on the wire, but traffic
 * repeats a few lengths (full-size segments, ACKs): the candidate sums are the sums of `gap`
 * recently seen lengths, most likely first, and the caller, which can judge the plaintext,
 * keeps the first that decrypts the packet to something well-formed.
 */

import { Rc4 } from './rc4.js';
import { MPPE_STATUS } from './status.js';

/** The most packets a gap may have lost for the keystream to be recovered across it. */
export const MPPE_RECOVERY_MAX_GAP = 4;

/** The most keystream offsets tried for one packet after a gap. */
export const MPPE_RECOVERY_CANDIDATES = 32;

/**
 * The longest encrypted part (PPP protocol field and payload) of a packet recovered after a
 * gap, or remembered as a length lost packets may have had: above any MRU a PPTP peer uses.
 */
export const MPPE_RECOVERY_MAX_LENGTH = 2048;

/** Distinct recent lengths remembered. */
const LENGTH_SLOTS = 6;
/** When the remembered counts reach this total they are halved, so recent traffic weighs. */
const DECAY_TOTAL = 1024;
/** Multisets of at most `MPPE_RECOVERY_MAX_GAP` of `LENGTH_SLOTS` lengths: C(6 + 4 - 1, 4). */
const MAX_MULTISETS = 126;
const FACTORIAL = [1, 1, 2, 6, 24];

/**
 * Whether `b0 b1` may open the plaintext of an MPPE packet: a PPP protocol number MPPE
 * encrypts (RFC 3078 §3: 0x0021 to 0x00FA), whole or compressed to its low octet (RFC 1661
 * §6.5); protocol numbers are odd (RFC 1661 §2).
 */
function opensWithProtocol(b0: number, b1: number): boolean {
  const low = b0 === 0 ? b1 : b0;
  return (low & 1) === 1 && low >= 0x21 && low <= 0xfa;
}

/**
 * The recent encrypted lengths, the candidate keystream offsets for a gap, and the keystream
 * they are read from: about 1 KiB preallocated, and the 10 KiB keystream buffer allocated at the
 * first gap (let go again by {@link GapRecovery.trim}).
 */
export class GapRecovery {
  /** Remembered lengths (slots with a count of 0 are empty) and how often each was seen. */
  readonly #lengths = new Int32Array(LENGTH_SLOTS);
  readonly #counts = new Uint32Array(LENGTH_SLOTS);
  #total = 0;
  /** Candidate offsets (sums of lost lengths) and their likelihoods; the best come first. */
  readonly #offsets = new Int32Array(MAX_MULTISETS);
  readonly #scores = new Float64Array(MAX_MULTISETS);
  #candidates = 0;
  #next = 0;
  /** The slot indexes of the multiset being enumerated (non-decreasing). */
  readonly #pick = new Int32Array(MPPE_RECOVERY_MAX_GAP);
  /** A copy of the receiver's RC4 state, run ahead to fill {@link #stream}. */
  readonly #spare = new Rc4();
  /** Keystream from the receiver's state on: every candidate offset plus the packet. */
  #stream: Uint8Array | undefined;
  /** Keystream bytes the receiver's RC4 must still skip for the candidate last handed out. */
  #pending = 0;

  /** Bytes of the keystream buffer held now. */
  get heldBytes(): number {
    return this.#stream?.length ?? 0;
  }

  /** Lets the keystream buffer go, unless a candidate offset is pending (see {@link commit}). */
  trim(): void {
    if (this.#pending !== 0) return;
    this.#stream = undefined;
    this.#candidates = 0;
  }

  /** A packet whose `length` bytes were encrypted in sync: remember its length. */
  record(length: number): void {
    if (length > MPPE_RECOVERY_MAX_LENGTH) return;
    const lengths = this.#lengths;
    const counts = this.#counts;
    let victim = 0;
    for (let k = 0; k < LENGTH_SLOTS; k++) {
      if (counts[k]! > 0 && lengths[k] === length) {
        counts[k]!++;
        if (++this.#total >= DECAY_TOTAL) this.#decay();
        return;
      }
      if (counts[k]! < counts[victim]!) victim = k;
    }
    // The least seen length makes room (an empty slot first).
    this.#total += 1 - counts[victim]!;
    lengths[victim] = length;
    counts[victim] = 1;
  }

  /** Halves every count (a length seen once may go: its slot is then free). */
  #decay(): void {
    let total = 0;
    for (let k = 0; k < LENGTH_SLOTS; k++) {
      const c = this.#counts[k]! >>> 1;
      this.#counts[k] = c;
      total += c;
    }
    this.#total = total;
  }

  /**
   * A packet of `plain` encrypted bytes arrived after `gap` (1 to {@link MPPE_RECOVERY_MAX_GAP})
   * lost ones that cannot have changed the key: lists the candidate offsets, the sums of `gap`
   * remembered lengths by likelihood (multinomial, from how often each length was seen; equal
   * sums merged), at most {@link MPPE_RECOVERY_CANDIDATES}, and generates the keystream they
   * need from a copy of `rc4` (which does not move).
   *
   * @returns false when there is nothing to try (no length remembered, or the packet is too
   *   long or too short to carry a protocol field).
   */
  begin(rc4: Rc4, gap: number, plain: number): boolean {
    this.#candidates = 0;
    this.#next = 0;
    this.#pending = 0;
    if (plain < 2 || plain > MPPE_RECOVERY_MAX_LENGTH || this.#total === 0) return false;
    const lengths = this.#lengths;
    const counts = this.#counts;
    const offsets = this.#offsets;
    const scores = this.#scores;
    const pick = this.#pick;
    pick.fill(0);
    let m = 0;
    for (;;) {
      // The multiset `pick[0 .. gap)`: its sum, and its probability up to a common factor.
      let sum = 0;
      let score = FACTORIAL[gap]!;
      let run = 0;
      let valid = true;
      for (let q = 0; q < gap; q++) {
        const k = pick[q]!;
        if (counts[k] === 0) {
          valid = false;
          break;
        }
        sum += lengths[k]!;
        score *= counts[k]! / this.#total;
        run = q > 0 && pick[q - 1] === k ? run + 1 : 1;
        score /= run;
      }
      if (valid) {
        let at = 0;
        while (at < m && offsets[at] !== sum) at++;
        if (at === m) {
          offsets[m] = sum;
          scores[m++] = score;
        } else {
          scores[at]! += score;
        }
      }
      // Next non-decreasing tuple of slot indexes.
      let pos = gap - 1;
      while (pos >= 0 && pick[pos] === LENGTH_SLOTS - 1) pos--;
      if (pos < 0) break;
      const v = pick[pos]! + 1;
      for (let q = pos; q < gap; q++) pick[q] = v;
    }
    // The best first (a partial selection sort; equal likelihoods: the shorter sum first).
    const n = Math.min(m, MPPE_RECOVERY_CANDIDATES);
    let furthest = 0;
    for (let r = 0; r < n; r++) {
      let best = r;
      for (let q = r + 1; q < m; q++) {
        if (
          scores[q]! > scores[best]! ||
          (scores[q] === scores[best] && offsets[q]! < offsets[best]!)
        ) {
          best = q;
        }
      }
      const o = offsets[best]!;
      const s = scores[best]!;
      offsets[best] = offsets[r]!;
      scores[best] = scores[r]!;
      offsets[r] = o;
      scores[r] = s;
      if (o > furthest) furthest = o;
    }
    this.#candidates = n;
    this.#spare.copyFrom(rc4);
    this.#stream ??= new Uint8Array((MPPE_RECOVERY_MAX_GAP + 1) * MPPE_RECOVERY_MAX_LENGTH);
    this.#spare.keystream(this.#stream, 0, furthest + plain);
    return true;
  }

  /**
   * Decrypts `src[srcOffset .. srcOffset + plain)` into `dst[dstOffset ..]` at the next
   * candidate offset whose first bytes open with a PPP protocol number MPPE carries (the others
   * are skipped without decrypting the rest).
   *
   * @returns `plain`, or `MPPE_STATUS.NO_OTHER_KEY` when no candidate is left.
   */
  next(
    src: Uint8Array,
    srcOffset: number,
    dst: Uint8Array,
    dstOffset: number,
    plain: number,
  ): number {
    const stream = this.#stream!;
    const b0 = src[srcOffset]!;
    const b1 = src[srcOffset + 1]!;
    while (this.#next < this.#candidates) {
      const t = this.#offsets[this.#next++]!;
      if (!opensWithProtocol(b0 ^ stream[t]!, b1 ^ stream[t + 1]!)) continue;
      for (let k = 0; k < plain; k++) dst[dstOffset + k] = src[srcOffset + k]! ^ stream[t + k]!;
      this.#pending = t + plain;
      return plain;
    }
    this.#pending = 0;
    return MPPE_STATUS.NO_OTHER_KEY;
  }

  /**
   * The packet last decrypted by {@link next} was kept: moves `rc4` on to where the sender's
   * state is after it (the lost packets' keystream and its own). Nothing when none is pending.
   */
  commit(rc4: Rc4): void {
    if (this.#pending === 0) return;
    // The keystream buffer is free again: it takes the bytes skipped.
    rc4.keystream(this.#stream!, 0, this.#pending);
    this.#pending = 0;
  }

  /** The packet was taken back: nothing is pending. */
  abandon(): void {
    this.#pending = 0;
    this.#candidates = 0;
  }
}
