/**
 * Stateful MPPE across a short gap without a CCP Reset-Request (issue 14): the key cannot have
 * changed when the lost packets hold no flag packet and the next packet is not FLUSHED, so only
 * the keystream they used (the sum of their encrypted lengths) is unknown; the decryptor tries
 * sums of recently seen lengths and the receiver's plaintext check picks the right one.
 *
 * External truth: the expected ciphertext is a plain RC4 (written here) over the concatenated
 * plaintexts, keyed with RFC 3079 §3.5.3's SendSessionKey128 (checked against the RFC's
 * "test message" line), and the naive reference sender (RFC text, node:crypto SHA-1) across
 * key changes. The receiver's check is its own: a well-formed IPv4 header (checksum, total
 * length) and bytes derived from its identification field.
 */
import { fromHex, toHex } from '@pptpkit/wire';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MPPE_FLAG,
  MPPE_RECOVERY_CANDIDATES,
  MPPE_STATUS,
  MppeDecryptor,
  MppeEncryptor,
} from '../src/index.js';
import { keyChanges } from './key-changes.js';
import { ReferenceSender } from './reference-model.js';

vi.mock('../src/sha1-rekey.js', { spy: true });

beforeEach(() => {
  keyChanges();
});

/** RFC 3079 §3.5.3: SendStartKey128 and the SendSessionKey128 derived from it. */
const START = fromHex('8b7cdc149b993a1ba118cb153f56dccb');
const SESSION = fromHex('405cb2247a7956e6e211007ae27b22d4');

const options = (recoverGaps = true) => ({
  startKey: START,
  keyBits: 128 as const,
  stateless: false,
  recoverGaps,
});

