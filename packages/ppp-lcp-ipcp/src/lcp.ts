/**
 * LCP (RFC 1661, RFC 1570): link options, magic-number loopback detection, Echo keepalive,
 * Discard-Request, Protocol-Reject, Identification and Time-Remaining.
 *
 * @module
 */
import type { AutomatonConfig } from './automaton.js';
import type { FsmEvent, FsmState } from './automaton-table.js';
import { CHAP_ALGORITHM, CP_CODE, PPP_PROTOCOL } from './constants.js';
import { ControlProtocol, type OptionVerdict, type ProtocolSink } from './control-protocol.js';
import { decodeLcpOption, encodeLcpOption, type LcpOption } from './options.js';
import type { ControlPacket, RawOption } from './packet.js';

/** An authentication protocol as named in the LCP Authentication-Protocol option. */
export interface AuthSpec {
  /** {@link PPP_PROTOCOL}.PAP, {@link PPP_PROTOCOL}.CHAP or {@link PPP_PROTOCOL}.EAP (others are refused). */
  readonly protocol: number;
  /** For CHAP, the algorithm ({@link CHAP_ALGORITHM}); absent for PAP and EAP. */
  readonly algorithm?: number;
}

/** LCP settings. */
export interface LcpConfig {
  /** MRU to request; omitted means do not send the option (peer assumes 1500). */
  readonly mru?: number;
  /** ACCM to request (pppd sends 0); omitted means do not send it. Ignored on receipt anyway. */
  readonly accm?: number;
  /** Request a magic number (RFC 1661 §6.4). */
  readonly magic: boolean;
  /** Request Protocol-Field-Compression. */
  readonly pfc: boolean;
  /** Request Address-and-Control-Field-Compression. */
  readonly acfc: boolean;
  /** Echo-Request interval in ms while Opened; 0 disables (pppd `lcp-echo-interval`). */
  readonly echoIntervalMs: number;
  /**
   * Unanswered Echo-Requests before the link is declared dead (pppd `lcp-echo-failure`); 0 never
   * declares it dead, as in pppd, while Echo-Requests still go out every interval (so
   * `echoRttMs` stays measured).
   */
  readonly echoFailure: number;
  /** Magic-number collisions tolerated before the link is declared looped back. */
  readonly loopbackLimit: number;
  /** Automaton timers and counters. */
  readonly automaton: AutomatonConfig;
}

/** What LCP agreed, valid while Opened. */
export interface LcpAgreement {
  /** The largest frame we may send (peer's MRU, default 1500). */
  readonly peerMru: number;
  /** The largest frame the peer may send us (our MRU). */
  readonly localMru: number;
  /** We may send PFC-compressed frames. */
  readonly txPfc: boolean;
  /** We may send ACFC-compressed frames. */
  readonly txAcfc: boolean;
  /** Our magic number, 0 when not negotiated. */
  readonly localMagic: number;
  /** The peer's magic number, 0 when not negotiated. */
  readonly peerMagic: number;
  /** The protocol we authenticate the peer with, if any. */
  readonly weAuthenticate?: AuthSpec;
  /** The protocol the peer authenticates us with, if any. */
  readonly peerAuthenticates?: AuthSpec;
}

/** Signals LCP raises to the link beyond the automaton's. */
export interface LcpEvents {
  /** The peer Protocol-Rejected `protocol`. */
  protocolRejected(protocol: number, now: number): void;
  /** Give up the link with a reason (loopback, echo failure, refused authentication). */
  fail(
    code: 'PPP_LOOPBACK' | 'PPP_ECHO_TIMEOUT' | 'PPP_AUTH_REFUSED',
    message: string,
    now: number,
  ): void;
}

/** Formats an auth spec for messages. */
export function describeAuth(spec: AuthSpec | undefined): string {
  if (spec === undefined) return 'none';
  if (spec.protocol === PPP_PROTOCOL.PAP) return 'PAP';
  if (spec.protocol === PPP_PROTOCOL.EAP) return 'EAP';
  if (spec.protocol === PPP_PROTOCOL.CHAP) {
    if (spec.algorithm === CHAP_ALGORITHM.MD5) return 'CHAP-MD5';
    if (spec.algorithm === CHAP_ALGORITHM.MSCHAP_V1) return 'MS-CHAPv1';
    if (spec.algorithm === CHAP_ALGORITHM.MSCHAP_V2) return 'MS-CHAPv2';
    return `CHAP algorithm ${spec.algorithm}`;
  }
  return `protocol 0x${spec.protocol.toString(16).padStart(4, '0')}`;
}

