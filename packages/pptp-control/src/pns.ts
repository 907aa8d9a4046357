/**
 * The PNS (client) side: the control connection originator (RFC 2637 §3.1.1) and its outgoing
 * calls (§3.2.4.2).
 *
 * @module
 */
import { NegotiationError } from '@pptpkit/wire';
import type { ControlAction } from './actions.js';
import { ControlConnection, type ControlConnectionOptions, sessionEnd } from './connection.js';
import { BearerType, FramingType, PPTP_PROTOCOL_VERSION } from './constants.js';
import { cdnError, ocrpError, type PptpControlError, sccrpError, timeoutError } from './errors.js';
import type { ControlMessage, OutgoingCallRequest } from './messages.js';
import { checkReceiveWindow } from './receive-window.js';
import { GeneralError, IcrpResult, OcrpResult, SccrpResult, StopReason } from './result-codes.js';

/** Options of a PNS control connection. */
export interface PnsOptions extends ControlConnectionOptions {
  /** Packet Recv. Window Size we offer in Outgoing-Call-Requests, 1..65535. Default 64. */
  readonly receiveWindow?: number;
  /** Packet Processing Delay we announce, in 1/10 s. Default 0. */
  readonly processingDelay?: number;
  /** Minimum BPS in Outgoing-Call-Requests. Default 300. */
  readonly minimumBps?: number;
  /** Maximum BPS in Outgoing-Call-Requests. Default 100 000 000. */
  readonly maximumBps?: number;
}

/** Per-call options of {@link PnsControlConnection.openCall}. */
export interface OutgoingCallOptions {
  /** Phone Number (at most 64 UTF-8 octets). Default `''`. */
  readonly phoneNumber?: string;
  /** Subaddress (at most 64 UTF-8 octets). Default `''`. */
  readonly subaddress?: string;
  /** Packet Recv. Window Size for this call, 1..65535; default: the connection's `receiveWindow`. */
  readonly receiveWindow?: number;
}

/** RFC 2637 §3.2.4.2 states of a PNS outgoing call (`queued`: waiting for the connection). */
export type PnsCallState = 'queued' | 'wait-reply' | 'established' | 'wait-disconnect';

/** What the PNS knows about one of its calls. */
export interface PnsCall {
  /** Our Call ID. */
  readonly callId: number;
  /** Call Serial Number. */
  readonly callSerialNumber: number;
  /** RFC 2637 §3.2.4.2 state. */
  state: PnsCallState;
  /** The PAC's Call ID, once the Outgoing-Call-Reply arrived. */
  peerCallId: number | undefined;
  /** Deadline of `wait-reply` or `wait-disconnect`. */
  deadline: number | undefined;
  /** WAN-Error-Notify messages received for this call. */
  wanErrors: number;
  /** The request (sent, or to send once the connection is up). */
  readonly request: OutgoingCallRequest;
}

/**
 * The PNS (client) control connection with its outgoing calls, sans I/O.
 *
 * `start` sends the Start-Control-Connection-Request once the TCP connection is open; `openCall`
 * sends an Outgoing-Call-Request (queued until the connection is up) with a new Call ID;
 * `clearCall` sends a Call-Clear-Request; `setLinkInfo` sends Set-Link-Info; `stop` sends a
 * Stop-Control-Connection-Request. Feed TCP bytes to `receive`, timer expiries to `timeout`
 * and the TCP close to `closed`. Every method returns the actions to perform.
 */
export class PnsControlConnection extends ControlConnection {
  readonly #calls = new Map<number, PnsCall>();
  readonly #receiveWindow: number;
  readonly #processingDelay: number;
  readonly #minimumBps: number;
  readonly #maximumBps: number;

  /**
   * @param options - `randomBytes` is required; everything else has RFC defaults.
   * @throws RangeError when `receiveWindow` is out of range.
   */
  constructor(options: PnsOptions) {
    super(options);
    this.#receiveWindow = checkReceiveWindow(options.receiveWindow ?? 64, 'receiveWindow');
    this.#processingDelay = options.processingDelay ?? 0;
    this.#minimumBps = options.minimumBps ?? 300;
    this.#maximumBps = options.maximumBps ?? 100_000_000;
  }

