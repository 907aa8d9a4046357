import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ReorderBuffer,
  type ReorderCounters,
  type ReorderOptions,
  seqAdd,
  seqDiff,
} from '../src/index.js';

interface Delivered {
  seq: number;
  payload: number[];
}

function harness(options: ReorderOptions = {}) {
  const out: Delivered[] = [];
  const rb = new ReorderBuffer((bytes, start, end, seq) => {
    out.push({ seq, payload: Array.from(bytes.subarray(start, end)) });
  }, options);
  const push = (seq: number, now = 0, payload = payloadOf(seq)) =>
    rb.push(seq, payload, 0, payload.length, now);
  return { rb, out, push, seqs: () => out.map((d) => d.seq) };
}

/** A payload that names its sequence number, so deliveries can be checked byte for byte. */
function payloadOf(seq: number): Uint8Array {
  return Uint8Array.of(seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff, 0xaa);
}

/** The counter identity documented on ReorderCounters. */
function accounted(c: ReorderCounters, buffered: number): number {
  return (
    c.delivered + buffered + c.duplicates + c.late + c.tooOld + c.farAhead + c.oversize + c.flushed
  );
}

describe('ReorderBuffer basics (RFC 2637 §4.3)', () => {
  it('delivers in-order packets at once, straight from the caller buffer', () => {
    const seen: Uint8Array[] = [];
    const rb = new ReorderBuffer((bytes) => seen.push(bytes));
    const input = new Uint8Array(10);
    expect(rb.push(100, input, 2, 8, 0)).toBe('delivered');
    expect(seen[0]).toBe(input);
    expect(rb.lastDelivered).toBe(100);
    expect(rb.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('holds a packet ahead of a gap and releases the run when the gap fills', () => {
    const { rb, push, seqs, out } = harness({ holdMs: 300 });
    push(10);
    expect(push(12, 5)).toBe('buffered');
    expect(push(13, 6)).toBe('buffered');
    expect(rb.buffered).toBe(2);
    expect(rb.nextDeadline()).toBe(305);
    expect(push(11, 7)).toBe('delivered');
    expect(seqs()).toEqual([10, 11, 12, 13]);
    expect(out.map((d) => d.payload)).toEqual(
      [10, 11, 12, 13].map((s) => Array.from(payloadOf(s))),
    );
    expect(rb.buffered).toBe(0);
    expect(rb.counters.reordered).toBe(2);
    expect(rb.counters.lost).toBe(0);
  });

  it('with a fixed hold, skips a gap once the oldest held packet has waited it', () => {
    const { rb, push, seqs } = harness({ holdMs: 300 });
    push(0, 0);
    push(2, 1000);
    push(4, 1100);
    expect(rb.nextDeadline()).toBe(1300);
    rb.timeout(1299);
    expect(seqs()).toEqual([0]);
    rb.timeout(1300);
    // 1 is skipped; 2 is released; 3 is missing but 4 has waited only 200 ms.
    expect(seqs()).toEqual([0, 2]);
    expect(rb.counters.lost).toBe(1);
    expect(rb.nextDeadline()).toBe(1400);
    rb.timeout(1400);
    expect(seqs()).toEqual([0, 2, 4]);
    expect(rb.counters.lost).toBe(2);
    expect(push(3, 1500)).toBe('late');
    expect(push(3, 1501)).toBe('duplicate');
    expect(push(2, 1502)).toBe('duplicate');
  });

  it('expires held packets on push too, before judging the new packet', () => {
    const { push, seqs, rb } = harness({ holdMs: 50 });
    push(0, 0);
    push(2, 10);
    expect(push(3, 60)).toBe('delivered');
    expect(seqs()).toEqual([0, 2, 3]);
    expect(rb.counters.lost).toBe(1);
  });

  it('drops duplicates of held packets', () => {
    const { push, rb } = harness();
    push(0);
    expect(push(5)).toBe('buffered');
    expect(push(5)).toBe('duplicate');
    expect(rb.counters.duplicates).toBe(1);
  });

  it('handles the 32-bit wrap (serial-number arithmetic)', () => {
    const { push, seqs, rb } = harness();
    push(0xfffffffd);
    expect(push(0xffffffff)).toBe('buffered');
    expect(push(0)).toBe('buffered');
    expect(push(0xfffffffe)).toBe('delivered');
    expect(push(1)).toBe('delivered');
    expect(seqs()).toEqual([0xfffffffd, 0xfffffffe, 0xffffffff, 0, 1]);
    expect(rb.lastDelivered).toBe(1);
    expect(push(0xffffffff)).toBe('duplicate');
  });

  it('on overflow of the slots, skips the oldest gap instead of dropping the newcomer (§4.2.4)', () => {
    const { push, seqs, rb } = harness({ slots: 4 });
    push(0);
    push(2);
    push(3);
    expect(push(6)).toBe('buffered'); // 1 skipped; 2 and 3 released; 4, 5 missing
    expect(seqs()).toEqual([0, 2, 3]);
    expect(rb.counters.lost).toBe(1);
    expect(push(8)).toBe('buffered'); // expected 4, 8 needs expected >= 5: 4 skipped
    expect(rb.counters.lost).toBe(2);
    expect(push(5)).toBe('delivered');
    expect(seqs()).toEqual([0, 2, 3, 5, 6]);
  });

  it('drops packets maxAhead or more ahead, and resyncs after resyncAfter in a row', () => {
    const { push, seqs, rb } = harness({ maxAhead: 100, resyncAfter: 3 });
    push(0);
    expect(push(101)).toBe('far-ahead');
    expect(push(50)).toBe('buffered');
    expect(push(5000)).toBe('far-ahead');
    expect(push(5001)).toBe('far-ahead');
    expect(push(5002)).toBe('delivered');
    expect(rb.counters.resyncs).toBe(1);
    expect(rb.counters.flushed).toBe(1);
    expect(rb.counters.farAhead).toBe(3);
    expect(push(5003)).toBe('delivered');
    expect(seqs()).toEqual([0, 5002, 5003]);
    expect(rb.counters.received).toBe(accounted(rb.counters, rb.buffered));
  });

  it('drops packets too old to judge, and resyncs backwards after a run of them', () => {
    const { push, rb, seqs } = harness({ resyncAfter: 3 });
    push(100_000);
    expect(push(10)).toBe('too-old');
    expect(push(99_999)).toBe('too-old'); // before the first packet: never seen
    expect(push(11)).toBe('delivered'); // third in a row: resync
    expect(seqs()).toEqual([100_000, 11]);
    expect(rb.counters.tooOld).toBe(2);
    expect(rb.counters.resyncs).toBe(1);
    expect(rb.counters.received).toBe(accounted(rb.counters, rb.buffered));
  });

  it('drops out-of-order payloads longer than a slot but delivers long in-order ones', () => {
    const { push, rb, seqs } = harness({ slotSize: 4 });
    push(0);
    expect(push(2)).toBe('oversize');
    expect(push(1)).toBe('delivered');
    expect(seqs()).toEqual([0, 1]);
    expect(rb.counters.oversize).toBe(1);
  });

  it('rejects bad options', () => {
    const noop = () => {};
    expect(() => new ReorderBuffer(noop, { slots: 3 })).toThrow(RangeError);
    expect(() => new ReorderBuffer(noop, { slots: 0 })).toThrow(RangeError);
    expect(() => new ReorderBuffer(noop, { slots: 64, maxAhead: 10 })).toThrow(RangeError);
    expect(() => new ReorderBuffer(noop, { holdMs: -1 })).toThrow(RangeError);
    expect(() => new ReorderBuffer(noop, { slotSize: 0 })).toThrow(RangeError);
  });
});

describe('ReorderBuffer adaptive hold (sequence policy, no fixed hold)', () => {
  it('gives a gap up after a few ms, not 300', () => {
    const { rb, push, seqs } = harness();
    push(0, 0);
    push(2, 100);
    expect(rb.holdMs).toBe(5);
    expect(rb.nextDeadline()).toBe(105);
    rb.timeout(104.9);
    expect(seqs()).toEqual([0]);
    rb.timeout(105);
    expect(seqs()).toEqual([0, 2]);
    expect(rb.counters.lost).toBe(1);
  });

  it('gives a gap up at once when three packets are held behind it', () => {
    const { rb, push, seqs } = harness();
    push(0, 0);
    expect(push(2, 0)).toBe('buffered');
    expect(push(3, 0)).toBe('buffered');
    expect(push(4, 0)).toBe('buffered');
    expect(seqs()).toEqual([0, 2, 3, 4]);
    expect(rb.buffered).toBe(0);
    expect(rb.counters.lost).toBe(1);
  });

  it('learns the reordering the wire shows: a gap filled late grows the hold and the depth', () => {
    const { rb, push, seqs } = harness();
    push(0, 0);
    push(2, 10);
    push(3, 11);
    push(1, 14); // filled 4 ms after the first packet behind it, two packets overtook
    expect(seqs()).toEqual([0, 1, 2, 3]);
    expect(rb.holdMs).toBe(6); // 4 ms × 1.5
    expect(rb.holdDepth).toBe(5); // (2 + 1) × 1.5, rounded up
    expect(rb.counters.lost).toBe(0);
    // Now four packets may overtake a gap without it being given up.
    for (const s of [5, 6, 7, 8]) expect(push(s, 20)).toBe('buffered');
    expect(push(4, 21)).toBe('delivered');
    expect(rb.counters.lost).toBe(0);
  });

  it('a packet arriving after its gap was given up doubles the estimates; losses shrink them back', () => {
    const { rb, push } = harness();
    push(0, 0);
    push(2, 0);
    rb.timeout(5);
    expect(push(1, 6)).toBe('late');
    expect(rb.holdMs).toBeCloseTo(5 * (15 / 16) * 2);
    expect(rb.holdDepth).toBe(6);
    let seq = 3;
    for (let i = 0; i < 200; i++) {
      seq += 2; // every other number lost
      push(seq, 100 + i * 100);
      rb.timeout(100 + i * 100 + 50);
    }
    expect(rb.holdMs).toBe(1);
    expect(rb.holdDepth).toBe(3);
    expect(rb.counters.late).toBe(1);
  });

  it('never holds longer than maxHoldMs whatever the wire showed', () => {
    const { rb, push } = harness({ maxHoldMs: 20 });
    push(0, 0);
    for (let i = 0; i < 10; i++) {
      const t = 1000 * (i + 1);
      push(2 * i + 2, t);
      rb.timeout(t + 100);
      expect(push(2 * i + 1, t + 200)).toBe('late');
    }
    expect(rb.holdMs).toBe(20);
    expect(rb.holdDepth).toBe(64);
  });
});

describe('ReorderBuffer arrival policy', () => {
  it('delivers every new number on arrival, drops duplicates, and counts gaps lost until filled', () => {
    const { rb, push, seqs } = harness({ policy: 'arrival' });
    push(100, 0);
    expect(push(103, 0)).toBe('delivered');
    expect(rb.counters.lost).toBe(2);
    expect(rb.lastDelivered).toBe(103);
    expect(push(101, 0)).toBe('delivered');
    expect(rb.counters.lost).toBe(1);
    expect(push(101, 0)).toBe('duplicate');
    expect(push(103, 0)).toBe('duplicate');
    expect(push(100, 0)).toBe('duplicate');
    expect(seqs()).toEqual([100, 103, 101]);
    expect(rb.buffered).toBe(0);
    expect(rb.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    expect(rb.counters.reordered).toBe(1);
    expect(rb.counters.received).toBe(accounted(rb.counters, 0));
  });

  it('switching to arrival delivers what is held; switching back makes old gaps late', () => {
    const { rb, push, seqs } = harness({ holdMs: 300 });
    push(0, 0);
    push(2, 0);
    push(4, 0);
    rb.setPolicy('arrival');
    expect(seqs()).toEqual([0, 2, 4]);
    expect(rb.buffered).toBe(0);
    expect(push(3, 1)).toBe('delivered');
    rb.setPolicy('sequence');
    expect(push(1, 2)).toBe('late');
    expect(rb.counters.lost).toBe(1);
    expect(() => rb.setPolicy('fifo' as never)).toThrow(RangeError);
  });
});

/** A stream as the network might deliver it: each sent packet lost, duplicated or delayed. */
const streamArb = fc
  .record({
    start: fc.oneof(fc.constant(0xffffff80), fc.constant(0), fc.nat({ max: 0xffffffff })),
    count: fc.integer({ min: 1, max: 250 }),
    fates: fc.array(
      fc.record({
        copies: fc.oneof(
          { weight: 8, arbitrary: fc.constant(1) },
          { weight: 1, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
        ),
        delay: fc.oneof(
          { weight: 6, arbitrary: fc.constant(0) },
          { weight: 3, arbitrary: fc.integer({ min: 1, max: 200 }) },
          { weight: 1, arbitrary: fc.integer({ min: 200, max: 2000 }) },
        ),
      }),
      { minLength: 250, maxLength: 250 },
    ),
    gap: fc.integer({ min: 0, max: 20 }),
    slots: fc.constantFrom(4, 16, 64),
    holdMs: fc.constantFrom(50, 300, undefined),
  })
  .map(({ start, count, fates, gap, slots, holdMs }) => {
    const arrivals: { seq: number; at: number }[] = [];
    for (let i = 0; i < count; i++) {
      const fate = fates[i]!;
      for (let k = 0; k < fate.copies; k++)
        arrivals.push({ seq: seqAdd(start, i), at: i * gap + fate.delay + k });
    }
    arrivals.sort((a, b) => a.at - b.at);
    return { arrivals, slots, holdMs };
  });

describe('ReorderBuffer properties', () => {
  it('delivers a permuted, duplicated, lossy stream at most once, in order, with counters that add up', () => {
    fc.assert(
      fc.property(streamArb, ({ arrivals, slots, holdMs }) => {
        const { rb, out, push } = harness({
          slots,
          resyncAfter: 1e9,
          ...(holdMs === undefined ? {} : { holdMs }),
        });
        for (const a of arrivals) {
          push(a.seq, a.at);
          expect(rb.counters.received).toBe(accounted(rb.counters, rb.buffered));
          expect(rb.buffered).toBeLessThanOrEqual(slots);
          if (rb.nextDeadline() <= a.at) rb.timeout(a.at);
        }
        rb.timeout(Number.MAX_SAFE_INTEGER);
        expect(rb.buffered).toBe(0);
        const c = rb.counters;
        expect(c.received).toBe(arrivals.length);
        expect(c.received).toBe(accounted(c, 0));
        expect(c.delivered).toBe(out.length);
        for (let i = 1; i < out.length; i++)
          expect(seqDiff(out[i]!.seq, out[i - 1]!.seq)).toBeGreaterThan(0);
        for (const d of out) expect(d.payload).toEqual(Array.from(payloadOf(d.seq)));
        // Every number from the first to the last delivered is delivered or counted lost, once.
        if (out.length > 0) {
          const span = seqDiff(out[out.length - 1]!.seq, out[0]!.seq) + 1;
          expect(c.delivered + c.lost).toBe(span);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('under the arrival policy, delivers each number at most once, none held, counters adding up', () => {
    fc.assert(
      fc.property(streamArb, ({ arrivals }) => {
        const { rb, out, push } = harness({ policy: 'arrival', resyncAfter: 1e9 });
        for (const a of arrivals) push(a.seq, a.at);
        const c = rb.counters;
        expect(rb.buffered).toBe(0);
        expect(c.received).toBe(accounted(c, 0));
        expect(new Set(out.map((d) => d.seq)).size).toBe(out.length);
        for (const d of out) expect(d.payload).toEqual(Array.from(payloadOf(d.seq)));
        // Every distinct number sent within the history arrives (the stream spans < 1024).
        const sent = new Set(arrivals.map((a) => a.seq));
        expect(out.length + c.tooOld).toBeGreaterThanOrEqual(sent.size);
        if (out.length > 0) {
          const first = out[0]!.seq;
          let last = first;
          for (const d of out) if (seqDiff(d.seq, last) > 0) last = d.seq;
          expect(c.delivered + c.lost).toBe(seqDiff(last, first) + 1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('delivers everything when packets are only shuffled within the slot window and in time', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 200 }),
        (start, jitter) => {
          const { rb, out, push } = harness({ slots: 16, holdMs: 300 });
          // Packet i is sent at slot i + jitter (< 16 late), the first one goes out first.
          const order = jitter
            .map((j, i) => ({ i, key: i === 0 ? -1 : i + j }))
            .sort((a, b) => a.key - b.key || a.i - b.i);
          for (const { i } of order) push(seqAdd(start, i), 0);
          expect(out.map((d) => d.seq)).toEqual(jitter.map((_, i) => seqAdd(start, i)));
          expect(rb.counters.lost).toBe(0);
          expect(rb.buffered).toBe(0);
        },
      ),
    );
  });
});
