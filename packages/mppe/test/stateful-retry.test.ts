/**
 * Stateful re-synchronisation when the sender changed key more often than the flag packets show
 * (RFC 3078 §8.2 with the Linux kernel's rule that pppd peers use: every FLUSHED packet follows
 * a key change). The answer to a CCP Reset-Request, or a packet MPPC flushed, that is lost or
 * arrives damaged is a key change the receiver cannot count: it used to decrypt every later
 * FLUSHED packet one key change short, take it back (`rejectLast`) and ask again, each attempt
 * one more key change short, for ever. `retryLast` tries the packet under each later key the
 * gap allows, within `MPPE_KEY_CHANGE_BUDGET` key changes.
 *
 * The receiver here does what the tunnel's data path does: a plaintext that fails its check is
 * retried, then taken back. The check is the receiver's own (a sequence number and the bytes
 * derived from it), never the test's knowledge of what was sent.
 */
import { fromHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MPPE_FLAG,
  MPPE_KEY_CHANGE_BUDGET,
  MPPE_STATUS,
  MppeDecryptor,
  MppeEncryptor,
} from '../src/index.js';
import { keyChanges } from './key-changes.js';

vi.mock('../src/sha1-rekey.js', { spy: true });

beforeEach(() => {
  keyChanges();
});

const options = (stateless = false) => ({
  startKey: fromHex('8b7cdc149b993a1ba118cb153f56dccb'),
  keyBits: 128 as const,
  stateless,
});

/** Packet `n`: its number (4 bytes), then bytes derived from it; 12 to 60 bytes. */
function payload(n: number): Uint8Array {
  const p = new Uint8Array(12 + (n % 49));
  new DataView(p.buffer).setUint32(0, n);
  for (let k = 4; k < p.length; k++) p[k] = (n * 31 + k * 7) & 0xff;
  return p;
}

/** The receiver's check: the bytes are those of the number they start with. */
function wellFormed(p: Uint8Array, length: number): boolean {
  if (length < 12) return false;
  const n = new DataView(p.buffer, p.byteOffset).getUint32(0);
  if (length !== 12 + (n % 49)) return false;
  for (let k = 4; k < length; k++) if (p[k] !== ((n * 31 + k * 7) & 0xff)) return false;
  return true;
}

/**
 * What the receiver made of a packet: its plaintext, or why it was dropped and what the data
 * path does about it: a CCP Reset-Request at once (`now`), or one more packet dropped while a
 * flushed packet is awaited (`drop`: the request is repeated every so many of those).
 */
type Outcome =
  | { readonly plain: Uint8Array }
  | { readonly status: number; readonly ask: 'now' | 'drop' | 'no' };

/**
 * The data path's receive step: decrypt; retry while the plaintext fails the check; take back
 * what never passes. A FLUSHED packet that could not end a discarding counts as a drop: it
 * answered a request, and asking again at once would have the sender change key on every
 * packet.
 */
function receive(dec: MppeDecryptor, wire: Uint8Array): Outcome {
  const out = new Uint8Array(Math.max(wire.length - 2, 0));
  const discarding = dec.resetNeeded;
  let n = dec.decrypt(wire, 0, wire.length, out, 0);
  if (n === MPPE_STATUS.RESET_NEEDED) return { status: n, ask: 'now' };
  if (n === MPPE_STATUS.DISCARDING) return { status: n, ask: 'drop' };
  if (n < 0) return { status: n, ask: 'no' };
  while (!wellFormed(out, n)) {
    n = dec.retryLast(wire, 0, wire.length, out, 0);
    if (n >= 0) continue;
    if (dec.rejectLast() !== MPPE_STATUS.RESET_NEEDED) return { status: n, ask: 'no' };
    return { status: n, ask: discarding ? 'drop' : 'now' };
  }
  return { plain: out.subarray(0, n) };
}