  /** The calls of this connection, by our Call ID. */
  get calls(): ReadonlyMap<number, Readonly<PnsCall>> {
    return this.#calls;
  }

  /** The TCP connection is open: send the Start-Control-Connection-Request (RFC 2637 §3.1.1). */
  start(now: number): ControlAction[] {
    if (this.connState !== 'idle') throw new RangeError(`start() in state ${this.connState}`);
    const s = this.settings;
    this.send({
      type: 'start-control-connection-request',
      protocolVersion: PPTP_PROTOCOL_VERSION,
      framingCapabilities: s.framingCapabilities,
      bearerCapabilities: s.bearerCapabilities,
      // RFC 2637 §2.1: a PNS SHOULD send 0.
      maximumChannels: 0,
      firmwareRevision: s.firmwareRevision,
      hostName: s.hostName,
      vendorString: s.vendorString,
    });
    this.connState = 'wait-ctl-reply';
    this.stateDeadline = now + s.replyTimeoutMs;
    return this.flush();
  }

  /**
   * Places an outgoing call (RFC 2637 §2.7) with a new Call ID (random for the first call,
   * then in turn; unique among this connection's calls, §3.2.2) and a random serial number.
   * Before the connection is established the request is queued and sent on `up`.
   *
   * @throws RangeError when the connection is stopping or closed, when `receiveWindow` is out of
   *   range, or when all 65535 Call IDs are in use.
   */
  openCall(
    now: number,
    options: OutgoingCallOptions = {},
  ): { readonly callId: number; readonly actions: ControlAction[] } {
    if (this.connState === 'wait-stop-reply' || this.connState === 'closed') {
      throw new RangeError(`cannot open a call in state ${this.connState}`);
    }
    const receiveWindow =
      options.receiveWindow === undefined
        ? this.#receiveWindow
        : checkReceiveWindow(options.receiveWindow, 'receiveWindow');
    const callId = this.allocateCallId(this.#calls);
    if (callId === undefined) throw new RangeError('the shared Call ID allocator has none free');
    const phoneNumber = options.phoneNumber ?? '';
    const request: OutgoingCallRequest = {
      type: 'outgoing-call-request',
      callId,
      callSerialNumber: this.randomU16(),
      minimumBps: this.#minimumBps,
      maximumBps: this.#maximumBps,
      bearerType: BearerType.Any,
      framingType: FramingType.Any,
      receiveWindowSize: receiveWindow,
      processingDelay: this.#processingDelay,
      phoneNumberLength: phoneNumber.length,
      phoneNumber,
      subaddress: options.subaddress ?? '',
    };
    const call: PnsCall = {
      callId,
      callSerialNumber: request.callSerialNumber,
      state: 'queued',
      peerCallId: undefined,
      deadline: undefined,
      wanErrors: 0,
      request,
    };
    this.#calls.set(callId, call);
    if (this.connState === 'established') this.#sendRequest(call, now);
    return { callId, actions: this.flush() };
  }

  /**
   * Clears a call (RFC 2637 §2.12, §3.2.4.2): sends a Call-Clear-Request and waits for the
   * Call-Disconnect-Notify (or for the TCP close a pptpd server does instead). A call not yet
   * requested is dropped at once. An unknown call ID returns no action.
   */
  clearCall(now: number, callId: number): ControlAction[] {
    const call = this.#calls.get(callId);
    if (call === undefined || call.state === 'wait-disconnect') return this.flush();
    if (call.state === 'queued') {
      this.#calls.delete(callId);
      this.callDown(
        callId,
        true,
        sessionEnd('PPTP_CALL_CLEARED', 'the call was cleared before it was requested'),
      );
      return this.flush();
    }
    this.send({ type: 'call-clear-request', callId });
    call.state = 'wait-disconnect';
    call.deadline = now + this.settings.replyTimeoutMs;
    return this.flush();
  }

  /**
   * Sends Set-Link-Info (RFC 2637 §2.15) after the PPP ACCMs changed.
   *
   * @throws RangeError when the call is not established.
   */
  setLinkInfo(
    _now: number,
    callId: number,
    sendAccm: number,
    receiveAccm: number,
  ): ControlAction[] {
    const call = this.#calls.get(callId);
    if (call?.state !== 'established' || call.peerCallId === undefined) {
      throw new RangeError(`call ${callId} is not established`);
    }
    this.send({ type: 'set-link-info', peerCallId: call.peerCallId, sendAccm, receiveAccm });
    return this.flush();
  }

  #sendRequest(call: PnsCall, now: number): void {
    this.send(call.request);
    call.state = 'wait-reply';
    call.deadline = now + this.settings.replyTimeoutMs;
  }

