/**
 * What the PNS and PAC control-connection cores share: framing and decoding of the TCP stream,
 * echo keepalive (RFC 2637 §3.1.4), Stop-Control-Connection in both directions (§2.3, §2.4,
 * §3.1), deadlines and the action queue.
 *
 * @module
 */
import { type DecodeError, PptpkitError, ProtocolError } from '@pptpkit/wire';
import type { CallInfo, ControlAction, PeerInfo, RandomBytes } from './actions.js';
import { CallIdAllocator } from './call-ids.js';
import { decodeControlMessage, encodeControlMessage } from './codec.js';
import type { PptpControlError, PptpDecodeErrorCode, PptpSessionErrorCode } from './errors.js';
import { stopCcrpError, stoppedByPeer, timeoutError } from './errors.js';
import { ControlFramer } from './framer.js';
import type { ControlMessage } from './messages.js';
import { sendWindowFor } from './receive-window.js';
import { EchoResult, GeneralError, StopCcrpResult, StopReason } from './result-codes.js';

/** Where a control connection is in RFC 2637 §3.1's state machines. */
export type ConnectionState =
  | 'idle'
  | 'wait-ctl-reply'
  | 'wait-ctl-request'
  | 'established'
  | 'wait-stop-reply'
  | 'closed';

/** Options shared by the PNS and PAC cores. */
export interface ControlConnectionOptions {
  /** Injected randomness for call IDs, call serial numbers and echo identifiers. */
  readonly randomBytes: RandomBytes;
  /** Host Name we send (at most 64 UTF-8 octets). Default `''`. */
  readonly hostName?: string;
  /** Vendor String we send (at most 64 UTF-8 octets). Default `'pptpkit'`. */
  readonly vendorString?: string;
  /** Firmware Revision we send. Default 1. */
  readonly firmwareRevision?: number;
  /** Framing Capabilities we send. Default 1 (asynchronous). */
  readonly framingCapabilities?: number;
  /** Bearer Capabilities we send. Default 1 (analog). */
  readonly bearerCapabilities?: number;
  /**
   * Send an Echo-Request after this long without receiving any control message
   * (RFC 2637 §3.1.4: 60 s). `Infinity` disables our echoes (we still answer the peer's).
   */
  readonly echoIntervalMs?: number;
  /** Declare the peer dead when an Echo-Reply has not come this long after our request (60 s). */
  readonly echoTimeoutMs?: number;
  /** How long to wait for any reply the state machine expects (RFC 2637 §3, §3.2.1: 60 s). */
  readonly replyTimeoutMs?: number;
  /** Non-zero reserved fields: `'reject'` (RFC 2637 §2, the default) or `'ignore'`. */
  readonly reservedFields?: 'reject' | 'ignore';
  /**
   * Hands out our Call IDs instead of the connection's own allocator: a server whose calls
   * share one GRE socket needs IDs unique across all its control connections (the GRE Key
   * field is how it tells their packets apart). Returns a non-zero ID, or `undefined` when
   * none is free (the call is then refused as if no channel were available). An ID it returns
   * that this connection already uses falls back to the connection's own allocator.
   */
  readonly allocateCallId?: () => number | undefined;
}

/** Counters a control connection keeps; read them at any time. */
export interface ControlCounters {
  /** Control messages decoded. */
  messagesReceived: number;
  /** Control messages sent. */
  messagesSent: number;
  /** Echo-Requests we sent. */
  echoRequestsSent: number;
  /** Echo-Replies that matched our outstanding request. */
  echoRepliesReceived: number;
  /** Echo-Requests from the peer we answered. */
  echoRequestsAnswered: number;
  /** WAN-Error-Notify messages received. */
  wanErrorNotifies: number;
  /** Messages dropped because they are not valid for our role or name an unknown call. */
  ignoredMessages: number;
}

/** The fully defaulted options. */
type Settings = Required<Omit<ControlConnectionOptions, 'allocateCallId'>>;

