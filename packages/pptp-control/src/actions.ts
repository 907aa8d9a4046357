/**
 * What the control-connection state machines ask their shell to do or report.
 *
 * @module
 */
import type { PptpControlError } from './errors.js';
import type { ControlMessage, WanErrorNotify } from './messages.js';

/** What the peer said about itself in its Start-Control-Connection message (RFC 2637 §2.1/§2.2). */
export interface PeerInfo {
  /** Protocol Version the peer sent. */
  readonly protocolVersion: number;
  /** Framing Capabilities (real pptpd sends 0). */
  readonly framingCapabilities: number;
  /** Bearer Capabilities (real pptpd sends 0). */
  readonly bearerCapabilities: number;
  /** Maximum Channels (informational only; RFC 2637 §2.2 forbids counting sessions with it). */
  readonly maximumChannels: number;
  /** Firmware Revision. */
  readonly firmwareRevision: number;
  /** Host Name. */
  readonly hostName: string;
  /** Vendor String. */
  readonly vendorString: string;
}

/** The parameters of a call that reached the established state. */
export interface CallInfo {
  /** Our Call ID: the one the peer puts in the GRE key of packets it sends us. */
  readonly callId: number;
  /** The peer's Call ID: the one we put in the GRE key of packets we send. */
  readonly peerCallId: number;
  /** Call Serial Number (assigned by the PNS). */
  readonly callSerialNumber: number;
  /**
   * The peer's Packet Recv. Window Size: how many unacknowledged packets it accepts, 1..65535.
   * An advertised 0 is reported as 1, the RFC's minimum window (RFC 2637 §4.2.1), with a
   * `PPTP_ZERO_RECEIVE_WINDOW` diagnostic.
   */
  readonly peerReceiveWindow: number;
  /** The peer's Packet Processing Delay in 1/10 s. */
  readonly peerProcessingDelay: number;
  /** Connect Speed in bit/s (as the PAC reports it). */
  readonly connectSpeed: number;
}

/** Write these bytes to the TCP connection. */
export interface SendAction {
  /** Discriminant. */
  readonly type: 'send';
  /** The encoded message. */
  readonly bytes: Uint8Array;
  /** The message, for logs. */
  readonly message: ControlMessage;
}

/** Close the TCP connection (after writing every earlier `send`). */
export interface CloseAction {
  /** Discriminant. */
  readonly type: 'close';
}

/** The control connection is established. */
export interface UpAction {
  /** Discriminant. */
  readonly type: 'up';
  /** What the peer said about itself. */
  readonly peer: PeerInfo;
}

/** The control connection is gone; the core accepts no further input. */
export interface DownAction {
  /** Discriminant. */
  readonly type: 'down';
  /** True for an orderly end (a stop either way, or the TCP close a server does after a clear). */
  readonly clean: boolean;
  /** Why, with a stable code and a sentence. */
  readonly reason: PptpControlError;
}

/** A call reached the established state. */
export interface CallUpAction {
  /** Discriminant. */
  readonly type: 'call-up';
  /** The call's parameters. */
  readonly call: CallInfo;
}

/** A call ended or could not be established. */
export interface CallDownAction {
  /** Discriminant. */
  readonly type: 'call-down';
  /** Our Call ID. */
  readonly callId: number;
  /** True when the call ended because one side asked for it and the other confirmed. */
  readonly clean: boolean;
  /** Why, with a stable code and a sentence (e.g. `PPTP_OCRP_DO_NOT_ACCEPT`). */
  readonly reason: PptpControlError;
}

/** The PNS asked to change the PPP ACCMs of a call (Set-Link-Info, RFC 2637 §2.15). */
export interface LinkInfoAction {
  /** Discriminant. */
  readonly type: 'link-info';
  /** Our Call ID. */
  readonly callId: number;
  /** Send ACCM. */
  readonly sendAccm: number;
  /** Receive ACCM. */
  readonly receiveAccm: number;
}

/** The PAC reported WAN errors on a call (WAN-Error-Notify, RFC 2637 §2.14). */
export interface WanErrorAction {
  /** Discriminant. */
  readonly type: 'wan-error';
  /** Our Call ID. */
  readonly callId: number;
  /** How many WAN-Error-Notify messages this call has received. */
  readonly count: number;
  /** The cumulative counters the PAC sent. */
  readonly counters: WanErrorNotify;
}

/** Something worth logging that changes nothing (an ignored message, an odd echo reply). */
export interface DiagnosticAction {
  /** Discriminant. */
  readonly type: 'diagnostic';
  /** Stable code, e.g. `PPTP_UNKNOWN_CALL`. */
  readonly code: string;
  /** A sentence for humans. */
  readonly message: string;
}

/** Everything a control-connection core can output. */
export type ControlAction =
  | SendAction
  | CloseAction
  | UpAction
  | DownAction
  | CallUpAction
  | CallDownAction
  | LinkInfoAction
  | WanErrorAction
  | DiagnosticAction;

/** Injected randomness: returns `n` random octets (call IDs, serial numbers, echo IDs). */
export type RandomBytes = (n: number) => Uint8Array;
