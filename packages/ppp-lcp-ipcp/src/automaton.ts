/**
 * The RFC 1661 option-negotiation automaton, written once and shared by LCP, IPCP, IPv6CP and
 * CCP. It is driven by events (`up`, `down`, `open`, `close`, `timeout`, `receive`), has an
 * injected clock (callers pass `now` and read `nextDeadline()`), and leaves option semantics to
 * {@link AutomatonHooks}.
 *
 * It follows the RFC 1661 §4.1 table except for packets that are copies or late: replies that
 * answer no outstanding request, copies of requests already answered, and Terminate-Acks that
 * answer a request from before the peer Acked us are dropped and counted rather than taken to
 * renegotiate an Opened layer (see {@link AutomatonCounters}); `deferAck` optionally holds our
 * Ack of the peer's request until ours is Acked.
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
  /**
   * Hold an acceptable Configure-Request of the peer that arrives while our own request is
   * still unanswered (Req-Sent), and Ack it only once our request is Acked, or at the second
   * Restart timeout of the hold (then after the retransmitted request). Default `false`: Ack
   * at once, as the RFC 1661 §4.1 table says (RCR+ in Req-Sent: sca/8).
   *
   * Why: the peer reaches Opened when it has both Acked our request and received our Ack. If
   * its Ack of our request is lost after that, our retransmitted request reaches a peer in
   * Opened, which renegotiates (RCR in Opened: tld,scr,sca/8) — and pppd takes the whole link
   * down when its CCP leaves Opened with MPPE negotiated (`ccp_down`: "MPPE disabled"). Holding
   * our Ack until the peer's Ack has arrived means the peer cannot be Opened while our request
   * is outstanding, so no retransmission of ours can reach it there. To the peer this is
   * indistinguishable from its request being delayed on the wire, which every implementation
   * must tolerate. The timeout bounds the delay for a peer that holds too (two such peers meet
   * at the second timeout); it is the second, not the first, so that the retransmission the
   * first one sends gets its Ack before we answer: a pppd peer is then reached in Opened only
   * when its Ack and its answers to both our retransmissions are all lost.
   */
  readonly deferAck?: boolean;
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

/** Counters of input the automaton discarded or answered without a transition. */
export interface AutomatonCounters {
  /**
   * Configure-Acks/Naks/Rejects that answer no outstanding request of ours: a wrong Identifier
   * in Req-Sent/Ack-Sent, any reply in Ack-Rcvd/Opened (RFC 1661 §5.2–§5.4).
   */
  staleReplies: number;
  /** Events that are illegal (`-`) in the current state. */
  illegalEvents: number;
  /** Packets discarded as malformed by the hooks. */
  malformed: number;
  /**
   * Copies of a Configure-Request we had already answered, dropped: the one we Acked arriving
   * again in Opened within half the Restart timer of our Ack, or one the peer has since
   * replaced by a newer request, within the Restart timer of our answer to it.
   */
  duplicateRequests: number;
  /**
   * The Configure-Request we Acked arriving again in Opened later than that (the peer missed
   * our Ack and retransmitted): Acked again, no renegotiation.
   */
  reackedRequests: number;
  /**
   * Terminate-Acks in Ack-Rcvd or Opened that answer a Configure- or Terminate-Request we
   * sent within the Restart timer: late answers from before the peer Acked us, dropped.
   */
  staleTerminateAcks: number;
  /** Acceptable Configure-Requests held until our own request was Acked (`deferAck`). */
  deferredRequests: number;
}

/** A Configure-Request of the peer we answered, for recognising copies of it. */
interface AnsweredRequest {
  readonly identifier: number;
  readonly data: Uint8Array;
  /** When we last answered it. */
  at: number;
}

/** A Configure- or Terminate-Request we sent. */
interface SentRequest {
  readonly identifier: number;
  /** When we last sent it. */
  at: number;
}

/**
 * Requests remembered on each side for duplicate detection. Only those younger than the
 * Restart timer count, and a peer needs several round trips per request, so a few suffice.
 */
const REMEMBERED = 8;

