/**
 * The PAC (server) side: the control connection receiver (RFC 2637 §3.1.2) and the PAC
 * outgoing-call states (§3.2.4.1), so that a server can be built on it and so that tests can
 * run PNS and PAC back to back.
 *
 * @module
 */
import { NegotiationError } from '@pptpkit/wire';
import type { ControlAction } from './actions.js';
import { ControlConnection, type ControlConnectionOptions, sessionEnd } from './connection.js';
import { PPTP_PROTOCOL_VERSION } from './constants.js';
import { cdnError, type PptpControlError, timeoutError } from './errors.js';
import type { ControlMessage, OutgoingCallRequest } from './messages.js';
import { checkReceiveWindow } from './receive-window.js';
import { CdnResult, GeneralError, OcrpResult, SccrpResult } from './result-codes.js';

/** How a PAC answers an Outgoing-Call-Request (RFC 2637 §2.8). */
export interface OutgoingCallAnswer {
  /** Result Code (see `OcrpResult`); 1 accepts the call. */
  readonly resultCode: number;
  /** General Error Code. Default 0. */
  readonly errorCode?: number;
  /** Cause Code. Default 0. */
  readonly causeCode?: number;
  /** Connect Speed. Default: the request's Maximum BPS. */
  readonly connectSpeed?: number;
  /** Packet Recv. Window Size. Default: the PAC's `receiveWindow`. */
  readonly receiveWindowSize?: number;
  /** Packet Processing Delay in 1/10 s. Default 0. */
  readonly processingDelay?: number;
  /** Physical Channel ID. Default 0. */
  readonly physicalChannelId?: number;
}

/**
 * The largest `maximumChannels`: RFC 2637 §3.2.2 suggests at least twice as many Call IDs
 * (65535) as calls on a tunnel.
 */
const MAX_CHANNELS = 32_767;

/** Options of a PAC control connection. */
export interface PacOptions extends ControlConnectionOptions {
  /**
   * Maximum Channels in our Start-Control-Connection-Reply, and the most calls this control
   * connection holds at once: an Outgoing-Call-Request beyond it is refused with result 2,
   * general error 4 (No-Resource). 1..32767; default 1 (pptpd advertises 1 and serves one call
   * per control connection).
   */
  readonly maximumChannels?: number;
  /** Packet Recv. Window Size we offer, 1..65535. Default 64 (as pptpd). */
  readonly receiveWindow?: number;
  /** Decides each Outgoing-Call-Request. Default: accept. */
  readonly answerOutgoingCall?: (request: OutgoingCallRequest) => OutgoingCallAnswer;
  /**
   * What to do on a Call-Clear-Request: `'notify'` sends a Call-Disconnect-Notify (RFC 2637
   * §3.2.4.1, the default); `'close'` closes the TCP connection without one, as pptpd does.
   */
  readonly onCallClear?: 'notify' | 'close';
}

/** What the PAC knows about one of its calls. */
export interface PacCall {
  /** Our (the PAC's) Call ID. */
  readonly callId: number;
  /** The PNS's Call ID. */
  readonly peerCallId: number;
  /** Call Serial Number the PNS assigned. */
  readonly callSerialNumber: number;
}

/**
 * The PAC (server) control connection, sans I/O: answers the Start-Control-Connection-Request,
 * Outgoing-Call-Requests (with its own Call IDs, up to `maximumChannels` calls at once) and
 * Call-Clear-Requests, reports Set-Link-Info, and can disconnect calls, send WAN-Error-Notify
 * and stop.
 */
export class PacControlConnection extends ControlConnection {
  readonly #calls = new Map<number, PacCall>();
  readonly #maximumChannels: number;
  readonly #receiveWindow: number;
  readonly #answer: (request: OutgoingCallRequest) => OutgoingCallAnswer;
  readonly #onCallClear: 'notify' | 'close';

