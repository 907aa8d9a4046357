import { fromHex, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGre,
  encodeGre,
  GRE_MAX_HEADER_LENGTH,
  type GreCounters,
  GreSession,
  type GreSessionOptions,
  seqAdd,
} from '../src/index.js';
import { greRange } from './ip-datagram.js';
import vectors from './vectors/scapy-pptp.json' with { type: 'json' };

const LOCAL = 0x1111;
const PEER = 0x2222;

function session(options: Partial<GreSessionOptions> = {}) {
  const delivered: { seq: number; payload: string }[] = [];
  const s = new GreSession({
    localCallId: LOCAL,
    peerCallId: PEER,
    deliver: (bytes, start, end, seq) =>
      delivered.push({ seq, payload: toHex(bytes.subarray(start, end)) }),
    ...options,
  });
  return { s, delivered };
}

/** A data packet from the peer (addressed to our call ID). */
function data(seq: number, payload = Uint8Array.of(seq & 0xff), ack?: number): Uint8Array {
  return encodeGre(
    ack === undefined
      ? { callId: LOCAL, sequence: seq, payload }
      : { callId: LOCAL, sequence: seq, ack, payload },
  );
}

function ackOnly(ack: number): Uint8Array {
  return encodeGre({ callId: LOCAL, ack, payload: new Uint8Array(0) });
}

function recv(s: GreSession, packet: Uint8Array, now: number) {
  return s.receive(packet, 0, packet.length, now);
}

/** Sends `payload` through `writeData` and returns the packet bytes. */
function send(s: GreSession, payload: Uint8Array, now: number): Uint8Array | undefined {
  const buf = new Uint8Array(GRE_MAX_HEADER_LENGTH + payload.length + 8);
  buf.set(payload, GRE_MAX_HEADER_LENGTH);
  const at = s.writeData(buf, GRE_MAX_HEADER_LENGTH, payload.length, now);
  if (at < 0) return undefined;
  return buf.subarray(at, GRE_MAX_HEADER_LENGTH + payload.length);
}

function receiveIdentity(c: GreCounters, buffered: number): number {
  return (
    c.delivered + buffered + c.duplicates + c.late + c.tooOld + c.farAhead + c.oversize + c.flushed
  );
}

describe('sending (RFC 2637 §4.1)', () => {
  it('numbers data packets from 0 with the peer call ID and no ack before any data arrives', () => {
    const { s } = session();
    const p0 = send(s, Uint8Array.of(0xff, 0x03), 0)!;
    expect(toHex(p0)).toBe('3001880b0002222200000000ff03');
    const p1 = decodeGre(send(s, Uint8Array.of(1), 1)!);
    expect(p1).toEqual({ callId: PEER, sequence: 1, payload: Uint8Array.of(1) });
    expect(s.counters.sent).toBe(2);
    expect(s.nextSequence).toBe(2);
  });

  it('wraps the sequence number from 0xFFFFFFFF to 0', () => {
    const { s } = session({ initialSequence: 0xfffffffe });
    const seqs = [0, 1, 2].map((i) => decodeGre(send(s, Uint8Array.of(i), i)!).sequence);
    expect(seqs).toEqual([0xfffffffe, 0xffffffff, 0]);
  });

  it('writes the header right in front of the payload, without copying it', () => {
    const { s } = session();
    const buf = new Uint8Array(40);
    buf.set([9, 8, 7], 20);
    expect(s.writeData(buf, 20, 3, 0)).toBe(8);
    expect(toHex(buf.subarray(8, 23))).toBe('3001880b0003222200000000090807');
    expect(() => s.writeData(buf, 15, 3, 0)).toThrow(RangeError);
    expect(() => s.writeData(buf, 20, 30, 0)).toThrow(RangeError);
  });
});

