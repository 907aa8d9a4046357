/**
 * Stateful re-synchronisation after hostile or broken input (issue 12, defect 2): a frame too
 * short for the MPPE header, or with the D bit clear, makes the decryptor ask for a CCP
 * Reset-Request (RFC 3078 §8.2); the sender's answer is FLUSHED and follows a key change, and
 * it must decrypt whatever its count, with one key change per "flag" packet (count low byte
 * 0xFF, RFC 3078 §7.2) the receiver did not see, plus one for the answer itself.
 */
import { fromHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MPPE_FLAG, MPPE_STATUS, MppeDecryptor, MppeEncryptor } from '../src/index.js';

const options = {
  startKey: fromHex('8b7cdc149b993a1ba118cb153f56dccb'),
  keyBits: 128 as const,
  stateless: false,
};

function payload(n: number): Uint8Array {
  const p = new Uint8Array(20 + (n % 30));
  for (let k = 0; k < p.length; k++) p[k] = (n * 31 + k * 7) & 0xff;
  return p;
}

/** The information field of `ff 03 00 fd 10`: a 1-byte MPPE "header". */
const SHORT = Uint8Array.of(MPPE_FLAG.ENCRYPTED);
/** D bit clear (A set, count 0): MPPE never sends it (RFC 3078 §3.1). */
const UNENCRYPTED = Uint8Array.of(MPPE_FLAG.FLUSHED, 0x00, 0x45, 0x00, 0x00, 0x14);

interface Link {
  readonly enc: MppeEncryptor;
  readonly dec: MppeDecryptor;
  /** Packet numbers at which a Reset-Request the decryptor sent reaches the sender. */
  readonly resetsDue: number[];
  /** Round trip of a Reset-Request, in packets the sender sends meanwhile. */
  readonly delay: number;
  resetRequests: number;
  delivered: number;
  sent: number;
}

function link(delay: number): Link {
  return {
    enc: new MppeEncryptor(options),
    dec: new MppeDecryptor(options),
    resetsDue: [],
    delay,
    resetRequests: 0,
    delivered: 0,
    sent: 0,
  };
}

/** The receiver's answer to a status: a Reset-Request on `RESET_NEEDED`, as pppd does. */
function react(l: Link, status: number): void {
  if (status !== MPPE_STATUS.RESET_NEEDED) return;
  l.resetRequests++;
  l.resetsDue.push(l.sent + l.delay);
}

/** Sends the next genuine packet and checks what the receiver makes of it. */
function sendGenuine(l: Link): number {
  const n = l.sent++;
  while (l.resetsDue.length > 0 && l.resetsDue[0]! <= n) {
    l.resetsDue.shift();
    l.enc.resetRequested();
  }
  const plain = payload(n);
  const wire = new Uint8Array(plain.length + 2);
  l.enc.encrypt(plain, 0, plain.length, wire, 0);
  const out = new Uint8Array(plain.length);
  const got = l.dec.decrypt(wire, 0, wire.length, out, 0);
  if (got >= 0) {
    // Anything accepted must be the genuine plaintext: a wrong key shows here. (Compared by
    // hand first: `expect` on each of some 100 000 packets would dominate the run time.)
    if (out.some((b, k) => b !== plain[k])) expect(out, `packet ${n}`).toEqual(plain);
    l.delivered++;
  } else if (got !== MPPE_STATUS.RESET_NEEDED && got !== MPPE_STATUS.DISCARDING) {
    expect.fail(`packet ${n}: status ${got}`);
  }
  react(l, got);
  return got;
}

/**
 * Injects a hostile frame; the client takes back anything it decrypts (it is not IP). Returns
 * what `decrypt` returned.
 */
function inject(l: Link, frame: Uint8Array): number {
  const out = new Uint8Array(Math.max(frame.length - 2, 0));
  const got = l.dec.decrypt(frame, 0, frame.length, out, 0);
  react(l, got >= 0 ? l.dec.rejectLast() : got);
  return got;
}

