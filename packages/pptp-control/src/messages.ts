/**
 * The fifteen control messages of RFC 2637 §2 as a discriminated union on `type`. Fields are the
 * wire fields minus the header and the reserved fields; fixed-size NUL-padded strings are
 * JavaScript strings (UTF-8 on the wire, cut at the first NUL when decoded).
 *
 * @module
 */

/** Start-Control-Connection-Request (RFC 2637 §2.1). */
export interface StartControlConnectionRequest {
  /** Discriminant. */
  readonly type: 'start-control-connection-request';
  /** Protocol Version, 0x0100 for version 1 revision 0. */
  readonly protocolVersion: number;
  /** Framing Capabilities bits (see `FramingCapability`). */
  readonly framingCapabilities: number;
  /** Bearer Capabilities bits (see `BearerCapability`). */
  readonly bearerCapabilities: number;
  /** Maximum Channels; a PNS sends 0. */
  readonly maximumChannels: number;
  /** Firmware Revision of a PAC, or the PNS driver version. */
  readonly firmwareRevision: number;
  /** Host Name, at most 64 UTF-8 octets. */
  readonly hostName: string;
  /** Vendor String, at most 64 UTF-8 octets. */
  readonly vendorString: string;
}

/** Start-Control-Connection-Reply (RFC 2637 §2.2). */
export interface StartControlConnectionReply {
  /** Discriminant. */
  readonly type: 'start-control-connection-reply';
  /** Protocol Version. */
  readonly protocolVersion: number;
  /** Result Code (see `SccrpResult`). */
  readonly resultCode: number;
  /** General Error Code (see `GeneralError`). */
  readonly errorCode: number;
  /** Framing Capabilities bits; real servers may send 0. */
  readonly framingCapabilities: number;
  /** Bearer Capabilities bits; real servers may send 0. */
  readonly bearerCapabilities: number;
  /** Maximum Channels; a PNS must not use it to count sessions. */
  readonly maximumChannels: number;
  /** Firmware Revision. */
  readonly firmwareRevision: number;
  /** Host Name, at most 64 UTF-8 octets. */
  readonly hostName: string;
  /** Vendor String, at most 64 UTF-8 octets. */
  readonly vendorString: string;
}

/** Stop-Control-Connection-Request (RFC 2637 §2.3). */
export interface StopControlConnectionRequest {
  /** Discriminant. */
  readonly type: 'stop-control-connection-request';
  /** Reason (see `StopReason`). */
  readonly reason: number;
}

/** Stop-Control-Connection-Reply (RFC 2637 §2.4). */
export interface StopControlConnectionReply {
  /** Discriminant. */
  readonly type: 'stop-control-connection-reply';
  /** Result Code (see `StopCcrpResult`). */
  readonly resultCode: number;
  /** General Error Code. */
  readonly errorCode: number;
}

/** Echo-Request (RFC 2637 §2.5). */
export interface EchoRequest {
  /** Discriminant. */
  readonly type: 'echo-request';
  /** Identifier the reply copies. */
  readonly identifier: number;
}

/** Echo-Reply (RFC 2637 §2.6). */
export interface EchoReply {
  /** Discriminant. */
  readonly type: 'echo-reply';
  /** Identifier copied from the request. */
  readonly identifier: number;
  /** Result Code (see `EchoResult`). */
  readonly resultCode: number;
  /** General Error Code. */
  readonly errorCode: number;
}

/** Outgoing-Call-Request (RFC 2637 §2.7). */
export interface OutgoingCallRequest {
  /** Discriminant. */
  readonly type: 'outgoing-call-request';
  /** Call ID assigned by the PNS. */
  readonly callId: number;
  /** Call Serial Number assigned by the PNS. */
  readonly callSerialNumber: number;
  /** Minimum BPS. */
  readonly minimumBps: number;
  /** Maximum BPS. */
  readonly maximumBps: number;
  /** Bearer Type (see `BearerType`). */
  readonly bearerType: number;
  /** Framing Type (see `FramingType`). */
  readonly framingType: number;
  /** Packet Recv. Window Size: packets the PNS buffers. */
  readonly receiveWindowSize: number;
  /** Packet Processing Delay in 1/10 s. */
  readonly processingDelay: number;
  /** Phone Number Length: valid digits in `phoneNumber`. */
  readonly phoneNumberLength: number;
  /** Phone Number, at most 64 UTF-8 octets. */
  readonly phoneNumber: string;
  /** Subaddress, at most 64 UTF-8 octets. */
  readonly subaddress: string;
}

/** Outgoing-Call-Reply (RFC 2637 §2.8). */
export interface OutgoingCallReply {
  /** Discriminant. */
  readonly type: 'outgoing-call-reply';
  /** Call ID assigned by the PAC; the PNS puts it in its GRE headers. */
  readonly callId: number;
  /** The PNS's Call ID from the request. */
  readonly peerCallId: number;
  /** Result Code (see `OcrpResult`). */
  readonly resultCode: number;
  /** General Error Code. */
  readonly errorCode: number;
  /** Cause Code (Q.931 for ISDN). */
  readonly causeCode: number;
  /** Connect Speed in bit/s. */
  readonly connectSpeed: number;
  /** Packet Recv. Window Size: packets the PAC buffers. */
  readonly receiveWindowSize: number;
  /** Packet Processing Delay in 1/10 s. */
  readonly processingDelay: number;
  /** Physical Channel ID, for logging. */
  readonly physicalChannelId: number;
}

