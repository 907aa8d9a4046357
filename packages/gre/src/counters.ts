/**
 * Counters of a GRE session.
 *
 * @module
 */
import { createReorderCounters, type ReorderCounters } from './reorder-buffer.js';

/**
 * Every counter of a {@link GreSession}, updated in place. The receive side satisfies, at any
 * moment, `received = delivered + buffered + duplicates + late + tooOld + farAhead + oversize +
 * flushed` (`buffered` is the session's count of held packets); malformed packets, packets for
 * another call and acknowledgment-only packets are not counted in `received`.
 */
export interface GreCounters extends ReorderCounters {
  /** Data packets sent (each took a sequence number). */
  sent: number;
  /** Packets sent carrying an acknowledgment, piggy-backed or alone. */
  acksSent: number;
  /** Acknowledgment-only packets sent (no payload, S clear). */
  loneAcksSent: number;
  /** Packets received carrying an acknowledgment (A set). */
  acksReceived: number;
  /** Acknowledgments for a sequence number not sent yet; ignored. */
  badAcks: number;
  /** Packets dropped because they failed the RFC 2637 §4.1 checks. */
  malformed: number;
  /** Well-formed packets carrying another call ID; dropped. */
  foreignCall: number;
  /**
   * Data packets refused because the peer's receive window was full (policy `enforce`), or the
   * queue of policy `queue` was.
   */
  windowBlocked: number;
  /** Data packets held until the peer's receive window had room (policy `queue`). */
  windowQueued: number;
  /**
   * Times the peer left its window closed with packets waiting for longer than the stall
   * limit, so they went anyway (policy `queue`).
   */
  windowStalls: number;
  /**
   * Data packets sent while the peer's receive window was full (policy `ignore`, or `queue` after
   * a stall).
   */
  windowOverruns: number;
  /** Data packets resent because the peer's acknowledgments were stuck (`retransmit`). */
  retransmits: number;
}

/** Returns zeroed session counters. */
export function createGreCounters(): GreCounters {
  return {
    ...createReorderCounters(),
    sent: 0,
    acksSent: 0,
    loneAcksSent: 0,
    acksReceived: 0,
    badAcks: 0,
    malformed: 0,
    foreignCall: 0,
    windowBlocked: 0,
    windowQueued: 0,
    windowStalls: 0,
    windowOverruns: 0,
    retransmits: 0,
  };
}
