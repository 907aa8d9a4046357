import type { MppeDecryptorOptions } from './cipher-options.js';
import { GapRecovery, MPPE_RECOVERY_MAX_GAP } from './gap-recovery.js';
import { COHERENCY_COUNT_SPACE, MPPC_FLAG_MASK, MPPE_FLAG, MPPE_HEADER_LENGTH } from './header.js';
import { KeyChain } from './key-chain.js';
import { KeySchedule } from './key-schedule.js';
import { Rc4 } from './rc4.js';
import { MPPE_STATUS } from './status.js';

/**
 * How many past coherency counts a stateless decryptor keeps keys for, so that packets
 * reordered by up to this many positions still decrypt.
 */
export const MPPE_REORDER_WINDOW = 64;

/**
 * Stateless: a packet up to this many counts behind the newest one is "old" (decrypted from the
 * key ring if within {@link MPPE_REORDER_WINDOW}, else dropped as `STALE`); further behind, it
 * is taken as a forward jump over lost packets, as RFC 3078 §8.1 and the Linux kernel do.
 */
export const MPPE_STALE_ZONE = 256;

/**
 * The most key changes (RFC 3078 §7.3: a SHA-1 and an RC4 key schedule each) one packet costs.
 *
 * Stateless: one `decrypt` performs at most this many. The keys of the next 4095 counts are
 * computed ahead (once when the decryptor is made, then one per packet), so a packet needs none
 * of its own unless genuine jumps over lost packets used the computed keys up faster than this
 * budget refills them; such a packet is dropped as `KEY_NOT_READY` and the keys towards it are
 * kept. A forged packet therefore costs at most this many key changes (some 0.1 ms), whatever
 * its count.
 *
 * Stateful: the FLUSHED packet that ends a discarding, `retryLast` included, changes key at
 * most this many times (and is decrypted once per key change beyond the flag packets).
 */
export const MPPE_KEY_CHANGE_BUDGET = 64;

/** `#statefulKey`: the packet follows a gap the keystream may be recovered across. */
const GUESS = 1;

/**
 * The receiving half of MPPE (RFC 3078 §7–§8). `decrypt` returns the plaintext length, or a
 * negative {@link MPPE_STATUS} when it drops the packet; it never returns plaintext decrypted
 * under a key it knows to be wrong. Allocates nothing per packet.
 *
 * Stateless: a packet ahead of the last one is decrypted with the key that many key changes
 * ahead (RFC 3078 §8.1, with 12-bit wrap), taken from keys computed in advance so that no
 * packet costs more than {@link MPPE_KEY_CHANGE_BUDGET} key changes (making a stateless
 * decryptor computes the 4096 keys of the first cycle: some 10 ms, 64 KiB at 128 bits); keys
 * of the last {@link MPPE_REORDER_WINDOW} counts are kept, so a reordered older packet
 * decrypts with its own key; a count already seen is `DUPLICATE`, one older than the window
 * (up to {@link MPPE_STALE_ZONE} behind) `STALE`. MPPE has no integrity check: a packet
 * reordered by more than `MPPE_STALE_ZONE` is indistinguishable from a jump over ~3840 lost
 * packets and is treated as such (its plaintext is then wrong and the newest count has moved
 * ahead, unless the caller calls {@link rejectLast}; the next genuine packets are `STALE`
 * until the sender's count catches up).
 *
 * Stateful (RFC 3078 §8.2, with the Linux kernel's key-change rule that pppd peers use: every
 * FLUSHED packet was preceded by a key change): a gap, a frame too short for the header or one
 * with the D bit clear drops the packet with `RESET_NEEDED`, later packets are dropped with
 * `DISCARDING` until a FLUSHED packet arrives; whatever its count, that packet
 * re-synchronises by changing key once per "flag" packet the sender sent since the last
 * packet accepted, plus once for itself. Any other packet sent meanwhile may have been FLUSHED
 * too (the answer to an earlier Reset-Request, an MPPC flush) and changed the sender's key
 * once more, which nothing on the wire shows once it is lost or damaged: when the plaintext
 * proves garbage, {@link retryLast} decrypts the packet again one key change further, up to
 * one per such packet (and {@link MPPE_KEY_CHANGE_BUDGET} key changes in all).
 *
 * Stateful with `recoverGaps` (issue 14): a gap of 1 to `MPPE_RECOVERY_MAX_GAP` lost packets,
 * none of which can have been a flag packet, before a packet that is neither FLUSHED nor MPPC
 * compressed does not lose synchronisation at once: the key is unchanged, only the keystream
 * the lost packets used is unknown, and `decrypt` returns the packet decrypted at the likeliest
 * offset (the sum of `gap` recently seen lengths) with {@link guessed} set; `retryLast` tries
 * the next offsets (at most `MPPE_RECOVERY_CANDIDATES`), `rejectLast` takes the packet back as
 * for a gap today (`RESET_NEEDED`). The offset kept moves the RC4 state on at the next
 * `decrypt`.
 */
