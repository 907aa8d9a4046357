/**
 * The RFC 1661 option-negotiation automaton, written once and shared by LCP, IPCP, IPv6CP and
 * CCP. It is driven by events (`up`, `down`, `open`, `close`, `timeout`, `receive`), has an
 * injected clock (callers pass `now` and read `nextDeadline()`), and leaves option semantics to
 * {@link AutomatonHooks}.
 *
 * @module
 */

import {
  FSM_STATES,
  FSM_TRANSITIONS,
  type FsmAction,
  type FsmEvent,
  type FsmState,
} from './automaton-table.js';
import { CP_CODE } from './constants.js';
import { bytesEqual, type ControlPacket } from './packet.js';

/** Timer and counter settings (RFC 1661 §4.6). */
export interface AutomatonConfig {
  /** Restart timer in milliseconds (RFC default 3000). */
  readonly restartMs: number;
  /** Configure-Requests sent without reply before giving up (RFC default 10). */
  readonly maxConfigure: number;
  /** Terminate-Requests sent without reply before giving up (RFC default 2). */
  readonly maxTerminate: number;
  /** Configure-Naks sent in a row before Naks turn into Rejects (RFC default 5). */
  readonly maxFailure: number;
}

/** RFC 1661 §4.6 defaults. */
export const DEFAULT_AUTOMATON_CONFIG: AutomatonConfig = {
  restartMs: 3000,
  maxConfigure: 10,
  maxTerminate: 2,
  maxFailure: 5,
};

/** The answer to a peer's Configure-Request: Ack (2), Nak (3) or Reject (4) with its Data. */
export interface RequestVerdict {
  /** {@link CP_CODE} of the reply. */
  readonly code: 2 | 3 | 4;
  /** The reply's options (for an Ack, the request's options unchanged). */
  readonly data: Uint8Array;
}

/** What a protocol built on the automaton supplies: option semantics and layer signals. */
export interface AutomatonHooks {
  /** Encodes the options of our next Configure-Request. */
  requestOptions(): Uint8Array;
  /**
   * Judges the peer's Configure-Request options. With `rejectInsteadOfNak` (Max-Failure
   * reached, RFC 1661 §4.6) options that would be Nak'd are Rejected instead. `undefined`
   * means the request is malformed and is silently discarded.
   */
  judgeRequest(data: Uint8Array, rejectInsteadOfNak: boolean): RequestVerdict | undefined;
  /** A Configure-Ack for our current request; `false` discards it as invalid. */
  receiveAck(data: Uint8Array): boolean;
  /** A Configure-Nak (`reject` false) or Configure-Reject (`reject` true); `false` discards it. */
  receiveNakOrReject(data: Uint8Array, reject: boolean): boolean;
  /** This-Layer-Up. */
  thisLayerUp(now: number): void;
  /** This-Layer-Down. */
  thisLayerDown(now: number): void;
  /** This-Layer-Started. */
  thisLayerStarted(now: number): void;
  /** This-Layer-Finished. */
  thisLayerFinished(now: number): void;
  /**
   * Maps a packet whose code is not 1–7 to an automaton event (`RXR`, `RXJ+`, `RXJ-`, `RUC`),
   * or `undefined` when the protocol consumed it itself.
   */
  extendedCode(packet: ControlPacket, state: FsmState, now: number): FsmEvent | undefined;
  /** The `ser` action (Send-Echo-Reply) for the packet that caused RXR. */
  echoReply(packet: ControlPacket): void;
  /** Whether a Code-Reject of `code` is permitted (RXJ+) rather than catastrophic (RXJ-). */
  codeRejectPermitted(code: number): boolean;
  /** Transmits a control packet of this protocol. */
  send(code: number, identifier: number, data: Uint8Array): void;
  /** Largest control packet the peer accepts (its MRU), for truncating Code-Rejects. */
  maxPacket(): number;
}

/** Counters of input the automaton discarded. */
export interface AutomatonCounters {
  /** Acks/Naks/Rejects whose Identifier did not match our outstanding request. */
  staleReplies: number;
  /** Events that are illegal (`-`) in the current state. */
  illegalEvents: number;
  /** Packets discarded as malformed by the hooks. */
  malformed: number;
  /** Retransmitted Configure-Requests re-Acked in Opened without renegotiating. */
  duplicateRequests: number;
}

const TIMER_STATES = new Set([4, 5, 6, 7, 8]);
const REQ_SENT = 6;
const ACK_RCVD = 7;
const ACK_SENT = 8;
const OPENED = 9;

