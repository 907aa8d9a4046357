/**
 * `@pptpkit/gre`: enhanced GRE (RFC 2637 §4.1) for PPTP — a strict codec that decodes into a
 * reusable header and encodes into caller buffers, a bounded reorder buffer, and a per-call
 * session with sequence numbers, piggy-backed and lone acknowledgments, the peer's receive
 * window and counters. No I/O, no timers.
 *
 * @packageDocumentation
 */
export {
  GRE_BASE_HEADER_LENGTH,
  GRE_MAX_HEADER_LENGTH,
  GRE_MAX_PAYLOAD_LENGTH,
  GRE_PROTOCOL_PPTP,
  GRE_VERSION_ENHANCED,
  GreFlag,
} from './constants.js';
export { createGreCounters, type GreCounters } from './counters.js';
export { GRE_ERROR_CODES, type GreErrorCode } from './errors.js';
export {
  createGreHeader,
  decodeGreHeader,
  encodeGreHeader,
  type GreHeader,
  greHeaderLength,
} from './header.js';
export { decodeGre, encodeGre, type GrePacket } from './packet.js';
export {
  createReorderCounters,
  type GreDeliver,
  ReorderBuffer,
  type ReorderCounters,
  type ReorderOptions,
  type ReorderOutcome,
  type ReorderPolicy,
} from './reorder-buffer.js';
export { ReorderEstimate, type ReorderEstimateOptions } from './reorder-estimate.js';
export { SEND_QUEUE_LIMIT } from './send-queue.js';
export { seqAdd, seqDiff } from './serial.js';
export {
  GRE_QUEUED,
  GreSession,
  type GreSessionOptions,
  type ReceiveOutcome,
  type SendWindowPolicy,
} from './session.js';
