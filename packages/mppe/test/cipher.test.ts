import { randomBytes } from 'node:crypto';
import { fromHex, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MPPE_FLAG,
  MPPE_REORDER_WINDOW,
  MPPE_STALE_ZONE,
  MPPE_STATUS,
  type MppeCipherOptions,
  MppeDecryptor,
  MppeEncryptor,
} from '../src/index.js';
import { ReferenceSender } from './reference-model.js';

const key128 = fromHex('8b7cdc149b993a1ba118cb153f56dccb');
const key64 = fromHex('8b7cdc149b993a1b');

function options(stateless: boolean, keyBits: 40 | 56 | 128 = 128): MppeCipherOptions {
  return { startKey: keyBits === 128 ? key128 : key64, keyBits, stateless };
}

function encryptOne(enc: MppeEncryptor, plain: Uint8Array, mppcFlags = 0): Uint8Array {
  const out = new Uint8Array(plain.length + 2);
  expect(enc.encrypt(plain, 0, plain.length, out, 0, mppcFlags)).toBe(plain.length + 2);
  return out;
}

/** Decrypts; returns the plaintext or the negative status. */
function decryptOne(dec: MppeDecryptor, packet: Uint8Array): Uint8Array | number {
  const out = new Uint8Array(Math.max(packet.length - 2, 0));
  const n = dec.decrypt(packet, 0, packet.length, out, 0);
  return n < 0 ? n : out.subarray(0, n);
}

function payload(n: number, length = 40): Uint8Array {
  const p = new Uint8Array(length);
  for (let k = 0; k < length; k++) p[k] = (n * 31 + k * 7) & 0xff;
  p[0] = 0x00;
  p[1] = 0x21;
  return p;
}

describe('encryptor against the naive reference sender (RFC 3078 §3, §7)', () => {
  for (const stateless of [true, false]) {
    for (const keyBits of [40, 56, 128] as const) {
      it(`${stateless ? 'stateless' : 'stateful'} ${keyBits}-bit: 4200 packets (count wraps) identical`, () => {
        const o = options(stateless, keyBits);
        const enc = new MppeEncryptor(o);
        const ref = new ReferenceSender(o.startKey, keyBits, stateless);
        for (let n = 0; n < 4200; n++) {
          const plain = payload(n, 1 + (n % 37));
          if (n === 700 || n === 701) {
            enc.resetRequested();
            ref.resetRequested();
          }
          const flags = n === 900 ? MPPE_FLAG.FLUSHED | MPPE_FLAG.COMPRESSED : 0;
          const ours = encryptOne(enc, plain, flags);
          const theirs = ref.send(plain, flags);
          if (toHex(ours) !== toHex(theirs)) expect(toHex(ours), `packet ${n}`).toBe(toHex(theirs));
        }
      });
    }
  }

  it('header: count from 0, D always, A on every stateless packet (RFC 3078 §3.1)', () => {
    const enc = new MppeEncryptor(options(true));
    const p0 = encryptOne(enc, payload(0));
    const p1 = encryptOne(enc, payload(1));
    expect([p0[0], p0[1]]).toEqual([0x90, 0x00]);
    expect([p1[0], p1[1]]).toEqual([0x90, 0x01]);
    expect(enc.coherencyCount).toBe(1);
  });

  it('header: stateful sets A only on flag packets (low byte 0xFF) and after Reset-Request', () => {
    const enc = new MppeEncryptor(options(false));
    const headers: number[] = [];
    for (let n = 0; n < 600; n++) {
      if (n === 300) enc.resetRequested();
      expect(enc.nextPacketFlushed).toBe(n === 255 || n === 300 || n === 511);
      headers.push(encryptOne(enc, payload(n))[0]!);
    }
    const flushedAt = headers.flatMap((h, n) => ((h & 0x80) !== 0 ? [n] : []));
    expect(flushedAt).toEqual([255, 300, 511]);
    expect(headers[0]).toBe(0x10);
    expect(headers[256]).toBe(0x11);
  });

  it('merges MPPC flag bits into the one shared header', () => {
    const enc = new MppeEncryptor(options(false));
    const p = encryptOne(enc, payload(0), MPPE_FLAG.AT_FRONT | MPPE_FLAG.COMPRESSED);
    expect(p[0]).toBe(0x70);
    expect(() => enc.encrypt(payload(1), 0, 4, new Uint8Array(10), 0, 0x10)).toThrow(RangeError);
  });

  it('rejects out-of-bounds and overlapping buffers; in place with 2 bytes headroom works', () => {
    const enc = new MppeEncryptor(options(true));
    expect(() => enc.encrypt(new Uint8Array(10), 0, 10, new Uint8Array(11), 0)).toThrow(RangeError);
    expect(() => enc.encrypt(new Uint8Array(10), 5, 6, new Uint8Array(20), 0)).toThrow(RangeError);
    const buf = new Uint8Array(20);
    expect(() => enc.encrypt(buf, 2, 10, buf, 1)).toThrow(RangeError);
    const plain = payload(7, 18);
    const inPlace = new Uint8Array(20);
    inPlace.set(plain, 2);
    const e1 = new MppeEncryptor(options(true));
    const e2 = new MppeEncryptor(options(true));
    expect(e1.encrypt(inPlace, 2, 18, inPlace, 0)).toBe(20);
    expect(toHex(inPlace)).toBe(toHex(encryptOne(e2, plain)));
    const dec = new MppeDecryptor(options(true));
    expect(dec.decrypt(inPlace, 0, 20, inPlace, 0)).toBe(18);
    expect(toHex(inPlace.subarray(0, 18))).toBe(toHex(plain));
  });
});