function authData(spec: AuthSpec): Uint8Array {
  return spec.protocol === PPP_PROTOCOL.CHAP
    ? Uint8Array.of(spec.algorithm ?? CHAP_ALGORITHM.MD5)
    : new Uint8Array(0);
}

function specOf(option: { protocol: number; data: Uint8Array }): AuthSpec {
  if (option.protocol === PPP_PROTOCOL.CHAP && option.data.length === 1) {
    return { protocol: option.protocol, algorithm: option.data[0]! };
  }
  return { protocol: option.protocol };
}

function matches(option: { protocol: number; data: Uint8Array }, spec: AuthSpec): boolean {
  if (option.protocol !== spec.protocol) return false;
  // RFC 1334 §2.2 (PAP) and RFC 2284 §2.1 (EAP): the option carries no data.
  if (spec.protocol === PPP_PROTOCOL.PAP || spec.protocol === PPP_PROTOCOL.EAP)
    return option.data.length === 0;
  if (spec.protocol === PPP_PROTOCOL.CHAP)
    return option.data.length === 1 && option.data[0] === spec.algorithm;
  return false;
}

function u32(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
}

/** The Link Control Protocol. */
export class Lcp extends ControlProtocol {
  readonly #config: LcpConfig;
  readonly #events: LcpEvents;
  readonly #random32: () => number;
  /** Auth protocols we may require of the peer, in preference order. */
  readonly #require: readonly AuthSpec[];
  /** Auth protocols we accept to authenticate ourselves with, in preference order. */
  readonly #accept: readonly AuthSpec[];
  #wantMru: number | undefined;
  #wantAccm: number | undefined;
  #wantAuth: number;
  #wantMagic: boolean;
  #magic = 0;
  #wantPfc: boolean;
  #wantAcfc: boolean;
  #loops = 0;
  #refusedAuth: AuthSpec | undefined;
  #echoAt: number | undefined;
  #echoPending = 0;
  /** The last Echo-Request we sent: its Identifier and when. */
  #echoSent: { identifier: number; at: number } | undefined;
  #echoRtt: number | undefined;
  #agreement: LcpAgreement | undefined;
  /** Counters of discarded or ignored LCP input. */
  readonly lcpCounters: { echoRepliesFromSelf: number; ignored: number; malformed: number } = {
    echoRepliesFromSelf: 0,
    ignored: 0,
    malformed: 0,
  };

  /**
   * @param sink - the link.
   * @param events - LCP-specific signals.
   * @param config - LCP settings.
   * @param require - auth protocols to require of the peer (empty: `noauth`).
   * @param accept - auth protocols we can authenticate ourselves with.
   * @param random32 - injected randomness for magic numbers.
   */
  constructor(
    sink: ProtocolSink,
    events: LcpEvents,
    config: LcpConfig,
    require: readonly AuthSpec[],
    accept: readonly AuthSpec[],
    random32: () => number,
  ) {
    super(PPP_PROTOCOL.LCP, sink, config.automaton, random32() & 0xff);
    this.#config = config;
    this.#events = events;
    this.#random32 = random32;
    this.#require = require;
    this.#accept = accept;
    this.#wantMru = config.mru;
    this.#wantAccm = config.accm;
    this.#wantAuth = require.length > 0 ? 0 : -1;
    this.#wantMagic = config.magic;
    this.#wantPfc = config.pfc;
    this.#wantAcfc = config.acfc;
    this.#magic = this.#newMagic();
  }

  /** What was agreed; `undefined` unless LCP is Opened. */
  get agreement(): LcpAgreement | undefined {
    return this.#agreement;
  }

  /** An auth protocol the peer asked for that our policy refused, if any. */
  get refusedAuth(): AuthSpec | undefined {
    return this.#refusedAuth;
  }

