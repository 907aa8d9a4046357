/**
 * CCP (RFC 1962) with a pluggable option policy; pptpkit plugs in MPPE/MPPC option 18
 * (RFC 3078 §2) from `@pptpkit/mppe`. Reset-Request/Reset-Ack resynchronise the decryptor.
 *
 * @module
 */
import type { AutomatonConfig } from './automaton.js';
import type { FsmEvent, FsmState } from './automaton-table.js';
import { CP_CODE, PPP_PROTOCOL } from './constants.js';
import { ControlProtocol, type OptionVerdict, type ProtocolSink } from './control-protocol.js';
import type { ControlPacket, RawOption } from './packet.js';

/** The outcome of CCP: what the data path must do (shape of `@pptpkit/mppe`'s `mppeNegotiated`). */
export interface CompressionAgreement {
  /** Session key length: 40, 56 or 128. */
  readonly keyBits: number;
  /** Stateless mode (key change every packet, RFC 3078 §2 bit H). */
  readonly stateless: boolean;
  /** MPPC compression in use. */
  readonly mppc: boolean;
}

/**
 * Decides CCP options. `@pptpkit/mppe`'s `mppeCcpPolicy` is option 18 (MPPE/MPPC) as such a
 * policy.
 */
export interface CcpPolicy {
  /** Options of our first Configure-Request. */
  initialOptions(): RawOption[];
  /** Judges one option of the peer's Configure-Request (unknown types: reject). */
  judgePeerOption(option: RawOption): OptionVerdict;
  /**
   * The peer Nak'd `ours` suggesting `suggested`: returns the replacement, or `undefined` to stop
   * requesting it. Throwing (e.g. `NegotiationError`) ends CCP as failed.
   */
  handleNak(ours: RawOption, suggested: RawOption): RawOption | undefined;
  /**
   * The peer Rejected `ours`. `true`: drop it and go on; `false`: CCP cannot succeed without it;
   * an option list: a fallback proposal that takes its place in our next Configure-Request
   * (e.g. MPPE without MPPC), possibly of the same type. An empty list is the same as `true`.
   * At most Max-Failure fallbacks are tried per negotiation; a peer that keeps rejecting them
   * fails CCP. Throwing is the same as `false`.
   */
  handleReject(ours: RawOption): boolean | readonly RawOption[];
  /** Both sides Acked: the agreement, or `undefined` when it is not acceptable. */
  opened(
    ourAcked: readonly RawOption[],
    peerAcked: readonly RawOption[],
  ): CompressionAgreement | undefined;
}

/** CCP signals to the link. */
export interface CcpEvents {
  /** The peer sent a Reset-Request (RFC 1962 §3.1); a Reset-Ack was already sent. */
  resetRequested(identifier: number): void;
  /** The peer acknowledged our Reset-Request. */
  resetAcked(identifier: number): void;
}

/** The Compression Control Protocol. */
export class Ccp extends ControlProtocol {
  readonly #policy: CcpPolicy;
  readonly #events: CcpEvents;
  #want: RawOption[] = [];
  #failure: string | undefined;
  #agreement: CompressionAgreement | undefined;
  readonly #maxFallbacks: number;
  #fallbacks = 0;
  /** Identifier of our Reset-Request that awaits its Reset-Ack. */
  #resetId: number | undefined;
  /** Counters of CCP input that was ignored. */
  readonly ccpCounters: { staleResetAcks: number } = { staleResetAcks: 0 };

  /**
   * @param sink - the link.
   * @param policy - the option policy.
   * @param events - reset signals.
   * @param automaton - timers and counters.
   * @param initialIdentifier - first Identifier.
   */
  constructor(
    sink: ProtocolSink,
    policy: CcpPolicy,
    events: CcpEvents,
    automaton: AutomatonConfig,
    initialIdentifier: number,
  ) {
    super(PPP_PROTOCOL.CCP, sink, automaton, initialIdentifier);
    this.#policy = policy;
    this.#events = events;
    this.#maxFallbacks = automaton.maxFailure;
    this.reset();
  }

  /** The agreement; `undefined` unless CCP is Opened with an acceptable result. */
  get agreement(): CompressionAgreement | undefined {
    return this.#agreement;
  }