describe('decryptor basics', () => {
  it('round trip both modes, all strengths; reports A/B/C flags for MPPC', () => {
    for (const stateless of [true, false]) {
      for (const keyBits of [40, 56, 128] as const) {
        const enc = new MppeEncryptor(options(stateless, keyBits));
        const dec = new MppeDecryptor(options(stateless, keyBits));
        for (let n = 0; n < 600; n++) {
          // MPPC may flush on its own (A): the stateful key changes on both sides must follow.
          const flags =
            n % 11 === 0
              ? MPPE_FLAG.FLUSHED | MPPE_FLAG.COMPRESSED
              : n % 5 === 0
                ? MPPE_FLAG.COMPRESSED
                : n % 7 === 0
                  ? MPPE_FLAG.AT_FRONT
                  : 0;
          const plain = payload(n, n % 50);
          const got = decryptOne(dec, encryptOne(enc, plain, flags));
          expect(got).toEqual(plain);
          const expectedA = stateless || (n & 0xff) === 0xff ? MPPE_FLAG.FLUSHED : 0;
          expect(dec.flags).toBe(flags | expectedA);
          expect(dec.coherencyCount).toBe(n & 0xfff);
        }
      }
    }
  });

  it('drops malformed packets with a status, never throws', () => {
    const dec = new MppeDecryptor(options(true));
    expect(decryptOne(dec, new Uint8Array(1))).toBe(MPPE_STATUS.TOO_SHORT);
    expect(decryptOne(dec, Uint8Array.of(0x80, 0x00, 1, 2))).toBe(MPPE_STATUS.NOT_ENCRYPTED);
    expect(decryptOne(dec, Uint8Array.of(0x10, 0x00, 1, 2))).toBe(MPPE_STATUS.NOT_FLUSHED);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const d = new MppeDecryptor(options(bytes.length % 2 === 0));
        const r = decryptOne(d, bytes);
        expect(typeof r === 'number' ? r < 0 : r.length === bytes.length - 2).toBe(true);
      }),
    );
  });

  it('stateless: duplicate and too-old packets are dropped, not re-decrypted', () => {
    const enc = new MppeEncryptor(options(true));
    const dec = new MppeDecryptor(options(true));
    const packets = Array.from({ length: 200 }, (_, n) => encryptOne(enc, payload(n)));
    expect(decryptOne(dec, packets[0]!)).toEqual(payload(0));
    expect(decryptOne(dec, packets[0]!)).toBe(MPPE_STATUS.DUPLICATE);
    expect(decryptOne(dec, packets[150]!)).toEqual(payload(150));
    expect(decryptOne(dec, packets[150 - MPPE_REORDER_WINDOW]!)).toBe(MPPE_STATUS.STALE);
    expect(decryptOne(dec, packets[150 - MPPE_REORDER_WINDOW + 1]!)).toEqual(
      payload(150 - MPPE_REORDER_WINDOW + 1),
    );
    expect(decryptOne(dec, packets[150 - MPPE_REORDER_WINDOW + 1]!)).toBe(MPPE_STATUS.DUPLICATE);
    expect(decryptOne(dec, packets[151]!)).toEqual(payload(151));
  });

  it('stateless: a jump of 3800 counts across the 12-bit wrap re-keys the right number of times', () => {
    const enc = new MppeEncryptor(options(true));
    const dec = new MppeDecryptor(options(true));
    const packets = Array.from({ length: 4300 }, (_, n) => encryptOne(enc, payload(n)));
    expect(decryptOne(dec, packets[300]!)).toEqual(payload(300));
    expect(decryptOne(dec, packets[4100]!)).toEqual(payload(4100));
    expect(dec.coherencyCount).toBe(4100 - 4096);
    expect(decryptOne(dec, packets[4099]!)).toEqual(payload(4099));
    expect(decryptOne(dec, packets[4101]!)).toEqual(payload(4101));
  });

  it('stateless: a jump landing within MPPE_STALE_ZONE behind the last count is dropped as STALE', () => {
    const enc = new MppeEncryptor(options(true));
    const dec = new MppeDecryptor(options(true));
    const packets = Array.from({ length: 4200 }, (_, n) => encryptOne(enc, payload(n)));
    expect(decryptOne(dec, packets[100]!)).toEqual(payload(100));
    // 4100 mod 4096 = 4 lies 96 counts "behind" 100: indistinguishable from a late packet.
    expect(decryptOne(dec, packets[4100]!)).toBe(MPPE_STATUS.STALE);
    // Exactly MPPE_STALE_ZONE behind is taken as a forward jump (3840 lost packets).
    const jump = 100 + 4096 - MPPE_STALE_ZONE;
    expect(decryptOne(dec, packets[jump]!)).toEqual(payload(jump));
  });

  it('stateful: more than 256 lost packets resynchronise on the next flushed packet', () => {
    const enc = new MppeEncryptor(options(false));
    const dec = new MppeDecryptor(options(false));
    const packets: Uint8Array[] = [];
    for (let n = 0; n < 1500; n++) {
      if (n === 1300) enc.resetRequested();
      packets.push(encryptOne(enc, payload(n)));
    }
    expect(decryptOne(dec, packets[0]!)).toEqual(payload(0));
    expect(decryptOne(dec, packets[1001]!)).toBe(MPPE_STATUS.RESET_NEEDED);
    expect(dec.resetNeeded).toBe(true);
    expect(decryptOne(dec, packets[1200]!)).toBe(MPPE_STATUS.DISCARDING);
    // 1300 is flushed (Reset-Request); flag packets 255, 511, 767, 1023, 1279 were missed.
    expect(decryptOne(dec, packets[1300]!)).toEqual(payload(1300));
    expect(dec.resetNeeded).toBe(false);
    for (let n = 1301; n < 1500; n++) expect(decryptOne(dec, packets[n]!)).toEqual(payload(n));
  });

  it('stateful: a flag packet without A drops; the genuine late flag packet then resynchronises', () => {
    const enc = new MppeEncryptor(options(false));
    const dec = new MppeDecryptor(options(false));
    const packets = Array.from({ length: 300 }, (_, n) => encryptOne(enc, payload(n)));
    for (let n = 0; n < 255; n++) expect(decryptOne(dec, packets[n]!)).toEqual(payload(n));
    const forged = packets[255]!.slice();
    forged[0]! &= ~0x80;
    expect(decryptOne(dec, forged)).toBe(MPPE_STATUS.RESET_NEEDED);
    expect(decryptOne(dec, packets[256]!)).toBe(MPPE_STATUS.DISCARDING);
    expect(decryptOne(dec, packets[255]!)).toEqual(payload(255));
    expect(decryptOne(dec, packets[256]!)).toEqual(payload(256));
  });

  it('stateful: a reordered flushed packet from before the gap never resynchronises', () => {
    const enc = new MppeEncryptor(options(false));
    const dec = new MppeDecryptor(options(false));
    const packets = Array.from({ length: 300 }, (_, n) => encryptOne(enc, payload(n)));
    for (let n = 0; n <= 260; n++) expect(decryptOne(dec, packets[n]!)).toEqual(payload(n));
    expect(decryptOne(dec, packets[263]!)).toBe(MPPE_STATUS.RESET_NEEDED);
    expect(decryptOne(dec, packets[255]!)).toBe(MPPE_STATUS.DISCARDING);
    expect(dec.resetNeeded).toBe(true);
  });
});