describe('acknowledgments (RFC 2637 §4.1, §4.2.5)', () => {
  it('piggy-backs the highest in-order sequence received, once', () => {
    const { s } = session();
    recv(s, data(41), 0);
    recv(s, data(42), 1);
    expect(s.ackPending).toBe(true);
    const p = decodeGre(send(s, Uint8Array.of(0xaa), 2)!);
    expect(p.ack).toBe(42);
    expect(p.sequence).toBe(0);
    expect(s.ackPending).toBe(false);
    expect(decodeGre(send(s, Uint8Array.of(0xbb), 3)!).ack).toBeUndefined();
    expect(s.counters.acksSent).toBe(1);
    expect(s.counters.loneAcksSent).toBe(0);
  });

  it('acknowledges only what was delivered in order, then the skipped gap after the timeout', () => {
    const { s } = session({ reorder: { holdMs: 300 } });
    recv(s, data(10), 0);
    recv(s, data(12), 1);
    expect(decodeGre(send(s, Uint8Array.of(0), 2)!).ack).toBe(10);
    expect(s.nextDeadline()).toBe(301);
    const out = new Uint8Array(12);
    expect(s.timeout(301, out)).toBe(0); // 11 skipped, 12 delivered: ack now pending, not due
    expect(s.counters.lost).toBe(1);
    expect(decodeGre(send(s, Uint8Array.of(0), 302)!).ack).toBe(12);
  });

  it('under the arrival policy, delivers past a gap at once and acknowledges the highest number', () => {
    const { s, delivered } = session({ reorder: { policy: 'arrival' } });
    recv(s, data(10), 0);
    recv(s, data(12), 1);
    expect(delivered.map((d) => d.seq)).toEqual([10, 12]);
    expect(s.buffered).toBe(0);
    expect(decodeGre(send(s, Uint8Array.of(0), 2)!).ack).toBe(12);
    recv(s, data(11), 3);
    recv(s, data(11), 4);
    expect(delivered.map((d) => d.seq)).toEqual([10, 12, 11]);
    expect(s.counters.duplicates).toBe(1);
    expect(s.counters.lost).toBe(0);
    s.setReorderPolicy('sequence');
    expect(s.reorderPolicy).toBe('sequence');
    recv(s, data(14), 5);
    expect(s.buffered).toBe(1);
  });

  it('sends a lone ack ackDelayMs after a single unacknowledged packet (fake clock)', () => {
    const { s } = session({ ackDelayMs: 100 });
    const out = new Uint8Array(12);
    expect(s.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    recv(s, data(7), 1000);
    expect(s.nextDeadline()).toBe(1100);
    expect(s.timeout(1099, out)).toBe(0);
    expect(s.timeout(1100, out)).toBe(12);
    // RFC 2637 §4.1: S clear, A set, payload length 0, the ack where the sequence would be.
    expect(toHex(out)).toBe('2081880b0000222200000007');
    expect(decodeGre(out)).toEqual({ callId: PEER, ack: 7, payload: new Uint8Array(0) });
    expect(s.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    expect(s.timeout(5000, out)).toBe(0);
    expect(s.counters.loneAcksSent).toBe(1);
    expect(s.counters.acksSent).toBe(1);
  });

  it('makes the ack due at once when ackImmediatelyAfter packets are unacknowledged', () => {
    const { s } = session({ ackDelayMs: 100, ackImmediatelyAfter: 3 });
    recv(s, data(0), 10);
    recv(s, data(1), 20);
    expect(s.nextDeadline()).toBe(110);
    recv(s, data(2), 30);
    expect(s.nextDeadline()).toBe(10);
    const out = new Uint8Array(12);
    expect(s.timeout(30, out)).toBe(12);
    expect(decodeGre(out).ack).toBe(2);
  });

  it('sends no lone ack when data went out within the delay', () => {
    const { s } = session({ ackDelayMs: 100 });
    recv(s, data(3), 0);
    expect(decodeGre(send(s, Uint8Array.of(1), 50)!).ack).toBe(3);
    expect(s.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    expect(s.timeout(1000, new Uint8Array(12))).toBe(0);
  });

  it('takes acknowledgments from data and ack-only packets, ignoring stale and impossible ones', () => {
    const { s } = session();
    for (let i = 0; i < 5; i++) send(s, Uint8Array.of(i), i);
    expect(s.outstanding).toBe(5);
    expect(recv(s, ackOnly(2), 10)).toBe('ack');
    expect(s.ackedThrough).toBe(2);
    expect(s.outstanding).toBe(2);
    recv(s, ackOnly(1), 11); // stale: ignored
    expect(s.ackedThrough).toBe(2);
    recv(s, ackOnly(9), 12); // never sent
    expect(s.ackedThrough).toBe(2);
    expect(s.counters.badAcks).toBe(1);
    recv(s, data(100, Uint8Array.of(1), 4), 13);
    expect(s.ackedThrough).toBe(4);
    expect(s.outstanding).toBe(0);
    expect(s.counters.acksReceived).toBe(4);
  });

  it('compares acknowledgments across the 32-bit wrap', () => {
    const { s } = session({ initialSequence: 0xfffffffe });
    for (let i = 0; i < 4; i++) send(s, Uint8Array.of(i), i);
    recv(s, ackOnly(0xffffffff), 5);
    expect(s.ackedThrough).toBe(0xffffffff);
    expect(s.outstanding).toBe(2);
    recv(s, ackOnly(1), 6);
    expect(s.ackedThrough).toBe(1);
    expect(s.outstanding).toBe(0);
    recv(s, ackOnly(0xfffffffe), 7);
    expect(s.ackedThrough).toBe(1);
  });

  it('ignores acknowledgments before anything was sent', () => {
    const { s } = session();
    recv(s, ackOnly(0), 0);
    expect(s.counters.badAcks).toBe(1);
    expect(s.outstanding).toBe(0);
  });
});

describe("the peer's receive window (RFC 2637 §4.2)", () => {
  it('enforce: refuses data while the window is full and resumes after an ack', () => {
    const { s } = session({ peerReceiveWindow: 2, sendWindowPolicy: 'enforce' });
    expect(send(s, Uint8Array.of(0), 0)).toBeDefined();
    expect(send(s, Uint8Array.of(1), 0)).toBeDefined();
    expect(s.windowOpen).toBe(false);
    expect(send(s, Uint8Array.of(2), 0)).toBeUndefined();
    expect(s.counters.windowBlocked).toBe(1);
    expect(s.nextSequence).toBe(2);
    recv(s, ackOnly(0), 1);
    expect(s.windowOpen).toBe(true);
    expect(decodeGre(send(s, Uint8Array.of(2), 2)!).sequence).toBe(2);
  });

  it('ignore (default): sends anyway and counts the overrun', () => {
    const { s } = session({ peerReceiveWindow: 1 });
    send(s, Uint8Array.of(0), 0);
    send(s, Uint8Array.of(1), 0);
    expect(s.counters.sent).toBe(2);
    expect(s.counters.windowOverruns).toBe(1);
  });

  it('a peer window of 0 is one packet (§4.2.1 "minimum size of one packet"): data is sent', () => {
    // The window an Outgoing-Call-Reply with Packet Recv. Window Size 0 hands over (issue 12).
    const { s } = session({ peerReceiveWindow: 0 });
    const first = send(s, Uint8Array.of(0xc0, 0x21), 0);
    expect(first).toBeDefined();
    expect(decodeGre(first!)).toMatchObject({ callId: PEER, sequence: 0 });
    expect(send(s, Uint8Array.of(1), 0)).toBeDefined();
    expect(s.counters.sent).toBe(2);
    expect(s.counters.windowOverruns).toBe(1);
  });

  it('enforce with a peer window of 0: one packet at a time, the next after its ack', () => {
    const { s } = session({ peerReceiveWindow: 0, sendWindowPolicy: 'enforce' });
    expect(s.windowOpen).toBe(true);
    expect(send(s, Uint8Array.of(0), 0)).toBeDefined();
    expect(send(s, Uint8Array.of(1), 0)).toBeUndefined();
    expect(s.counters.windowBlocked).toBe(1);
    recv(s, ackOnly(0), 1);
    expect(decodeGre(send(s, Uint8Array.of(1), 2)!).sequence).toBe(1);
  });

  it('every window a peer can advertise (0..65535) is accepted and lets the first packet out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (w) => {
        const { s } = session({ peerReceiveWindow: w, sendWindowPolicy: 'enforce' });
        expect(send(s, Uint8Array.of(7), 0)).toBeDefined();
        expect(s.windowOpen).toBe(w > 1);
      }),
    );
  });

  it('rejects bad options (values no peer can send)', () => {
    for (const peerReceiveWindow of [-1, 65_536, 1.5, Number.NaN]) {
      expect(() => session({ peerReceiveWindow })).toThrow(RangeError);
    }
    expect(() => session({ localCallId: 70000 })).toThrow(RangeError);
    expect(() => session({ ackDelayMs: -1 })).toThrow(RangeError);
    expect(() => session({ sendWindowPolicy: 'maybe' as 'ignore' })).toThrow(RangeError);
  });
});

