/**
 * The per-call enhanced GRE session: sequence numbers, acknowledgments, the peer's receive
 * window and in-order delivery (RFC 2637 §4.1–§4.3). Sans-I/O: the caller passes time and
 * buffers and sends what it is given.
 *
 * @module
 */
import {
  GRE_BASE_HEADER_LENGTH,
  GRE_MAX_HEADER_LENGTH,
  GRE_MAX_PAYLOAD_LENGTH,
} from './constants.js';
import { createGreCounters, type GreCounters } from './counters.js';
import type { GreErrorCode } from './errors.js';
import { checkGre, createGreHeader, greHeaderLength, writeGreHeader } from './header.js';
import {
  type GreDeliver,
  ReorderBuffer,
  type ReorderOptions,
  type ReorderOutcome,
  type ReorderPolicy,
} from './reorder-buffer.js';
import { RetransmitRing } from './retransmit-ring.js';
import { SEND_QUEUE_LIMIT, SendQueue } from './send-queue.js';
import { seqAdd, seqDiff } from './serial.js';

/**
 * What the session does when the peer's receive window is full:
 * - `ignore` (default): send anyway and count `windowOverruns`. This is what pptp-linux and the
 *   Linux kernel's PPTP driver do; and the kernel PAC never sends acknowledgment-only packets,
 *   so a sender that waits for acknowledgments can stall on one-way traffic.
 * - `enforce`: refuse the packet (`writeData` returns -1) and count `windowBlocked`.
 * - `queue`: hold the packet (`writeData` returns {@link GRE_QUEUED}; up to
 *   {@link SEND_QUEUE_LIMIT}, beyond that it is refused) and send it, in order, as the peer's
 *   acknowledgments open the window ({@link GreSession.sendQueued}, and
 *   {@link GreSession.timeout}). A window of a few packets (pptpd and pptp-linux advertise 3)
 *   then paces a burst to what the peer takes in, where a burst sent at once overflows a peer
 *   that forwards each packet through a pty. When the window stays closed with packets waiting
 *   longer than the stall limit (four round trips, 20..250 ms), one goes anyway as a probe (`windowStalls`);
 *   after three stalls in a row without an acknowledgment moving, the peer is taken not to
 *   acknowledge promptly and its window is ignored from then on.
 */
export type SendWindowPolicy = 'ignore' | 'enforce' | 'queue';

/** What {@link GreSession.writeData} returns for a packet the `queue` policy holds. */
export const GRE_QUEUED = -2;

/** Stall limit bounds of the `queue` policy, ms, and the stalls in a row that end it. */
const MIN_STALL_MS = 20;
const MAX_STALL_MS = 250;
const STALLS_TO_IGNORE = 3;

/** Configuration of a {@link GreSession}. */
export interface GreSessionOptions {
  /** Our call ID: the key of every packet the peer sends us (OCRQ/ICRP "Call ID"). */
  readonly localCallId: number;
  /** The peer's call ID, put in every packet we send (OCRP/ICRQ "Call ID"). */
  readonly peerCallId: number;
  /** Receives payloads in order; see {@link GreDeliver} for the lifetime of the view. */
  readonly deliver: GreDeliver;
  /**
   * The peer's "Packet Recv. Window Size" from OCRP/ICRP, any value of the 16-bit field
   * (0..65535), or absent to not track a window. 0 is taken as a window of one packet, the
   * smallest window RFC 2637 §4.2.1/§4.2.2 lets a transmitter use. The full advertised window is
   * used; the slow start of RFC 2637 §4.2.1–§4.2.3 is not.
   */
  readonly peerReceiveWindow?: number;
  /** See {@link SendWindowPolicy}; default `ignore`. */
  readonly sendWindowPolicy?: SendWindowPolicy;
  /**
   * After data arrives, how long (ms) to wait for an outgoing data packet to piggy-back the
   * acknowledgment before sending an acknowledgment-only packet. Default 100.
   */
  readonly ackDelayMs?: number;
  /**
   * When this many received packets are unacknowledged, the acknowledgment is due at once
   * (pptp-linux acknowledges at once when more than one is pending). Default 2.
   */
  readonly ackImmediatelyAfter?: number;
  /** Our first sequence number; RFC 2637 §4.1 says zero. Default 0. */
  readonly initialSequence?: number;
  /** Reorder buffer tuning. */
  readonly reorder?: ReorderOptions;
  /**
   * Resend the first data packet the peer has not acknowledged when its acknowledgments stop
   * short of what was sent for longer than a retransmission timeout (twice the measured
   * acknowledgment round trip, 10..250 ms, doubling while they stay stuck). RFC 2637 has no
   * retransmission, and a receiver drops a copy it already has (§4.3), so this costs a peer
   * nothing; but peers that deliver in order hold everything behind a lost packet until a
   * timeout of their own (pptpd and pptp-linux "buffering packet … lost or reordered": 0.3 s or
   * more, dropping what runs 300 ahead meanwhile), which collapses TCP through the tunnel at a
   * few percent of loss toward them. The resent copy fills their gap at once. Keeps copies of
   * the data packets not yet acknowledged, the last 64 at most (2 KiB each, allocated as
   * needed; {@link GreSession.trim} lets spare ones go). Default `false`.
   */
  readonly retransmit?: boolean;
}

