/**
 * IPv6CP (RFC 5072): Interface-Identifier negotiation; IPv6 header compression is rejected.
 *
 * @module
 */
import type { AutomatonConfig } from './automaton.js';
import { PPP_PROTOCOL } from './constants.js';
import { ControlProtocol, type OptionVerdict, type ProtocolSink } from './control-protocol.js';
import { decodeIpv6cpOption, encodeIpv6cpOption, type Ipv6cpOption } from './options.js';
import { bytesEqual, type RawOption } from './packet.js';

/** What IPv6CP agreed, valid while Opened. */
export interface Ipv6cpAgreement {
  /** Our 64-bit interface identifier. */
  readonly local: Uint8Array;
  /** The peer's 64-bit interface identifier. */
  readonly peer: Uint8Array;
}

function isZero(id: Uint8Array): boolean {
  return id.every((b) => b === 0);
}

/** The IPv6 Control Protocol. */
export class Ipv6cp extends ControlProtocol {
  readonly #randomBytes: (n: number) => Uint8Array;
  #local: Uint8Array;
  #sendId = true;
  #agreement: Ipv6cpAgreement | undefined;

  /**
   * @param sink - the link.
   * @param randomBytes - injected randomness for interface identifiers.
   * @param automaton - timers and counters.
   * @param initialIdentifier - first Identifier.
   */
  constructor(
    sink: ProtocolSink,
    randomBytes: (n: number) => Uint8Array,
    automaton: AutomatonConfig,
    initialIdentifier: number,
  ) {
    super(PPP_PROTOCOL.IPV6CP, sink, automaton, initialIdentifier);
    this.#randomBytes = randomBytes;
    this.#local = this.#fresh(undefined);
  }

  /** What was agreed; `undefined` unless IPv6CP is Opened. */
  get agreement(): Ipv6cpAgreement | undefined {
    return this.#agreement;
  }

  #fresh(avoid: Uint8Array | undefined): Uint8Array {
    for (;;) {
      const id = this.#randomBytes(8).slice(0, 8);
      if (id.length === 8 && !isZero(id) && (avoid === undefined || !bytesEqual(id, avoid)))
        return id;
    }
  }

  protected buildRequest(): RawOption[] {
    return this.#sendId ? [encodeIpv6cpOption({ type: 'interface-id', id: this.#local })] : [];
  }

  protected judgeOption(raw: RawOption): OptionVerdict {
    let option: Ipv6cpOption;
    try {
      option = decodeIpv6cpOption(raw);
    } catch {
      return { verdict: 'reject' };
    }
    if (option.type !== 'interface-id') return { verdict: 'reject' };
    // RFC 5072 §4.1: a zero or colliding identifier is Nak'd with a fresh suggestion.
    if (isZero(option.id) || bytesEqual(option.id, this.#local)) {
      return {
        verdict: 'nak',
        option: encodeIpv6cpOption({ type: 'interface-id', id: this.#fresh(this.#local) }),
      };
    }
    return { verdict: 'ack' };
  }

  protected adjustRequest(options: RawOption[], reject: boolean): void {
    for (const raw of options) {
      if (raw.type !== 1 || raw.data.length !== 8) continue;
      if (reject) {
        this.#sendId = false;
        continue;
      }
      // RFC 5072 §4.1: adopt the peer's suggestion unless it is zero.
      this.#local = isZero(raw.data) ? this.#fresh(this.#local) : raw.data.slice();
    }
  }

  override thisLayerUp(now: number): void {
    const peer = this.peerAgreed.find((o) => o.type === 1)?.data ?? new Uint8Array(8);
    this.#agreement = { local: this.#local.slice(), peer: peer.slice() };
    super.thisLayerUp(now);
  }

  override thisLayerDown(now: number): void {
    this.#agreement = undefined;
    super.thisLayerDown(now);
  }
}