/** A plain RC4 keystream generator, independent of `src/rc4.ts`. */
class TinyRc4 {
  readonly #s = Array.from({ length: 256 }, (_, k) => k);
  #i = 0;
  #j = 0;
  constructor(key: Uint8Array) {
    let j = 0;
    for (let i = 0; i < 256; i++) {
      j = (j + this.#s[i]! + key[i % key.length]!) & 255;
      [this.#s[i], this.#s[j]] = [this.#s[j]!, this.#s[i]!];
    }
  }
  crypt(data: Uint8Array): Uint8Array {
    const s = this.#s;
    return data.map((b) => {
      this.#i = (this.#i + 1) & 255;
      this.#j = (this.#j + s[this.#i]!) & 255;
      [s[this.#i], s[this.#j]] = [s[this.#j]!, s[this.#i]!];
      return b ^ s[(s[this.#i]! + s[this.#j]!) & 255]!;
    });
  }
}

/**
 * Packet `n` of `length` encrypted bytes: PPP protocol 0x0021, an IPv4 header (identification
 * `n`, a valid checksum), then bytes derived from `n`.
 */
function packet(n: number, length: number): Uint8Array {
  const p = new Uint8Array(length);
  p[1] = 0x21;
  p.set([0x45, 0, (length - 2) >> 8, (length - 2) & 0xff, (n >> 8) & 0xff, n & 0xff], 2);
  p.set([0x40, 0, 64, 17], 8);
  for (let k = 22; k < length; k++) p[k] = (n * 31 + k * 7) & 0xff;
  const sum = headerSum(p, 2);
  p[12] = (~sum >> 8) & 0xff;
  p[13] = ~sum & 0xff;
  return p;
}

function headerSum(p: Uint8Array, at: number): number {
  let sum = 0;
  for (let k = at; k < at + 20; k += 2) sum += (p[k]! << 8) | p[k + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The receiver's check, from the bytes alone. */
function wellFormed(p: Uint8Array, length: number): boolean {
  if (length < 22 || p[0] !== 0 || p[1] !== 0x21 || p[2] !== 0x45) return false;
  if (((p[4]! << 8) | p[5]!) !== length - 2 || headerSum(p, 2) !== 0xffff) return false;
  const n = (p[6]! << 8) | p[7]!;
  for (let k = 22; k < length; k++) if (p[k] !== ((n * 31 + k * 7) & 0xff)) return false;
  return true;
}

/** What the receiver made of a packet, and how many offsets it tried after the first. */
type Outcome =
  | { readonly plain: Uint8Array; readonly guessed: boolean; readonly retries: number }
  | { readonly status: number; readonly retries: number };

/** The data path's receive step: decrypt, retry while garbage, take back what never passes. */
function receive(dec: MppeDecryptor, wire: Uint8Array): Outcome {
  const out = new Uint8Array(wire.length - 2);
  let n = dec.decrypt(wire, 0, wire.length, out, 0);
  if (n < 0) return { status: n, retries: 0 };
  let retries = 0;
  while (!wellFormed(out, n)) {
    n = dec.retryLast(wire, 0, wire.length, out, 0);
    if (n < 0) return { status: dec.rejectLast(), retries };
    retries++;
  }
  return { plain: out.subarray(0, n), guessed: dec.guessed, retries };
}

function send(enc: MppeEncryptor, plain: Uint8Array): Uint8Array {
  const wire = new Uint8Array(plain.length + 2);
  enc.encrypt(plain, 0, plain.length, wire, 0);
  return wire;
}

/** Encrypted lengths of bulk traffic: full-size segments, some ACKs, an odd one now and then. */
function lengthOf(n: number): number {
  if (n % 7 === 3) return 42;
  if (n % 11 === 5) return 578;
  return 1402;
}

describe('the sender model (external truth)', () => {
  it('a plain RC4 keyed with SendSessionKey128 gives RFC 3079 §3.5.3 rc4("test message")', () => {
    const got = new TinyRc4(SESSION).crypt(new TextEncoder().encode('test message'));
    expect(toHex(got)).toBe('81848317df68846272fb5abe');
  });

  it('stateful counts 0..254: MppeEncryptor is one RC4 stream over the concatenated plaintexts', () => {
    const enc = new MppeEncryptor(options());
    const rc4 = new TinyRc4(SESSION);
    for (let n = 0; n < 255; n++) {
      const plain = packet(n, lengthOf(n));
      const wire = send(enc, plain);
      expect([wire[0], wire[1]]).toEqual([0x10, n]);
      const want = rc4.crypt(plain);
      if (toHex(wire.subarray(2)) !== toHex(want))
        expect(toHex(wire.subarray(2))).toBe(toHex(want));
    }
  });
});

/** The wire of counts 0..254 (no key change): RC4 over the concatenation, headers by hand. */
function firstPage(): Uint8Array[] {
  const rc4 = new TinyRc4(SESSION);
  const wires: Uint8Array[] = [];
  for (let n = 0; n < 255; n++) {
    const plain = packet(n, lengthOf(n));
    wires.push(Uint8Array.from([0x10, n, ...rc4.crypt(plain)]));
  }
  return wires;
}

describe('stateful: a gap of 1 to 4 packets is crossed without a Reset-Request', () => {
  it('every gap of 1..4 at every position of the first page: the next packet and all after decrypt exactly', () => {
    const wires = firstPage();
    for (let gap = 1; gap <= 4; gap++) {
      for (let at = 40; at + gap < 254; at += 3) {
        const dec = new MppeDecryptor(options());
        for (let n = 0; n < at; n++) expect('plain' in receive(dec, wires[n]!)).toBe(true);
        const next = at + gap;
        const got = receive(dec, wires[next]!);
        const tag = `gap ${gap} at ${at} (lost ${[...Array(gap).keys()].map((k) => lengthOf(at + k))})`;
        if (!('plain' in got)) expect.fail(`${tag}: ${JSON.stringify(got)}`);
        expect(got.guessed, tag).toBe(true);
        expect(got.retries, tag).toBeLessThan(MPPE_RECOVERY_CANDIDATES);
        expect(toHex(got.plain), tag).toBe(toHex(packet(next, lengthOf(next))));
        expect(dec.resetNeeded).toBe(false);
        for (let n = next + 1; n < Math.min(next + 6, 255); n++) {
          const after = receive(dec, wires[n]!);
          if (
            !('plain' in after) ||
            after.guessed ||
            toHex(after.plain) !== toHex(packet(n, lengthOf(n)))
          ) {
            expect.fail(`${tag}: packet ${n} after the recovery: ${JSON.stringify(after)}`);
          }
        }
      }
    }
    // Recovery costs no key change: the key is the same across the gap.
    expect(keyChanges()).toBe(0);
  });

  it('two gaps in a row and gaps across later pages (reference sender, key changes on flag packets)', () => {
    const ref = new ReferenceSender(START, 128, false);
    const dec = new MppeDecryptor(options());
    // Lost: a few packets in most pages, never a flag packet nor across one.
    const lost = new Set([20, 21, 50, 52, 300, 301, 302, 303, 700, 1000, 1001, 1003, 2600]);
    let delivered = 0;
    for (let n = 0; n < 3000; n++) {
      const wire = ref.send(packet(n, lengthOf(n)));
      if (lost.has(n)) continue;
      const got = receive(dec, wire);
      if (!('plain' in got) || toHex(got.plain) !== toHex(packet(n, lengthOf(n)))) {
        expect.fail(`packet ${n}: ${JSON.stringify(got)}`);
      }
      delivered++;
    }
    expect(delivered).toBe(3000 - lost.size);
  });
});

describe('stateful: falls back to a Reset-Request (RESET_NEEDED) where the gap cannot be crossed', () => {
  /** Receives counts 0..`upTo` - 1 of `wires` in order, then `wires[next]`. */
  function after(wires: Uint8Array[], upTo: number, next: number, recover = true): Outcome {
    const dec = new MppeDecryptor(options(recover));
    for (let n = 0; n < upTo; n++) expect('plain' in receive(dec, wires[n]!)).toBe(true);
    return receive(dec, wires[next]!);
  }

  it('the lost packet has a length never seen: every offset tried, then taken back', () => {
    const rc4 = new TinyRc4(SESSION);
    const wires = Array.from({ length: 60 }, (_, n) => {
      const plain = packet(n, n === 50 ? 777 : lengthOf(n));
      return Uint8Array.from([0x10, n, ...rc4.crypt(plain)]);
    });
    const got = after(wires, 50, 51);
    expect(got).toMatchObject({ status: MPPE_STATUS.RESET_NEEDED });
    expect(got.retries).toBeLessThan(MPPE_RECOVERY_CANDIDATES);
  });

  it('a gap of 5 (beyond the bound), a gap over a flag packet, a FLUSHED or C packet after the gap, no recoverGaps', () => {
    const wires = firstPage();
    expect(after(wires, 50, 55)).toEqual({ status: MPPE_STATUS.RESET_NEEDED, retries: 0 });
    expect(after(wires, 50, 51, false)).toEqual({ status: MPPE_STATUS.RESET_NEEDED, retries: 0 });
    const flushed = wires[52]!.slice();
    flushed[0]! |= MPPE_FLAG.FLUSHED;
    const compressed = wires[52]!.slice();
    compressed[0]! |= MPPE_FLAG.COMPRESSED;
    for (const w of [flushed, compressed]) {
      const dec = new MppeDecryptor(options());
      for (let n = 0; n < 50; n++) receive(dec, wires[n]!);
      expect(receive(dec, w)).toEqual({ status: MPPE_STATUS.RESET_NEEDED, retries: 0 });
    }
    // Over the flag packet 255 (FLUSHED, a key change): lost 254 and 255, 256 arrives.
    const enc = new MppeEncryptor(options());
    const dec = new MppeDecryptor(options());
    for (let n = 0; n < 254; n++)
      expect('plain' in receive(dec, send(enc, packet(n, 1402)))).toBe(true);
    send(enc, packet(254, 1402));
    send(enc, packet(255, 1402));
    expect(receive(dec, send(enc, packet(256, 1402)))).toEqual({
      status: MPPE_STATUS.RESET_NEEDED,
      retries: 0,
    });
  });

  it('after a failed recovery, the answer to the Reset-Request re-synchronises as before', () => {
    const enc = new MppeEncryptor(options());
    const dec = new MppeDecryptor(options());
    for (let n = 0; n < 30; n++) receive(dec, send(enc, packet(n, 1402)));
    send(enc, packet(30, 999)); // lost, a length never seen
    expect(receive(dec, send(enc, packet(31, 1402)))).toMatchObject({
      status: MPPE_STATUS.RESET_NEEDED,
    });
    expect(dec.resetNeeded).toBe(true);
    expect(receive(dec, send(enc, packet(32, 1402)))).toEqual({
      status: MPPE_STATUS.DISCARDING,
      retries: 0,
    });
    enc.resetRequested();
    const answer = receive(dec, send(enc, packet(33, 1402)));
    expect(answer).toMatchObject({ plain: packet(33, 1402), guessed: false });
    for (let n = 34; n < 300; n++) {
      expect(receive(dec, send(enc, packet(n, 1402)))).toMatchObject({ guessed: false });
    }
  });

  it('a hostile packet after a gap: at most MPPE_RECOVERY_CANDIDATES offsets, no key change, then RESET_NEEDED', () => {
    const wires = firstPage();
    const dec = new MppeDecryptor(options());
    for (let n = 0; n < 100; n++) receive(dec, wires[n]!);
    keyChanges();
    // A forged packet of maximal recoverable length at count 104, every byte 0x00.
    const forged = new Uint8Array(2050);
    forged[0] = 0x10;
    forged[1] = 104;
    const out = new Uint8Array(forged.length - 2);
    let offsets = 0;
    for (
      let n = dec.decrypt(forged, 0, forged.length, out, 0);
      n >= 0;
      n = dec.retryLast(forged, 0, forged.length, out, 0)
    ) {
      expect(dec.guessed).toBe(true);
      offsets++;
    }
    expect(offsets).toBeGreaterThan(0);
    expect(offsets).toBeLessThanOrEqual(MPPE_RECOVERY_CANDIDATES);
    expect(keyChanges()).toBe(0);
    expect(dec.rejectLast()).toBe(MPPE_STATUS.RESET_NEEDED);
    expect(dec.resetNeeded).toBe(true);
  });
});
