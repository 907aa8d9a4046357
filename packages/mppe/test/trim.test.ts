/**
 * `MppeDecryptor.trim`: an idle decryptor lets its large buffers go (the stateless key chain,
 * the stateful gap-recovery keystream) and decrypts exactly as before once traffic resumes.
 */
import { fromHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { MPPE_STATUS, MppeDecryptor, MppeEncryptor } from '../src/index.js';

const START = fromHex('8b7cdc149b993a1ba118cb153f56dccb');

function plain(n: number, length = 100): Uint8Array {
  const p = new Uint8Array(length);
  p[0] = 0x21; // the PPP protocol field of IPv4, compressed: what gap recovery looks for
  for (let k = 1; k < length; k++) p[k] = (n * 31 + k * 7) & 0xff;
  return p;
}

function sender(stateless: boolean) {
  const enc = new MppeEncryptor({ startKey: START, keyBits: 128, stateless });
  return (n: number): Uint8Array => {
    const p = plain(n);
    const wire = new Uint8Array(p.length + 2);
    enc.encrypt(p, 0, p.length, wire, 0);
    return wire;
  };
}

function decrypt(dec: MppeDecryptor, wire: Uint8Array): Uint8Array | number {
  const out = new Uint8Array(wire.length);
  const n = dec.decrypt(wire, 0, wire.length, out, 0);
  return n < 0 ? n : out.subarray(0, n);
}

describe('MppeDecryptor.trim', () => {
  it('stateless: the 64 KiB key chain goes, and every later packet decrypts, across the count wrap', () => {
    const send = sender(true);
    const wires = Array.from({ length: 5000 }, (_, n) => send(n));
    const dec = new MppeDecryptor({ startKey: START, keyBits: 128, stateless: true });
    expect(dec.heldBytes).toBe(4096 * 16);
    // Before the first packet nothing can go: the start key is not in the chain.
    dec.trim();
    expect(dec.heldBytes).toBe(4096 * 16);
    for (let n = 0; n < 100; n++) expect(decrypt(dec, wires[n]!)).toEqual(plain(n));
    dec.trim();
    expect(dec.heldBytes).toBe(0);
    // Trimmed again at intervals: the chain restarts from the newest key every time.
    for (let n = 100; n < 5000; n++) {
      expect(decrypt(dec, wires[n]!)).toEqual(plain(n));
      if (n % 1000 === 0) dec.trim();
    }
    expect(dec.heldBytes).toBe(4096 * 16);
    // A packet already seen is still a duplicate after a trim (the recent keys' window stays).
    dec.trim();
    expect(decrypt(dec, wires[4999]!)).toBe(MPPE_STATUS.DUPLICATE);
    expect(decrypt(dec, wires[4990]!)).toBe(MPPE_STATUS.DUPLICATE);
  });

  it('stateless: after a trim a long jump waits for its keys, 64 key changes per packet', () => {
    const send = sender(true);
    const wires = Array.from({ length: 400 }, (_, n) => send(n));
    const dec = new MppeDecryptor({ startKey: START, keyBits: 128, stateless: true });
    for (let n = 0; n < 100; n++) decrypt(dec, wires[n]!);
    dec.trim();
    // 200 ahead of the newest count (99): three packets compute 192 keys and are dropped...
    expect(decrypt(dec, wires[299]!)).toBe(MPPE_STATUS.KEY_NOT_READY);
    expect(decrypt(dec, wires[300]!)).toBe(MPPE_STATUS.KEY_NOT_READY);
    expect(decrypt(dec, wires[301]!)).toBe(MPPE_STATUS.KEY_NOT_READY);
    // ...the fourth finds its key (204 ahead, 256 computed), and the stream goes on.
    expect(decrypt(dec, wires[303]!)).toEqual(plain(303));
    for (let n = 304; n < 400; n++) expect(decrypt(dec, wires[n]!)).toEqual(plain(n));
  });

  it('stateful with recoverGaps: the keystream buffer comes with the first gap and goes with trim', () => {
    const send = sender(false);
    const wires = Array.from({ length: 60 }, (_, n) => send(n));
    const dec = new MppeDecryptor({
      startKey: START,
      keyBits: 128,
      stateless: false,
      recoverGaps: true,
    });
    for (let n = 0; n < 20; n++) expect(decrypt(dec, wires[n]!)).toEqual(plain(n));
    expect(dec.heldBytes).toBe(0);
    // 20 lost: the next packet is read at the guessed offset (every length was 100).
    expect(decrypt(dec, wires[21]!)).toEqual(plain(21));
    expect(dec.guessed).toBe(true);
    expect(dec.heldBytes).toBe(5 * 2048);
    // The guess is kept and not yet applied to the RC4 state: trim keeps the buffer for it.
    dec.trim();
    expect(dec.heldBytes).toBe(5 * 2048);
    expect(decrypt(dec, wires[22]!)).toEqual(plain(22));
    dec.trim();
    expect(dec.heldBytes).toBe(0);
    // Another gap after the trim is crossed the same way.
    for (let n = 23; n < 40; n++) expect(decrypt(dec, wires[n]!)).toEqual(plain(n));
    expect(decrypt(dec, wires[42]!)).toEqual(plain(42));
    expect(dec.guessed).toBe(true);
    for (let n = 43; n < 60; n++) expect(decrypt(dec, wires[n]!)).toEqual(plain(n));
  });
});
