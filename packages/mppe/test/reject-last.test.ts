import { fromHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MPPE_FLAG,
  MPPE_REORDER_WINDOW,
  MPPE_STATUS,
  MppeDecryptor,
  MppeEncryptor,
} from '../src/index.js';

const options = (stateless: boolean) => ({
  startKey: fromHex('8b7cdc149b993a1ba118cb153f56dccb'),
  keyBits: 128 as const,
  stateless,
});

function payload(n: number, length = 40): Uint8Array {
  const p = new Uint8Array(length);
  for (let k = 0; k < length; k++) p[k] = (n * 31 + k * 7) & 0xff;
  return p;
}

function encryptOne(enc: MppeEncryptor, plain: Uint8Array): Uint8Array {
  const out = new Uint8Array(plain.length + 2);
  enc.encrypt(plain, 0, plain.length, out, 0, 0);
  return out;
}

function decryptOne(dec: MppeDecryptor, packet: Uint8Array): Uint8Array | number {
  const out = new Uint8Array(Math.max(packet.length - 2, 0));
  const n = dec.decrypt(packet, 0, packet.length, out, 0);
  return n < 0 ? n : out.subarray(0, n);
}

/** A forged packet: D and A set (so a stateless decryptor takes it), any count, any body. */
function forged(count: number, body: Uint8Array): Uint8Array {
  const p = new Uint8Array(2 + body.length);
  p[0] = MPPE_FLAG.ENCRYPTED | MPPE_FLAG.FLUSHED | ((count >> 8) & 0x0f);
  p[1] = count & 0xff;
  p.set(body, 2);
  return p;
}