export class MppeDecryptor {
  /** Stateful: the key state. Stateless: owned by `#chain`. */
  readonly #keys: KeySchedule;
  /** Stateless: the keys of the counts ahead of the newest one. */
  readonly #chain: KeyChain | undefined;
  readonly #rc4: Rc4 = new Rc4();
  readonly #stateless: boolean;
  /**
   * Stateless: keys of recent counts, `MPPE_REORDER_WINDOW` slots of `keys.length` bytes
   * (empty when stateful, as `#undoRing`).
   */
  readonly #ring: Uint8Array;
  /** Stateless: which count each ring slot holds (-1: none). */
  readonly #ringCount: Int16Array = new Int16Array(MPPE_REORDER_WINDOW).fill(-1);
  /** Stateless: 1 once the slot's count was decrypted. */
  readonly #seen: Uint8Array = new Uint8Array(MPPE_REORDER_WINDOW);
  #count = 0xfff;
  /** Stateless: a packet was accepted, so counts behind `#count` are meaningful. */
  #started = false;
  #discarding = false;
  #flags = 0;
  /**
   * How to take back the last accepted packet ({@link rejectLast}). Stateless: the state before
   * it (count, the steps it moved, the ring slots it overwrote) and the slot it marked seen.
   * Stateful: the session key and the expected count before a key change; after a gap crossed
   * by a guess (`'guess'`), the expected count before it.
   */
  #undo: 'none' | 'seen' | 'forward' | 'spent' | 'rekeyed' | 'guess' = 'none';
  #undoCount = 0;
  #undoStarted = false;
  #undoSeenSlot = 0;
  #undoSteps = 0;
  #undoSlots = 0;
  readonly #undoSession: Uint8Array;
  readonly #undoRing: Uint8Array;
  readonly #undoRingCount: Int16Array = new Int16Array(MPPE_REORDER_WINDOW);
  readonly #undoSeen: Uint8Array = new Uint8Array(MPPE_REORDER_WINDOW);
  /**
   * Stateful: after a packet that ended a discarding, how many more key changes
   * {@link retryLast} may try for it, and its length (to recognise it).
   */
  #retries = 0;
  #retryLength = 0;
  /** Stateful with `recoverGaps`: the keystream offsets tried across a gap. */
  readonly #recovery: GapRecovery | undefined;

  /**
   * @param options - the receive-direction start key, strength and mode.
   * @throws TypeError on a start key of the wrong length.
   */
  constructor(options: MppeDecryptorOptions) {
    this.#keys = new KeySchedule(options.startKey, options.keyBits);
    this.#stateless = options.stateless;
    this.#ring = new Uint8Array(options.stateless ? MPPE_REORDER_WINDOW * this.#keys.length : 0);
    this.#undoRing = new Uint8Array(this.#ring.length);
    this.#undoSession = new Uint8Array(this.#keys.length);
    if (options.stateless) {
      // Every stateless packet keys the RC4 tables itself, from the chain.
      const initial = options.initialKeys ?? COHERENCY_COUNT_SPACE;
      if (!Number.isInteger(initial) || initial < 1 || initial > COHERENCY_COUNT_SPACE)
        throw new RangeError(`initialKeys must be an integer in 1..4096, got ${initial}`);
      this.#chain = new KeyChain(this.#keys, initial);
    } else {
      this.#chain = undefined;
      this.#rc4.setKey(this.#keys.session, 0, this.#keys.length);
    }
    this.#recovery =
      options.recoverGaps === true && !options.stateless ? new GapRecovery() : undefined;
  }