/** One instance of the RFC 1661 option-negotiation automaton. */
export class Automaton {
  readonly #hooks: AutomatonHooks;
  readonly #config: AutomatonConfig;
  #state = 0;
  #restartCounter = 0;
  #failureCounter = 0;
  #timerAt = 0;
  #nextId: number;
  #requestId = -1;
  #requestData: Uint8Array = new Uint8Array(0);
  #retransmitting = false;
  #verdict: RequestVerdict | undefined;
  #rx: ControlPacket | undefined;
  #ackedRequest: { identifier: number; data: Uint8Array } | undefined;
  /** Discard counters. */
  readonly counters: AutomatonCounters = {
    staleReplies: 0,
    illegalEvents: 0,
    malformed: 0,
    duplicateRequests: 0,
  };

  /**
   * @param hooks - the protocol's option semantics and signals.
   * @param config - timers and counters.
   * @param initialIdentifier - first Identifier to use (0–255).
   */
  constructor(
    hooks: AutomatonHooks,
    config: AutomatonConfig = DEFAULT_AUTOMATON_CONFIG,
    initialIdentifier = 1,
  ) {
    if (
      !(config.restartMs > 0) ||
      config.maxConfigure < 1 ||
      config.maxTerminate < 1 ||
      config.maxFailure < 1
    ) {
      throw new RangeError('automaton timers and counters must be positive');
    }
    this.#hooks = hooks;
    this.#config = config;
    this.#nextId = initialIdentifier & 0xff;
  }