/**
 * What happened to a received packet: the status {@link GreSession.receive} returns. A drop is
 * a status and a counter, never an exception: `malformed` (the code is in
 * `GreSession.lastMalformed`), `foreign-call`, and the reorder buffer's `duplicate`, `late`,
 * `too-old`, `far-ahead` and `oversize`; `delivered` and `buffered` took the payload, `ack` was
 * an acknowledgment-only packet.
 */
export type ReceiveOutcome = ReorderOutcome | 'ack' | 'malformed' | 'foreign-call';

/** Length of an acknowledgment-only packet (header with A, without S). */
const LONE_ACK_LENGTH = GRE_BASE_HEADER_LENGTH + 4;

/** Retransmission timeout bounds and the round trip assumed before one is measured, ms. */
const MIN_RTO_MS = 10;
const MAX_RTO_MS = 250;
const INITIAL_RTT_MS = 50;
/** The most the retransmission timeout is doubled while the peer stays stuck. */
const MAX_BACKOFF = 8;

function checkInteger(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  return value;
}

/**
 * One call's enhanced GRE data channel.
 *
 * Outgoing: {@link GreSession.writeData} writes the header in front of a payload the caller has
 * placed in its own buffer, with the next sequence number (32-bit wrap) and, when an
 * acknowledgment is owed, the highest in-order sequence number received (piggy-backed).
 * Incoming: {@link GreSession.receive} checks the packet, takes its acknowledgment and hands
 * its payload to the reorder buffer, which calls `deliver` in order.
 * Time: after each call, arm one timer for {@link GreSession.nextDeadline} and call
 * {@link GreSession.timeout} then; it releases packets whose gap timed out and may produce an
 * acknowledgment-only packet.
 *
 * Nothing is allocated per packet. Malformed or foreign packets are counted and dropped, never
 * thrown; only programmer misuse (bad options, buffers too small) throws `RangeError`.
 */
export class GreSession {
  /** Live counters (updated in place; read them at any time). */
  readonly counters: Readonly<GreCounters>;
  readonly #c: GreCounters;
  readonly #localCallId: number;
  readonly #peerCallId: number;
  readonly #peerWindow: number | undefined;
  readonly #enforceWindow: boolean;
  /** Policy `queue` (with a window to follow): the packets waiting for room. */
  readonly #queue: SendQueue | undefined;
  /** Policy `queue`: the window is no longer followed (the peer does not acknowledge promptly). */
  #windowIgnored = false;
  /** Policy `queue`: when the last stall sent a packet past the closed window. */
  #lastStallAt = Number.NEGATIVE_INFINITY;
  #stallsInRow = 0;
  readonly #ackDelayMs: number;
  readonly #ackImmediatelyAfter: number;
  readonly #reorder: ReorderBuffer;
  readonly #header = createGreHeader();
  #nextSequence: number;
  #ackedThrough: number;
  #hasSent = false;
  #ackPending = false;
  #unacked = 0;
  #pendingSince = 0;
  #now = 0;
  #lastMalformed: GreErrorCode | undefined;
  readonly #ring: RetransmitRing | undefined;
  /** Smoothed acknowledgment round trip, ms (RFC 6298 §2 style, no variance term). */
  #srtt = INITIAL_RTT_MS;
  #backoff = 1;
  #lastResendAt = Number.NEGATIVE_INFINITY;

