/**
 * Value-level enhanced GRE packets: convenient for tests, tools and the control plane. The
 * per-packet path uses `decodeGreHeader`/`encodeGreHeader` or `GreSession` instead.
 *
 * @module
 */
import { GRE_MAX_PAYLOAD_LENGTH } from './constants.js';
import { failureError } from './failure.js';
import { checkGre, createGreHeader, encodeGreHeader, greHeaderLength } from './header.js';

/** One enhanced GRE packet as a value. */
export interface GrePacket {
  /** The receiver's call ID (low half of the key). */
  readonly callId: number;
  /** Sequence number; present exactly when the packet carries a payload (S bit). */
  readonly sequence?: number;
  /** Acknowledgment number, when the A bit is set. */
  readonly ack?: number;
  /** The PPP payload; empty on an acknowledgment-only packet. */
  readonly payload: Uint8Array;
}

/**
 * Decodes a whole enhanced GRE packet (the IP header already removed). The payload is a view
 * into `bytes`, not a copy.
 *
 * @throws DecodeError with a {@link GreErrorCode}.
 */
export function decodeGre(bytes: Uint8Array): GrePacket {
  const h = createGreHeader();
  const code = checkGre(bytes, 0, bytes.length, h);
  if (code !== undefined) throw failureError(code, 0);
  const payload = bytes.subarray(h.headerLength);
  if (h.hasSequence && h.hasAck)
    return { callId: h.callId, sequence: h.sequence, ack: h.ack, payload };
  if (h.hasSequence) return { callId: h.callId, sequence: h.sequence, payload };
  return { callId: h.callId, ack: h.ack, payload };
}

/**
 * Encodes a packet into a new buffer.
 *
 * @throws RangeError when a field is out of range, when a payload comes without a sequence
 *   number, or when the packet has neither a sequence nor an acknowledgment number.
 */
export function encodeGre(packet: GrePacket): Uint8Array {
  const hasSequence = packet.sequence !== undefined;
  const hasAck = packet.ack !== undefined;
  if (packet.payload.length > GRE_MAX_PAYLOAD_LENGTH)
    throw new RangeError('payload longer than 65535 bytes');
  const length = greHeaderLength(hasSequence, hasAck);
  const out = new Uint8Array(length + packet.payload.length);
  encodeGreHeader(
    {
      callId: packet.callId,
      payloadLength: packet.payload.length,
      hasSequence,
      sequence: packet.sequence ?? 0,
      hasAck,
      ack: packet.ack ?? 0,
      headerLength: length,
    },
    out,
  );
  out.set(packet.payload, length);
  return out;
}