  /**
   * @param options - `randomBytes` is required; everything else has defaults.
   * @throws RangeError when `maximumChannels` or `receiveWindow` is out of range.
   */
  constructor(options: PacOptions) {
    super(options);
    const channels = options.maximumChannels ?? 1;
    if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
      throw new RangeError(`maximumChannels must be an integer in 1..${MAX_CHANNELS}`);
    }
    this.#maximumChannels = channels;
    this.#receiveWindow = checkReceiveWindow(options.receiveWindow ?? 64, 'receiveWindow');
    this.#answer = options.answerOutgoingCall ?? (() => ({ resultCode: OcrpResult.Connected }));
    this.#onCallClear = options.onCallClear ?? 'notify';
  }

  /** The calls of this connection, by our Call ID. */
  get calls(): ReadonlyMap<number, PacCall> {
    return this.#calls;
  }

  /** A TCP connection was accepted: wait for the Start-Control-Connection-Request (§3.1.4). */
  start(now: number): ControlAction[] {
    if (this.connState !== 'idle') throw new RangeError(`start() in state ${this.connState}`);
    this.connState = 'wait-ctl-request';
    this.stateDeadline = now + this.settings.replyTimeoutMs;
    return this.flush();
  }

  /**
   * Disconnects a call and tells the PNS with a Call-Disconnect-Notify (RFC 2637 §2.13).
   *
   * @throws RangeError for an unknown call.
   */
  disconnectCall(
    _now: number,
    callId: number,
    resultCode: number = CdnResult.AdminShutdown,
    callStatistics = '',
  ): ControlAction[] {
    const call = this.#calls.get(callId);
    if (call === undefined) throw new RangeError(`unknown call ${callId}`);
    this.send({
      type: 'call-disconnect-notify',
      callId,
      resultCode,
      errorCode: GeneralError.None,
      causeCode: 0,
      callStatistics,
    });
    this.#calls.delete(callId);
    this.callDown(callId, true, cdnError(resultCode, GeneralError.None, 0));
    return this.flush();
  }

  /**
   * Sends a WAN-Error-Notify (RFC 2637 §2.14) for a call.
   *
   * @throws RangeError for an unknown call.
   */
  sendWanErrorNotify(
    _now: number,
    callId: number,
    counters: {
      readonly crcErrors: number;
      readonly framingErrors: number;
      readonly hardwareOverruns: number;
      readonly bufferOverruns: number;
      readonly timeoutErrors: number;
      readonly alignmentErrors: number;
    },
  ): ControlAction[] {
    const call = this.#calls.get(callId);
    if (call === undefined) throw new RangeError(`unknown call ${callId}`);
    this.send({ type: 'wan-error-notify', peerCallId: call.peerCallId, ...counters });
    return this.flush();
  }

  #answerCall(message: OutgoingCallRequest): void {
    if (this.#calls.size >= this.#maximumChannels) {
      // RFC 2637 §2.8 result 2 with §2.16 general error 4, "Insufficient resources to handle
      // this command now": every channel our Start-Control-Connection-Reply offered is in use.
      this.#refuseCall(message, GeneralError.NoResource);
      this.emit({
        type: 'diagnostic',
        code: 'PPTP_CALL_LIMIT',
        message: `refused Outgoing-Call-Request for call ${message.callId}: all ${this.#maximumChannels} channels are in use`,
      });
      return;
    }
    const answer = this.#answer(message);
    const accepted = answer.resultCode === OcrpResult.Connected;
    const allocated = accepted ? this.allocateCallId(this.#calls) : 0;
    if (allocated === undefined) {
      // The server's shared Call ID space is full: as for a full set of channels (§2.16, 4).
      this.#refuseCall(message, GeneralError.NoResource);
      this.emit({
        type: 'diagnostic',
        code: 'PPTP_CALL_LIMIT',
        message: `refused Outgoing-Call-Request for call ${message.callId}: no free Call ID`,
      });
      return;
    }
    const callId = allocated;
    const receiveWindowSize = answer.receiveWindowSize ?? this.#receiveWindow;
    const processingDelay = answer.processingDelay ?? 0;
    const connectSpeed = answer.connectSpeed ?? message.maximumBps;
    this.send({
      type: 'outgoing-call-reply',
      callId,
      peerCallId: message.callId,
      resultCode: answer.resultCode,
      errorCode: answer.errorCode ?? GeneralError.None,
      causeCode: answer.causeCode ?? 0,
      connectSpeed,
      receiveWindowSize,
      processingDelay,
      physicalChannelId: answer.physicalChannelId ?? 0,
    });
    if (!accepted) return;
    this.#calls.set(callId, {
      callId,
      peerCallId: message.callId,
      callSerialNumber: message.callSerialNumber,
    });
    this.callUp({
      callId,
      peerCallId: message.callId,
      callSerialNumber: message.callSerialNumber,
      peerReceiveWindow: message.receiveWindowSize,
      peerProcessingDelay: message.processingDelay,
      connectSpeed,
    });
  }

  /** Answers an Outgoing-Call-Request with result 2 (General Error) and `errorCode` (§2.8). */
  #refuseCall(message: OutgoingCallRequest, errorCode: number): void {
    this.send({
      type: 'outgoing-call-reply',
      callId: 0,
      peerCallId: message.callId,
      resultCode: OcrpResult.GeneralError,
      errorCode,
      causeCode: 0,
      connectSpeed: 0,
      receiveWindowSize: 0,
      processingDelay: 0,
      physicalChannelId: 0,
    });
  }

  #byPeerCallId(peerCallId: number): PacCall | undefined {
    for (const call of this.#calls.values()) if (call.peerCallId === peerCallId) return call;
    return undefined;
  }

  #replyStart(resultCode: number): void {
    const s = this.settings;
    this.send({
      type: 'start-control-connection-reply',
      protocolVersion: PPTP_PROTOCOL_VERSION,
      resultCode,
      errorCode: GeneralError.None,
      framingCapabilities: s.framingCapabilities,
      bearerCapabilities: s.bearerCapabilities,
      maximumChannels: this.#maximumChannels,
      firmwareRevision: s.firmwareRevision,
      hostName: s.hostName,
      vendorString: s.vendorString,
    });
  }

  protected override handle(message: ControlMessage, now: number): void {
    if (this.connState === 'wait-ctl-request' || this.connState === 'idle') {
      if (message.type === 'start-control-connection-request') {
        // RFC 2637 §3.1.2: an earlier version we cannot support is refused and the TCP closed.
        if (message.protocolVersion < PPTP_PROTOCOL_VERSION) {
          this.#replyStart(SccrpResult.VersionNotSupported);
          this.end(
            false,
            new NegotiationError(
              'PPTP_VERSION_NOT_SUPPORTED',
              `the client speaks PPTP version 0x${message.protocolVersion.toString(16).padStart(4, '0')}, this server 0x0100`,
              { details: { protocolVersion: message.protocolVersion } },
            ),
          );
          return;
        }
        this.#replyStart(SccrpResult.Success);
        this.establish(now, ControlConnection.peerOf(message));
        return;
      }
      if (message.type === 'outgoing-call-request') {
        // RFC 2637 §2.16 general error 1: no control connection exists yet.
        this.#refuseCall(message, GeneralError.NotConnected);
        this.ignore('PPTP_NOT_CONNECTED', 'Outgoing-Call-Request before the control connection');
        return;
      }
      this.unexpected(message);
      return;
    }
    switch (message.type) {
      case 'start-control-connection-request':
        // A second request on an established connection: the channel already exists (§2.2).
        this.#replyStart(SccrpResult.ChannelExists);
        this.ignore('PPTP_IGNORED_MESSAGE', 'second Start-Control-Connection-Request');
        return;
      case 'outgoing-call-request':
        if (this.connState === 'established') this.#answerCall(message);
        else this.ignore('PPTP_IGNORED_MESSAGE', 'Outgoing-Call-Request while stopping');
        return;
      case 'call-clear-request': {
        // RFC 2637 §2.12: the Call ID is the one the PNS assigned.
        const call = this.#byPeerCallId(message.callId);
        if (call === undefined) {
          this.ignore('PPTP_UNKNOWN_CALL', `Call-Clear-Request for unknown call ${message.callId}`);
          return;
        }
        this.#calls.delete(call.callId);
        if (this.#onCallClear === 'close') {
          this.callDown(
            call.callId,
            true,
            sessionEnd('PPTP_CALL_CLEARED', 'the call was cleared on request'),
          );
          this.end(
            true,
            sessionEnd(
              'PPTP_CLOSED_AFTER_CLEAR',
              'closed the control connection after a Call-Clear-Request',
            ),
          );
          return;
        }
        this.send({
          type: 'call-disconnect-notify',
          callId: call.callId,
          resultCode: CdnResult.Request,
          errorCode: GeneralError.None,
          causeCode: 0,
          callStatistics: '',
        });
        this.callDown(call.callId, true, cdnError(CdnResult.Request, GeneralError.None, 0));
        return;
      }
      case 'set-link-info': {
        // RFC 2637 §2.15: Peer's Call ID is the one the PAC assigned.
        const call = this.#calls.get(message.peerCallId);
        if (call === undefined) {
          this.ignore('PPTP_UNKNOWN_CALL', `Set-Link-Info for unknown call ${message.peerCallId}`);
          return;
        }
        this.emit({
          type: 'link-info',
          callId: call.callId,
          sendAccm: message.sendAccm,
          receiveAccm: message.receiveAccm,
        });
        return;
      }
      default:
        this.ignore(
          'PPTP_IGNORED_MESSAGE',
          `ignored ${message.type} (not a PNS-to-PAC message here)`,
        );
    }
  }

  protected override stateTimedOut(): void {
    if (this.connState === 'wait-stop-reply') {
      this.stopReplyTimedOut();
      return;
    }
    // RFC 2637 §3.1.4 (1): no Start-Control-Connection-Request within the time closes.
    this.end(
      false,
      timeoutError(
        'PPTP_TIMEOUT_SCCRQ',
        'no Start-Control-Connection-Request arrived in time',
        this.settings.replyTimeoutMs,
      ),
    );
  }

  protected override callDeadline(): number {
    return Number.POSITIVE_INFINITY;
  }

  protected override callTimeouts(): void {}

  protected override tcpClosed(): void {
    this.endAfterClose();
  }

  protected override dropCalls(clean: boolean, reason: PptpControlError): void {
    for (const call of this.#calls.values()) this.callDown(call.callId, clean, reason);
    this.#calls.clear();
  }
}