/** Incoming-Call-Request (RFC 2637 §2.9). */
export interface IncomingCallRequest {
  /** Discriminant. */
  readonly type: 'incoming-call-request';
  /** Call ID assigned by the PAC. */
  readonly callId: number;
  /** Call Serial Number assigned by the PAC. */
  readonly callSerialNumber: number;
  /** Call Bearer Type. */
  readonly bearerType: number;
  /** Physical Channel ID. */
  readonly physicalChannelId: number;
  /** Dialed Number Length. */
  readonly dialedNumberLength: number;
  /** Dialing Number Length. */
  readonly dialingNumberLength: number;
  /** Dialed Number, at most 64 UTF-8 octets. */
  readonly dialedNumber: string;
  /** Dialing Number, at most 64 UTF-8 octets. */
  readonly dialingNumber: string;
  /** Subaddress, at most 64 UTF-8 octets. */
  readonly subaddress: string;
}

/** Incoming-Call-Reply (RFC 2637 §2.10). */
export interface IncomingCallReply {
  /** Discriminant. */
  readonly type: 'incoming-call-reply';
  /** Call ID assigned by the PNS. */
  readonly callId: number;
  /** The PAC's Call ID from the request. */
  readonly peerCallId: number;
  /** Result Code (see `IcrpResult`). */
  readonly resultCode: number;
  /** General Error Code. */
  readonly errorCode: number;
  /** Packet Recv. Window Size. */
  readonly receiveWindowSize: number;
  /** Packet Transmit Delay in 1/10 s. */
  readonly transmitDelay: number;
}

/** Incoming-Call-Connected (RFC 2637 §2.11). */
export interface IncomingCallConnected {
  /** Discriminant. */
  readonly type: 'incoming-call-connected';
  /** The PNS's Call ID from the Incoming-Call-Reply. */
  readonly peerCallId: number;
  /** Connect Speed in bit/s. */
  readonly connectSpeed: number;
  /** Packet Recv. Window Size. */
  readonly receiveWindowSize: number;
  /** Packet Transmit Delay in 1/10 s. */
  readonly transmitDelay: number;
  /** Framing Type. */
  readonly framingType: number;
}

/** Call-Clear-Request (RFC 2637 §2.12). */
export interface CallClearRequest {
  /** Discriminant. */
  readonly type: 'call-clear-request';
  /** The Call ID the PNS assigned. */
  readonly callId: number;
}

/** Call-Disconnect-Notify (RFC 2637 §2.13). */
export interface CallDisconnectNotify {
  /** Discriminant. */
  readonly type: 'call-disconnect-notify';
  /** The Call ID the PAC assigned. */
  readonly callId: number;
  /** Result Code (see `CdnResult`). */
  readonly resultCode: number;
  /** General Error Code. */
  readonly errorCode: number;
  /** Cause Code. */
  readonly causeCode: number;
  /** Call Statistics, at most 128 UTF-8 octets. */
  readonly callStatistics: string;
}

/** WAN-Error-Notify (RFC 2637 §2.14). */
export interface WanErrorNotify {
  /** Discriminant. */
  readonly type: 'wan-error-notify';
  /** The Call ID the PNS assigned. */
  readonly peerCallId: number;
  /** CRC Errors. */
  readonly crcErrors: number;
  /** Framing Errors. */
  readonly framingErrors: number;
  /** Hardware Overruns. */
  readonly hardwareOverruns: number;
  /** Buffer Overruns. */
  readonly bufferOverruns: number;
  /** Time-out Errors. */
  readonly timeoutErrors: number;
  /** Alignment Errors. */
  readonly alignmentErrors: number;
}

/** Set-Link-Info (RFC 2637 §2.15). */
export interface SetLinkInfo {
  /** Discriminant. */
  readonly type: 'set-link-info';
  /** The Call ID the PAC assigned. */
  readonly peerCallId: number;
  /** Send ACCM. */
  readonly sendAccm: number;
  /** Receive ACCM. */
  readonly receiveAccm: number;
}

/** Any PPTP control message. */
export type ControlMessage =
  | StartControlConnectionRequest
  | StartControlConnectionReply
  | StopControlConnectionRequest
  | StopControlConnectionReply
  | EchoRequest
  | EchoReply
  | OutgoingCallRequest
  | OutgoingCallReply
  | IncomingCallRequest
  | IncomingCallReply
  | IncomingCallConnected
  | CallClearRequest
  | CallDisconnectNotify
  | WanErrorNotify
  | SetLinkInfo;

/** The `type` strings, indexed by Control Message Type code (index 0 unused). */
export const CONTROL_MESSAGE_NAMES: readonly (ControlMessage['type'] | undefined)[] = [
  undefined,
  'start-control-connection-request',
  'start-control-connection-reply',
  'stop-control-connection-request',
  'stop-control-connection-reply',
  'echo-request',
  'echo-reply',
  'outgoing-call-request',
  'outgoing-call-reply',
  'incoming-call-request',
  'incoming-call-reply',
  'incoming-call-connected',
  'call-clear-request',
  'call-disconnect-notify',
  'wan-error-notify',
  'set-link-info',
];