  #byPeerCallId(peerCallId: number): PnsCall | undefined {
    for (const call of this.#calls.values()) if (call.peerCallId === peerCallId) return call;
    return undefined;
  }

  protected override handle(message: ControlMessage, now: number): void {
    if (this.connState === 'idle') {
      // Nothing may arrive before our Start-Control-Connection-Request (RFC 2637 §3.1.1).
      this.unexpected(message);
      return;
    }
    if (this.connState === 'wait-ctl-reply') {
      if (message.type !== 'start-control-connection-reply') {
        this.unexpected(message);
        return;
      }
      if (message.resultCode !== SccrpResult.Success) {
        this.end(false, sccrpError(message.resultCode, message.errorCode));
        return;
      }
      // RFC 2637 §3.1.1: a lower version we cannot support gets a Stop-Control-Connection-Request.
      // Framing and bearer capabilities are not checked: real pptpd sends 0 for both.
      if (message.protocolVersion < PPTP_PROTOCOL_VERSION) {
        this.startStop(now, StopReason.StopProtocol, {
          clean: false,
          reason: new NegotiationError(
            'PPTP_VERSION_NOT_SUPPORTED',
            `the server speaks PPTP version 0x${message.protocolVersion.toString(16).padStart(4, '0')}, this client 0x0100`,
            { details: { protocolVersion: message.protocolVersion } },
          ),
        });
        return;
      }
      this.establish(now, ControlConnection.peerOf(message));
      for (const call of this.#calls.values())
        if (call.state === 'queued') this.#sendRequest(call, now);
      return;
    }
    switch (message.type) {
      case 'outgoing-call-reply': {
        const call = this.#calls.get(message.peerCallId);
        if (
          call === undefined ||
          (call.state !== 'wait-reply' && call.state !== 'wait-disconnect')
        ) {
          this.ignore(
            'PPTP_UNKNOWN_CALL',
            `Outgoing-Call-Reply for unknown call ${message.peerCallId}`,
          );
          return;
        }
        if (message.resultCode !== OcrpResult.Connected) {
          this.#calls.delete(call.callId);
          this.callDown(
            call.callId,
            false,
            ocrpError(message.resultCode, message.errorCode, message.causeCode),
          );
          return;
        }
        call.peerCallId = message.callId;
        if (call.state === 'wait-disconnect') return;
        call.state = 'established';
        call.deadline = undefined;
        this.callUp({
          callId: call.callId,
          peerCallId: message.callId,
          callSerialNumber: call.callSerialNumber,
          peerReceiveWindow: message.receiveWindowSize,
          peerProcessingDelay: message.processingDelay,
          connectSpeed: message.connectSpeed,
        });
        return;
      }
      case 'call-disconnect-notify': {
        const call = this.#byPeerCallId(message.callId);
        if (call === undefined) {
          this.ignore(
            'PPTP_UNKNOWN_CALL',
            `Call-Disconnect-Notify for unknown call ${message.callId}`,
          );
          return;
        }
        this.#calls.delete(call.callId);
        this.callDown(
          call.callId,
          call.state === 'wait-disconnect',
          cdnError(message.resultCode, message.errorCode, message.causeCode),
        );
        return;
      }
      case 'wan-error-notify': {
        // RFC 2637 §2.14: Peer's Call ID is the Call ID the PNS assigned.
        const call = this.#calls.get(message.peerCallId);
        if (call === undefined) {
          this.ignore(
            'PPTP_UNKNOWN_CALL',
            `WAN-Error-Notify for unknown call ${message.peerCallId}`,
          );
          return;
        }
        call.wanErrors++;
        this.counters.wanErrorNotifies++;
        this.emit({
          type: 'wan-error',
          callId: call.callId,
          count: call.wanErrors,
          counters: message,
        });
        return;
      }
      case 'incoming-call-request':
        // RFC 2637 §3.2.3.2: a PNS that does not accept the call answers with an Incoming-Call-Reply.
        this.send({
          type: 'incoming-call-reply',
          callId: 0,
          peerCallId: message.callId,
          resultCode: IcrpResult.DoNotAccept,
          errorCode: GeneralError.None,
          receiveWindowSize: this.#receiveWindow,
          transmitDelay: this.#processingDelay,
        });
        this.ignore('PPTP_INCOMING_CALL_REFUSED', `refused incoming call ${message.callId}`);
        return;
      case 'start-control-connection-request':
      case 'start-control-connection-reply':
        if (this.connState === 'established') this.unexpected(message);
        else this.ignore('PPTP_IGNORED_MESSAGE', `ignored ${message.type} while stopping`);
        return;
      default:
        // Set-Link-Info, Call-Clear-Request, Outgoing-Call-Request and the incoming-call
        // replies are PNS-to-PAC messages or answers to requests this PNS never sends.
        this.ignore(
          'PPTP_IGNORED_MESSAGE',
          `ignored ${message.type} (not a PAC-to-PNS message here)`,
        );
    }
  }

  protected override stateTimedOut(): void {
    if (this.connState === 'wait-stop-reply') {
      this.stopReplyTimedOut();
      return;
    }
    // RFC 2637 §3.1.4 (1): no Start-Control-Connection-Reply within the time closes.
    this.end(
      false,
      timeoutError(
        'PPTP_TIMEOUT_SCCRP',
        'no Start-Control-Connection-Reply arrived in time',
        this.settings.replyTimeoutMs,
      ),
    );
  }

  protected override callDeadline(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const call of this.#calls.values()) {
      if (call.deadline !== undefined && call.deadline < at) at = call.deadline;
    }
    return at;
  }