describe('stateful: re-synchronisation after a short or unencrypted frame (RFC 3078 §8.2)', () => {
  for (const [name, bogus, status] of [
    ['a 1-byte frame (ff 03 00 fd 10)', SHORT, MPPE_STATUS.TOO_SHORT],
    ['a frame with the D bit clear', UNENCRYPTED, MPPE_STATUS.NOT_ENCRYPTED],
  ] as const) {
    it(`${name} before the first packet: a Reset-Request, then 1000 of 1000 packets decrypt`, () => {
      // In stateless mode the frame is just dropped with its own status.
      const stateless = new MppeDecryptor({ ...options, stateless: true });
      expect(stateless.decrypt(bogus, 0, bogus.length, new Uint8Array(8), 0)).toBe(status);
      // Stateful, it may have used up keystream: the decryptor asks for a Reset-Request.
      const l = link(0);
      expect(inject(l, bogus)).toBe(MPPE_STATUS.RESET_NEEDED);
      expect(l.resetRequests).toBe(1);
      expect(l.dec.resetNeeded).toBe(true);
      for (let n = 0; n < 1000; n++) sendGenuine(l);
      expect(l.delivered).toBe(1000);
      expect(l.resetRequests).toBe(1);
    });
  }

  // Newest count before the hostile frame: none (the initial 0xFFF), 0xFE, the flag packet
  // 0xFF, 0x100, the flag packet 0xFFF after a whole cycle, 0x000 after it; the sender's answer
  // comes 0, 1 or 300 packets later (over a flag packet, or landing on one: count 0xFF).
  for (const accepted of [0, 255, 256, 257, 4096, 4097]) {
    for (const delay of [0, 1, 300]) {
      it(`after ${accepted} packets (newest count ${((accepted + 4095) & 0xfff).toString(16)}), answer ${delay} packets later`, () => {
        for (const bogus of [SHORT, UNENCRYPTED]) {
          const l = link(delay);
          for (let n = 0; n < accepted; n++) sendGenuine(l);
          expect(l.delivered).toBe(accepted);
          inject(l, bogus);
          expect(l.resetRequests).toBe(1);
          // Discarded until the first FLUSHED packet: the answer, or a flag packet before it.
          let flushed = accepted;
          while (flushed < accepted + delay && (flushed & 0xff) !== 0xff) flushed++;
          for (let n = accepted; n < flushed; n++) {
            expect(sendGenuine(l)).toBe(MPPE_STATUS.DISCARDING);
          }
          for (let n = 0; n < 600; n++) expect(sendGenuine(l)).toBeGreaterThanOrEqual(0);
          expect(l.resetRequests).toBe(1);
        }
      });
    }
  }

  it('a forged FLUSHED frame while discarding is taken back; the genuine answer still decrypts', () => {
    const l = link(3);
    for (let n = 0; n < 10; n++) sendGenuine(l);
    inject(l, SHORT);
    sendGenuine(l);
    // Claims a count 2000 ahead: the re-synchronisation it causes must be undone by rejectLast.
    const forged = Uint8Array.of(
      MPPE_FLAG.FLUSHED | MPPE_FLAG.ENCRYPTED | 0x07,
      0xdb,
      ...payload(99),
    );
    inject(l, forged);
    expect(l.dec.resetNeeded).toBe(true);
    for (let n = 0; n < 300; n++) sendGenuine(l);
    // Packets 10, 11 and 12 were discarded; 13 answers the first Reset-Request.
    expect(l.delivered).toBe(10 + 298);
  });

  it('any mix of hostile frames and Reset-Request delays: nothing wrong is accepted, every packet after the last answer decrypts (fast-check)', () => {
    const hostile = fc.oneof(
      fc.constant(SHORT),
      fc.constant(new Uint8Array(0)),
      fc.constant(UNENCRYPTED),
      // Anything with a 2-byte header: D clear, or D set with any count and flags.
      fc.uint8Array({ minLength: 2, maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 520 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), hostile), { maxLength: 6 }),
        (start, delay, attacks) => {
          const l = link(delay);
          for (let n = 0; n < start; n++) sendGenuine(l);
          for (const [gap, frame] of attacks) {
            inject(l, frame);
            for (let n = 0; n < gap; n++) sendGenuine(l);
          }
          // Whatever happened, the link recovers: at most `delay` + 1 more packets are lost.
          for (let n = 0; n <= delay; n++) sendGenuine(l);
          const before = l.delivered;
          for (let n = 0; n < 300; n++) sendGenuine(l);
          expect(l.delivered - before).toBe(300);
        },
      ),
      { numRuns: 50 },
    );
  });
});
