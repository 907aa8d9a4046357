/**
 * The cost of crossing a stateful gap (issue 14): a packet after four lost 1402-byte packets,
 * recovered at the first offset tried, with the next packet (which moves the RC4 state on), beside
 * two packets in sync; and the worst a hostile packet after a gap costs: a 2048-byte packet (the
 * longest recovered) tried at every offset offered, then taken back.
 */
import { MPPE_RECOVERY_MAX_GAP, MppeDecryptor, MppeEncryptor } from '../src/index.js';

const START_KEY = Uint8Array.from({ length: 16 }, (_, k) => (k * 29 + 7) & 0xff);
const LENGTH = 1402;
const ROUNDS = 5;
const PER_ROUND = 200;

const options = { startKey: START_KEY, keyBits: 128 as const, stateless: false, recoverGaps: true };

/** Packets 0..30 of a stateful stream of PPP-framed IPv4 packets, packet `n` `length(n)` long. */
function stream(length: (n: number) => number): Uint8Array[] {
  const enc = new MppeEncryptor(options);
  const plain = new Uint8Array(2048);
  plain[1] = 0x21;
  plain[2] = 0x45;
  return Array.from({ length: 31 }, (_, n) => {
    const wire = new Uint8Array(length(n) + 2);
    enc.encrypt(plain, 0, length(n), wire, 0);
    return wire;
  });
}

/** Best of {@link ROUNDS}: µs for `measure` on a decryptor that received packets 0..19. */
function micros(wires: Uint8Array[], measure: (dec: MppeDecryptor, out: Uint8Array) => void) {
  const out = new Uint8Array(4096);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round <= ROUNDS; round++) {
    let total = 0n;
    for (let k = 0; k < PER_ROUND; k++) {
      const dec = new MppeDecryptor(options);
      for (let n = 0; n < 20; n++) dec.decrypt(wires[n]!, 0, wires[n]!.length, out, 0);
      const t0 = process.hrtime.bigint();
      measure(dec, out);
      total += process.hrtime.bigint() - t0;
    }
    // Round 0 warms the JIT up.
    if (round > 0) best = Math.min(best, Number(total) / 1e3 / PER_ROUND);
  }
  return best;
}

/** Lines of the report. */
export function gapRecoveryReport(): string[] {
  const wires = stream(() => LENGTH);
  const next = 20 + MPPE_RECOVERY_MAX_GAP;
  const inSync = micros(wires, (dec, out) => {
    for (const w of [wires[20]!, wires[21]!]) dec.decrypt(w, 0, w.length, out, 0);
  });
  const recovered = micros(wires, (dec, out) => {
    for (const w of [wires[next]!, wires[next + 1]!]) {
      if (dec.decrypt(w, 0, w.length, out, 0) < 0) throw new Error('not recovered');
    }
  });
  // Six distinct lengths up to the longest recovered (all remembered), a random 2048-byte
  // packet: every multiset of four is a candidate offset, a third or so pass the protocol check.
  const varied = stream((n) => 2048 - (n % 6) * 10);
  const forged = Uint8Array.from({ length: 2050 }, (_, k) => (k * 2654435761) >>> 24);
  forged[0] = 0x10;
  forged[1] = next;
  const hostile = micros(varied, (dec, out) => {
    let n = dec.decrypt(forged, 0, forged.length, out, 0);
    while (n >= 0) n = dec.retryLast(forged, 0, forged.length, out, 0);
    dec.rejectLast();
  });
  return [
    `stateful gap of ${MPPE_RECOVERY_MAX_GAP} × ${LENGTH} bytes crossed: ${recovered.toFixed(1)} µs for the recovered packet and the next, against ${inSync.toFixed(1)} µs for two in sync (+${(recovered - inSync).toFixed(1)} µs per recovered packet)`,
    `hostile 2048-byte packet after a gap over six remembered lengths, every offset tried, then taken back: ${hostile.toFixed(1)} µs`,
  ];
}
