/**
 * The part every control protocol (LCP, IPCP, IPv6CP, CCP) shares on top of the automaton:
 * option-list judging into one Ack, Nak or Reject, Ack validation against the outstanding
 * request, and hand-off to the link.
 *
 * @module
 */
import {
  Automaton,
  type AutomatonConfig,
  type AutomatonHooks,
  type RequestVerdict,
} from './automaton.js';
import type { FsmEvent, FsmState } from './automaton-table.js';
import { CP_CODE } from './constants.js';
import {
  bytesEqual,
  type ControlPacket,
  decodeOptions,
  encodeOptions,
  type RawOption,
} from './packet.js';

/** How one option of the peer's Configure-Request is answered. */
export type OptionVerdict =
  | { readonly verdict: 'ack' }
  | { readonly verdict: 'nak'; readonly option: RawOption }
  | { readonly verdict: 'reject' };

/** What a control protocol needs from the link that owns it. */
export interface ProtocolSink {
  /** Frames and transmits a control packet for `protocol`. */
  send(protocol: number, packet: Uint8Array): void;
  /** The protocol reached Opened (This-Layer-Up). */
  layerUp(protocol: number, now: number): void;
  /** The protocol left Opened (This-Layer-Down). */
  layerDown(protocol: number, now: number): void;
  /** The protocol needs the lower layer (This-Layer-Started). */
  layerStarted(protocol: number, now: number): void;
  /** The protocol is done with the lower layer (This-Layer-Finished). */
  layerFinished(protocol: number, now: number): void;
  /** A non-fatal event worth logging. */
  diagnostic(protocol: number, message: string): void;
  /** The peer's MRU: the largest packet we may send. */
  peerMru(): number;
}

/** Base of LCP, IPCP, IPv6CP and CCP. */
export abstract class ControlProtocol implements AutomatonHooks {
  /** The automaton instance. */
  readonly fsm: Automaton;
  /** The PPP protocol number of this control protocol. */
  readonly protocol: number;
  /** The sink the link provided. */
  protected readonly sink: ProtocolSink;
  #lastRequest: Uint8Array = new Uint8Array(0);
  /** Options of ours the peer Acked (valid once Opened). */
  protected ourAgreed: RawOption[] = [];
  /** Options of the peer's we Acked (valid once Opened). */
  protected peerAgreed: RawOption[] = [];

  /**
   * @param protocol - PPP protocol number.
   * @param sink - the link.
   * @param config - automaton timers and counters.
   * @param initialIdentifier - first Identifier.
   */
  constructor(
    protocol: number,
    sink: ProtocolSink,
    config: AutomatonConfig,
    initialIdentifier: number,
  ) {
    this.protocol = protocol;
    this.sink = sink;
    this.fsm = new Automaton(this, config, initialIdentifier);
  }

  /** Current automaton state. */
  get state(): FsmState {
    return this.fsm.state;
  }

  /** Our next Configure-Request's options, in order. */
  protected abstract buildRequest(): RawOption[];
  /** Judges one option of the peer's Configure-Request. */
  protected abstract judgeOption(option: RawOption, rejectInsteadOfNak: boolean): OptionVerdict;
  /** The peer Nak'd (`reject` false) or Rejected (`reject` true) these options of ours. */
  protected abstract adjustRequest(options: RawOption[], reject: boolean): void;

  /** Called before the peer's options are judged, to reset per-request judging state. */
  protected beginJudging(): void {}

  requestOptions(): Uint8Array {
    this.#lastRequest = encodeOptions(this.buildRequest());
    return this.#lastRequest;
  }

  judgeRequest(data: Uint8Array, rejectInsteadOfNak: boolean): RequestVerdict | undefined {
    let options: RawOption[];
    try {
      options = decodeOptions(data);
    } catch {
      return undefined;
    }
    this.beginJudging();
    const naks: RawOption[] = [];
    const rejects: RawOption[] = [];
    for (const option of options) {
      const v = this.judgeOption(option, rejectInsteadOfNak);
      if (v.verdict === 'reject') rejects.push(option);
      else if (v.verdict === 'nak') {
        if (rejectInsteadOfNak) rejects.push(option);
        else naks.push(v.option);
      }
    }
    // RFC 1661 §5.4/§5.3: Reject takes precedence over Nak, which takes precedence over Ack.
    if (rejects.length > 0) return { code: CP_CODE.CONFIGURE_REJECT, data: encodeOptions(rejects) };
    if (naks.length > 0) return { code: CP_CODE.CONFIGURE_NAK, data: encodeOptions(naks) };
    this.peerAgreed = options;
    return { code: CP_CODE.CONFIGURE_ACK, data };
  }

  receiveAck(data: Uint8Array): boolean {
    // RFC 1661 §5.2: the Ack's options must be exactly those of the request.
    if (!bytesEqual(data, this.#lastRequest)) return false;
    this.ourAgreed = decodeOptions(data);
    return true;
  }

  receiveNakOrReject(data: Uint8Array, reject: boolean): boolean {
    let options: RawOption[];
    try {
      options = decodeOptions(data);
    } catch {
      return false;
    }
    if (reject) {
      // RFC 1661 §5.4: a Reject may only list options we sent, unchanged.
      const sent = decodeOptions(this.#lastRequest);
      const valid = options.every((o) =>
        sent.some((s) => s.type === o.type && bytesEqual(s.data, o.data)),
      );
      if (!valid) return false;
    }
    this.adjustRequest(options, reject);
    return true;
  }

  thisLayerUp(now: number): void {
    this.sink.layerUp(this.protocol, now);
  }

  thisLayerDown(now: number): void {
    this.sink.layerDown(this.protocol, now);
  }

  thisLayerStarted(now: number): void {
    this.sink.layerStarted(this.protocol, now);
  }

  thisLayerFinished(now: number): void {
    this.sink.layerFinished(this.protocol, now);
  }

  extendedCode(_packet: ControlPacket, _state: FsmState, _now: number): FsmEvent | undefined {
    return 'RUC';
  }

  echoReply(_packet: ControlPacket): void {}

  codeRejectPermitted(code: number): boolean {
    // RFC 1661 §5.6: rejecting a code the automaton needs (1–7) is catastrophic.
    return code > CP_CODE.CODE_REJECT;
  }

  send(code: number, identifier: number, data: Uint8Array): void {
    const packet = new Uint8Array(4 + data.length);
    packet[0] = code;
    packet[1] = identifier;
    packet[2] = packet.length >>> 8;
    packet[3] = packet.length & 0xff;
    packet.set(data, 4);
    this.sink.send(this.protocol, packet);
  }

  maxPacket(): number {
    return this.sink.peerMru();
  }
}
