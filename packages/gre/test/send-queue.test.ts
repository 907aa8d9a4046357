/**
 * The `queue` send-window policy: RFC 2637 §4.2.1's sliding window with the packets that do
 * not fit held in order and sent as the peer's acknowledgments (§4.2.5) make room, and the
 * fall-back for a peer that leaves its window closed.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeGre,
  encodeGre,
  GRE_MAX_HEADER_LENGTH,
  GRE_QUEUED,
  GreSession,
  SEND_QUEUE_LIMIT,
} from '../src/index.js';

const LOCAL = 0x1111;
const PEER = 0x2222;

const session = (window: number) =>
  new GreSession({
    localCallId: LOCAL,
    peerCallId: PEER,
    deliver: () => {},
    peerReceiveWindow: window,
    sendWindowPolicy: 'queue',
  });

/** writeData's result for a one-byte payload `n`: the packet, or GRE_QUEUED / -1. */
function send(s: GreSession, n: number, now: number): Uint8Array | number {
  const buf = new Uint8Array(GRE_MAX_HEADER_LENGTH + 1);
  buf[GRE_MAX_HEADER_LENGTH] = n;
  const at = s.writeData(buf, GRE_MAX_HEADER_LENGTH, 1, now);
  return at < 0 ? at : buf.subarray(at);
}

const ack = (s: GreSession, through: number, now: number): void => {
  const p = encodeGre({ callId: LOCAL, ack: through, payload: new Uint8Array(0) });
  s.receive(p, 0, p.length, now);
};

/** Every packet sendQueued releases now: [sequence, payload byte]. */
function drain(s: GreSession, now: number): [number, number][] {
  const out = new Uint8Array(GRE_MAX_HEADER_LENGTH + 2048);
  const sent: [number, number][] = [];
  for (let n = s.sendQueued(out, now); n > 0; n = s.sendQueued(out, now)) {
    const p = decodeGre(out.subarray(0, n));
    sent.push([p.sequence!, p.payload[0]!]);
  }
  return sent;
}

describe('sendWindowPolicy queue', () => {
  it('holds what the window has no room for and sends it in order as acks make room', () => {
    const s = session(3);
    for (let i = 0; i < 3; i++) expect(send(s, i, 0)).toBeInstanceOf(Uint8Array);
    for (let i = 3; i < 10; i++) expect(send(s, i, 0)).toBe(GRE_QUEUED);
    expect(s.queued).toBe(7);
    expect(s.counters.windowQueued).toBe(7);
    expect(s.counters.windowOverruns).toBe(0);
    expect(drain(s, 1)).toEqual([]);
    ack(s, 1, 2);
    expect(drain(s, 2)).toEqual([
      [3, 3],
      [4, 4],
    ]);
    ack(s, 4, 3);
    expect(drain(s, 3)).toEqual([
      [5, 5],
      [6, 6],
      [7, 7],
    ]);
    // A packet written while others wait joins the back of the queue, even with room.
    ack(s, 5, 4);
    expect(send(s, 10, 4)).toBe(GRE_QUEUED);
    expect(drain(s, 4)).toEqual([[8, 8]]);
    expect(s.outstanding).toBe(3);
    expect(s.queued).toBe(2);
  });

  it('sends directly while the window has room and nothing waits', () => {
    const s = session(3);
    const p = send(s, 7, 0) as Uint8Array;
    expect(decodeGre(p)).toMatchObject({ sequence: 0 });
    expect(s.counters.windowQueued).toBe(0);
  });

  it('refuses a packet beyond the queue limit', () => {
    const s = session(1);
    send(s, 0, 0);
    for (let i = 0; i < SEND_QUEUE_LIMIT; i++) expect(send(s, i, 0)).toBe(GRE_QUEUED);
    expect(s.acceptsData).toBe(false);
    expect(send(s, 99, 0)).toBe(-1);
    expect(s.counters.windowBlocked).toBe(1);
    ack(s, 0, 1);
    drain(s, 1);
    expect(s.acceptsData).toBe(true);
  });

  it('when the window stays closed past the stall limit, sends one packet as a probe', () => {
    const s = session(2);
    send(s, 0, 0);
    send(s, 1, 0);
    send(s, 2, 0);
    send(s, 3, 0);
    const deadline = s.nextDeadline();
    // Four assumed round trips of 50 ms before one is measured.
    expect(deadline).toBe(200);
    expect(drain(s, 199)).toEqual([]);
    expect(drain(s, 200)).toEqual([[2, 2]]);
    expect(s.counters.windowStalls).toBe(1);
    expect(s.counters.windowOverruns).toBe(1);
    // The next probe waits a stall limit from this one.
    expect(s.nextDeadline()).toBe(400);
    ack(s, 2, 250);
    expect(drain(s, 250)).toEqual([[3, 3]]);
    expect(s.counters.windowStalls).toBe(1);
  });

  it('stops following a window the peer never acknowledges into after three stalls in a row', () => {
    const s = session(1);
    let now = 0;
    send(s, 0, now);
    for (let round = 0; round < 3; round++) {
      expect(send(s, round + 1, now)).toBe(GRE_QUEUED);
      now = s.nextDeadline();
      expect(drain(s, now)).toHaveLength(1);
    }
    expect(s.counters.windowStalls).toBe(3);
    expect(send(s, 9, now)).toBeInstanceOf(Uint8Array);
    expect(s.queued).toBe(0);
  });

  it('an acknowledgment that moves ends a run of stalls', () => {
    const s = session(1);
    let now = 0;
    send(s, 0, now);
    for (let round = 0; round < 2; round++) {
      send(s, round + 1, now);
      now = s.nextDeadline();
      drain(s, now);
    }
    ack(s, 2, now);
    send(s, 3, now);
    send(s, 4, now);
    now = s.nextDeadline();
    drain(s, now);
    // The third stall is the first of a new run: the window is still followed.
    expect(send(s, 5, now)).toBe(GRE_QUEUED);
  });

  it('after the packet the acks stop at is resent, held packets go past the window', () => {
    const s = new GreSession({
      localCallId: LOCAL,
      peerCallId: PEER,
      deliver: () => {},
      peerReceiveWindow: 3,
      sendWindowPolicy: 'queue',
      retransmit: true,
    });
    for (let i = 0; i < 3; i++) send(s, i, 0);
    for (let i = 3; i < 8; i++) expect(send(s, i, 0)).toBe(GRE_QUEUED);
    // The first packet was lost: the peer (in order) acknowledges nothing. Its resend is due
    // one retransmission timeout (2 × the assumed 50 ms round trip) later.
    const out = new Uint8Array(GRE_MAX_HEADER_LENGTH + 2048);
    expect(drain(s, 99)).toEqual([]);
    const n = s.timeout(100, out);
    expect(decodeGre(out.subarray(0, n))).toMatchObject({ sequence: 0 });
    expect(s.counters.retransmits).toBe(1);
    // Loss recovery: the held packets go now, without waiting for the window or a stall.
    expect(drain(s, 100).map(([seq]) => seq)).toEqual([3, 4, 5, 6, 7]);
    expect(s.counters.windowStalls).toBe(0);
  });

  it('timeout() sends a held packet once the window has room', () => {
    const s = session(1);
    send(s, 0, 0);
    send(s, 1, 0);
    ack(s, 0, 5);
    expect(s.nextDeadline()).toBeLessThanOrEqual(5);
    const out = new Uint8Array(GRE_MAX_HEADER_LENGTH + 2048);
    const n = s.timeout(5, out);
    expect(decodeGre(out.subarray(0, n))).toMatchObject({ sequence: 1 });
  });
});