/** `deferAck`: the Restart timeout of a hold at which the held request is answered anyway. */
const DEFER_TIMEOUTS = 2;

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
  /** The peer's requests we answered, oldest first; the last is the peer's newest. */
  readonly #answered: AnsweredRequest[] = [];
  /** Our recent Configure-/Terminate-Requests, oldest first. */
  readonly #sent: SentRequest[] = [];
  /** `deferAck`: the peer's acceptable request, held while ours is unanswered in Req-Sent. */
  #held: ControlPacket | undefined;
  /** Restart timeouts since the current hold began. */
  #heldTimeouts = 0;
  #releasing = false;
  /** Discard counters. */
  readonly counters: AutomatonCounters = {
    staleReplies: 0,
    illegalEvents: 0,
    malformed: 0,
    duplicateRequests: 0,
    reackedRequests: 0,
    staleTerminateAcks: 0,
    deferredRequests: 0,
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
    // `deferAck`: at the second timeout of a hold our request went out again; the held request
    // is answered after it.
    if (
      this.#held !== undefined &&
      this.#state === REQ_SENT &&
      ++this.#heldTimeouts >= DEFER_TIMEOUTS
    )
      this.#release(now);
  }

  /** Feeds one received control packet of this protocol. */
  receive(packet: ControlPacket, now: number): void {
    const event = this.#classify(packet, now);
    if (event !== undefined) {
      this.#rx = packet;
      try {
        this.#event(event, now);
      } finally {
        this.#rx = undefined;
        this.#verdict = undefined;
      }
    }
    // `deferAck`: our request was Acked; now answer the peer's, as if it arrived just now.
    if (this.#held !== undefined && this.#state === ACK_RCVD) this.#release(now);
  }

  #release(now: number): void {
    const held = this.#held!;
    this.#held = undefined;
    this.#releasing = true;
    try {
      this.receive(held, now);
    } finally {
      this.#releasing = false;
    }
  }

  /** Feeds an event directly (for Protocol-Reject of this protocol: `RXJ-`). */
  inject(event: FsmEvent, now: number): void {
    this.#event(event, now);
  }

  #classify(packet: ControlPacket, now: number): FsmEvent | undefined {
    switch (packet.code) {
      case CP_CODE.CONFIGURE_REQUEST:
        return this.#classifyRequest(packet, now);
      case CP_CODE.CONFIGURE_ACK:
      case CP_CODE.CONFIGURE_NAK:
      case CP_CODE.CONFIGURE_REJECT: {
        // RFC 1661 §5.2–§5.4: a reply is valid only with the Identifier of the last request we
        // transmitted, while that request is unanswered (Req-Sent, Ack-Sent); anything else is
        // silently discarded. In Ack-Rcvd and Opened our request has already been answered, so
        // every reply there is a duplicate or a late one (§4.3, RCA: "all invalid Ack/Nak/Rej
        // packets are silently discarded, and do not affect the transitions of the
        // automaton"). pppd does the same (fsm.c: a reply with `id != f->reqid || f->seen_ack`
        // is tossed). Without this a late Configure-Nak of an earlier request would take an
        // Opened link down to renegotiate (tld,scr/6).
        const s = this.#state;
        if (
          s === ACK_RCVD ||
          s === OPENED ||
          ((s === REQ_SENT || s === ACK_SENT) && packet.identifier !== this.#requestId)
        ) {
          this.counters.staleReplies++;
          return undefined;
        }
        // Closed/Stopped answer with Terminate-Ack, Closing/Stopping ignore it (the table).
        if (s < REQ_SENT) return packet.code === CP_CODE.CONFIGURE_ACK ? 'RCA' : 'RCN';
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
        // RFC 1661 §5.5: an unelicited Terminate-Ack means the peer is Closed or Stopped and
        // needs renegotiating (the table: tld,scr/6 in Opened; pppd's fsm_rtermack does the
        // same). One that carries the Identifier of a request we sent within the Restart timer
        // is elicited: a late answer (e.g. pppd's Terminate-Ack of an IPCP request that
        // arrived before its IPCP was opened) from before the peer Acked us. In Ack-Rcvd or
        // Opened it is dropped, not taken as the peer's state now.
        if (
          (this.#state === ACK_RCVD || this.#state === OPENED) &&
          this.#sentRecently(packet.identifier, now)
        ) {
          this.counters.staleTerminateAcks++;
          return undefined;
        }
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

  /**
   * Classifies a Configure-Request, recognising copies of requests already answered.
   *
   * RFC 1661 §5.1: the peer changes the Identifier whenever the options change and whenever it
   * received a valid reply, and may keep it only for a retransmission. So a request with the
   * Identifier and options of one we answered is that request again, not a new one:
   *
   * - one the peer has since replaced by a newer request (e.g. its first CCP request, which we
   *   Nak'd, after we Acked its second) can only be a copy the network duplicated or delayed:
   *   dropped while younger than the Restart timer, in every state where the table would act
   *   on it (without this, a late copy in Opened renegotiates: tld,scr,scn/6);
   * - the newest one, in Opened (we Acked it): within half the Restart timer of our Ack it is
   *   a network duplicate and is dropped; later it is a retransmission — the peer missed our
   *   Ack — and is Acked again without leaving Opened. A peer retransmits a Restart period
   *   after its first copy (RFC 1661 §4.6 suggests 3 s, pppd and we use that), which reaches us
   *   about one Restart period after our Ack, give or take the jitter: half of it separates
   *   the two with room either way. The RFC table would renegotiate
   *   (RCR in Opened: tld,scr,sca/8), and so does pppd (fsm_rconfreq in OPENED); but a peer
   *   that renegotiates must use a new Identifier (§5.1), and renegotiating here would bring
   *   our layer down for an Ack that was merely lost;
   * - the newest one in another state is answered again as the table says (same answer, same
   *   state).
   */
  #classifyRequest(packet: ControlPacket, now: number): FsmEvent | undefined {
    const s = this.#state;
    // Judge only where the table answers with sca/scn (RFC 1661 §4.1 states 3, 6–9).
    if (s !== 3 && s < REQ_SENT) return 'RCR+';
    const restart = this.#config.restartMs;
    const answered = this.#answered;
    const newest = answered.length - 1;
    for (let i = newest; i >= 0; i--) {
      const a = answered[i]!;
      if (a.identifier !== packet.identifier || !bytesEqual(a.data, packet.data)) continue;
      if (i < newest) {
        if (now - a.at >= restart) break;
        this.counters.duplicateRequests++;
        return undefined;
      }
      if (s !== OPENED) break;
      if (now - a.at < restart / 2) {
        this.counters.duplicateRequests++;
        return undefined;
      }
      this.counters.reackedRequests++;
      a.at = now;
      this.#hooks.send(CP_CODE.CONFIGURE_ACK, packet.identifier, packet.data);
      return undefined;
    }
    const verdict = this.#hooks.judgeRequest(
      packet.data,
      this.#failureCounter >= this.#config.maxFailure,
    );
    if (verdict === undefined) {
      this.counters.malformed++;
      return undefined;
    }
    const acceptable = verdict.code === CP_CODE.CONFIGURE_ACK;
    if (acceptable && s === REQ_SENT && this.#config.deferAck === true && !this.#releasing) {
      this.counters.deferredRequests++;
      if (this.#held === undefined) this.#heldTimeouts = 0;
      this.#held = { code: packet.code, identifier: packet.identifier, data: packet.data.slice() };
      return undefined;
    }
    // A newer request supersedes one we were holding.
    this.#held = undefined;
    this.#verdict = verdict;
    return acceptable ? 'RCR+' : 'RCR-';
  }

  /** Whether we sent a Configure- or Terminate-Request with `identifier` within the Restart timer. */
  #sentRecently(identifier: number, now: number): boolean {
    for (const r of this.#sent)
      if (r.identifier === identifier && now - r.at < this.#config.restartMs) return true;
    return false;
  }

  /** Remembers that we answered the request being processed. */
  #rememberAnswer(rx: ControlPacket, now: number): void {
    const list = this.#answered;
    const last = list[list.length - 1];
    if (last !== undefined && last.identifier === rx.identifier && bytesEqual(last.data, rx.data)) {
      last.at = now;
      return;
    }
    if (list.length === REMEMBERED) list.shift();
    list.push({ identifier: rx.identifier, data: rx.data.slice(), at: now });
  }

  /** Remembers a Configure- or Terminate-Request we are sending. */
  #rememberSent(identifier: number, now: number): void {
    const list = this.#sent;
    const last = list[list.length - 1];
    if (last !== undefined && last.identifier === identifier) {
      last.at = now;
      return;
    }
    if (list.length === REMEMBERED) list.shift();
    list.push({ identifier, at: now });
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
    // A held request only waits in Req-Sent for our Ack (Ack-Rcvd releases it).
    if (next !== REQ_SENT && next !== ACK_RCVD) this.#held = undefined;
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
        this.#rememberSent(this.#requestId, now);
        h.send(CP_CODE.CONFIGURE_REQUEST, this.#requestId, options);
        return;
      }
      case 'sca': {
        const rx = this.#rx!;
        this.#failureCounter = 0;
        this.#rememberAnswer(rx, now);
        h.send(CP_CODE.CONFIGURE_ACK, rx.identifier, rx.data);
        return;
      }
      case 'scn': {
        const verdict = this.#verdict!;
        const rx = this.#rx!;
        if (verdict.code === CP_CODE.CONFIGURE_NAK) this.#failureCounter++;
        this.#rememberAnswer(rx, now);
        h.send(verdict.code, rx.identifier, verdict.data);
        return;
      }
      case 'str': {
        this.#restartCounter--;
        this.#timerAt = now + this.#config.restartMs;
        const identifier = this.nextIdentifier();
        this.#rememberSent(identifier, now);
        h.send(CP_CODE.TERMINATE_REQUEST, identifier, new Uint8Array(0));
        return;
      }
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