  /** When the next Echo-Request is due, if keepalive is running. */
  get echoDeadline(): number | undefined {
    return this.#agreement === undefined ? undefined : this.#echoAt;
  }

  /** Round-trip time of the last Echo-Request the peer answered, in `now` units. */
  get echoRttMs(): number | undefined {
    return this.#echoRtt;
  }

  /** Echo-Requests sent since the last Echo-Reply. */
  get echoesUnanswered(): number {
    return this.#echoPending;
  }

  #newMagic(): number {
    let m = this.#random32() >>> 0;
    // RFC 1661 §6.4: zero is not a valid magic number.
    while (m === 0 || m === this.#magic) m = this.#random32() >>> 0;
    return m;
  }

  /** Resets negotiation state for a fresh establishment. */
  reset(): void {
    this.#wantMru = this.#config.mru;
    this.#wantAccm = this.#config.accm;
    this.#wantAuth = this.#require.length > 0 ? 0 : -1;
    this.#wantMagic = this.#config.magic;
    this.#wantPfc = this.#config.pfc;
    this.#wantAcfc = this.#config.acfc;
    this.#loops = 0;
    this.#refusedAuth = undefined;
  }

  protected buildRequest(): RawOption[] {
    const out: LcpOption[] = [];
    if (this.#wantMru !== undefined) out.push({ type: 'mru', mru: this.#wantMru });
    if (this.#wantAccm !== undefined) out.push({ type: 'accm', accm: this.#wantAccm });
    const auth = this.#require[this.#wantAuth];
    if (auth !== undefined)
      out.push({ type: 'auth', protocol: auth.protocol, data: authData(auth) });
    if (this.#wantMagic) out.push({ type: 'magic', magic: this.#magic });
    if (this.#wantPfc) out.push({ type: 'pfc' });
    if (this.#wantAcfc) out.push({ type: 'acfc' });
    return out.map(encodeLcpOption);
  }

  protected judgeOption(raw: RawOption, rejectInsteadOfNak: boolean): OptionVerdict {
    let option: LcpOption;
    try {
      option = decodeLcpOption(raw);
    } catch {
      return { verdict: 'reject' };
    }
    switch (option.type) {
      case 'mru':
        // RFC 1661 §6.1: we can send any size up to the peer's MRU; refuse absurdly small ones.
        if (option.mru < 128)
          return { verdict: 'nak', option: encodeLcpOption({ type: 'mru', mru: 128 }) };
        return { verdict: 'ack' };
      case 'accm':
        // RFC 1662 §7.1: meaningless on a synchronous link; accepted and ignored.
        return { verdict: 'ack' };
      case 'auth': {
        if (this.#accept.some((s) => matches(option, s))) return { verdict: 'ack' };
        this.#refusedAuth = specOf(option);
        this.sink.diagnostic(
          this.protocol,
          `peer asks to authenticate us with ${describeAuth(this.#refusedAuth)}, which the policy refuses`,
        );
        // RFC 1661 §6.2: Nak with the protocol we prefer, or Reject when we have none.
        const preferred = this.#accept[0];
        if (preferred === undefined || rejectInsteadOfNak) return { verdict: 'reject' };
        return {
          verdict: 'nak',
          option: encodeLcpOption({
            type: 'auth',
            protocol: preferred.protocol,
            data: authData(preferred),
          }),
        };
      }
      case 'magic':
        // RFC 1661 §6.4: an equal magic number suggests a looped-back link.
        if (option.magic === 0 || (this.#wantMagic && option.magic === this.#magic)) {
          if (option.magic !== 0) {
            this.#loops++;
            this.#magic = this.#newMagic();
            if (this.#loops >= this.#config.loopbackLimit) {
              this.#events.fail(
                'PPP_LOOPBACK',
                `magic number came back ${this.#loops} times: the link appears looped back`,
                0,
              );
            }
          }
          return {
            verdict: 'nak',
            option: encodeLcpOption({ type: 'magic', magic: this.#newMagic() }),
          };
        }
        return { verdict: 'ack' };
      case 'pfc':
      case 'acfc':
        return { verdict: 'ack' };
      default:
        // Quality-Protocol, callback, multilink and unknown options are not implemented.
        return { verdict: 'reject' };
    }
  }

  protected adjustRequest(options: RawOption[], reject: boolean): void {
    for (const raw of options) {
      let option: LcpOption;
      try {
        option = decodeLcpOption(raw);
      } catch {
        continue;
      }
      switch (option.type) {
        case 'mru':
          // RFC 1661 §6.1: adopt the suggested MRU unless it is below the minimum we support.
          this.#wantMru = reject || option.mru < 128 ? undefined : option.mru;
          break;
        case 'accm':
          this.#wantAccm = reject ? undefined : ((this.#wantAccm ?? 0) | option.accm) >>> 0;
          break;
        case 'auth':
          this.#adjustAuth(option, reject);
          break;
        case 'magic':
          if (reject) this.#wantMagic = false;
          else this.#magic = this.#newMagic();
          break;
        case 'pfc':
          this.#wantPfc = false;
          break;
        case 'acfc':
          this.#wantAcfc = false;
          break;
        default:
          break;
      }
    }
  }

  #adjustAuth(option: { protocol: number; data: Uint8Array }, reject: boolean): void {
    if (this.#wantAuth < 0) return;
    const current = this.#require[this.#wantAuth]!;
    if (reject) {
      // RFC 1661 §6.2: the peer will not authenticate at all; we require it.
      this.#events.fail(
        'PPP_AUTH_REFUSED',
        `peer refused to authenticate (we require ${describeAuth(current)})`,
        0,
      );
      return;
    }
    const suggested = specOf(option);
    const index = this.#require.findIndex((s) => matches(option, s));
    if (index >= 0) {
      this.#wantAuth = index;
      return;
    }
    this.sink.diagnostic(
      this.protocol,
      `peer suggests ${describeAuth(suggested)} instead of ${describeAuth(current)}, which the policy does not allow`,
    );
    if (this.#wantAuth + 1 < this.#require.length) this.#wantAuth++;
  }

  override thisLayerUp(now: number): void {
    let peerMru = 1500;
    let localMru = 1500;
    let txPfc = false;
    let txAcfc = false;
    let peerMagic = 0;
    let localMagic = 0;
    let peerAuthenticates: AuthSpec | undefined;
    let weAuthenticate: AuthSpec | undefined;
    for (const raw of this.peerAgreed) {
      const o = decodeLcpOption(raw);
      if (o.type === 'mru') peerMru = o.mru;
      else if (o.type === 'pfc') txPfc = true;
      else if (o.type === 'acfc') txAcfc = true;
      else if (o.type === 'magic') peerMagic = o.magic;
      else if (o.type === 'auth') peerAuthenticates = specOf(o);
    }
    for (const raw of this.ourAgreed) {
      const o = decodeLcpOption(raw);
      if (o.type === 'mru') localMru = o.mru;
      else if (o.type === 'magic') localMagic = o.magic;
      else if (o.type === 'auth') weAuthenticate = specOf(o);
    }
    this.#agreement = {
      peerMru,
      localMru,
      txPfc,
      txAcfc,
      localMagic,
      peerMagic,
      ...(weAuthenticate === undefined ? {} : { weAuthenticate }),
      ...(peerAuthenticates === undefined ? {} : { peerAuthenticates }),
    };
    this.#echoPending = 0;
    this.#echoAt = this.#config.echoIntervalMs > 0 ? now + this.#config.echoIntervalMs : undefined;
    super.thisLayerUp(now);
  }

  override thisLayerDown(now: number): void {
    this.#agreement = undefined;
    this.#echoAt = undefined;
    this.#echoSent = undefined;
    super.thisLayerDown(now);
  }

  override thisLayerStarted(now: number): void {
    this.reset();
    super.thisLayerStarted(now);
  }

  /** Runs the Restart timer and the Echo keepalive. */
  timeout(now: number): void {
    this.fsm.timeout(now);
    if (this.#agreement === undefined || this.#echoAt === undefined || now < this.#echoAt) return;
    const failure = this.#config.echoFailure;
    if (failure > 0 && this.#echoPending >= failure) {
      this.#echoAt = undefined;
      this.#events.fail(
        'PPP_ECHO_TIMEOUT',
        `no reply to ${this.#echoPending} LCP Echo-Requests`,
        now,
      );
      return;
    }
    this.#echoPending++;
    this.#echoAt = now + this.#config.echoIntervalMs;
    const identifier = this.fsm.nextIdentifier();
    this.#echoSent = { identifier, at: now };
    this.send(CP_CODE.ECHO_REQUEST, identifier, this.#magicBytes());
  }

  #magicBytes(): Uint8Array {
    const m = this.#agreement?.localMagic ?? 0;
    return Uint8Array.of(m >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, m & 0xff);
  }

  /** Sends a Protocol-Reject for a frame of an unsupported protocol (RFC 1661 §5.7). */
  protocolReject(protocol: number, information: Uint8Array): void {
    if (this.fsm.state !== 'Opened') return;
    const room = Math.max(0, this.sink.peerMru() - 6);
    const data = new Uint8Array(2 + Math.min(room, information.length));
    data[0] = protocol >>> 8;
    data[1] = protocol & 0xff;
    data.set(information.subarray(0, data.length - 2), 2);
    this.send(CP_CODE.PROTOCOL_REJECT, this.fsm.nextIdentifier(), data);
  }

  override extendedCode(packet: ControlPacket, state: FsmState, now: number): FsmEvent | undefined {
    switch (packet.code) {
      case CP_CODE.PROTOCOL_REJECT: {
        if (packet.data.length < 2) {
          this.lcpCounters.malformed++;
          return undefined;
        }
        const rejected = (packet.data[0]! << 8) | packet.data[1]!;
        // RFC 1661 §5.7: a rejected LCP is catastrophic; anything else only ends that protocol.
        if (rejected === PPP_PROTOCOL.LCP) return 'RXJ-';
        if (state === 'Opened') this.#events.protocolRejected(rejected, now);
        return 'RXJ+';
      }
      case CP_CODE.ECHO_REQUEST:
      case CP_CODE.DISCARD_REQUEST:
        if (packet.data.length < 4) {
          this.lcpCounters.malformed++;
          return undefined;
        }
        return 'RXR';
      case CP_CODE.ECHO_REPLY: {
        if (packet.data.length < 4) {
          this.lcpCounters.malformed++;
          return undefined;
        }
        const magic = u32(packet.data, 0);
        const ours = this.#agreement?.localMagic ?? 0;
        if (ours !== 0 && magic === ours) {
          // RFC 1661 §5.8: our own magic number in a reply means a loop.
          this.lcpCounters.echoRepliesFromSelf++;
          this.sink.diagnostic(
            this.protocol,
            'received an Echo-Reply carrying our own magic number',
          );
          return undefined;
        }
        this.#echoPending = 0;
        // RFC 1661 §5.8: the reply copies the request's Identifier; time our latest request.
        const sent = this.#echoSent;
        if (sent !== undefined && sent.identifier === packet.identifier) {
          this.#echoRtt = now - sent.at;
          this.#echoSent = undefined;
        }
        return 'RXR';
      }
      case CP_CODE.IDENTIFICATION:
      case CP_CODE.TIME_REMAINING:
        // RFC 1570 §2.1/§2.2: informational; silently accepted.
        this.lcpCounters.ignored++;
        return undefined;
      default:
        return 'RUC';
    }
  }

  override codeRejectPermitted(code: number): boolean {
    // RFC 1661 §5.6: a peer that Code-Rejects Echo-Request can never answer one; stop the
    // keepalive rather than declare the link dead later.
    if (code === CP_CODE.ECHO_REQUEST && this.#echoAt !== undefined) {
      this.#echoAt = undefined;
      this.#echoPending = 0;
      this.sink.diagnostic(this.protocol, 'peer Code-Rejected Echo-Request: LCP keepalive stopped');
    }
    return super.codeRejectPermitted(code);
  }

  override echoReply(packet: ControlPacket): void {
    if (packet.code !== CP_CODE.ECHO_REQUEST) return;
    const reply = new Uint8Array(packet.data.length);
    reply.set(packet.data);
    reply.set(this.#magicBytes(), 0);
    this.send(CP_CODE.ECHO_REPLY, packet.identifier, reply);
  }
}
