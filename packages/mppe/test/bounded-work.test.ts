/**
 * The work one stateless packet can cost (issue 12, defect 3). Each key change (RFC 3078 §7.3)
 * is one `GetNewKeyFromSHA`, so the tests count calls of the package's SHA-1 re-key function
 * (spied on, implementation unchanged) instead of measuring time.
 */
import { fromHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MPPE_FLAG,
  MPPE_KEY_CHANGE_BUDGET,
  MPPE_STALE_ZONE,
  MPPE_STATUS,
  MppeDecryptor,
  MppeEncryptor,
} from '../src/index.js';
import { keyChanges } from './key-changes.js';

vi.mock('../src/sha1-rekey.js', { spy: true });

beforeEach(() => {
  keyChanges();
});

const options = (stateless = true) => ({
  startKey: fromHex('8b7cdc149b993a1ba118cb153f56dccb'),
  keyBits: 128 as const,
  stateless,
});

function payload(n: number): Uint8Array {
  const p = new Uint8Array(1 + (n % 40));
  for (let k = 0; k < p.length; k++) p[k] = (n * 31 + k * 7) & 0xff;
  return p;
}

/** `count` genuine packets, in order, from a fresh sender. */
function sendAll(count: number): Uint8Array[] {
  const enc = new MppeEncryptor(options());
  return Array.from({ length: count }, (_, n) => {
    const plain = payload(n);
    const wire = new Uint8Array(plain.length + 2);
    enc.encrypt(plain, 0, plain.length, wire, 0);
    return wire;
  });
}

/** A forged packet: D and A set, any count, any body. */
function forged(count: number, body: Uint8Array): Uint8Array {
  const p = new Uint8Array(2 + body.length);
  p[0] = MPPE_FLAG.ENCRYPTED | MPPE_FLAG.FLUSHED | ((count >> 8) & 0x0f);
  p[1] = count & 0xff;
  p.set(body, 2);
  return p;
}

/** Decrypts; the plaintext, or the negative status. */
function decryptOne(dec: MppeDecryptor, packet: Uint8Array): Uint8Array | number {
  const out = new Uint8Array(Math.max(packet.length - 2, 0));
  const n = dec.decrypt(packet, 0, packet.length, out, 0);
  return n < 0 ? n : out;
}

/** A forgery as the client meets it: decrypted, then taken back (its plaintext is not IP). */
function forge(dec: MppeDecryptor, count: number): void {
  if (typeof decryptOne(dec, forged(count, Uint8Array.of(1, 2, 3, 4))) !== 'number') {
    expect(dec.rejectLast()).toBe(0);
  }
}