  protected override callTimeouts(now: number): void {
    for (const call of this.#calls.values()) {
      if (call.deadline === undefined || now < call.deadline) continue;
      const reason =
        call.state === 'wait-reply'
          ? timeoutError(
              'PPTP_TIMEOUT_OCRP',
              'no Outgoing-Call-Reply arrived in time',
              this.settings.replyTimeoutMs,
            )
          : timeoutError(
              'PPTP_TIMEOUT_CDN',
              'no Call-Disconnect-Notify arrived in time',
              this.settings.replyTimeoutMs,
            );
      this.#calls.delete(call.callId);
      this.callDown(call.callId, false, reason);
      // RFC 2637 §3.2.1: a call state that does not move in time closes the whole connection.
      this.end(false, reason);
      return;
    }
  }

  protected override tcpClosed(): void {
    if (this.connState === 'established') {
      // pptpd answers a Call-Clear-Request by closing the TCP connection without a
      // Call-Disconnect-Notify: a call waiting for that notify is cleared, cleanly.
      let cleared = 0;
      for (const call of [...this.#calls.values()]) {
        if (call.state !== 'wait-disconnect') continue;
        cleared++;
        this.#calls.delete(call.callId);
        this.callDown(
          call.callId,
          true,
          sessionEnd(
            'PPTP_CALL_CLEARED',
            'the call was cleared: the server closed the connection after Call-Clear-Request',
          ),
        );
      }
      if (cleared > 0 && this.#calls.size === 0) {
        this.end(
          true,
          sessionEnd(
            'PPTP_CLOSED_AFTER_CLEAR',
            'the server closed the control connection after the call was cleared',
          ),
        );
        return;
      }
    }
    this.endAfterClose();
  }

  protected override dropCalls(clean: boolean, reason: PptpControlError): void {
    for (const call of this.#calls.values()) this.callDown(call.callId, clean, reason);
    this.#calls.clear();
  }
}