function settings(options: ControlConnectionOptions): Settings {
  if (typeof options.randomBytes !== 'function') {
    throw new TypeError('randomBytes must be a function returning n random octets');
  }
  for (const key of ['echoIntervalMs', 'echoTimeoutMs', 'replyTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(value > 0)) throw new RangeError(`${key} must be positive`);
  }
  for (const key of ['echoTimeoutMs', 'replyTimeoutMs'] as const) {
    if (options[key] === Infinity) throw new RangeError(`${key} must be finite`);
  }
  return {
    randomBytes: options.randomBytes,
    hostName: options.hostName ?? '',
    vendorString: options.vendorString ?? 'pptpkit',
    firmwareRevision: options.firmwareRevision ?? 1,
    framingCapabilities: options.framingCapabilities ?? 1,
    bearerCapabilities: options.bearerCapabilities ?? 1,
    echoIntervalMs: options.echoIntervalMs ?? 60_000,
    echoTimeoutMs: options.echoTimeoutMs ?? 60_000,
    replyTimeoutMs: options.replyTimeoutMs ?? 60_000,
    reservedFields: options.reservedFields ?? 'reject',
  };
}

/** A recorded end of the connection, waiting for the Stop-Control-Connection-Reply. */
interface PendingEnd {
  readonly clean: boolean;
  readonly reason: PptpControlError;
}

/** Builds a non-error end reason (a clean stop) with a session code. */
export function sessionEnd(code: PptpSessionErrorCode, message: string): PptpControlError {
  return new PptpkitError(code, message);
}

/**
 * The base of {@link PnsControlConnection} and {@link PacControlConnection}: a sans-I/O core fed
 * with TCP bytes (`receive`), timer expiries (`timeout`) and the TCP close (`closed`), each
 * given the caller's monotonic `now` in milliseconds, and returning actions. After every call,
 * arm one timer for {@link ControlConnection.nextDeadline} and call `timeout` then.
 */
export abstract class ControlConnection {
  /** Counters; read at any time. */
  readonly counters: ControlCounters = {
    messagesReceived: 0,
    messagesSent: 0,
    echoRequestsSent: 0,
    echoRepliesReceived: 0,
    echoRequestsAnswered: 0,
    wanErrorNotifies: 0,
    ignoredMessages: 0,
  };
  /** The defaulted options. */
  protected readonly settings: Settings;
  /** The RFC 2637 §3.1 state. */
  protected connState: ConnectionState = 'idle';
  /** Deadline of the state that waits for the peer (SCCRQ, SCCRP, StopCCRP). */
  protected stateDeadline: number | undefined;
  /** How the connection ends once the Stop-Control-Connection-Reply arrives. */
  protected pendingEnd: PendingEnd | undefined;
  /** What the peer said in its Start-Control-Connection message. */
  protected peerInfo: PeerInfo | undefined;
  readonly #framer = new ControlFramer();
  readonly #callIds = new CallIdAllocator();
  #out: ControlAction[] = [];
  #lastReceived = 0;
  #echo: { readonly id: number; readonly sentAt: number } | undefined;
  #nextEchoId: number;
  readonly #sharedCallIds: (() => number | undefined) | undefined;

  /** @param options - shared options; `randomBytes` is required. */
  constructor(options: ControlConnectionOptions) {
    this.settings = settings(options);
    this.#nextEchoId = this.#randomU32();
    this.#sharedCallIds = options.allocateCallId;
  }

  /** The RFC 2637 §3.1 state. */
  get state(): ConnectionState {
    return this.connState;
  }

  /** What the peer said about itself, once the connection is established. */
  get peer(): PeerInfo | undefined {
    return this.peerInfo;
  }

  /**
   * When `timeout` must next be called, in the caller's monotonic ms: the earliest of the
   * waiting state's reply timer, the echo keepalive and the calls' timers;
   * `Number.POSITIVE_INFINITY` when nothing is pending (always once closed). Read it again
   * after every call.
   */
  nextDeadline(): number {
    if (this.connState === 'closed') return Number.POSITIVE_INFINITY;
    let at = this.stateDeadline ?? Number.POSITIVE_INFINITY;
    if (this.connState === 'established') {
      const s = this.settings;
      const keepalive =
        this.#echo === undefined
          ? this.#lastReceived + s.echoIntervalMs
          : this.#echo.sentAt + s.echoTimeoutMs;
      if (keepalive < at) at = keepalive;
    }
    return Math.min(at, this.callDeadline());
  }

  /** Feeds bytes read from the TCP connection. */
  receive(bytes: Uint8Array, now: number): ControlAction[] {
    if (this.connState === 'closed') return [];
    const { messages, error } = this.#framer.push(bytes);
    for (const frame of messages) {
      if (this.isClosed()) break;
      let message: ControlMessage;
      try {
        message = decodeControlMessage(frame, { reserved: this.settings.reservedFields });
      } catch (caught) {
        // RFC 2637 §3: a malformed message closes the control connection.
        this.end(false, caught as DecodeError<PptpDecodeErrorCode>);
        break;
      }
      this.counters.messagesReceived++;
      this.#lastReceived = now;
      this.#dispatch(message, now);
    }
    // RFC 2637 §1.4: loss of synchronisation closes the TCP connection at once.
    if (error !== undefined && !this.isClosed()) this.end(false, error);
    return this.flush();
  }

  /**
   * Runs the timers due at `now` (see {@link ControlConnection.nextDeadline}). Calling it early
   * is harmless: nothing happens and the deadline stands.
   */
  timeout(now: number): ControlAction[] {
    if (this.connState === 'closed') return [];
    if (this.stateDeadline !== undefined && now >= this.stateDeadline) {
      this.stateDeadline = undefined;
      this.stateTimedOut();
    }
    if (this.connState === 'established') this.#keepalive(now);
    if (!this.isClosed()) this.callTimeouts(now);
    return this.flush();
  }

  /** Reports that the TCP connection was closed by the peer or failed. */
  closed(now: number): ControlAction[] {
    if (this.connState === 'closed') return [];
    this.tcpClosed(now);
    return this.flush();
  }

  /**
   * Stops the control connection: sends a Stop-Control-Connection-Request and waits for the
   * reply (RFC 2637 §3.1.1); before the connection is established it just closes.
   */
  stop(now: number, reason: number = StopReason.None): ControlAction[] {
    const end: PendingEnd = {
      clean: true,
      reason: sessionEnd('PPTP_STOPPED_LOCALLY', 'the control connection was stopped locally'),
    };
    if (this.connState === 'established') this.startStop(now, reason, end);
    else if (this.connState !== 'wait-stop-reply' && this.connState !== 'closed') {
      this.end(end.clean, end.reason);
    }
    return this.flush();
  }

  /** Role-specific handling of a message the shared part does not handle. */
  protected abstract handle(message: ControlMessage, now: number): void;
  /** The state deadline expired (the state is not `established`). */
  protected abstract stateTimedOut(): void;
  /** Role-specific call deadlines: the earliest, or `Number.POSITIVE_INFINITY` for none. */
  protected abstract callDeadline(): number;
  /** Role-specific call timers. */
  protected abstract callTimeouts(now: number): void;
  /** Role-specific handling of the TCP close. */
  protected abstract tcpClosed(now: number): void;
  /** Ends every call with this reason, emitting `call-down` for each. */
  protected abstract dropCalls(clean: boolean, reason: PptpControlError): void;

  /** Whether the connection has ended (a method, so that narrowing does not cache it). */
  protected isClosed(): boolean {
    return this.connState === 'closed';
  }

  /** Queues an action. */
  protected emit(action: ControlAction): void {
    this.#out.push(action);
  }

  /** Encodes and queues a message. */
  protected send(message: ControlMessage): void {
    this.counters.messagesSent++;
    this.#out.push({ type: 'send', bytes: encodeControlMessage(message), message });
  }

  /** Queues a diagnostic and counts an ignored message. */
  protected ignore(code: string, message: string): void {
    this.counters.ignoredMessages++;
    this.#out.push({ type: 'diagnostic', code, message });
  }

  /** Ends the connection: every call goes down, the TCP connection closes, `down` is emitted. */
  protected end(clean: boolean, reason: PptpControlError): void {
    this.dropCalls(clean, reason);
    this.connState = 'closed';
    this.stateDeadline = undefined;
    this.#out.push({ type: 'close' }, { type: 'down', clean, reason });
  }

  /** Enters the established state (RFC 2637 §3.1.1, §3.1.2). */
  protected establish(now: number, peer: PeerInfo): void {
    this.connState = 'established';
    this.stateDeadline = undefined;
    this.peerInfo = peer;
    this.#lastReceived = now;
    this.#out.push({ type: 'up', peer });
  }

  /** Sends a Stop-Control-Connection-Request and waits for the reply. */
  protected startStop(now: number, reason: number, end: PendingEnd): void {
    this.send({ type: 'stop-control-connection-request', reason });
    this.connState = 'wait-stop-reply';
    this.pendingEnd = end;
    this.stateDeadline = now + this.settings.replyTimeoutMs;
  }

  /** Ends the connection the way a pending stop said, or with a TCP-closed error. */
  protected endAfterClose(): void {
    if (this.connState === 'wait-stop-reply' && this.pendingEnd !== undefined) {
      this.end(this.pendingEnd.clean, this.pendingEnd.reason);
    } else {
      this.end(
        false,
        new ProtocolError('PPTP_TCP_CLOSED', 'the peer closed the TCP connection unexpectedly'),
      );
    }
  }

  /** The standard ending when the peer does not answer a state's request in time. */
  protected stopReplyTimedOut(): void {
    this.end(
      false,
      timeoutError(
        'PPTP_TIMEOUT_STOPCCRP',
        'no Stop-Control-Connection-Reply arrived in time',
        this.settings.replyTimeoutMs,
      ),
    );
  }

  /** Peer info from a Start-Control-Connection message. */
  protected static peerOf(message: {
    readonly protocolVersion: number;
    readonly framingCapabilities: number;
    readonly bearerCapabilities: number;
    readonly maximumChannels: number;
    readonly firmwareRevision: number;
    readonly hostName: string;
    readonly vendorString: string;
  }): PeerInfo {
    return {
      protocolVersion: message.protocolVersion,
      framingCapabilities: message.framingCapabilities,
      bearerCapabilities: message.bearerCapabilities,
      maximumChannels: message.maximumChannels,
      firmwareRevision: message.firmwareRevision,
      hostName: message.hostName,
      vendorString: message.vendorString,
    };
  }

  /** An unexpected message for the current state closes the connection (RFC 2637 §3). */
  protected unexpected(message: ControlMessage): void {
    this.end(
      false,
      new ProtocolError(
        'PPTP_UNEXPECTED_MESSAGE',
        `unexpected ${message.type} in state ${this.connState}`,
        { details: { messageType: message.type, state: this.connState } },
      ),
    );
  }

  /** Random 16-bit value from the injected source. */
  protected randomU16(): number {
    const b = this.#random(2);
    return (b[0]! << 8) | b[1]!;
  }

  /**
   * A non-zero Call ID not in `live` (RFC 2637 §3.2.2: unique per tunnel): from the shared
   * `allocateCallId` when one was given, else a random first one, then the following ones in
   * turn, skipping those in use; O(1) amortised, and a freed ID is not handed out again until
   * the counter has gone round all 65535.
   *
   * @returns the ID, or `undefined` when the shared allocator has none free.
   * @throws RangeError when all 65535 Call IDs of this connection are in use.
   */
  protected allocateCallId(live: ReadonlyMap<number, unknown>): number | undefined {
    if (this.#sharedCallIds !== undefined) {
      const id = this.#sharedCallIds();
      if (id === undefined) return undefined;
      if (id > 0 && id <= 0xffff && !live.has(id)) return id;
    }
    return this.#callIds.allocate(live, () => this.randomU16());
  }

  /** Returns the queued actions and starts a new queue. */
  protected flush(): ControlAction[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  /**
   * Emits `call-up` for an established call, with the peer's advertised receive window as a
   * send window of at least one packet (RFC 2637 §4.2.1); an advertised 0 is also reported as
   * a `PPTP_ZERO_RECEIVE_WINDOW` diagnostic.
   */
  protected callUp(call: CallInfo): void {
    const window = sendWindowFor(call.peerReceiveWindow);
    if (window !== call.peerReceiveWindow) {
      this.#out.push({
        type: 'diagnostic',
        code: 'PPTP_ZERO_RECEIVE_WINDOW',
        message: `call ${call.callId}: the peer advertised a receive window of ${call.peerReceiveWindow} packets; using ${window} (RFC 2637 §4.2.1)`,
      });
    }
    this.#out.push({ type: 'call-up', call: { ...call, peerReceiveWindow: window } });
  }

  /** Emits `call-down`. */
  protected callDown(callId: number, clean: boolean, reason: PptpControlError): void {
    this.#out.push({ type: 'call-down', callId, clean, reason });
  }

  #random(n: number): Uint8Array {
    const bytes = this.settings.randomBytes(n);
    if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
      throw new TypeError(`randomBytes(${n}) must return ${n} octets`);
    }
    return bytes;
  }

  #randomU32(): number {
    const b = this.#random(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  #dispatch(message: ControlMessage, now: number): void {
    const up = this.connState === 'established' || this.connState === 'wait-stop-reply';
    switch (message.type) {
      case 'echo-request':
        // RFC 2637 §2.6: copy the identifier; before establishment answer Not-Connected.
        this.counters.echoRequestsAnswered++;
        this.send({
          type: 'echo-reply',
          identifier: message.identifier,
          resultCode: up ? EchoResult.Ok : EchoResult.GeneralError,
          errorCode: up ? GeneralError.None : GeneralError.NotConnected,
        });
        return;
      case 'echo-reply':
        if (this.#echo !== undefined && message.identifier === this.#echo.id) {
          this.#echo = undefined;
          this.counters.echoRepliesReceived++;
          if (message.resultCode !== EchoResult.Ok) {
            this.emit({
              type: 'diagnostic',
              code: 'PPTP_ECHO_GENERAL_ERROR',
              message: `Echo-Reply result ${message.resultCode}, error ${message.errorCode}`,
            });
          }
        } else {
          this.ignore(
            'PPTP_UNMATCHED_ECHO_REPLY',
            `Echo-Reply ${message.identifier} matches no request`,
          );
        }
        return;
      case 'stop-control-connection-request': {
        // RFC 2637 §3.1.1: answer, close the TCP connection; all calls are implicitly cleared.
        this.send({
          type: 'stop-control-connection-reply',
          resultCode: StopCcrpResult.Ok,
          errorCode: GeneralError.None,
        });
        const pending = this.connState === 'wait-stop-reply' ? this.pendingEnd : undefined;
        this.end(pending?.clean ?? true, pending?.reason ?? stoppedByPeer(message.reason));
        return;
      }
      case 'stop-control-connection-reply':
        if (this.connState === 'wait-stop-reply' && this.pendingEnd !== undefined) {
          // RFC 2637 §3.1.1 wait_stop_reply: close the TCP connection, become idle.
          if (message.resultCode !== StopCcrpResult.Ok) {
            const error = stopCcrpError(message.resultCode, message.errorCode);
            this.emit({ type: 'diagnostic', code: error.code, message: error.message });
          }
          this.end(this.pendingEnd.clean, this.pendingEnd.reason);
        } else {
          this.ignore('PPTP_IGNORED_MESSAGE', 'Stop-Control-Connection-Reply without a request');
        }
        return;
      default:
        this.handle(message, now);
    }
  }

  #keepalive(now: number): void {
    const s = this.settings;
    if (this.#echo !== undefined) {
      if (now >= this.#echo.sentAt + s.echoTimeoutMs) {
        // RFC 2637 §3.1.4: no Echo-Reply in time closes the control connection.
        this.end(
          false,
          timeoutError(
            'PPTP_PEER_DEAD',
            'the peer did not answer an Echo-Request',
            s.echoTimeoutMs,
          ),
        );
      }
    } else if (now >= this.#lastReceived + s.echoIntervalMs) {
      const id = this.#nextEchoId;
      this.#nextEchoId = (id + 1) >>> 0;
      this.#echo = { id, sentAt: now };
      this.counters.echoRequestsSent++;
      this.send({ type: 'echo-request', identifier: id });
    }
  }
}