  /**
   * Flag bits A/B/C (`MPPE_FLAG.FLUSHED`, `AT_FRONT`, `COMPRESSED`) of the last packet
   * `decrypt` accepted: hand them to an MPPC decompressor.
   */
  get flags(): number {
    return this.#flags;
  }

  /** Whether this decryptor runs stateless mode (a key change before every packet). */
  get stateless(): boolean {
    return this.#stateless;
  }

  /**
   * Coherency count of the newest packet accepted; while discarding, the count the sender's
   * flag packets are counted from (the one expected next, or the packet taken back).
   */
  get coherencyCount(): number {
    return this.#count;
  }

  /**
   * Stateful with `recoverGaps`: the plaintext the last `decrypt` or `retryLast` returned was
   * decrypted after a gap, at a guessed keystream offset. It is kept unless the caller, having
   * found it garbage, calls `retryLast` (the next offset) or `rejectLast`.
   */
  get guessed(): boolean {
    return this.#undo === 'guess';
  }

  /** Stateful: synchronisation is lost and a CCP Reset-Request should be outstanding. */
  get resetNeeded(): boolean {
    return this.#discarding;
  }

  /**
   * Bytes of key and keystream buffers held now beyond a few hundred of fixed state: the
   * stateless key chain (64 KiB at 128 bits) and the stateful gap-recovery keystream (10 KiB),
   * until {@link MppeDecryptor.trim}.
   */
  get heldBytes(): number {
    return (this.#chain?.heldBytes ?? 0) + (this.#recovery?.heldBytes ?? 0);
  }

  /**
   * Lets the large buffers go while the link is idle: the stateless key chain keeps only the
   * newest count's key, the stateful gap recovery its keystream buffer. Decryption is unchanged,
   * but the next packets allocate them again and, stateless, compute the keys ahead again
   * ({@link MPPE_KEY_CHANGE_BUDGET} key changes per packet, as after a jump over lost packets,
   * a jump further than the keys computed so far dropped as `KEY_NOT_READY` meanwhile). The
   * last packet accepted can no longer be taken back ({@link rejectLast} then does nothing).
   */
  trim(): void {
    this.#undo = 'none';
    this.#chain?.trim();
    this.#recovery?.trim();
  }

  /**
   * Decrypts one MPPE packet (the 2-byte header and ciphertext, after PPP protocol 0x00FD) from
   * `src[srcOffset .. srcOffset + length)` into `dst[dstOffset ..]`.
   *
   * @returns the plaintext length (`length - 2`), or a negative {@link MPPE_STATUS}.
   * @throws RangeError on out-of-bounds offsets, a `dst` too small for `length - 2` bytes, or
   *   an overlap other than in place (`dst` may be `src` with `dstOffset <= srcOffset + 2`).
   */
  decrypt(
    src: Uint8Array,
    srcOffset: number,
    length: number,
    dst: Uint8Array,
    dstOffset: number,
  ): number {
    const plain = length - MPPE_HEADER_LENGTH;
    if (
      srcOffset < 0 ||
      length < 0 ||
      srcOffset + length > src.length ||
      dstOffset < 0 ||
      dstOffset + Math.max(plain, 0) > dst.length ||
      (dst.buffer === src.buffer &&
        dst.byteOffset + dstOffset > src.byteOffset + srcOffset + MPPE_HEADER_LENGTH &&
        dst.byteOffset + dstOffset < src.byteOffset + srcOffset + length)
    ) {
      throw new RangeError('MPPE decrypt: bad offsets or lengths');
    }
    // The packet before was kept: a keystream offset guessed for it becomes the state.
    const recovery = this.#recovery;
    recovery?.commit(this.#rc4);
    this.#undo = 'none';
    if (plain < 0) return this.#drop(MPPE_STATUS.TOO_SHORT);
    const b0 = src[srcOffset]!;
    const count = ((b0 & 0x0f) << 8) | src[srcOffset + 1]!;
    const flushed = (b0 & MPPE_FLAG.FLUSHED) !== 0;
    if ((b0 & MPPE_FLAG.ENCRYPTED) === 0) return this.#drop(MPPE_STATUS.NOT_ENCRYPTED);
    const status = this.#stateless
      ? this.#statelessKey(count, flushed)
      : this.#statefulKey(count, b0, length);
    if (status < 0) return status;
    this.#flags = b0 & MPPC_FLAG_MASK;
    if (status === GUESS) {
      const n = recovery!.next(src, srcOffset + MPPE_HEADER_LENGTH, dst, dstOffset, plain);
      if (n < 0) {
        // No offset opens with a protocol field: lost, as without recovery.
        this.#undo = 'none';
        return this.#loseSync(this.#undoCount);
      }
    } else {
      this.#rc4.process(src, srcOffset + MPPE_HEADER_LENGTH, dst, dstOffset, plain);
    }
    // What the sender's packets encrypt: the lengths lost packets are guessed from.
    recovery?.record(plain);
    return plain;
  }

  /**
   * Stateful: decrypts again the packet {@link decrypt} (or `retryLast`) just accepted, when its
   * plaintext proved to be garbage and it ended a discarding, under the key one key change
   * further: the sender changes key before every FLUSHED packet, and besides the flag packets
   * any packet it sent since the last one accepted may have been FLUSHED (the answer to an
   * earlier CCP Reset-Request, or an MPPC flush) and then lost or damaged (RFC 3078 §8.2 leaves
   * this to the receiver). Call it with the same arguments, until the plaintext is good or it
   * returns `NO_OTHER_KEY`; then {@link rejectLast} takes the packet back. Each call costs one
   * key change and one pass of RC4 over the packet; there is at most one per packet the sender
   * sent in the gap that is not a flag packet, and the whole re-synchronisation stays within
   * {@link MPPE_KEY_CHANGE_BUDGET} key changes.
   *
   * After a gap crossed by a guess ({@link guessed}), it decrypts the packet at the next
   * candidate keystream offset instead (no key change: one pass over the packet from keystream
   * computed by `decrypt`, at most `MPPE_RECOVERY_CANDIDATES` offsets in all).
   *
   * @returns the plaintext length (`length - 2`), or `MPPE_STATUS.NO_OTHER_KEY` (stateless
   *   mode, a packet that neither ended a discarding nor followed a gap crossed by a guess, or
   *   every key or offset tried).
   * @throws RangeError on out-of-bounds offsets, a `dst` that overlaps the packet (the
   *   ciphertext must still be there), or a packet other than the one just accepted.
   */
  retryLast(
    src: Uint8Array,
    srcOffset: number,
    length: number,
    dst: Uint8Array,
    dstOffset: number,
  ): number {
    const guess = this.#undo === 'guess';
    if (!guess && (this.#undo !== 'rekeyed' || this.#retries === 0)) {
      return MPPE_STATUS.NO_OTHER_KEY;
    }
    const plain = length - MPPE_HEADER_LENGTH;
    if (
      srcOffset < 0 ||
      srcOffset + length > src.length ||
      dstOffset < 0 ||
      dstOffset + plain > dst.length ||
      (dst.buffer === src.buffer &&
        dst.byteOffset + dstOffset < src.byteOffset + srcOffset + length &&
        src.byteOffset + srcOffset < dst.byteOffset + dstOffset + plain)
    ) {
      throw new RangeError('MPPE retryLast: bad offsets or lengths, or dst overlaps the packet');
    }
    if (
      length !== this.#retryLength ||
      (((src[srcOffset]! & 0x0f) << 8) | src[srcOffset + 1]!) !== this.#count
    ) {
      throw new RangeError('MPPE retryLast: not the packet decrypt accepted last');
    }
    if (guess) {
      return this.#recovery!.next(src, srcOffset + MPPE_HEADER_LENGTH, dst, dstOffset, plain);
    }
    this.#retries--;
    this.#keys.rekey(this.#rc4);
    this.#rc4.process(src, srcOffset + MPPE_HEADER_LENGTH, dst, dstOffset, plain);
    return plain;
  }

  /**
   * Takes back the last packet {@link decrypt} accepted, when its plaintext proved to be garbage
   * (MPPE has no integrity check; the caller can check, say, that it is a well-formed IP
   * packet). Call it right after that `decrypt`, before the next one.
   *
   * Stateless: the key state returns to what it was before that packet, so a forged or
   * corrupted packet with a coherency count far ahead cannot make the next genuine packets
   * `STALE` (RFC 3078 §8.1 would otherwise move the key chain up to 4095 steps ahead). Keys
   * computed in advance for it stay: they depend on the start key alone, so the next forged
   * packet at that distance costs no key change.
   * Stateful: the packet consumed keystream that cannot be given back: synchronisation is lost
   * and later packets are `DISCARDING` until a FLUSHED one. The key state returns to the last
   * key known good, from before the packet (a key change it caused, also with
   * {@link retryLast}, is taken back), and the packet counts among those that may have changed
   * the sender's key: whether its A (FLUSHED) bit is genuine, or was damaged either way, the
   * FLUSHED packet that ends the discarding then finds the sender's key, at most one
   * {@link retryLast} further.
   *
   * @returns 0 when the state was restored (stateless, or nothing to take back), or
   *   `MPPE_STATUS.RESET_NEEDED` (stateful: send a CCP Reset-Request, RFC 3078 §8.2).
   */
  rejectLast(): number {
    const undo = this.#undo;
    this.#undo = 'none';
    if (!this.#stateless) {
      if (undo === 'none') return 0;
      if (undo === 'guess') {
        // Nothing moved but the count: the gap is lost, as without recovery.
        this.#recovery!.abandon();
        return this.#loseSync(this.#undoCount);
      }
      // The RC4 tables keep the rejected key: only a FLUSHED packet (a key change) ends the
      // discarding, and it re-keys them from the restored session key.
      if (undo === 'rekeyed') {
        // Back to the key and the expected count from before the packet, re-synchronisation
        // included: the next FLUSHED packet counts the flag packets from there.
        this.#keys.session.set(this.#undoSession);
        return this.#loseSync(this.#undoCount);
      }
      // 'spent': the key is that of the packet's count. Counting from the packet itself (never
      // a flag packet: one without A is not accepted) changes no flag count, and lets the
      // re-synchronisation try the key change it made if its A bit was damaged.
      return this.#loseSync(this.#count);
    }
    if (undo === 'seen') {
      this.#seen[this.#undoSeenSlot] = 0;
    } else if (undo === 'forward') {
      const len = this.#keys.length;
      // The computed keys stay: they depend on the start key alone. Only the newest count
      // moves back, with the slots overwritten (every slot for a jump of 64 or more).
      this.#chain!.move(-this.#undoSteps);
      let c = this.#undoCount;
      for (let i = 0; i < this.#undoSlots; i++) {
        c = (c + 1) & 0xfff;
        const slot = c & (MPPE_REORDER_WINDOW - 1);
        const base = slot * len;
        for (let k = 0; k < len; k++) this.#ring[base + k] = this.#undoRing[base + k]!;
        this.#ringCount[slot] = this.#undoRingCount[slot]!;
        this.#seen[slot] = this.#undoSeen[slot]!;
      }
      this.#count = this.#undoCount;
      this.#started = this.#undoStarted;
      // The RC4 tables hold the rejected key; every later packet re-keys them before use.
    }
    return 0;
  }

  /**
   * Stateful, in sync: `count` is not the one `expected`. With `recoverGaps`, a gap of at most
   * `MPPE_RECOVERY_MAX_GAP` packets is crossed when the key cannot have changed in it: no flag
   * packet among the lost counts (`expected` and `count` on the same 256-count page), and
   * neither FLUSHED nor MPPC compressed (C) on this packet. Otherwise synchronisation is lost.
   */
  #acrossGap(count: number, expected: number, b0: number, length: number): number {
    const gap = (count - expected) & 0xfff;
    if (
      this.#recovery === undefined ||
      gap > MPPE_RECOVERY_MAX_GAP ||
      (count & 0xf00) !== (expected & 0xf00) ||
      (b0 & (MPPE_FLAG.FLUSHED | MPPE_FLAG.COMPRESSED)) !== 0 ||
      !this.#recovery.begin(this.#rc4, gap, length - MPPE_HEADER_LENGTH)
    ) {
      return this.#loseSync(expected);
    }
    this.#undo = 'guess';
    this.#undoCount = expected;
    this.#count = count;
    this.#retries = 0;
    this.#retryLength = length;
    return GUESS;
  }

  /** A drop: in stateful mode any unusable packet may have consumed keystream, so resync. */
  #drop(status: number): number {
    if (this.#stateless) return status;
    if (this.#discarding) return MPPE_STATUS.DISCARDING;
    // The key is still that of the newest count: the sender's next count follows it.
    return this.#loseSync((this.#count + 1) & 0xfff);
  }

  /**
   * Stateful: synchronisation is lost (RFC 3078 §8.2). `expected` is the first count the sender
   * may have sent under a key other than the current one (the count expected next, or a packet
   * taken back): while discarding, `#count` holds it, and the FLUSHED packet that ends the
   * discarding changes key once for every flag packet from it on (as the Linux kernel counts,
   * from its expected count), and `retryLast` once more for each other packet from it on.
   * Counting from the newest count accepted instead would change key once too often whenever
   * that was a flag packet (low byte 0xFF, the initial 0xFFF included).
   */
  #loseSync(expected: number): number {
    this.#count = expected;
    this.#discarding = true;
    return MPPE_STATUS.RESET_NEEDED;
  }

  /** Stateless: prepares the RC4 tables for `count`; 0 or a negative status. */
  #statelessKey(count: number, flushed: boolean): number {
    if (!flushed) return MPPE_STATUS.NOT_FLUSHED;
    const len = this.#keys.length;
    const back = (this.#count - count) & 0xfff;
    if (this.#started && back < MPPE_STALE_ZONE) {
      if (back >= MPPE_REORDER_WINDOW) return MPPE_STATUS.STALE;
      const slot = count & (MPPE_REORDER_WINDOW - 1);
      if (this.#ringCount[slot] !== count) return MPPE_STATUS.STALE;
      if (this.#seen[slot] === 1) return MPPE_STATUS.DUPLICATE;
      this.#seen[slot] = 1;
      this.#undo = 'seen';
      this.#undoSeenSlot = slot;
      // The RC4 tables now hold an old key; the next forward packet re-keys them anyway.
      this.#rc4.setKey(this.#ring, slot * len, len);
      return 0;
    }
    // RFC 3078 §8.1: N = C1 - C2 key changes (mod 4096).
    // Before the first packet the key is that of count 4095 of the previous cycle, so a first
    // packet numbered 4095 is a full cycle ahead.
    let steps = (count - this.#count) & 0xfff;
    if (steps === 0) steps = COHERENCY_COUNT_SPACE;
    // Bounded work: keys not computed yet cost at most the budget, and what is left of it
    // tops the chain up again (up to 4095 ahead of the newest count before this packet, so
    // that rejectLast finds every key it needs still in place).
    const chain = this.#chain!;
    const spent = chain.extend(steps, MPPE_KEY_CHANGE_BUDGET);
    if (chain.ahead < steps) return MPPE_STATUS.KEY_NOT_READY;
    chain.extend(COHERENCY_COUNT_SPACE - 1, MPPE_KEY_CHANGE_BUDGET - spent);
    this.#undo = 'forward';
    this.#undoCount = this.#count;
    this.#undoStarted = this.#started;
    this.#undoSteps = steps;
    // The ring takes the keys of the last counts up to this one (all its slots for a jump of
    // 64 or more); keep what each slot held.
    const slots = Math.min(steps, MPPE_REORDER_WINDOW);
    this.#undoSlots = slots;
    let c = (count - slots) & 0xfff;
    for (let i = 0; i < slots; i++) {
      c = (c + 1) & 0xfff;
      const slot = c & (MPPE_REORDER_WINDOW - 1);
      const base = slot * len;
      const keys = chain.page(c);
      const from = (c & 0xff) * len;
      for (let k = 0; k < len; k++) {
        this.#undoRing[base + k] = this.#ring[base + k]!;
        this.#ring[base + k] = keys[from + k]!;
      }
      this.#undoRingCount[slot] = this.#ringCount[slot]!;
      this.#undoSeen[slot] = this.#seen[slot]!;
      this.#ringCount[slot] = c;
      this.#seen[slot] = 0;
    }
    chain.move(steps);
    this.#count = count;
    this.#started = true;
    this.#seen[count & (MPPE_REORDER_WINDOW - 1)] = 1;
    this.#rc4.setKey(chain.page(count), (count & 0xff) * len, len);
    return 0;
  }

  /**
   * Stateful: advances the key state for `count` (a packet of `length` bytes, header byte `b0`);
   * 0, `GUESS` (decrypt across a gap with {@link GapRecovery}) or a negative status.
   */
  #statefulKey(count: number, b0: number, length: number): number {
    const flushed = (b0 & MPPE_FLAG.FLUSHED) !== 0;
    // The count the sender uses next under the current key (while discarding, `#count`).
    const expected = this.#discarding ? this.#count : (this.#count + 1) & 0xfff;
    if (!this.#discarding) {
      // RFC 3078 §7.2: a flag packet must be flushed (the sender changed key before it).
      if ((count & 0xff) === 0xff && !flushed) return this.#loseSync(expected);
      if (count !== expected) return this.#acrossGap(count, expected, b0, length);
    } else {
      if (!flushed) return MPPE_STATUS.DISCARDING;
      // A FLUSHED packet from before the gap (reordered) cannot resynchronise us.
      if (((count - expected) & 0xfff) >= 0x800) return MPPE_STATUS.DISCARDING;
    }
    // Only FLUSHED packets change key (here and in the resynchronisation): keep the key and
    // the expected count first, for rejectLast.
    if (flushed) {
      this.#undoSession.set(this.#keys.session);
      this.#undoCount = expected;
    }
    this.#retries = 0;
    if (this.#discarding) {
      // RFC 3078 §8.2: one key change for every "flag" packet (count ending in 0xFF) the
      // sender sent from `expected` up to the one before `count`, i.e. one per 256-count page
      // boundary crossed; the key change of `count` itself follows below.
      let flags = 0;
      for (let c = expected; (c & 0xf00) !== (count & 0xf00); c = (c + 0x100) & 0xfff) {
        this.#keys.rekey(this.#rc4);
        flags++;
      }
      // Each of the other packets in the gap may have been FLUSHED: retryLast tries them.
      const others = ((count - expected) & 0xfff) - flags;
      this.#retries = Math.min(others, MPPE_KEY_CHANGE_BUDGET - 1 - flags);
      this.#retryLength = length;
      this.#discarding = false;
    }
    this.#count = count;
    if (flushed) this.#keys.rekey(this.#rc4);
    this.#undo = flushed ? 'rekeyed' : 'spent';
    return 0;
  }
}