  /** The current state name. */
  get state(): FsmState {
    return FSM_STATES[this.#state]!;
  }

  /** The current state number (RFC 1661 §4.1 column). */
  get stateIndex(): number {
    return this.#state;
  }

  /** The Restart counter (RFC 1661 §4.6). */
  get restartCounter(): number {
    return this.#restartCounter;
  }

  /**
   * When the Restart timer fires (call {@link Automaton.timeout} then), in monotonic ms;
   * `Number.POSITIVE_INFINITY` when it is not running.
   */
  nextDeadline(): number {
    return TIMER_STATES.has(this.#state) ? this.#timerAt : Number.POSITIVE_INFINITY;
  }

  /** Allocates the next Identifier for a packet this protocol originates. */
  nextIdentifier(): number {
    const id = this.#nextId;
    this.#nextId = (id + 1) & 0xff;
    return id;
  }

  /** Lower layer is Up. */
  up(now: number): void {
    this.#failureCounter = 0;
    this.#event('Up', now);
  }

  /** Lower layer is Down. */
  down(now: number): void {
    this.#event('Down', now);
  }

  /** Administrative Open. */
  open(now: number): void {
    this.#failureCounter = 0;
    this.#event('Open', now);
  }

  /** Administrative Close. */
  close(now: number): void {
    this.#event('Close', now);
  }

  /** Fires the Restart timer if it is due (TO+ or TO-). */
  timeout(now: number): void {
    if (now < this.nextDeadline()) return;
    this.#retransmitting = true;
    try {
      this.#event(this.#restartCounter > 0 ? 'TO+' : 'TO-', now);
    } finally {
      this.#retransmitting = false;
    }
  }

  /** Feeds one received control packet of this protocol. */
  receive(packet: ControlPacket, now: number): void {
    const event = this.#classify(packet, now);
    if (event === undefined) return;
    this.#rx = packet;
    try {
      this.#event(event, now);
    } finally {
      this.#rx = undefined;
      this.#verdict = undefined;
    }
  }

  /** Feeds an event directly (for Protocol-Reject of this protocol: `RXJ-`). */
  inject(event: FsmEvent, now: number): void {
    this.#event(event, now);
  }

  #classify(packet: ControlPacket, now: number): FsmEvent | undefined {
    switch (packet.code) {
      case CP_CODE.CONFIGURE_REQUEST: {
        // A retransmission of the request we already Acked (same Identifier and options) does
        // not restart negotiation in Opened: the Ack was lost or the frame duplicated.
        const acked = this.#ackedRequest;
        if (
          this.#state === OPENED &&
          acked !== undefined &&
          acked.identifier === packet.identifier &&
          bytesEqual(acked.data, packet.data)
        ) {
          this.counters.duplicateRequests++;
          this.#hooks.send(CP_CODE.CONFIGURE_ACK, packet.identifier, packet.data);
          return undefined;
        }
        // Judge only where the table answers with sca/scn (RFC 1661 §4.1 states 3, 6–9).
        if (this.#state === 3 || this.#state >= REQ_SENT) {
          const verdict = this.#hooks.judgeRequest(
            packet.data,
            this.#failureCounter >= this.#config.maxFailure,
          );
          if (verdict === undefined) {
            this.counters.malformed++;
            return undefined;
          }
          this.#verdict = verdict;
          return verdict.code === CP_CODE.CONFIGURE_ACK ? 'RCR+' : 'RCR-';
        }
        return 'RCR+';
      }
      case CP_CODE.CONFIGURE_ACK:
      case CP_CODE.CONFIGURE_NAK:
      case CP_CODE.CONFIGURE_REJECT: {
        // RFC 1661 §5.2–5.4: while a request is outstanding (Req-Sent, Ack-Sent) a reply must
        // carry its Identifier; once it is answered (Ack-Rcvd, Opened) another reply with that
        // Identifier is a duplicate. Both are discarded, as pppd does.
        const s = this.#state;
        const outstanding = s === REQ_SENT || s === ACK_SENT;
        const answered = s === ACK_RCVD || s === OPENED;
        if (
          (outstanding && packet.identifier !== this.#requestId) ||
          (answered && packet.identifier === this.#requestId)
        ) {
          this.counters.staleReplies++;
          return undefined;
        }
        if (this.#state < REQ_SENT || this.#state === OPENED) {
          return packet.code === CP_CODE.CONFIGURE_ACK ? 'RCA' : 'RCN';
        }
        const ok =
          packet.code === CP_CODE.CONFIGURE_ACK
            ? this.#hooks.receiveAck(packet.data)
            : this.#hooks.receiveNakOrReject(packet.data, packet.code === CP_CODE.CONFIGURE_REJECT);
        if (!ok) {
          this.counters.malformed++;
          return undefined;
        }
        return packet.code === CP_CODE.CONFIGURE_ACK ? 'RCA' : 'RCN';
      }
      case CP_CODE.TERMINATE_REQUEST:
        return 'RTR';
      case CP_CODE.TERMINATE_ACK:
        return 'RTA';
      case CP_CODE.CODE_REJECT: {
        const rejected = packet.data[0];
        return rejected !== undefined && this.#hooks.codeRejectPermitted(rejected)
          ? 'RXJ+'
          : 'RXJ-';
      }
      default:
        return this.#hooks.extendedCode(packet, this.state, now);
    }
  }

  #event(event: FsmEvent, now: number): void {
    const transition = FSM_TRANSITIONS[event][this.#state];
    if (transition === undefined) {
      this.counters.illegalEvents++;
      return;
    }
    const next = transition.next;
    for (const action of transition.actions) this.#act(action, next, now);
    this.#state = next;
  }

  #act(action: FsmAction, next: number, now: number): void {
    const h = this.#hooks;
    switch (action) {
      case 'tlu':
        this.#state = next;
        h.thisLayerUp(now);
        return;
      case 'tld':
        h.thisLayerDown(now);
        return;
      case 'tls':
        h.thisLayerStarted(now);
        return;
      case 'tlf':
        this.#state = next;
        h.thisLayerFinished(now);
        return;
      case 'irc':
        this.#restartCounter =
          next === 4 || next === 5 ? this.#config.maxTerminate : this.#config.maxConfigure;
        return;
      case 'zrc':
        this.#restartCounter = 0;
        this.#timerAt = now + this.#config.restartMs;
        return;
      case 'scr': {
        const options = h.requestOptions();
        // RFC 1661 §5.1: a retransmission of unchanged options may keep its Identifier, so a
        // late Ack of the first copy still counts and a peer already Opened sees a duplicate.
        const same =
          this.#retransmitting && this.#requestId >= 0 && bytesEqual(options, this.#requestData);
        if (!same) this.#requestId = this.nextIdentifier();
        this.#requestData = options;
        this.#restartCounter--;
        this.#timerAt = now + this.#config.restartMs;
        h.send(CP_CODE.CONFIGURE_REQUEST, this.#requestId, options);
        return;
      }
      case 'sca': {
        const rx = this.#rx!;
        this.#failureCounter = 0;
        this.#ackedRequest = { identifier: rx.identifier, data: rx.data.slice() };
        h.send(CP_CODE.CONFIGURE_ACK, rx.identifier, rx.data);
        return;
      }
      case 'scn': {
        const verdict = this.#verdict!;
        if (verdict.code === CP_CODE.CONFIGURE_NAK) this.#failureCounter++;
        h.send(verdict.code, this.#rx!.identifier, verdict.data);
        return;
      }
      case 'str':
        this.#restartCounter--;
        this.#timerAt = now + this.#config.restartMs;
        h.send(CP_CODE.TERMINATE_REQUEST, this.nextIdentifier(), new Uint8Array(0));
        return;
      case 'sta':
        h.send(
          CP_CODE.TERMINATE_ACK,
          this.#rx?.identifier ?? this.nextIdentifier(),
          new Uint8Array(0),
        );
        return;
      case 'scj': {
        const rx = this.#rx!;
        // RFC 1661 §5.6: the rejected packet, truncated to the peer's MRU.
        const whole = new Uint8Array(4 + rx.data.length);
        whole[0] = rx.code;
        whole[1] = rx.identifier;
        whole[2] = whole.length >>> 8;
        whole[3] = whole.length & 0xff;
        whole.set(rx.data, 4);
        h.send(
          CP_CODE.CODE_REJECT,
          this.nextIdentifier(),
          whole.subarray(0, Math.max(0, h.maxPacket() - 4)),
        );
        return;
      }
      case 'ser':
        h.echoReply(this.#rx!);
        return;
    }
  }
}
