/**
 * Cross-check against an independent implementation: FreeRDP's MPPC codec (libfreerdp2,
 * `libfreerdp/codec/mppc.c`; RDP 4.0 bulk compression, [MS-RDPBCGR] 3.1.8.4.1, is the RFC 2118
 * bit format with the 8192-byte history). Our compressor feeds FreeRDP's decompressor, FreeRDP's
 * compressor feeds ours, over long sessions; the plaintext must come back byte for byte and the
 * A/B/C flags must mean the same thing on both sides (RFC 2118 §3.1).
 *
 * Needs `cc` and libfreerdp2.so.2 (`scripts/test-deps.sh` installs it as root). Without them the
 * suite is skipped with a warning, except under CI, where it fails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MPPC_FLAGS, MppcCompressor, MppcDecompressor } from '../src/index.js';
import { runs, type Step, session, textLike } from './arbitraries.js';
import { loadFreeRdpOracle, type OracleRequest } from './oracle/freerdp-oracle.js';
import { encodeTokens, ReferenceHistory, type Token, xorshift } from './reference-encoder.js';

const { FLUSHED: A, AT_FRONT: B, COMPRESSED: C } = MPPC_FLAGS;
const MRU = 8192;

const oracle = loadFreeRdpOracle();
if (!oracle.available) {
  if (process.env.CI) {
    throw new Error(`FreeRDP MPPC cross-check cannot run under CI: ${oracle.reason}`);
  }
  console.warn(`@pptpkit/mppc: FreeRDP cross-check SKIPPED: ${oracle.reason}`);
}
/** Only called inside the suite below, which runs only when the oracle is available. */
const run = (requests: readonly OracleRequest[]) => {
  if (!oracle.available) throw new Error(oracle.reason);
  return oracle.run(requests);
};

const packetStep = (data: Uint8Array): Step => ({ kind: 'packet', data });
const RESET: Step = { kind: 'reset' };