  /** Why CCP cannot succeed, once known. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Resets negotiation state. */
  reset(): void {
    this.#want = this.#policy.initialOptions();
    this.#failure = undefined;
    this.#fallbacks = 0;
  }

  protected buildRequest(): RawOption[] {
    return this.#want;
  }

  protected judgeOption(option: RawOption): OptionVerdict {
    try {
      return this.#policy.judgePeerOption(option);
    } catch {
      return { verdict: 'reject' };
    }
  }

  protected adjustRequest(options: RawOption[], reject: boolean): void {
    for (const o of options) {
      const index = this.#want.findIndex((w) => w.type === o.type);
      if (index < 0) continue;
      const ours = this.#want[index]!;
      if (reject) {
        this.#want.splice(index, 1);
        let answer: boolean | readonly RawOption[] = false;
        try {
          answer = this.#policy.handleReject(ours);
        } catch {
          answer = false;
        }
        if (answer === false) this.#failure = `peer rejected CCP option ${o.type}`;
        else if (answer !== true && answer.length > 0) {
          // A fallback proposal; bounded so a peer rejecting every fallback cannot loop forever.
          if (++this.#fallbacks > this.#maxFallbacks)
            this.#failure = `peer rejected ${this.#maxFallbacks} CCP fallback proposals`;
          else this.#want.splice(index, 0, ...answer);
        }
        continue;
      }
      let next: RawOption | undefined;
      try {
        next = this.#policy.handleNak(ours, o);
      } catch (e) {
        this.#failure = e instanceof Error ? e.message : 'CCP negotiation failed';
        continue;
      }
      if (next === undefined) this.#want.splice(index, 1);
      else this.#want[index] = next;
    }
  }

  override thisLayerUp(now: number): void {
    try {
      this.#agreement = this.#policy.opened(this.ourAgreed, this.peerAgreed);
    } catch {
      this.#agreement = undefined;
    }
    if (this.#agreement === undefined)
      this.#failure ??= 'CCP opened without an acceptable MPPE agreement';
    super.thisLayerUp(now);
  }

  override thisLayerDown(now: number): void {
    this.#agreement = undefined;
    this.#resetId = undefined;
    super.thisLayerDown(now);
  }

  override thisLayerStarted(now: number): void {
    this.reset();
    super.thisLayerStarted(now);
  }

  /**
   * Sends a Reset-Request (RFC 1962 §3.1), e.g. when the MPPE decryptor lost sync. Until its
   * Reset-Ack arrives, further Reset-Requests repeat its Identifier, as §3.1 says ("another
   * Reset-Request is sent with the same Identifier, until a valid Reset-Ack is received"), so
   * an Ack of any copy answers them all.
   */
  resetRequest(): void {
    if (this.fsm.state !== 'Opened') return;
    this.#resetId ??= this.fsm.nextIdentifier();
    this.send(CP_CODE.RESET_REQUEST, this.#resetId, new Uint8Array(0));
  }

  /**
   * Reset-Request and Reset-Ack (RFC 1962 §3.1). Every Reset-Request in Opened is answered and
   * reported, copies included: resetting the compressor again is harmless (for MPPE it only
   * flushes once more). A Reset-Ack is reported only when it carries the Identifier of our
   * outstanding Reset-Request, once, as pppd does (`RACK_PENDING`); a duplicated, late or
   * unsolicited one is counted (`staleResetAcks`) and dropped. Outside Opened both are ignored.
   */
  override extendedCode(packet: ControlPacket, state: FsmState): FsmEvent | undefined {
    if (packet.code === CP_CODE.RESET_REQUEST) {
      if (state === 'Opened') {
        this.send(CP_CODE.RESET_ACK, packet.identifier, new Uint8Array(0));
        this.#events.resetRequested(packet.identifier);
      }
      return undefined;
    }
    if (packet.code === CP_CODE.RESET_ACK) {
      if (state === 'Opened' && packet.identifier === this.#resetId) {
        this.#resetId = undefined;
        this.#events.resetAcked(packet.identifier);
      } else this.ccpCounters.staleResetAcks++;
      return undefined;
    }
    return 'RUC';
  }
}