describe('receiving', () => {
  it('delivers the scapy LCP Configure-Request from the datagram range a raw socket gives', () => {
    const v = vectors.cases[0]!;
    const { s, delivered } = session({ localCallId: v.callId });
    const datagram = fromHex(v.ipv4);
    const { start, end } = greRange(datagram);
    expect(s.receive(datagram, start, end, 0)).toBe('delivered');
    expect(delivered).toEqual([{ seq: 0, payload: v.payload }]);
  });

  it('takes the scapy echo packet (seq 47, ack 42) for call 0', () => {
    const v = vectors.cases[1]!;
    const { s, delivered } = session({ localCallId: v.callId });
    for (let i = 0; i < 50; i++) send(s, Uint8Array.of(i), 0);
    const datagram = fromHex(v.ipv4);
    const { start, end } = greRange(datagram);
    expect(s.receive(datagram, start, end, 1)).toBe('delivered');
    expect(delivered).toEqual([{ seq: 47, payload: v.payload }]);
    expect(s.ackedThrough).toBe(42);
  });

  it('counts and drops malformed packets and packets for another call', () => {
    const { s, delivered } = session();
    const bad = data(1);
    bad[1] = 0x00; // version 0
    expect(recv(s, bad, 0)).toBe('malformed');
    expect(s.lastMalformed).toBe('GRE_BAD_VERSION');
    // scapy's GRE v0 capture, cut short: a 4-byte RFC 2784 header after its 20-byte IPv4 header.
    const datagram = fromHex(vectors.gre_v0.ipv4);
    expect(s.receive(datagram, 20, datagram.length, 0)).toBe('malformed');
    expect(s.lastMalformed).toBe('GRE_TRUNCATED');
    const other = encodeGre({ callId: LOCAL + 1, sequence: 1, payload: Uint8Array.of(1) });
    expect(recv(s, other, 0)).toBe('foreign-call');
    expect(s.counters.malformed).toBe(2);
    expect(s.counters.foreignCall).toBe(1);
    expect(s.counters.received).toBe(0);
    expect(delivered).toEqual([]);
  });

  it('never throws on arbitrary bytes and keeps its counters consistent', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 40 }),
            fc
              .record({ seq: fc.integer({ min: 0, max: 40 }), ack: fc.option(fc.nat(10)) })
              .map(({ seq, ack }) => data(seq, Uint8Array.of(seq), ack ?? undefined)),
          ),
          { maxLength: 60 },
        ),
        (packets) => {
          const { s, delivered } = session();
          const out = new Uint8Array(12);
          let now = 0;
          for (const p of packets) {
            now += 7;
            recv(s, p, now);
            // The same bytes as a range inside a larger buffer (what a receive slab gives).
            const slab = new Uint8Array(p.length + 6);
            slab.set(p, 3);
            s.receive(slab, 3, 3 + p.length, now);
            s.timeout(now, out);
          }
          const c = s.counters;
          expect(c.received).toBe(receiveIdentity(c, s.buffered));
          expect(c.delivered).toBe(delivered.length);
        },
      ),
    );
  });
});