/** Encrypts packet `n`; `mppcFlush` sets A as MPPC does after an incompressible packet. */
function send(enc: MppeEncryptor, n: number, mppcFlush = false): Uint8Array {
  const plain = payload(n);
  const wire = new Uint8Array(plain.length + 2);
  enc.encrypt(plain, 0, plain.length, wire, 0, mppcFlush ? MPPE_FLAG.FLUSHED : 0);
  return wire;
}

const flushed = (wire: Uint8Array): boolean => (wire[0]! & MPPE_FLAG.FLUSHED) !== 0;

/**
 * Whether `got` is the plaintext of packet `n`, compared by hand first: `expect` on each of
 * tens of thousands of packets would dominate the run time.
 */
function isPayload(got: Uint8Array, n: number): boolean {
  const want = payload(n);
  if (got.length === want.length && got.every((b, k) => b === want[k])) return true;
  expect(got, `packet ${n}`).toEqual(want);
  return false;
}

/**
 * A sender and a receiver with the data path's Reset-Request policy: a request asked for
 * reaches the sender before its next packet, unless `lose` says it is lost; while the receiver
 * waits for a flushed packet it repeats its request every `repeatEvery` packets dropped.
 */
class Link {
  readonly enc = new MppeEncryptor(options());
  readonly dec = new MppeDecryptor(options());
  #pending = false;
  #drops = 0;

  constructor(
    readonly repeatEvery: number,
    readonly lose: () => boolean = () => false,
  ) {}

