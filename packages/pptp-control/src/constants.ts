/**
 * Numbers fixed by RFC 2637: the header constants, the control message types and their exact
 * lengths, and the capability, bearer and framing bits.
 *
 * @module
 */

/** The Magic Cookie every control message carries (RFC 2637 §1.4). */
export const MAGIC_COOKIE = 0x1a2b3c4d;

/** PPTP Message Type of a control message (RFC 2637 §1.4); 2 (management) is undefined. */
export const PPTP_MESSAGE_TYPE_CONTROL = 1;

/** The protocol version this package speaks: version 1, revision 0 (RFC 2637 §1.4). */
export const PPTP_PROTOCOL_VERSION = 0x0100;

/** The well-known TCP port of the control connection (RFC 2637 §1.4). */
export const PPTP_TCP_PORT = 1723;

/** Control Message Type codes (RFC 2637 §1.4). */
export const ControlMessageType = {
  StartControlConnectionRequest: 1,
  StartControlConnectionReply: 2,
  StopControlConnectionRequest: 3,
  StopControlConnectionReply: 4,
  EchoRequest: 5,
  EchoReply: 6,
  OutgoingCallRequest: 7,
  OutgoingCallReply: 8,
  IncomingCallRequest: 9,
  IncomingCallReply: 10,
  IncomingCallConnected: 11,
  CallClearRequest: 12,
  CallDisconnectNotify: 13,
  WanErrorNotify: 14,
  SetLinkInfo: 15,
} as const;

/** A Control Message Type code. */
export type ControlMessageTypeCode = (typeof ControlMessageType)[keyof typeof ControlMessageType];

/**
 * Exact total length in octets of each control message, header included, indexed by Control
 * Message Type (RFC 2637 §2.1–§2.15). Index 0 is unused.
 */
export const CONTROL_MESSAGE_LENGTHS: readonly number[] = [
  0, 156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24,
];

/** Length of the fixed header up to and including Reserved0 (RFC 2637 §2). */
export const CONTROL_HEADER_LENGTH = 12;

/** The shortest control message (RFC 2637 §2.3). */
export const MIN_CONTROL_MESSAGE_LENGTH = 16;

/** The longest control message, Incoming-Call-Request (RFC 2637 §2.9). */
export const MAX_CONTROL_MESSAGE_LENGTH = 220;

/** Size of the NUL-padded Host Name and Vendor String fields (RFC 2637 §2.1, §2.2). */
export const HOST_NAME_SIZE = 64;

/** Size of the NUL-padded phone number and subaddress fields (RFC 2637 §2.7, §2.9). */
export const PHONE_NUMBER_SIZE = 64;

/** Size of the NUL-padded Call Statistics field (RFC 2637 §2.13). */
export const CALL_STATISTICS_SIZE = 128;

/** Framing Capabilities bits (RFC 2637 §2.1). */
export const FramingCapability = {
  Asynchronous: 1,
  Synchronous: 2,
} as const;

/** Bearer Capabilities bits (RFC 2637 §2.1). */
export const BearerCapability = {
  Analog: 1,
  Digital: 2,
} as const;

/** Bearer Type of a call (RFC 2637 §2.7). */
export const BearerType = {
  Analog: 1,
  Digital: 2,
  Any: 3,
} as const;

/** Framing Type of a call (RFC 2637 §2.7). */
export const FramingType = {
  Asynchronous: 1,
  Synchronous: 2,
  Any: 3,
} as const;
