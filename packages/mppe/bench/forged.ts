/**
 * The cost of forged stateless packets (issue 12, defect 3): 6-octet frames (2-byte header with
 * A and D set, 4 bytes of body) at random coherency counts far ahead of the newest one, each
 * taken back with `rejectLast()` as the client does when the plaintext is not IPv4. Printed as
 * µs per forged packet beside the decrypt cost of a genuine packet of the same size. Then the
 * stateful worst case: a forged FLUSHED packet while discarding, tried under every key
 * `retryLast()` offers. Target: at most 500 µs per forged packet, whatever the decryptor's state.
 */
import { MPPE_FLAG, MPPE_STALE_ZONE, MppeDecryptor } from '../src/index.js';

const START_KEY = Uint8Array.from({ length: 16 }, (_, k) => (k * 29 + 7) & 0xff);
const BODY = 4;
const ROUNDS = 5;

/** A deterministic xorshift32 generator, so that every run forges the same counts. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function stamp(frame: Uint8Array, count: number): void {
  frame[0] = MPPE_FLAG.ENCRYPTED | MPPE_FLAG.FLUSHED | (count >>> 8);
  frame[1] = count & 0xff;
}

function decryptor(): MppeDecryptor {
  return new MppeDecryptor({ startKey: START_KEY, keyBits: 128, stateless: true });
}

/** Best of {@link ROUNDS} rounds of `packets` calls, each round on a fresh `prepare()`. */
function microsPerPacket<T>(
  packets: number,
  prepare: () => T,
  run: (state: T, packets: number) => void,
): number {
  run(prepare(), Math.min(packets, 50)); // warm up the JIT
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const state = prepare();
    const t0 = process.hrtime.bigint();
    run(state, packets);
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  return best / 1e3 / packets;
}

/** Genuine packets in order (the header the sender would write; RC4 cost is data-independent). */
function genuine(packets: number): number {
  const frame = new Uint8Array(2 + BODY);
  const out = new Uint8Array(BODY);
  return microsPerPacket(packets, decryptor, (dec, n) => {
    for (let k = 0; k < n; k++) {
      stamp(frame, k & 0xfff);
      if (dec.decrypt(frame, 0, frame.length, out, 0) !== BODY) throw new Error('genuine drop');
    }
  });
}

/**
 * Forged packets at random counts 256 to 4095 ahead of the newest (beyond the stale zone: a
 * forward jump for RFC 3078 §8.1), each rejected, against a decryptor that decrypted one
 * genuine packet: a stream of 200 per round.
 */
function forgedStream(): number {
  const frame = new Uint8Array(2 + BODY);
  const out = new Uint8Array(BODY);
  const random = xorshift(11);
  return microsPerPacket(
    200,
    () => {
      const dec = decryptor();
      stamp(frame, 0);
      dec.decrypt(frame, 0, frame.length, out, 0);
      return dec;
    },
    (dec, n) => {
      for (let k = 0; k < n; k++) {
        stamp(frame, (MPPE_STALE_ZONE + (random() % (4096 - MPPE_STALE_ZONE))) & 0xfff);
        if (dec.decrypt(frame, 0, frame.length, out, 0) >= 0) dec.rejectLast();
      }
    },
  );
}

/**
 * The worst case: one forged packet (as above) right after the decryptor accepted the longest
 * genuine forward jump (3840 counts, heavy loss), when the fewest keys are ready; a fresh
 * decryptor for each of the 20 forged packets of a round.
 */
function forgedAfterJump(): number {
  const frame = new Uint8Array(2 + BODY);
  const out = new Uint8Array(BODY);
  const random = xorshift(12);
  const jump = 4096 - MPPE_STALE_ZONE;
  return microsPerPacket(
    20,
    () =>
      Array.from({ length: 20 }, () => {
        const dec = decryptor();
        stamp(frame, 0);
        dec.decrypt(frame, 0, frame.length, out, 0);
        stamp(frame, jump);
        if (dec.decrypt(frame, 0, frame.length, out, 0) !== BODY) throw new Error('jump drop');
        return dec;
      }),
    (decs, n) => {
      for (let k = 0; k < n; k++) {
        const dec = decs[k]!;
        stamp(frame, (jump + MPPE_STALE_ZONE + (random() % (4096 - MPPE_STALE_ZONE))) & 0xfff);
        if (dec.decrypt(frame, 0, frame.length, out, 0) >= 0) dec.rejectLast();
      }
    },
  );
}

/**
 * Stateful worst case: a forged 1400-byte FLUSHED packet while the decryptor discards, 2047
 * counts ahead of the expected one (seven flag packets in the gap), taken for the
 * re-synchronisation and tried under every key `retryLast()` offers (64 key changes, 57 passes
 * of RC4 over the packet), then taken back: a stream of 50.
 */
function forgedResync(): number {
  const frame = new Uint8Array(1400).map((_, k) => (k * 31 + 7) & 0xff);
  const out = new Uint8Array(frame.length - 2);
  return microsPerPacket(
    50,
    () => {
      const dec = new MppeDecryptor({ startKey: START_KEY, keyBits: 128, stateless: false });
      // A frame too short for the header: discarding from count 0.
      dec.decrypt(frame, 0, 1, out, 0);
      return dec;
    },
    (dec, n) => {
      for (let k = 0; k < n; k++) {
        stamp(frame, 0x7ff);
        if (dec.decrypt(frame, 0, frame.length, out, 0) < 0) throw new Error('not tried');
        while (dec.retryLast(frame, 0, frame.length, out, 0) >= 0);
        dec.rejectLast();
      }
    },
  );
}

/** Runs the forged-packet benchmark and returns the lines to print. */
export function forgedPacketReport(): string[] {
  const good = genuine(20_000);
  const lines = [`genuine ${2 + BODY}-octet stateless decrypt: ${good.toFixed(2)} µs/packet`];
  for (const [name, bad] of [
    ['forged, stream of 200       ', forgedStream()],
    ['forged, after a 3840 jump   ', forgedAfterJump()],
  ] as const) {
    lines.push(
      `${name}: ${bad.toFixed(2).padStart(8)} µs/packet  ${(bad / good).toFixed(1).padStart(6)}× genuine  ${(500 / bad).toFixed(2)}× target (≤ 500 µs/packet)`,
    );
  }
  const resync = forgedResync();
  lines.push(
    `forged 1400-octet stateful FLUSHED while discarding, every key tried: ${resync.toFixed(2)} µs/packet  ${(500 / resync).toFixed(2)}× target (≤ 500 µs/packet)`,
  );
  return lines;
}