describe('loss and reordering (fast-check)', () => {
  it('stateless: with random loss and reordering within the window, every arriving packet decrypts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 400 }),
        fc.array(fc.double({ min: 0, max: MPPE_REORDER_WINDOW - 1, noNaN: true }), {
          minLength: 400,
          maxLength: 400,
        }),
        fc.array(fc.boolean(), { minLength: 400, maxLength: 400 }),
        fc.integer({ min: 0, max: 4095 }),
        (count, jitter, lost, skip) => {
          const enc = new MppeEncryptor(options(true));
          // Start anywhere in the count space so the 12-bit wrap is exercised.
          for (let k = 0; k < skip; k++) enc.encrypt(new Uint8Array(0), 0, 0, new Uint8Array(2), 0);
          const dec = new MppeDecryptor(options(true));
          const sent = Array.from({ length: count }, (_, n) => ({
            n,
            packet: encryptOne(enc, payload(n, 1 + (n % 60))),
          }));
          // Each packet is delayed by less than the window: arrival order sorts by n + jitter.
          // Packet 0 arrives first: a fresh decryptor cannot tell which 4096-cycle a first
          // packet belongs to, so one sent after the count wrapped must not come before it.
          const arriving = sent
            .filter(({ n }) => !lost[n] || n === 0)
            .map((s) => ({ ...s, at: s.n === 0 ? -1 : s.n + jitter[s.n]! }))
            .sort((a, b) => a.at - b.at);
          for (const { n, packet } of arriving) {
            expect(decryptOne(dec, packet)).toEqual(payload(n, 1 + (n % 60)));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('stateless: any order within the stale zone: each packet decrypts right or is dropped', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 199 }), { maxLength: 300 }), (order) => {
        const enc = new MppeEncryptor(options(true));
        const dec = new MppeDecryptor(options(true));
        const packets = Array.from({ length: 200 }, (_, n) => encryptOne(enc, payload(n)));
        for (const n of order) {
          const got = decryptOne(dec, packets[n]!);
          if (typeof got === 'number') {
            expect([MPPE_STATUS.DUPLICATE, MPPE_STATUS.STALE]).toContain(got);
          } else {
            expect(got).toEqual(payload(n));
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('stateful: random loss recovers at the next flushed packet; nothing wrong is accepted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1200, maxLength: 1200 }),
        fc.integer({ min: 0, max: 100 }),
        (lossBits, lossPercent) => {
          const enc = new MppeEncryptor(options(false));
          const dec = new MppeDecryptor(options(false));
          let waitingForFlush = false;
          let resetPendingAtSender = false;
          for (let n = 0; n < 1200; n++) {
            const plain = payload(n, 1 + (n % 70));
            const flushedByReset = resetPendingAtSender;
            resetPendingAtSender = false;
            const packet = encryptOne(enc, plain);
            const flushed = (packet[0]! & 0x80) !== 0;
            // Loss hits any packet except the one flushed in answer to a Reset-Request: with
            // pppd's key schedule that loss is undetectable (see README, "Status and limits").
            const lost = !flushedByReset && lossBits[n]! && (n * 37) % 100 < lossPercent;
            if (lost) {
              waitingForFlush = true;
              continue;
            }
            const wasDiscarding = dec.resetNeeded;
            const got = decryptOne(dec, packet);
            // Recovery: while discarding, the first FLUSHED packet that arrives is accepted.
            if (wasDiscarding && flushed) expect(got).toBeInstanceOf(Uint8Array);
            if (typeof got === 'number') {
              expect(waitingForFlush).toBe(true);
              expect([MPPE_STATUS.RESET_NEEDED, MPPE_STATUS.DISCARDING]).toContain(got);
              if (got === MPPE_STATUS.RESET_NEEDED) {
                enc.resetRequested();
                resetPendingAtSender = true;
              }
            } else {
              expect(got).toEqual(plain);
              if (waitingForFlush) expect(flushed).toBe(true);
              waitingForFlush = false;
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('random data through both modes', () => {
  it('1400-byte random packets round-trip', () => {
    for (const stateless of [true, false]) {
      const enc = new MppeEncryptor(options(stateless));
      const dec = new MppeDecryptor(options(stateless));
      for (let n = 0; n < 50; n++) {
        const plain = new Uint8Array(randomBytes(1400));
        const packet = encryptOne(enc, plain);
        expect(toHex(packet.subarray(2, 18))).not.toBe(toHex(plain.subarray(0, 16)));
        expect(decryptOne(dec, packet)).toEqual(plain);
      }
    }
  });
});