describe('stateless: bounded key changes per packet', () => {
  it('making a stateless decryptor computes the keys of one cycle (4096); a stateful one none', () => {
    new MppeDecryptor(options(true));
    expect(keyChanges()).toBe(4096);
    new MppeDecryptor(options(false));
    expect(keyChanges()).toBe(0);
  });

  it('genuine packets in order cost one key change each, as without the computed keys', () => {
    const packets = sendAll(5000);
    const dec = new MppeDecryptor(options());
    keyChanges();
    for (const [n, packet] of packets.entries()) {
      expect(decryptOne(dec, packet)).toEqual(payload(n));
      // The decryptor was made with the keys of counts 0 to 4095, one more than it keeps
      // ahead once a packet came (a first packet may be 4096 key changes ahead, a later one
      // at most 4095): the first two packets cost nothing.
      expect(keyChanges()).toBe(n < 2 ? 0 : 1);
    }
  });

  it('forged packets at every count ahead cost no key change once the keys are computed', () => {
    const packets = sendAll(20);
    const dec = new MppeDecryptor(options());
    for (let n = 0; n < 10; n++) decryptOne(dec, packets[n]!);
    keyChanges();
    // Every count that is a forward jump from count 9 (RFC 3078 §8.1), each rejected.
    for (let ahead = MPPE_STALE_ZONE; ahead < 4096; ahead++) forge(dec, (9 + ahead) & 0xfff);
    // Keys were computed up to 4095 ahead, minus the one packet 9 used: one to top up.
    expect(keyChanges()).toBe(1);
    for (let n = 10; n < 20; n++) expect(decryptOne(dec, packets[n]!)).toEqual(payload(n));
  });

  it('after the longest genuine jump, a forged packet costs the budget, not its distance', () => {
    const jump = 4096 - MPPE_STALE_ZONE;
    const packets = sendAll(jump + 200);
    const dec = new MppeDecryptor(options());
    expect(decryptOne(dec, packets[0]!)).toEqual(payload(0));
    expect(decryptOne(dec, packets[jump]!)).toEqual(payload(jump));
    // 255 keys are left ahead of count 3840: a forgery 3000 ahead needs 2745 more.
    keyChanges();
    forge(dec, (jump + 3000) & 0xfff);
    expect(keyChanges()).toBe(MPPE_KEY_CHANGE_BUDGET);
    // The genuine packets that follow still decrypt; the keys refill at the budget per packet.
    for (let n = jump + 1; n < jump + 200; n++) {
      expect(decryptOne(dec, packets[n]!)).toEqual(payload(n));
      expect(keyChanges()).toBeLessThanOrEqual(MPPE_KEY_CHANGE_BUDGET);
    }
  });

  it('two genuine jumps in a row beyond the computed keys: KEY_NOT_READY until the keys catch up, then every packet decrypts', () => {
    const first = 4096 - MPPE_STALE_ZONE;
    // Short enough that the packets after it stay forward jumps, not late packets.
    const second = 3500;
    const packets = sendAll(first + second + 200);
    const dec = new MppeDecryptor(options());
    expect(decryptOne(dec, packets[0]!)).toEqual(payload(0));
    expect(decryptOne(dec, packets[first]!)).toEqual(payload(first));
    keyChanges();
    const statuses: (number | 'ok')[] = [];
    for (let n = first + second; n < first + second + 200; n++) {
      const got = decryptOne(dec, packets[n]!);
      if (typeof got === 'number') statuses.push(got);
      else {
        expect(got).toEqual(payload(n));
        statuses.push('ok');
      }
      expect(keyChanges()).toBeLessThanOrEqual(MPPE_KEY_CHANGE_BUDGET);
    }
    // 4095 - 3840 = 255 keys were left; packet k needs 3500 + k and brings 64 more: it
    // decrypts once 255 + 64 (k + 1) >= 3500 + k.
    const waiting = statuses.indexOf('ok');
    expect(waiting).toBe(Math.ceil((second - 255 - MPPE_KEY_CHANGE_BUDGET) / 63));
    expect(statuses.slice(0, waiting).every((s) => s === MPPE_STATUS.KEY_NOT_READY)).toBe(true);
    expect(statuses.slice(waiting).every((s) => s === 'ok')).toBe(true);
  });

  it('forgeries at any count between lossy, reordered genuine packets: each decrypt costs at most the budget, and every genuine packet decrypts (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4095 }),
        fc.array(
          fc.record({
            forgeries: fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 3 }),
            lost: fc.oneof(
              { weight: 8, arbitrary: fc.constant(0) },
              { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) },
              // Now and then thousands of packets in a row, up to the longest forward jump.
              { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }) },
            ),
            jitter: fc.integer({ min: 0, max: 7 }),
          }),
          { minLength: 20, maxLength: 100 },
        ),
        (skip, steps) => {
          const enc = new MppeEncryptor(options());
          for (let k = 0; k < skip; k++) enc.encrypt(new Uint8Array(0), 0, 0, new Uint8Array(2), 0);
          const dec = new MppeDecryptor(options());
          // Number the genuine packets that arrive: each step loses `lost` packets before its
          // own, and its arrival is delayed by `jitter` positions (within the reorder window).
          // Packet 0 arrives first: a fresh decryptor cannot tell which 4096-cycle a first
          // packet belongs to.
          // A long loss uses up to 3000 of the 4095 keys computed ahead, refilled at 63 per
          // packet: two within 64 packets could outrun them (KEY_NOT_READY, by design), so a
          // long loss comes only 64 packets after the last one (a late first packet counts).
          let n = 0;
          let sinceLong = skip > 100 ? 0 : 64;
          const arrivals = steps.map((step, i) => {
            if (i > 0) {
              const lost = step.lost > 100 && sinceLong < 64 ? 0 : step.lost;
              sinceLong = lost > 100 ? 0 : sinceLong + 1;
              n += lost + 1;
            }
            return { n, at: i === 0 ? -1 : n + step.jitter, forgeries: step.forgeries };
          });
          const sent: Uint8Array[] = [];
          for (let k = 0; k <= n; k++) {
            const plain = payload(k);
            const wire = new Uint8Array(plain.length + 2);
            enc.encrypt(plain, 0, plain.length, wire, 0);
            sent.push(wire);
          }
          arrivals.sort((a, b) => a.at - b.at);
          keyChanges();
          for (const { n: k, forgeries } of arrivals) {
            for (const count of forgeries) {
              forge(dec, count);
              expect(keyChanges()).toBeLessThanOrEqual(MPPE_KEY_CHANGE_BUDGET);
            }
            expect(decryptOne(dec, sent[k]!)).toEqual(payload(k));
            expect(keyChanges()).toBeLessThanOrEqual(MPPE_KEY_CHANGE_BUDGET);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('stateless: initialKeys (a cheap decryptor for a server starting many sessions)', () => {
  it('computes only the keys asked for at creation, and holds only the pages they fill', () => {
    const dec = new MppeDecryptor({ ...options(true), initialKeys: 64 });
    expect(keyChanges()).toBe(64);
    // One page of 256 keys of 16 bytes, not the whole 64 KiB ring.
    expect(dec.heldBytes).toBe(256 * 16);
    const full = new MppeDecryptor(options(true));
    expect(full.heldBytes).toBe(4096 * 16);
    expect(() => new MppeDecryptor({ ...options(true), initialKeys: 0 })).toThrow(RangeError);
    expect(() => new MppeDecryptor({ ...options(true), initialKeys: 4097 })).toThrow(RangeError);
  });

  it('decrypts genuine packets in order, each costing at most the budget while the rest follow', () => {
    const packets = sendAll(5000);
    const dec = new MppeDecryptor({ ...options(true), initialKeys: 64 });
    keyChanges();
    for (const [n, packet] of packets.entries()) {
      expect(decryptOne(dec, packet)).toEqual(payload(n));
      expect(keyChanges()).toBeLessThanOrEqual(64);
    }
  });

  it('a first jump past the keys computed is KEY_NOT_READY until they catch up, then decrypts', () => {
    const packets = sendAll(1200);
    const dec = new MppeDecryptor({ ...options(true), initialKeys: 64 });
    // Each try computes up to 64 more keys: count 1000 is reached within 16 tries.
    let tries = 1;
    let out = decryptOne(dec, packets[1000]!);
    while (out === MPPE_STATUS.KEY_NOT_READY && tries < 20) {
      tries++;
      out = decryptOne(dec, packets[1000]!);
    }
    expect(tries).toBeGreaterThan(1);
    expect(tries).toBeLessThanOrEqual(16);
    expect(out).toEqual(payload(1000));
    expect(decryptOne(dec, packets[1001]!)).toEqual(payload(1001));
  });
});