describe('two sessions back to back', () => {
  it('carry a reordered, lossy exchange and acknowledge each other', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ drop: fc.boolean(), delay: fc.integer({ min: 0, max: 40 }) }), {
          minLength: 1,
          maxLength: 120,
        }),
        (fates) => {
          const got: number[] = [];
          const a = new GreSession({
            localCallId: 1,
            peerCallId: 2,
            deliver: () => {},
            initialSequence: 0xffffffc0,
          });
          const b = new GreSession({
            localCallId: 2,
            peerCallId: 1,
            deliver: (bytes, start) => got.push(bytes[start]!),
          });
          const wire: { at: number; bytes: Uint8Array }[] = [];
          fates.forEach((f, i) => {
            const p = send(a, Uint8Array.of(i & 0xff), i * 10)!;
            if (!f.drop) wire.push({ at: i * 10 + f.delay, bytes: p.slice() });
          });
          wire.sort((x, y) => x.at - y.at);
          const out = new Uint8Array(12);
          let now = 0;
          for (const w of wire) {
            now = w.at;
            if (b.nextDeadline() <= now) {
              const n = b.timeout(now, out);
              if (n > 0) recv(a, out.subarray(0, n), now);
            }
            b.receive(w.bytes, 0, w.bytes.length, now);
          }
          // Run b's timers until nothing is pending: gaps skipped, then the lone ack.
          for (
            let deadline = b.nextDeadline();
            deadline !== Infinity;
            deadline = b.nextDeadline()
          ) {
            now = Math.max(now, deadline);
            const n = b.timeout(now, out);
            if (n > 0) recv(a, out.subarray(0, n), now);
          }
          // In order, at most once.
          for (let i = 1; i < got.length; i++) expect(got[i]!).toBeGreaterThan(got[i - 1]!);
          const c = b.counters;
          expect(c.received).toBe(wire.length);
          expect(c.received).toBe(receiveIdentity(c, b.buffered));
          expect(b.buffered).toBe(0);
          if (got.length > 0) {
            // a's last packet seen by b in order is acknowledged back to a.
            expect(a.ackedThrough).toBe(seqAdd(0xffffffc0, got[got.length - 1]!));
            expect(b.ackPending).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('retransmit: resending the first unacknowledged packet when acknowledgments stall', () => {
  it('resends it after twice the measured round trip, backs off, and stops once acknowledged', () => {
    const { s } = session({ retransmit: true });
    const sent = [0, 1, 2, 3, 4].map((i) => send(s, Uint8Array.of(0x21, i), i)!.slice());
    // Nothing acknowledged yet: the first resend waits the initial timeout (2 × 50 ms).
    expect(s.nextDeadline()).toBe(100);
    // The peer acknowledges 0 and 1 after 10 ms each: the round trip estimate falls.
    recv(s, ackOnly(1), 11);
    const rto = s.nextDeadline() - 2;
    expect(rto).toBeGreaterThanOrEqual(10);
    expect(rto).toBeLessThan(100);
    const out = new Uint8Array(64);
    expect(s.timeout(s.nextDeadline() - 0.5, out)).toBe(0);
    const at = s.nextDeadline();
    const n = s.timeout(at, out);
    // Byte for byte the packet sent first: same sequence number, same payload.
    expect(out.subarray(0, n)).toEqual(sent[2]);
    expect(s.counters.retransmits).toBe(1);
    // Still stuck: the next resend waits twice as long.
    expect(s.nextDeadline()).toBeCloseTo(at + 2 * rto);
    recv(s, ackOnly(4), at + 1);
    expect(s.outstanding).toBe(0);
    expect(s.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('without the option nothing is kept or resent', () => {
    const { s } = session();
    send(s, Uint8Array.of(0x21, 0), 0);
    expect(s.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    expect(s.timeout(1000, new Uint8Array(64))).toBe(0);
    expect(s.counters.retransmits).toBe(0);
  });

  it('fills the gap of a receiver that holds everything behind a lost packet (as pptpd does)', () => {
    // A receiver delivering in order with a fixed 300 ms hold, acknowledging what it delivered.
    const got: number[] = [];
    const peer = new GreSession({
      localCallId: PEER,
      peerCallId: LOCAL,
      deliver: (_b, _s, _e, seq) => got.push(seq),
      reorder: { holdMs: 300 },
      ackImmediatelyAfter: 1,
      ackDelayMs: 0,
    });
    const { s } = session({ retransmit: true });
    const wire = (packet: Uint8Array, now: number) => peer.receive(packet, 0, packet.length, now);
    const ackBack = (now: number) => {
      const out = new Uint8Array(64);
      const n = peer.timeout(now, out);
      if (n > 0) s.receive(out, 0, n, now);
    };
    for (let i = 0; i < 20; i++) {
      const p = send(s, Uint8Array.of(0x21, i), i)!;
      if (i !== 5) wire(p, i + 1); // packet 5 is lost
      ackBack(i + 1);
    }
    expect(got).toEqual([0, 1, 2, 3, 4]);
    // Our resend fills the gap long before the peer's own 300 ms timeout would skip it.
    let now = 20;
    while (got.length < 20 && now < 300) {
      now = Math.max(now + 1, Math.min(s.nextDeadline(), 300));
      const out = new Uint8Array(64);
      const n = s.timeout(now, out);
      if (n > 0) wire(out.subarray(0, n), now);
      ackBack(now);
    }
    expect(got).toEqual([...Array(20).keys()]);
    expect(now).toBeLessThan(100);
    expect(peer.counters.lost).toBe(0);
    expect(s.counters.retransmits).toBe(1);
  });
});

describe('copy buffers: held for packets in flight, not for capacity', () => {
  it('retransmit: one packet in flight at a time holds one buffer, however many were sent', () => {
    const { s } = session({ retransmit: true });
    for (let i = 0; i < 200; i++) {
      send(s, Uint8Array.of(0x21, i), i);
      expect(s.heldBuffers.copies).toBe(1);
      recv(s, ackOnly(i), i + 0.5);
      expect(s.heldBuffers).toEqual({ copies: 0, spare: 1 });
    }
    s.trim();
    expect(s.heldBuffers).toEqual({ copies: 0, spare: 0 });
  });

  it('retransmit: a burst past the pool grows it and every copy stays intact; trim after', () => {
    const { s } = session({ retransmit: true });
    const sent: Uint8Array[] = [];
    // 40 distinct payloads in flight, more than any one buffer, none acknowledged.
    for (let i = 0; i < 40; i++) {
      const payload = Uint8Array.from({ length: 100 + i }, (_, k) => (i * 7 + k) & 0xff);
      sent.push(send(s, payload, 0)!.slice());
    }
    expect(s.heldBuffers).toEqual({ copies: 40, spare: 0 });
    // Each acknowledgment of one more packet makes the next one the resend: byte for byte.
    const out = new Uint8Array(2048);
    let now = 0;
    for (let i = 0; i < 40; i++) {
      now = s.nextDeadline();
      const n = s.timeout(now, out);
      expect(out.subarray(0, n)).toEqual(sent[i]);
      recv(s, ackOnly(i), now);
      expect(s.heldBuffers).toEqual({ copies: 39 - i, spare: i + 1 });
    }
    // After the burst, the pool is reused: sending again allocates nothing more.
    for (let i = 0; i < 40; i++) send(s, Uint8Array.of(0x21, i), now);
    expect(s.heldBuffers).toEqual({ copies: 40, spare: 0 });
    recv(s, ackOnly(79), now);
    s.trim();
    expect(s.heldBuffers).toEqual({ copies: 0, spare: 0 });
  });

  it('retransmit: more than 64 in flight wraps the ring onto the oldest copies (64 at most)', () => {
    const { s } = session({ retransmit: true });
    for (let i = 0; i < 100; i++) send(s, Uint8Array.of(0x21, i), 0);
    expect(s.heldBuffers.copies).toBe(64);
    // The first packet unacknowledged is no longer kept: nothing to resend for it.
    recv(s, ackOnly(20), 1);
    expect(s.timeout(1000, new Uint8Array(2048))).toBe(0);
    // Those from 36 on are kept and go back as acknowledged.
    recv(s, ackOnly(99), 1001);
    expect(s.heldBuffers).toEqual({ copies: 0, spare: 64 });
  });

  it('reorder: held packets take buffers from the pool and give them back in delivery', () => {
    // A fixed hold: only time or overflow gives a gap up, not the packets held behind it.
    const { s, delivered } = session({ reorder: { holdMs: 1000 } });
    recv(s, data(0), 0);
    // 30 packets held behind the late 1.
    for (let i = 2; i < 32; i++) recv(s, data(i, Uint8Array.of(i, i + 1, i + 2)), 1);
    expect(s.heldBuffers).toEqual({ copies: 30, spare: 0 });
    recv(s, data(1), 2);
    expect(delivered.map((d) => d.seq)).toEqual([...Array(32).keys()]);
    expect(delivered[20]!.payload).toBe(toHex(Uint8Array.of(20, 21, 22)));
    expect(s.heldBuffers).toEqual({ copies: 0, spare: 30 });
    // The next gap reuses them; trim lets the spare ones go, not those held.
    recv(s, data(33), 3);
    s.trim();
    expect(s.heldBuffers).toEqual({ copies: 1, spare: 0 });
    recv(s, data(32), 4);
    expect(delivered.map((d) => d.seq).slice(-2)).toEqual([32, 33]);
    expect(s.heldBuffers).toEqual({ copies: 0, spare: 1 });
  });
});