  /**
   * @throws RangeError on an option out of range — never for a value a peer can advertise: the
   *   call IDs and window are checked against their 16-bit fields only.
   */
  constructor(options: GreSessionOptions) {
    this.#localCallId = checkInteger(options.localCallId, 0, 0xffff, 'localCallId');
    this.#peerCallId = checkInteger(options.peerCallId, 0, 0xffff, 'peerCallId');
    // RFC 2637 §4.2.1: the transmit window has "a minimum size of one packet", so an advertised
    // 0 (which would forbid sending at all) is a window of 1.
    this.#peerWindow =
      options.peerReceiveWindow === undefined
        ? undefined
        : Math.max(1, checkInteger(options.peerReceiveWindow, 0, 0xffff, 'peerReceiveWindow'));
    const policy = options.sendWindowPolicy ?? 'ignore';
    if (policy !== 'ignore' && policy !== 'enforce' && policy !== 'queue')
      throw new RangeError(
        `sendWindowPolicy must be 'ignore', 'enforce' or 'queue', got ${String(policy)}`,
      );
    this.#enforceWindow = policy === 'enforce';
    this.#queue =
      policy === 'queue' && this.#peerWindow !== undefined ? new SendQueue() : undefined;
    const delay = options.ackDelayMs ?? 100;
    if (!(delay >= 0) || !Number.isFinite(delay))
      throw new RangeError(`ackDelayMs must be a finite number >= 0, got ${delay}`);
    this.#ackDelayMs = delay;
    this.#ackImmediatelyAfter = checkInteger(
      options.ackImmediatelyAfter ?? 2,
      1,
      0xffffffff,
      'ackImmediatelyAfter',
    );
    this.#nextSequence = checkInteger(
      options.initialSequence ?? 0,
      0,
      0xffffffff,
      'initialSequence',
    );
    this.#ackedThrough = seqAdd(this.#nextSequence, -1);
    this.#c = createGreCounters();
    this.counters = this.#c;
    this.#ring = options.retransmit === true ? new RetransmitRing() : undefined;
    const deliver = options.deliver;
    this.#reorder = new ReorderBuffer(
      (bytes, start, end, sequence) => {
        if (!this.#ackPending) {
          this.#ackPending = true;
          this.#pendingSince = this.#now;
        }
        this.#unacked++;
        deliver(bytes, start, end, sequence);
      },
      options.reorder,
      this.#c,
    );
  }

  /** The sequence number the next data packet will carry. */
  get nextSequence(): number {
    return this.#nextSequence;
  }

  /** Highest sequence number of ours the peer has acknowledged (initially `initialSequence − 1`). */
  get ackedThrough(): number {
    return this.#ackedThrough;
  }

  /** Data packets sent and not yet acknowledged. */
  get outstanding(): number {
    return this.#hasSent ? seqDiff(seqAdd(this.#nextSequence, -1), this.#ackedThrough) : 0;
  }

  /** Whether the peer's receive window has room (always true without a window). */
  get windowOpen(): boolean {
    return this.#peerWindow === undefined || this.outstanding < this.#peerWindow;
  }

  /** Highest sequence number received in order (what we acknowledge), or -1 before any data. */
  get receivedThrough(): number {
    return this.#reorder.started ? this.#reorder.lastDelivered : -1;
  }

  /** Packets held in the reorder buffer now. */
  get buffered(): number {
    return this.#reorder.buffered;
  }

  /** How received packets are handed on (see {@link ReorderPolicy}). */
  get reorderPolicy(): ReorderPolicy {
    return this.#reorder.policy;
  }

  /** The reorder buffer's hold now, ms, and how many packets behind a gap make it a loss. */
  get reorderHold(): { readonly ms: number; readonly depth: number } {
    return { ms: this.#reorder.holdMs, depth: this.#reorder.holdDepth };
  }

  /**
   * Changes how received packets are handed on, e.g. to `arrival` once the payloads are known to
   * stand alone (stateless MPPE), or back to `sequence` (stateful MPPE, MPPC). See
   * {@link ReorderBuffer.setPolicy}.
   */
  setReorderPolicy(policy: ReorderPolicy): void {
    this.#reorder.setPolicy(policy);
  }

  /**
   * Lets go the copy buffers the retransmit ring and the reorder buffer keep spare for the next
   * packets (call it when the session has been idle a while): afterwards they hold only the
   * copies of packets in flight or held behind a gap, and allocate again on the next burst.
   */
  trim(): void {
    this.#ring?.trim();
    this.#reorder.trim();
    this.#queue?.trim();
  }

  /**
   * Copy buffers of 2 KiB (by default) held now: `copies` of packets sent and not yet
   * acknowledged (`retransmit`) or held behind a gap, and `spare` ones kept for the next.
   */
  get heldBuffers(): { readonly copies: number; readonly spare: number } {
    const ring = this.#ring?.held ?? { copies: 0, spare: 0 };
    const reorder = this.#reorder.heldBuffers;
    return { copies: ring.copies + reorder.copies, spare: ring.spare + reorder.spare };
  }

  /** Whether an acknowledgment is owed to the peer. */
  get ackPending(): boolean {
    return this.#ackPending;
  }

  /** The code of the most recent malformed packet, for diagnostics. */
  get lastMalformed(): GreErrorCode | undefined {
    return this.#lastMalformed;
  }

  /**
   * Handles one received enhanced GRE packet `bytes[start, end)`, IPv4 header removed (the raw
   * socket of `@pptpkit/linux-net` hands over the GRE packet alone). Never throws on the
   * packet's content: the outcome says what happened, and a drop is counted.
   *
   * @param now - monotonic time in ms.
   */
  receive(bytes: Uint8Array, start: number, end: number, now: number): ReceiveOutcome {
    this.#now = now;
    const h = this.#header;
    const code = checkGre(bytes, start, end, h);
    if (code !== undefined) {
      this.#c.malformed++;
      this.#lastMalformed = code;
      return 'malformed';
    }
    // RFC 2637 §4.1: the key's low half is the receiver's call ID.
    if (h.callId !== this.#localCallId) {
      this.#c.foreignCall++;
      return 'foreign-call';
    }
    if (h.hasAck) this.#takeAck(h.ack);
    if (!h.hasSequence) return 'ack';
    return this.#reorder.push(h.sequence, bytes, start + h.headerLength, end, now);
  }

  /**
   * Encapsulates a payload the caller has already placed at `buf[payloadStart, payloadStart +
   * payloadLength)`: writes the GRE header immediately in front of it and returns the offset
   * where the packet starts (it ends at `payloadStart + payloadLength`). Reserve
   * {@link GRE_MAX_HEADER_LENGTH} bytes in front of the payload. Returns -1, sending nothing,
   * when the policy is `enforce` and the peer's window is full.
   *
   * @param now - monotonic time in ms.
   * @throws RangeError when fewer than 16 bytes precede the payload, when the payload does not
   *   fit in `buf`, or when it is longer than 65535 bytes.
   */
  writeData(buf: Uint8Array, payloadStart: number, payloadLength: number, now: number): number {
    if (
      !Number.isInteger(payloadStart) ||
      !Number.isInteger(payloadLength) ||
      payloadStart < GRE_MAX_HEADER_LENGTH ||
      payloadLength < 0 ||
      payloadLength > GRE_MAX_PAYLOAD_LENGTH ||
      payloadStart + payloadLength > buf.length
    )
      throw new RangeError('payload must fit in the buffer after 16 bytes of header room');
    this.#now = now;
    const c = this.#c;
    const queue = this.#queue;
    if (queue !== undefined && !this.#windowIgnored && (queue.size > 0 || !this.#queueRoom())) {
      // RFC 2637 §4.2.1: the transmitter waits while the window is full (policy `queue`).
      if (!queue.push(buf, payloadStart, payloadLength, now)) {
        c.windowBlocked++;
        return -1;
      }
      c.windowQueued++;
      return GRE_QUEUED;
    }
    if (!this.windowOpen) {
      // RFC 2637 §4.2.1: the transmitter stops when the window is full (policy `enforce`).
      if (this.#enforceWindow) {
        c.windowBlocked++;
        return -1;
      }
      c.windowOverruns++;
    }
    const hasAck = this.#ackPending;
    const at = payloadStart - greHeaderLength(true, hasAck);
    this.#stamp(buf, at, payloadLength, hasAck, now);
    return at;
  }

  /**
   * Writes the header of the next data packet at `buf[at]` (its payload follows, `payloadLength`
   * bytes), piggy-backing the owed acknowledgment when `hasAck`, keeps a copy for `retransmit`
   * and moves the sequence on.
   */
  #stamp(buf: Uint8Array, at: number, payloadLength: number, hasAck: boolean, now: number): void {
    writeGreHeader(
      buf,
      at,
      this.#peerCallId,
      payloadLength,
      true,
      this.#nextSequence,
      hasAck,
      hasAck ? this.#reorder.lastDelivered : 0,
    );
    if (hasAck) this.#ackSent();
    const end = at + greHeaderLength(true, hasAck) + payloadLength;
    this.#ring?.keep(this.#nextSequence, buf, at, end, now);
    this.#nextSequence = seqAdd(this.#nextSequence, 1);
    this.#hasSent = true;
    this.#c.sent++;
  }

  /**
   * Whether {@link GreSession.writeData} would take a data packet now (send or hold it): false
   * only when policy `enforce` finds the window full or policy `queue` its queue full. Ask
   * before encrypting, so that a refused packet leaves no gap in a stateful cipher.
   */
  get acceptsData(): boolean {
    const queue = this.#queue;
    if (queue !== undefined && !this.#windowIgnored) return queue.size < SEND_QUEUE_LIMIT;
    return !this.#enforceWindow || this.windowOpen;
  }

  /** Packets the `queue` policy holds now. */
  get queued(): number {
    return this.#queue?.size ?? 0;
  }

  /**
   * Policy `queue`: writes to `out` (from offset 0) the oldest held packet when the peer's
   * window has room (or the wait stalled) and returns its length; 0 when nothing can go now.
   * Call it after {@link GreSession.receive} took an acknowledgment, until it returns 0.
   *
   * @param out - room for the largest payload written plus 16 bytes of header (2 KiB + 16).
   * @throws RangeError when `out` is too short for the packet.
   */
  sendQueued(out: Uint8Array, now: number): number {
    const queue = this.#queue;
    if (queue === undefined || queue.size === 0) return 0;
    this.#now = now;
    const c = this.#c;
    if (!this.#windowIgnored && !this.#queueRoom()) {
      if (now < this.#stallDeadline(queue)) return 0;
      // Like a retransmission timeout: one packet goes past the closed window, as a probe.
      c.windowStalls++;
      this.#lastStallAt = now;
      if (++this.#stallsInRow >= STALLS_TO_IGNORE) this.#windowIgnored = true;
    }
    if (!this.windowOpen) c.windowOverruns++;
    const hasAck = this.#ackPending;
    const header = greHeaderLength(true, hasAck);
    if (out.length < header + queue.headLength)
      throw new RangeError('out must hold the queued packet and its header');
    const length = queue.shift(out, header);
    this.#stamp(out, 0, length, hasAck, now);
    return header + length;
  }

  /**
   * Whether policy `queue` may send now: the window has room, or the packet the peer's
   * acknowledgments stop at was lost and resent (loss recovery, as TCP's window inflation in
   * fast recovery): an in-order peer holds what follows the hole anyway, and keeping the pipe
   * full meanwhile is what `ignore` did. The extra in flight is bounded by the queue's size.
   */
  #queueRoom(): boolean {
    if (this.windowOpen) return true;
    const ring = this.#ring;
    if (ring === undefined || this.#peerWindow === undefined) return false;
    const sentAt = ring.sentAt(seqAdd(this.#ackedThrough, 1));
    return (
      sentAt !== undefined &&
      this.#lastResendAt >= sentAt &&
      this.outstanding < this.#peerWindow + SEND_QUEUE_LIMIT
    );
  }

  /** How long the `queue` policy waits for the window to open before sending anyway, ms. */
  #stallMs(): number {
    return Math.min(MAX_STALL_MS, Math.max(MIN_STALL_MS, 4 * this.#srtt));
  }

  /** When the window, closed with `queue` holding packets, counts as stalled. */
  #stallDeadline(queue: SendQueue): number {
    return Math.max(queue.headQueuedAt, this.#lastStallAt) + this.#stallMs();
  }

  /** When a held packet can go (now, when the window has room) or the wait stalls. */
  #queueDeadline(): number {
    const queue = this.#queue;
    if (queue === undefined || queue.size === 0) return Number.POSITIVE_INFINITY;
    if (this.#windowIgnored || this.#queueRoom()) return this.#now;
    return this.#stallDeadline(queue);
  }

  /**
   * Call at (or after) {@link GreSession.nextDeadline}: skips reorder gaps that timed out
   * (delivering what follows) and writes to `out` at most one packet to send, returning its
   * length (0: nothing to send): with `retransmit`, the copy of the first unacknowledged data
   * packet when the peer's acknowledgments are stuck; else, when an acknowledgment is due, an
   * acknowledgment-only packet (12 bytes). Call again while `nextDeadline()` is not in the
   * future: each call moves the deadline on.
   *
   * @param now - monotonic time in ms.
   * @param out - room for the packet: 12 bytes for an acknowledgment, the largest data packet
   *   sent (GRE header included) with `retransmit`.
   * @throws RangeError when `out` is shorter than 12 bytes, or than a packet to resend.
   */
  timeout(now: number, out: Uint8Array): number {
    if (out.length < LONE_ACK_LENGTH) throw new RangeError('out must hold 12 bytes');
    this.#now = now;
    this.#reorder.timeout(now);
    if (now >= this.#queueDeadline()) {
      const n = this.sendQueued(out, now);
      if (n > 0) return n;
    }
    if (now >= this.#resendDeadline()) {
      const n = this.#ring!.copy(seqAdd(this.#ackedThrough, 1), out);
      this.#lastResendAt = now;
      this.#backoff = Math.min(MAX_BACKOFF, this.#backoff * 2);
      if (n > 0) {
        this.#c.retransmits++;
        return n;
      }
    }
    if (!this.#ackPending || now < this.#ackDeadline()) return 0;
    // RFC 2637 §4.1: S clear, A set, no payload; the acknowledgment takes the sequence's place.
    writeGreHeader(out, 0, this.#peerCallId, 0, false, 0, true, this.#reorder.lastDelivered);
    this.#ackSent();
    this.#c.loneAcksSent++;
    return LONE_ACK_LENGTH;
  }

  /**
   * `retransmit`: when the first unacknowledged data packet is due to be resent (its send, or
   * the last resend, plus the timeout), or `Infinity`.
   */
  #resendDeadline(): number {
    const ring = this.#ring;
    if (ring === undefined || this.outstanding === 0) return Number.POSITIVE_INFINITY;
    const sentAt = ring.sentAt(seqAdd(this.#ackedThrough, 1));
    if (sentAt === undefined) return Number.POSITIVE_INFINITY;
    const rto = Math.min(MAX_RTO_MS, Math.max(MIN_RTO_MS, 2 * this.#srtt));
    return Math.max(sentAt, this.#lastResendAt) + rto * this.#backoff;
  }

  /**
   * When {@link GreSession.timeout} must next be called, in the caller's monotonic ms, or
   * `Number.POSITIVE_INFINITY` when nothing is waiting (the reorder buffer holds nothing and no
   * acknowledgment is owed). Read it again after every other call.
   */
  nextDeadline(): number {
    const due = Math.min(
      this.#reorder.nextDeadline(),
      this.#resendDeadline(),
      this.#queueDeadline(),
    );
    return this.#ackPending ? Math.min(this.#ackDeadline(), due) : due;
  }

  #ackDeadline(): number {
    return this.#unacked >= this.#ackImmediatelyAfter
      ? this.#pendingSince
      : this.#pendingSince + this.#ackDelayMs;
  }

  #ackSent(): void {
    this.#ackPending = false;
    this.#unacked = 0;
    this.#c.acksSent++;
  }

  #takeAck(ack: number): void {
    const c = this.#c;
    c.acksReceived++;
    // RFC 2637 §4.2.5: everything up to and including the acknowledged number is acknowledged.
    // An acknowledgment of a number we have not sent yet is ignored.
    if (!this.#hasSent || seqDiff(ack, seqAdd(this.#nextSequence, -1)) > 0) {
      c.badAcks++;
      return;
    }
    const before = this.#ackedThrough;
    if (seqDiff(ack, before) <= 0) return;
    this.#ackedThrough = ack;
    this.#stallsInRow = 0;
    // A round-trip sample from the acknowledged packet's send time, unless a resend makes it
    // ambiguous (Karn's algorithm, RFC 6298 §3).
    const sentAt = this.#ring?.sentAt(ack);
    if (sentAt !== undefined && this.#backoff === 1)
      this.#srtt += (Math.max(0, this.#now - sentAt) - this.#srtt) / 8;
    this.#backoff = 1;
    // Acknowledged: never resent, their copies go back to the ring's pool.
    this.#ring?.release(before, ack);
  }
}
