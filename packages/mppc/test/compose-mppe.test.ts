/**
 * Composition with MPPE (RFC 3078 §3, RFC 2118 §3.1): compress → encrypt with one shared
 * header, decrypt → decompress, through `@pptpkit/mppe`'s public API only.
 */
import { MPPE_FLAG, MPPE_STATUS, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { encodeUtf8 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { MPPC_FLAGS, MppcCompressor, MppcDecompressor } from '../src/index.js';
import { xorshift } from './reference-encoder.js';

const MRU = 1500;

function key(seed: number): Uint8Array {
  const r = xorshift(seed);
  return Uint8Array.from({ length: 16 }, () => Math.floor(r() * 256));
}

/** Packets: mostly text-like (compressible), some random (sent uncompressed), some empty. */
function traffic(count: number): Uint8Array[] {
  const r = xorshift(2118);
  return Array.from({ length: count }, (_, i) => {
    if (i % 17 === 5) return Uint8Array.from({ length: 1400 }, () => Math.floor(r() * 256));
    if (i % 31 === 7) return new Uint8Array(0);
    const words = ['\u0000!E ', 'GET /index.html ', 'HTTP/1.1 200 OK ', 'tolls ', `${i} `];
    let s = '';
    while (s.length < 200 + (i % 900)) s += words[Math.floor(r() * words.length)];
    return encodeUtf8(s);
  });
}

/** The sending side: MPPC then MPPE into one buffer. */
class Sender {
  readonly compressor = new MppcCompressor();
  readonly encryptor: MppeEncryptor;
  readonly #plain = new Uint8Array(MRU);
  readonly wire = new Uint8Array(MRU + 2);

  constructor(stateless: boolean) {
    this.encryptor = new MppeEncryptor({ startKey: key(1), keyBits: 128, stateless });
  }

  send(data: Uint8Array): Uint8Array {
    // When MPPE is going to set A on this packet (stateless, a stateful flag packet, or a
    // pending Reset-Request), the MPPC history must be reset for it too.
    if (this.encryptor.nextPacketFlushed) this.compressor.reset();
    const n = this.compressor.compress(data, this.#plain);
    const m = this.encryptor.encrypt(this.#plain, 0, n, this.wire, 0, this.compressor.flags);
    return this.wire.slice(0, m);
  }

  /** The peer's CCP Reset-Request: both layers flush the next packet. */
  resetRequested(): void {
    this.encryptor.resetRequested();
    this.compressor.reset();
  }
}

/** The receiving side: MPPE then MPPC. Returns the packet, or the MPPE or MPPC drop status. */
class Receiver {
  readonly decryptor: MppeDecryptor;
  readonly decompressor = new MppcDecompressor({ mru: MRU });
  readonly #plain = new Uint8Array(MRU);
  readonly #out = new Uint8Array(MRU);

  constructor(stateless: boolean) {
    this.decryptor = new MppeDecryptor({ startKey: key(1), keyBits: 128, stateless });
  }

  receive(packet: Uint8Array): Uint8Array | number {
    const n = this.decryptor.decrypt(packet, 0, packet.length, this.#plain, 0);
    if (n < 0) return n;
    const k = this.decompressor.decompress(this.decryptor.flags, this.#plain, this.#out, 0, n);
    if (k < 0) return k;
    return this.#out.slice(0, k);
  }
}

describe('MPPC + MPPE-128 (compress → encrypt, decrypt → decompress, one header)', () => {
  it('stateful: a long sequence with a lost packet and a Reset-Request in the middle', () => {
    const packets = traffic(700); // crosses the flag packets at counts 255 and 511
    const tx = new Sender(false);
    const rx = new Receiver(false);
    const seen = { compressed: 0, uncompressed: 0, flushed: 0, dropped: 0, delivered: 0 };
    for (let i = 0; i < packets.length; i++) {
      const wire = tx.send(packets[i]!);
      expect(wire[0]! & MPPE_FLAG.ENCRYPTED).toBe(MPPE_FLAG.ENCRYPTED);
      if ((wire[0]! & MPPC_FLAGS.COMPRESSED) !== 0) seen.compressed++;
      else seen.uncompressed++;
      if ((wire[0]! & MPPC_FLAGS.FLUSHED) !== 0) seen.flushed++;
      if (i === 350) continue; // lost on the way
      const got = rx.receive(wire);
      if (typeof got === 'number') {
        // Loss detected: MPPE discards until a flushed packet; we send a Reset-Request.
        expect([MPPE_STATUS.RESET_NEEDED, MPPE_STATUS.DISCARDING]).toContain(got);
        seen.dropped++;
        if (got === MPPE_STATUS.RESET_NEEDED) tx.resetRequested();
        continue;
      }
      expect(got).toEqual(packets[i]);
      seen.delivered++;
    }
    expect(seen.dropped).toBe(1); // the packet after the lost one; the next is flushed
    expect(seen.delivered).toBe(packets.length - 2);
    expect(seen.compressed).toBeGreaterThan(500);
    expect(seen.uncompressed).toBeGreaterThan(30);
    // A: after each uncompressed packet, on MPPE's flag packets, after the Reset-Request.
    expect(seen.flushed).toBeGreaterThan(30);
  });

  it('stateless: every packet is flushed, so each compresses on its own', () => {
    const packets = traffic(80);
    const tx = new Sender(true);
    const rx = new Receiver(true);
    for (const p of packets) {
      const wire = tx.send(p);
      expect(wire[0]! & MPPC_FLAGS.FLUSHED).toBe(MPPC_FLAGS.FLUSHED);
      expect(rx.receive(wire)).toEqual(p);
    }
  });

  it('without the MPPC reset when MPPE flushes (count 255), the receiver cannot follow', () => {
    // Why Sender.send checks nextPacketFlushed: A in the shared header resets the receiver's
    // history, so a compressor that kept its history would reference bytes the receiver lost.
    const packets = traffic(300).filter((_, i) => i % 17 !== 5 && i % 31 !== 7);
    const encryptor = new MppeEncryptor({ startKey: key(1), keyBits: 128, stateless: false });
    const compressor = new MppcCompressor();
    const rx = new Receiver(false);
    const plain = new Uint8Array(MRU);
    const wire = new Uint8Array(MRU + 2);
    let failures = 0;
    for (const p of packets) {
      const n = compressor.compress(p, plain);
      const m = encryptor.encrypt(plain, 0, n, wire, 0, compressor.flags);
      const got = rx.receive(wire.slice(0, m));
      if (typeof got === 'number' || got.length !== p.length || !got.every((b, j) => b === p[j])) {
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(0);
  });

  it('compresses text on the wire (payload smaller than the packets)', () => {
    const packets = traffic(200).filter((_, i) => i % 17 !== 5);
    const tx = new Sender(false);
    let plain = 0;
    let wire = 0;
    for (const p of packets) {
      plain += p.length;
      wire += tx.send(p).length - 2;
    }
    expect(wire).toBeLessThan(plain / 2);
  });
});