describe('MppeDecryptor.rejectLast', () => {
  it('stateless, without it: one forged packet far ahead makes the next genuine packets STALE (RFC 3078 §8.1)', () => {
    const enc = new MppeEncryptor(options(true));
    const dec = new MppeDecryptor(options(true));
    for (let n = 0; n < 5; n++)
      expect(decryptOne(dec, encryptOne(enc, payload(n)))).toEqual(payload(n));
    // 100 counts ahead: the genuine packet 5 is then 99 behind, outside the 64-key window.
    expect(decryptOne(dec, forged(104, payload(99)))).toBeInstanceOf(Uint8Array);
    expect(decryptOne(dec, encryptOne(enc, payload(5)))).toBe(MPPE_STATUS.STALE);
  });

  it('stateless: after rejecting each forged packet, every genuine packet still decrypts (forgeries at any count, genuine loss and reordering)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4095 }),
        fc.array(
          fc.record({
            // Offsets from the genuine count: mostly near it, sometimes anywhere in the space.
            forgeries: fc.array(
              fc.oneof(
                { weight: 4, arbitrary: fc.integer({ min: -300, max: 300 }) },
                { weight: 1, arbitrary: fc.integer({ min: 0, max: 4095 }) },
              ),
              { maxLength: 2 },
            ),
            lost: fc.boolean(),
            swap: fc.boolean(),
          }),
          { minLength: 50, maxLength: 120 },
        ),
        (skip, steps) => {
          const enc = new MppeEncryptor(options(true));
          for (let k = 0; k < skip; k++) enc.encrypt(new Uint8Array(0), 0, 0, new Uint8Array(2), 0);
          const dec = new MppeDecryptor(options(true));
          const sent = steps.map((_, n) => encryptOne(enc, payload(n, 1 + (n % 50))));
          // Arrival: genuine packets (some lost, neighbours sometimes swapped) with forgeries
          // before each; a forgery the decryptor accepts is rejected by the caller's check.
          const order = steps.map((_, n) => n);
          // Packet 0 arrives first (a fresh decryptor cannot tell which 4096-cycle a first
          // packet belongs to, so the test skipping close to the wrap must start with it).
          for (let n = 2; n < order.length; n++) {
            if (steps[n]!.swap) [order[n - 1], order[n]] = [order[n]!, order[n - 1]!];
          }
          for (const n of order) {
            for (const offset of steps[n]!.forgeries) {
              const count = (skip + n + offset) & 0xfff;
              if (typeof decryptOne(dec, forged(count, payload(1000 + count))) !== 'number') {
                expect(dec.rejectLast()).toBe(0);
              }
            }
            if (steps[n]!.lost && n > 0) continue;
            expect(decryptOne(dec, sent[n]!)).toEqual(payload(n, 1 + (n % 50)));
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('stateless: a rejected replay of an older genuine count can be decrypted when the genuine one comes', () => {
    const enc = new MppeEncryptor(options(true));
    const dec = new MppeDecryptor(options(true));
    const packets = Array.from({ length: MPPE_REORDER_WINDOW }, (_, n) =>
      encryptOne(enc, payload(n)),
    );
    expect(decryptOne(dec, packets[10]!)).toEqual(payload(10));
    // A forgery with count 3 (in the window, behind): decrypted with count 3's key, then rejected.
    expect(decryptOne(dec, forged(3, payload(77)))).toBeInstanceOf(Uint8Array);
    expect(dec.rejectLast()).toBe(0);
    expect(decryptOne(dec, packets[3]!)).toEqual(payload(3));
    expect(decryptOne(dec, packets[3]!)).toBe(MPPE_STATUS.DUPLICATE);
  });

  it('stateful: the keystream is spent, so rejecting asks for a Reset-Request and waits for a flushed packet', () => {
    const enc = new MppeEncryptor(options(false));
    const dec = new MppeDecryptor(options(false));
    expect(decryptOne(dec, encryptOne(enc, payload(0)))).toEqual(payload(0));
    expect(decryptOne(dec, encryptOne(enc, payload(1)))).toBeInstanceOf(Uint8Array);
    expect(dec.rejectLast()).toBe(MPPE_STATUS.RESET_NEEDED);
    expect(dec.resetNeeded).toBe(true);
    expect(decryptOne(dec, encryptOne(enc, payload(2)))).toBe(MPPE_STATUS.DISCARDING);
    enc.resetRequested();
    expect(decryptOne(dec, encryptOne(enc, payload(3)))).toEqual(payload(3));
    expect(dec.rejectLast()).toBe(MPPE_STATUS.RESET_NEEDED);
    expect(dec.rejectLast()).toBe(0);
  });

  it('stateful: a forged FLUSHED packet with the expected count is taken back, key change included', () => {
    const enc = new MppeEncryptor(options(false));
    const dec = new MppeDecryptor(options(false));
    for (let n = 0; n < 3; n++)
      expect(decryptOne(dec, encryptOne(enc, payload(n)))).toEqual(payload(n));
    // Count 3 is what the decryptor expects; A makes it change key before decrypting.
    expect(decryptOne(dec, forged(3, payload(99)))).toBeInstanceOf(Uint8Array);
    expect(dec.rejectLast()).toBe(MPPE_STATUS.RESET_NEEDED);
    // The sender answers the Reset-Request: its next packet (count 3) changes key once, flushed.
    enc.resetRequested();
    expect(decryptOne(dec, encryptOne(enc, payload(3)))).toEqual(payload(3));
    for (let n = 4; n < 300; n++)
      expect(decryptOne(dec, encryptOne(enc, payload(n)))).toEqual(payload(n));
  });

  it('with nothing to take back it changes nothing', () => {
    const enc = new MppeEncryptor(options(true));
    const dec = new MppeDecryptor(options(true));
    expect(dec.rejectLast()).toBe(0);
    expect(decryptOne(dec, encryptOne(enc, payload(0)))).toEqual(payload(0));
    expect(decryptOne(dec, new Uint8Array(1))).toBe(MPPE_STATUS.TOO_SHORT);
    expect(dec.rejectLast()).toBe(0);
    expect(decryptOne(dec, encryptOne(enc, payload(1)))).toEqual(payload(1));
  });
});