function randomBytes(n: number, seed: number): Uint8Array {
  const r = xorshift(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

/** Running totals, so the tests can show what the sessions really covered. */
interface Coverage {
  packets: number;
  bytes: number;
  compressed: number;
  uncompressed: number;
  flushed: number;
  /** B without A: the history filled up and restarted at the front. */
  restarts: number;
  resets: number;
}

const newCoverage = (): Coverage => ({
  packets: 0,
  bytes: 0,
  compressed: 0,
  uncompressed: 0,
  flushed: 0,
  restarts: 0,
  resets: 0,
});

function count(cov: Coverage, flags: number, length: number): void {
  cov.packets++;
  cov.bytes += length;
  if ((flags & C) !== 0) cov.compressed++;
  else cov.uncompressed++;
  if ((flags & A) !== 0) cov.flushed++;
  if ((flags & (A | B)) === B) cov.restarts++;
}

/**
 * Our compressor → FreeRDP's decompressor. Returns the total payload size.
 * RFC 2118 §3.1: C clear means the payload is the packet itself; A is set on the packet after
 * a reset (Reset-Request or an uncompressed packet), and A implies B.
 */
function oursToFreeRdp(steps: readonly Step[], cov: Coverage): number {
  const c = new MppcCompressor();
  const wire = new Uint8Array(MRU);
  const requests: OracleRequest[] = [];
  const expected: Uint8Array[] = [];
  let mustFlush = false;
  let payloadBytes = 0;
  for (const step of steps) {
    if (step.kind === 'reset') {
      c.reset();
      mustFlush = true;
      cov.resets++;
      continue;
    }
    const n = c.compress(step.data, wire);
    const flags = c.flags;
    expect((flags & A) !== 0, 'A after a reset, and only then').toBe(mustFlush);
    if ((flags & C) === 0) {
      expect(wire.subarray(0, n)).toEqual(step.data);
      mustFlush = true;
    } else {
      expect(n).toBeLessThanOrEqual(step.data.length);
      if ((flags & A) !== 0) expect(flags & B).toBe(B);
      mustFlush = false;
    }
    count(cov, flags, step.data.length);
    payloadBytes += n;
    requests.push({ op: 'decompress', flags, data: wire.slice(0, n) });
    expected.push(step.data);
  }
  const responses = run(requests);
  responses.forEach((r, i) => {
    expect(r.status, `FreeRDP decompressing packet ${i}`).toBe(1);
    expect(r.data, `packet ${i}`).toEqual(expected[i]);
  });
  return payloadBytes;
}

/**
 * FreeRDP's compressor → our decompressor. Returns the total payload size. FreeRDP marks an
 * uncompressed packet itself with A (its history is reset on it) and the next one with A too.
 * Empty packets are left out: FreeRDP 2.11's `mppc_compress` crashes on them (a PPP packet
 * always holds at least its protocol field).
 */
function freeRdpToOurs(allSteps: readonly Step[], cov: Coverage): number {
  const steps = allSteps.filter((s) => s.kind === 'reset' || s.data.length > 0);
  const requests: OracleRequest[] = steps.map((s) =>
    s.kind === 'reset' ? { op: 'resetCompressor', flush: true } : { op: 'compress', data: s.data },
  );
  const responses = run(requests);
  const d = new MppcDecompressor({ mru: MRU });
  const out = new Uint8Array(MRU);
  let mustFlush = false;
  let sinceFront = 0;
  let payloadBytes = 0;
  steps.forEach((step, i) => {
    const r = responses[i]!;
    expect(r.status, `FreeRDP status at step ${i}`).toBe(1);
    if (step.kind === 'reset') {
      mustFlush = true;
      cov.resets++;
      return;
    }
    // Level 0 (RDP4): no bits beyond A/B/C (the low nibble is RDP's compression type).
    expect(r.flags & ~(A | B | C)).toBe(0);
    if (mustFlush) expect(r.flags & A, `A after a reset (step ${i})`).toBe(A);
    if ((r.flags & C) === 0) {
      expect(r.data).toEqual(step.data);
      mustFlush = true;
      sinceFront = 0;
    } else {
      expect(r.data.length).toBeLessThanOrEqual(step.data.length);
      if ((r.flags & A) !== 0) expect(r.flags & B).toBe(B);
      mustFlush = false;
      sinceFront = (r.flags & B) !== 0 ? step.data.length : sinceFront + step.data.length;
      expect(sinceFront).toBeLessThanOrEqual(8192);
    }
    count(cov, r.flags, step.data.length);
    payloadBytes += r.data.length;
    const n = d.decompress(r.flags, r.data, out);
    expect(out.subarray(0, n), `packet at step ${i}`).toEqual(step.data);
  });
  return payloadBytes;
}

/** Both directions over the same steps. */
function bothWays(steps: readonly Step[], ours: Coverage, theirs: Coverage): void {
  oursToFreeRdp(steps, ours);
  freeRdpToOurs(steps, theirs);
}

/** Data whose greedy encoding holds one copy of `distance` and `length` after random bytes. */
function matchCase(distance: number, length: number, seed: number): Uint8Array {
  const data = new Uint8Array(distance + length + 4);
  data.set(randomBytes(distance, seed));
  for (let i = distance; i < distance + length; i++) data[i] = data[i - distance]!;
  data.set(randomBytes(4, seed + 1), distance + length);
  return data;
}

/** Text-like packets of 1–1400 bytes (fixed seed), the corpus of the size comparison. */
const corpus = fc.sample(textLike(1400, 100), { numRuns: 300, seed: 2118 });

describe.skipIf(!oracle.available)(
  'cross-check with FreeRDP MPPC (libfreerdp2, RDP4 = RFC 2118)',
  () => {
    it('fast-check sessions (MRU 1500 and 8192), chained into long ones: both directions', () => {
      const ours = newCoverage();
      const theirs = newCoverage();
      const longSession = fc
        .array(fc.oneof(session(1500, 40), session(8192, 6)), { minLength: 4, maxLength: 8 })
        .map((sessions) => sessions.flat());
      fc.assert(
        fc.property(longSession, (steps) => {
          bothWays(steps, ours, theirs);
        }),
        { numRuns: 12 },
      );
      for (const cov of [ours, theirs]) {
        expect(cov.compressed).toBeGreaterThan(100);
        expect(cov.uncompressed).toBeGreaterThan(20);
        expect(cov.restarts).toBeGreaterThan(5);
        expect(cov.resets).toBeGreaterThan(5);
      }
      console.info('fast-check sessions, ours → FreeRDP:', ours, 'FreeRDP → ours:', theirs);
    });

    it('random packets go uncompressed (C clear) and the next packet flushes (A)', () => {
      const ours = newCoverage();
      const theirs = newCoverage();
      const steps = Array.from({ length: 20 }, (_, i) => [
        packetStep(randomBytes(1400, 100 + i)),
        packetStep(corpus[i]!),
      ]).flat();
      bothWays(steps, ours, theirs);
      expect(ours.uncompressed).toBeGreaterThanOrEqual(20);
      expect(theirs.uncompressed).toBeGreaterThanOrEqual(20);
      expect(ours.flushed).toBeGreaterThanOrEqual(19);
    });

    it('long runs: whole-history packets of one byte, runs and 8190–8192-byte packets', () => {
      const ours = newCoverage();
      const theirs = newCoverage();
      const steps = [
        new Uint8Array(8192).fill(0x41),
        new Uint8Array(8192).fill(0x00),
        new Uint8Array(8191).fill(0xff),
        new Uint8Array(8190).fill(0x80),
        ...fc.sample(runs(8192), { numRuns: 30, seed: 5 }),
        new Uint8Array(3).fill(7),
        new Uint8Array(0),
        new Uint8Array(1).fill(0x80),
      ].map(packetStep);
      bothWays(steps, ours, theirs);
      expect(ours.compressed).toBeGreaterThan(30);
    });

    it('copies at every offset and length class boundary (RFC 2118 §4.2.1, §4.2.2)', () => {
      const ours = newCoverage();
      const theirs = newCoverage();
      const distances = [1, 2, 63, 64, 65, 318, 319, 320, 321, 2000, 4096, 8000, 8180];
      const lengths = [3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 1023];
      const longLengths = [1024, 2047, 2048, 4095, 4096, 8000];
      const steps: Step[] = [];
      let cases = 0;
      for (const distance of distances) {
        for (const length of [...lengths, ...longLengths]) {
          const data = matchCase(distance, length, distance * 31 + length);
          if (data.length > 8192) continue;
          // Each case on its own history (after a Reset-Request), so its copy is at `distance`.
          steps.push(RESET, packetStep(data));
          cases++;
        }
      }
      bothWays(steps, ours, theirs);
      expect(cases).toBe(261);
    });

    it('packets that fill the 8192-byte history restart at the front (B without A)', () => {
      const ours = newCoverage();
      const theirs = newCoverage();
      const text = corpus.filter((p) => p.length > 1000);
      const steps = [3000, 3000, 2192, 1, 8189, 4096, 4096, 4097, 5000, 3192].map((n, i) => {
        const t = text[i]!;
        return packetStep(Uint8Array.from({ length: n }, (_, k) => t[k % t.length]!));
      });
      bothWays(steps, ours, theirs);
      expect(ours.restarts).toBeGreaterThanOrEqual(4);
      expect(theirs.restarts).toBeGreaterThanOrEqual(4);
    });

    it('FreeRDP matches running past the older pass into zeros after a B restart', () => {
      // Found by this cross-check (see zero-history.test.ts): FreeRDP's encoder extends a match
      // against the older pass up to and including the byte at the end of what was written, which
      // a zero-initialised history holds as 0; and past index 8191 after an 8192-byte packet.
      const text = corpus.flatMap((p) => Array.from(p));
      const unique = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const olderPass = (n: number) => Uint8Array.from([...text.slice(0, n - 10), ...unique]);
      const front = (n: number) =>
        Uint8Array.from([7, 8, 9, 10, 0, ...text.slice(100, 100 + n - 5)]);
      for (const [older, next] of [
        [3000, 5300],
        [8192, 1300],
      ] as const) {
        for (const steps of [
          [packetStep(olderPass(older)), packetStep(front(next))],
          [RESET, packetStep(olderPass(older)), packetStep(front(next))],
        ]) {
          const theirs = newCoverage();
          freeRdpToOurs(steps, theirs);
          expect(theirs.restarts).toBe(steps[0] === RESET ? 1 : 2); // the first packet has B too
        }
      }
    });

    it('Reset-Requests in the middle of a session flush the next packet on both sides', () => {
      const ours = newCoverage();
      const theirs = newCoverage();
      const steps = corpus
        .slice(0, 60)
        .flatMap((p, i) => (i % 7 === 3 ? [RESET, packetStep(p)] : [packetStep(p)]));
      steps.splice(10, 0, RESET, RESET, packetStep(new Uint8Array(0)));
      bothWays(steps, ours, theirs);
      expect(ours.resets).toBe(11);
      // Two Reset-Requests in a row flush one packet (an uncompressed one flushes one more).
      expect(ours.flushed).toBeGreaterThanOrEqual(10);
      expect(theirs.flushed).toBeGreaterThanOrEqual(10);
    });

    it('hand-built streams decode the same in both decompressors (each class boundary)', () => {
      // Streams from the reference encoder (not ours, not FreeRDP's): random literals, then one
      // copy per case, within the current pass.
      const requests: OracleRequest[] = [];
      const expected: Uint8Array[] = [];
      for (const offset of [1, 2, 63, 64, 65, 319, 320, 321, 4000, 8000]) {
        for (const length of [3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 4095]) {
          if (offset + length > 8192) continue;
          const tokens: Token[] = [
            ...Array.from(
              randomBytes(offset, offset + length),
              (byte): Token => ({
                kind: 'literal',
                byte,
              }),
            ),
            { kind: 'copy', offset, length },
          ];
          expected.push(new ReferenceHistory().play(tokens));
          requests.push({ op: 'decompress', flags: A | B | C, data: encodeTokens(tokens) });
        }
      }
      const responses = run(requests);
      const d = new MppcDecompressor({ mru: MRU });
      const out = new Uint8Array(MRU);
      responses.forEach((r, i) => {
        const req = requests[i]! as { flags: number; data: Uint8Array };
        expect(r.status).toBe(1);
        expect(r.data).toEqual(expected[i]);
        expect(out.subarray(0, d.decompress(req.flags, req.data, out))).toEqual(expected[i]);
      });
      expect(responses.length).toBeGreaterThan(100);
    });

    it('a long text session (300 packets, history wraps): sizes within 2x of FreeRDP (informational ratio)', () => {
      const ours = newCoverage();
      const theirs = newCoverage();
      const steps = corpus.map(packetStep);
      const oursBytes = oursToFreeRdp(steps, ours);
      const theirsBytes = freeRdpToOurs(steps, theirs);
      const plain = ours.bytes;
      console.info(
        `MPPC on ${steps.length} text packets (${plain} bytes): ours ${oursBytes} B ` +
          `(${((100 * oursBytes) / plain).toFixed(1)}%), FreeRDP ${theirsBytes} B ` +
          `(${((100 * theirsBytes) / plain).toFixed(1)}%), ours/FreeRDP ${(oursBytes / theirsBytes).toFixed(3)}`,
      );
      expect(ours.restarts).toBeGreaterThan(10);
      expect(theirs.restarts).toBeGreaterThan(10);
      expect(oursBytes).toBeLessThan(plain);
      expect(oursBytes).toBeLessThan(2 * theirsBytes);
    });
  },
);