  /** Sends packet `n` and hands it, as `damage` leaves it (`undefined`: lost), on. */
  step(
    n: number,
    damage: (wire: Uint8Array) => Uint8Array | undefined = (w) => w,
    mppcFlush = false,
  ): Outcome | undefined {
    if (this.#pending) this.enc.resetRequested();
    this.#pending = false;
    const wire = damage(send(this.enc, n, mppcFlush));
    if (wire === undefined) return undefined;
    const got = receive(this.dec, wire);
    if ('plain' in got) return got;
    if (got.ask === 'now' || (got.ask === 'drop' && ++this.#drops >= this.repeatEvery)) {
      this.#drops = 0;
      this.#pending = !this.lose();
    }
    return got;
  }
}

describe('stateful: a FLUSHED packet the receiver never used still changed the key (RFC 3078 §8.2)', () => {
  it('the answer to a Reset-Request arrives damaged: the next answer decrypts, one key change further', () => {
    const enc = new MppeEncryptor(options());
    const dec = new MppeDecryptor(options());
    for (let n = 0; n < 5; n++) expect(receive(dec, send(enc, n))).toEqual({ plain: payload(n) });
    // Packet 5 is lost: the gap asks for a Reset-Request.
    send(enc, 5);
    expect(receive(dec, send(enc, 6))).toEqual({ status: MPPE_STATUS.RESET_NEEDED, ask: 'now' });
    // The answer (FLUSHED, a key change) arrives with one payload bit flipped: garbage, taken
    // back, and the key state returns to the last key known good.
    enc.resetRequested();
    const answer = send(enc, 7);
    expect(flushed(answer)).toBe(true);
    answer[answer.length - 1]! ^= 0x10;
    expect(receive(dec, answer)).toEqual({ status: MPPE_STATUS.NO_OTHER_KEY, ask: 'drop' });
    expect(dec.resetNeeded).toBe(true);
    // The request is repeated. The second answer: the flag packets (none here) and its own key
    // change are one short of the sender's key, as every later answer was before retryLast
    // (and taking each back made the next one more short).
    enc.resetRequested();
    const second = send(enc, 8);
    const out = new Uint8Array(second.length - 2);
    expect(dec.decrypt(second, 0, second.length, out, 0)).toBe(out.length);
    expect(wellFormed(out, out.length)).toBe(false);
    expect(dec.retryLast(second, 0, second.length, out, 0)).toBe(out.length);
    expect(out).toEqual(payload(8));
    for (let n = 9; n < 600; n++) expect(receive(dec, send(enc, n))).toEqual({ plain: payload(n) });
  });

  it('the answer to a Reset-Request is lost: the answer to the repeated request decrypts', () => {
    const enc = new MppeEncryptor(options());
    const dec = new MppeDecryptor(options());
    expect(receive(dec, send(enc, 0))).toEqual({ plain: payload(0) });
    send(enc, 1);
    expect(receive(dec, send(enc, 2))).toMatchObject({ ask: 'now' });
    enc.resetRequested();
    expect(flushed(send(enc, 3))).toBe(true); // lost
    expect(receive(dec, send(enc, 4))).toEqual({ status: MPPE_STATUS.DISCARDING, ask: 'drop' });
    // The receiver repeats its request; the sender changes key again.
    enc.resetRequested();
    expect(receive(dec, send(enc, 5))).toEqual({ plain: payload(5) });
    for (let n = 6; n < 300; n++) expect(receive(dec, send(enc, n))).toEqual({ plain: payload(n) });
  });

  it('packets MPPC flushed are lost in the gap, over a flag packet: found within the gap', () => {
    const enc = new MppeEncryptor(options());
    const dec = new MppeDecryptor(options());
    for (let n = 0; n < 250; n++) expect(receive(dec, send(enc, n))).toEqual({ plain: payload(n) });
    // 250..269 lost: seven of them flushed by MPPC, and the flag packet 255.
    for (let n = 250; n < 270; n++) send(enc, n, n % 3 === 0);
    expect(receive(dec, send(enc, 270))).toMatchObject({ ask: 'now' });
    enc.resetRequested();
    expect(receive(dec, send(enc, 271))).toEqual({ plain: payload(271) });
    expect(dec.resetNeeded).toBe(false);
  });

  it('a rejected packet without A counts too: its A bit may be the damaged one', () => {
    const enc = new MppeEncryptor(options());
    const dec = new MppeDecryptor(options());
    for (let n = 0; n < 3; n++) expect(receive(dec, send(enc, n))).toEqual({ plain: payload(n) });
    enc.resetRequested(); // packet 3 is FLUSHED (a key change)...
    const hit = send(enc, 3);
    hit[0]! &= ~MPPE_FLAG.FLUSHED; // ...and arrives without A: decrypted under the old key
    expect(receive(dec, hit)).toEqual({ status: MPPE_STATUS.NO_OTHER_KEY, ask: 'now' });
    // The immediate answer (count 4, nothing lost in between) still finds the sender's key.
    enc.resetRequested();
    expect(receive(dec, send(enc, 4))).toEqual({ plain: payload(4) });
  });

  it('any single bit flipped in the 2-byte header of any kind of packet: recovery, nothing wrong accepted', () => {
    // The damaged packet: an ordinary one, a flag packet (count 0x?FF), the answer to a
    // Reset-Request, one MPPC flushed, and the answer that ends a discarding.
    const kinds = ['plain', 'flag', 'answer', 'mppc', 'resync'] as const;
    const repeatEvery = 4;
    for (const kind of kinds) {
      for (let bit = 0; bit < 16; bit++) {
        const l = new Link(repeatEvery);
        const at = kind === 'flag' ? 255 : 100;
        for (let n = 0; n < at; n++) {
          // resync: packet 98 is lost, 99 asks for a Reset-Request, 100 answers it.
          const got = l.step(n, (w) => (kind === 'resync' && n === at - 2 ? undefined : w));
          if (kind === 'resync' && n >= at - 2) continue;
          expect(got !== undefined && 'plain' in got && isPayload(got.plain, n)).toBe(true);
        }
        if (kind === 'answer') l.enc.resetRequested();
        const first = l.step(
          at,
          (w) => {
            expect(flushed(w)).toBe(kind !== 'plain');
            w[bit >> 3]! ^= 0x80 >> (bit & 7);
            return w;
          },
          kind === 'mppc',
        );
        // Flipping B or C (MPPC's flags) leaves MPPE's plaintext right.
        if (first !== undefined && 'plain' in first) expect(first.plain).toEqual(payload(at));
        let recovered = -1;
        for (let n = at + 1; n < at + 320; n++) {
          const got = l.step(n)!;
          if ('plain' in got) {
            isPayload(got.plain, n);
            if (recovered < 0) recovered = n;
          } else if (recovered >= 0) {
            expect.fail(`${kind}, header bit ${bit}: packet ${n} dropped after the recovery`);
          }
        }
        // A damaged count in the packet that ends a discarding is taken at its word when the
        // key found is right (the flip stays within its 256-count page and the gap): genuine
        // packets then look old until the sender's count passes it, and the answers sent
        // meanwhile are key changes the gap has to outgrow.
        const bound =
          kind === 'resync' && bit >= 8 ? 2 * (0x80 >> (bit - 8)) + 50 : repeatEvery + 1;
        expect(recovered - at, `${kind}, header bit ${bit}`).toBeGreaterThan(0);
        expect(recovered - at, `${kind}, header bit ${bit}`).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('at most MPPE_KEY_CHANGE_BUDGET key changes for a FLUSHED packet that fits no key, retries included', () => {
    const dec = new MppeDecryptor(options());
    const empty = new Uint8Array(0);
    expect(dec.decrypt(Uint8Array.of(MPPE_FLAG.ENCRYPTED), 0, 1, empty, 0)).toBe(
      MPPE_STATUS.RESET_NEEDED,
    );
    expect(keyChanges()).toBe(0);
    // 2047 counts ahead of the expected 0: seven flag packets, 2040 others that could be FLUSHED.
    const forged = new Uint8Array(2 + 64).fill(0x5a);
    forged[0] = MPPE_FLAG.ENCRYPTED | MPPE_FLAG.FLUSHED | 0x07;
    forged[1] = 0xff;
    const out = new Uint8Array(64);
    for (let round = 0; round < 3; round++) {
      expect(dec.decrypt(forged, 0, forged.length, out, 0)).toBe(64);
      let tries = 0;
      while (dec.retryLast(forged, 0, forged.length, out, 0) === 64) tries++;
      expect(tries).toBe(MPPE_KEY_CHANGE_BUDGET - 8);
      expect(keyChanges()).toBe(MPPE_KEY_CHANGE_BUDGET);
      // Taken back: the next one costs the same, and the genuine answer still decrypts.
      expect(dec.rejectLast()).toBe(MPPE_STATUS.RESET_NEEDED);
      expect(dec.resetNeeded).toBe(true);
    }
    const enc = new MppeEncryptor(options());
    enc.resetRequested();
    expect(receive(dec, send(enc, 0))).toEqual({ plain: payload(0) });
  });

  it('retryLast: nothing to retry in stateless mode, after a packet that ended no discarding, or after rejectLast', () => {
    const stateless = new MppeDecryptor(options(true));
    const wire = send(new MppeEncryptor(options(true)), 0);
    const out = new Uint8Array(wire.length - 2);
    expect(stateless.decrypt(wire, 0, wire.length, out, 0)).toBe(out.length);
    expect(stateless.retryLast(wire, 0, wire.length, out, 0)).toBe(MPPE_STATUS.NO_OTHER_KEY);

    const enc = new MppeEncryptor(options());
    const dec = new MppeDecryptor(options());
    enc.resetRequested();
    const first = send(enc, 0);
    expect(dec.decrypt(first, 0, first.length, out, 0)).toBe(first.length - 2);
    // FLUSHED but in order: exactly one key change, nothing else to try.
    expect(dec.retryLast(first, 0, first.length, out, 0)).toBe(MPPE_STATUS.NO_OTHER_KEY);
    send(enc, 1);
    expect(receive(dec, send(enc, 2))).toMatchObject({ ask: 'now' });
    enc.resetRequested();
    const answer = send(enc, 3);
    const plain = new Uint8Array(answer.length - 2);
    expect(dec.decrypt(answer, 0, answer.length, plain, 0)).toBe(plain.length);
    expect(dec.rejectLast()).toBe(MPPE_STATUS.RESET_NEEDED);
    expect(dec.retryLast(answer, 0, answer.length, plain, 0)).toBe(MPPE_STATUS.NO_OTHER_KEY);
  });

  it('retryLast: a packet other than the one just accepted, or a dst over it, is a RangeError', () => {
    const enc = new MppeEncryptor(options());
    const dec = new MppeDecryptor(options());
    expect(receive(dec, send(enc, 0))).toEqual({ plain: payload(0) });
    send(enc, 1);
    expect(receive(dec, send(enc, 2))).toMatchObject({ ask: 'now' });
    send(enc, 3, true); // lost: a key change the answer's first key misses
    enc.resetRequested();
    const answer = send(enc, 4);
    const out = new Uint8Array(answer.length);
    expect(dec.decrypt(answer, 0, answer.length, out, 0)).toBe(answer.length - 2);
    const other = answer.slice();
    other[1]! ^= 1;
    expect(() => dec.retryLast(other, 0, other.length, out, 0)).toThrow(RangeError);
    expect(() => dec.retryLast(answer, 0, answer.length - 1, out, 0)).toThrow(RangeError);
    expect(() => dec.retryLast(answer, 0, answer.length, answer, 2)).toThrow(RangeError);
    expect(() => dec.retryLast(answer, 0, answer.length, out, 3)).toThrow(RangeError);
    // The misuse changed nothing: the right call finds the key.
    expect(dec.retryLast(answer, 0, answer.length, out, 0)).toBe(answer.length - 2);
    expect(out.subarray(0, answer.length - 2)).toEqual(payload(4));
  });
});

describe('stateful under loss, damage, truncation and MPPC flushes (fast-check)', () => {
  it('nothing wrong is ever accepted; once the faults stop, packets decrypt again within the repeat interval', () => {
    const fault = fc.oneof(
      { weight: 12, arbitrary: fc.constant('none' as const) },
      { weight: 2, arbitrary: fc.constant('lost' as const) },
      { weight: 1, arbitrary: fc.constant('payload-bit' as const) },
      { weight: 1, arbitrary: fc.constant('flag-bit' as const) },
      { weight: 1, arbitrary: fc.constant('truncated' as const) },
    );
    const step = fc.record({
      fault,
      mppcFlush: fc.integer({ min: 0, max: 9 }).map((k) => k === 0),
      where: fc.nat(1 << 20),
    });
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 20, maxLength: 500 }),
        fc.integer({ min: 2, max: 16 }),
        fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
        (steps, repeatEvery, requestLost) => {
          let requests = 0;
          let faulty = true;
          // While the faults last, requests are lost too (a fixed pattern).
          const l = new Link(repeatEvery, () => faulty && requestLost[requests++ % 64]!);
          let recovered = -1;
          for (let n = 0; n < steps.length + 60; n++) {
            const s = steps[n];
            faulty = s !== undefined;
            const got = l.step(
              n,
              (w) => {
                if (s === undefined) return w;
                switch (s.fault) {
                  case 'lost':
                    return undefined;
                  case 'payload-bit':
                    w[2 + (s.where % (w.length - 2))]! ^= 1 << (s.where % 8);
                    return w;
                  case 'flag-bit':
                    // A, B, C or D. (A damaged count is the single-bit test's: taken at its
                    // word in a packet that ends a discarding, it delays the recovery.)
                    w[0]! ^= 0x10 << (s.where % 4);
                    return w;
                  case 'truncated':
                    return w.subarray(0, s.where % w.length);
                  default:
                    return w;
                }
              },
              s?.mppcFlush ?? false,
            );
            if (got === undefined) continue;
            // A plaintext is only ever the one that was sent.
            if ('plain' in got) {
              isPayload(got.plain, n);
              if (!faulty && recovered < 0) recovered = n;
            } else if (!faulty) expect(recovered, `packet ${n} dropped after recovery`).toBe(-1);
          }
          // Once the faults stop, the request in flight or the next repeat is answered.
          expect(recovered).toBeGreaterThanOrEqual(steps.length);
          expect(recovered - steps.length).toBeLessThanOrEqual(repeatEvery + 1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
