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

/**
 * IPv6CP settings (pppd's `ipv6 LOCAL,REMOTE`, `ipv6cp-accept-local`, `ipv6cp-accept-remote`).
 * Without identifiers, ours is random and non-zero (RFC 5072 §4.1) and either side's proposal
 * for an identifier is taken.
 */
export interface Ipv6cpConfig {
  /** Our interface identifier (8 bytes, non-zero); default: random. */
  readonly local?: Uint8Array;
  /** The identifier the peer must use (8 bytes, non-zero); default: whatever it proposes. */
  readonly remote?: Uint8Array;
  /**
   * Take an identifier for us the peer suggests in a Configure-Nak (default: `true` without
   * `local`, `false` with it, as pppd).
   */
  readonly acceptLocal?: boolean;
  /**
   * Let the peer use an identifier of its own choosing even when `remote` is set (default:
   * `true` without `remote`, `false` with it, as pppd).
   */
  readonly acceptRemote?: boolean;
}

function isZero(id: Uint8Array): boolean {
  return id.every((b) => b === 0);
}

/** Checks an identifier of the configuration: 8 bytes, not all zero. */
function checkIdentifier(what: string, id: Uint8Array | undefined): void {
  if (id !== undefined && (id.length !== 8 || isZero(id)))
    throw new RangeError(`IPv6CP ${what} identifier must be 8 bytes, not all zero`);
}

/** The IPv6 Control Protocol. */
export class Ipv6cp extends ControlProtocol {
  readonly #randomBytes: (n: number) => Uint8Array;
  readonly #config: Ipv6cpConfig;
  #local: Uint8Array;
  #sendId = true;
  /** The identifier last suggested to the peer in a Nak, this negotiation (pppd's `go->hisid`). */
  #suggested: Uint8Array | undefined;
  #agreement: Ipv6cpAgreement | undefined;
  #failed: string | undefined;

  /**
   * @param sink - the link.
   * @param randomBytes - injected randomness for interface identifiers.
   * @param automaton - timers and counters.
   * @param initialIdentifier - first Identifier.
   * @param config - identifiers and what to accept.
   * @throws RangeError when an identifier of `config` is not 8 non-zero bytes.
   */
  constructor(
    sink: ProtocolSink,
    randomBytes: (n: number) => Uint8Array,
    automaton: AutomatonConfig,
    initialIdentifier: number,
    config: Ipv6cpConfig = {},
  ) {
    super(PPP_PROTOCOL.IPV6CP, sink, automaton, initialIdentifier);
    checkIdentifier('local', config.local);
    checkIdentifier('remote', config.remote);
    this.#randomBytes = randomBytes;
    this.#config = config;
    this.#local = config.local?.slice() ?? this.#fresh(undefined);
  }

  /** What was agreed; `undefined` unless IPv6CP is Opened. */
  get agreement(): Ipv6cpAgreement | undefined {
    return this.#agreement;
  }

  /** Why IPv6CP opened without a usable pair of identifiers, once known. */
  get failure(): string | undefined {
    return this.#failed;
  }

  get #acceptLocal(): boolean {
    return this.#config.acceptLocal ?? this.#config.local === undefined;
  }

  get #acceptRemote(): boolean {
    return this.#config.acceptRemote ?? this.#config.remote === undefined;
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

  #nak(id: Uint8Array): OptionVerdict {
    this.#suggested = id;
    return { verdict: 'nak', option: encodeIpv6cpOption({ type: 'interface-id', id }) };
  }

  protected judgeOption(raw: RawOption): OptionVerdict {
    let option: Ipv6cpOption;
    try {
      option = decodeIpv6cpOption(raw);
    } catch {
      return { verdict: 'reject' };
    }
    if (option.type !== 'interface-id') return { verdict: 'reject' };
    const remote = this.#config.remote;
    // A configured identifier for the peer is insisted on once, unless it may choose its own.
    if (
      remote !== undefined &&
      !this.#acceptRemote &&
      !bytesEqual(option.id, remote) &&
      this.#suggested === undefined
    ) {
      return this.#nak(remote.slice());
    }
    // RFC 5072 §4.1: a zero or colliding identifier is Nak'd with a fresh suggestion (the
    // configured one first).
    if (isZero(option.id) || bytesEqual(option.id, this.#local)) {
      const first = this.#suggested === undefined ? remote : undefined;
      return this.#nak(
        first !== undefined && !bytesEqual(first, this.#local)
          ? first.slice()
          : this.#fresh(this.#local),
      );
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
      // RFC 5072 §4.1: adopt the peer's suggestion (when we may) unless it is zero or the one
      // we suggested for the peer; our configured identifier is kept otherwise.
      if (!this.#acceptLocal) continue;
      const suggested = this.#suggested;
      this.#local =
        isZero(raw.data) || (suggested !== undefined && bytesEqual(raw.data, suggested))
          ? this.#fresh(suggested ?? this.#local)
          : raw.data.slice();
    }
  }

  override thisLayerUp(now: number): void {
    // The peer sent no identifier: the configured one, if any (pppd: `ho->hisid = wo->hisid`).
    const peer =
      this.peerAgreed.find((o) => o.type === 1)?.data ?? this.#config.remote ?? new Uint8Array(8);
    this.#failed = isZero(peer)
      ? 'could not determine the remote interface identifier'
      : bytesEqual(peer, this.#local)
        ? 'local and remote interface identifiers are equal'
        : undefined;
    this.#agreement =
      this.#failed === undefined ? { local: this.#local.slice(), peer: peer.slice() } : undefined;
    super.thisLayerUp(now);
  }

  override thisLayerDown(now: number): void {
    this.#agreement = undefined;
    super.thisLayerDown(now);
  }

  override thisLayerStarted(now: number): void {
    this.#suggested = undefined;
    this.#sendId = true;
    this.#failed = undefined;
    this.#local = this.#config.local?.slice() ?? this.#local;
    super.thisLayerStarted(now);
  }
}
