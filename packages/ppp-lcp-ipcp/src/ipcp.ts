/**
 * IPCP (RFC 1332) with the DNS and NBNS options of RFC 1877.
 *
 * @module
 */
import type { AutomatonConfig } from './automaton.js';
import { PPP_PROTOCOL } from './constants.js';
import { ControlProtocol, type OptionVerdict, type ProtocolSink } from './control-protocol.js';
import { decodeIpcpOption, encodeIpcpOption, type IpcpOption } from './options.js';
import type { RawOption } from './packet.js';

/** IPCP settings. Addresses are 32-bit unsigned integers (`parseIpv4` of `@pptpkit/wire`). */
export interface IpcpConfig {
  /** Our address; 0 (the default) asks the peer to assign one (RFC 1332 §3.3). */
  readonly localAddress?: number;
  /** The address to give the peer when it asks with 0.0.0.0 (server role). */
  readonly peerAddress?: number;
  /** Ask the peer for DNS servers (pppd `usepeerdns`, RFC 1877 §1.1/§1.3). */
  readonly requestDns?: boolean;
  /** Ask the peer for NBNS (WINS) servers (RFC 1877 §1.2/§1.4). */
  readonly requestNbns?: boolean;
  /** DNS servers to give a peer that asks (server role), primary then secondary. */
  readonly dns?: readonly number[];
  /** NBNS (WINS) servers to give a peer that asks (server role). */
  readonly nbns?: readonly number[];
}

/** What IPCP agreed, valid while Opened. */
export interface IpcpAgreement {
  /** Our address. */
  readonly local: number;
  /** The peer's address (0 if it did not tell). */
  readonly peer: number;
  /** DNS servers the peer gave us, primary first. */
  readonly dns: readonly number[];
  /** NBNS (WINS) servers the peer gave us, primary first. */
  readonly nbns: readonly number[];
}

type ServerKind = 'dns1' | 'dns2' | 'nbns1' | 'nbns2';

/** The IP Control Protocol. */
export class Ipcp extends ControlProtocol {
  readonly #config: IpcpConfig;
  /** The address we give the peer (server role): `config.peerAddress` or {@link Ipcp.setPeerAddress}. */
  #peerAddress: number | undefined;
  #want: Map<'address' | ServerKind, number> = new Map();
  #agreement: IpcpAgreement | undefined;
  #failed: string | undefined;

  /**
   * @param sink - the link.
   * @param config - IPCP settings.
   * @param automaton - timers and counters.
   * @param initialIdentifier - first Identifier.
   */
  constructor(
    sink: ProtocolSink,
    config: IpcpConfig,
    automaton: AutomatonConfig,
    initialIdentifier: number,
  ) {
    super(PPP_PROTOCOL.IPCP, sink, automaton, initialIdentifier);
    this.#config = config;
    this.#peerAddress = config.peerAddress;
    this.reset();
  }

  /**
   * Replaces the address given to the peer (server role), before the peer's Configure-Request
   * is judged: the server decides it once the peer has authenticated.
   */
  setPeerAddress(address: number): void {
    this.#peerAddress = address;
  }

  /** What was agreed; `undefined` unless IPCP is Opened. */
  get agreement(): IpcpAgreement | undefined {
    return this.#agreement;
  }

  /** Why IPCP cannot succeed, once known (e.g. the peer rejected our address request). */
  get failure(): string | undefined {
    return this.#failed;
  }

  /** Resets negotiation state for a fresh start. */
  reset(): void {
    const c = this.#config;
    this.#want = new Map<'address' | ServerKind, number>([['address', c.localAddress ?? 0]]);
    if (c.requestDns) {
      this.#want.set('dns1', 0);
      this.#want.set('dns2', 0);
    }
    if (c.requestNbns) {
      this.#want.set('nbns1', 0);
      this.#want.set('nbns2', 0);
    }
    this.#failed = undefined;
  }

  protected buildRequest(): RawOption[] {
    const out: IpcpOption[] = [];
    for (const [type, address] of this.#want) out.push({ type, address });
    return out.map(encodeIpcpOption);
  }

  #server(kind: ServerKind): number | undefined {
    const list = kind === 'dns1' || kind === 'dns2' ? this.#config.dns : this.#config.nbns;
    return list?.[kind.endsWith('1') ? 0 : 1];
  }

  protected judgeOption(raw: RawOption): OptionVerdict {
    let option: IpcpOption;
    try {
      option = decodeIpcpOption(raw);
    } catch {
      return { verdict: 'reject' };
    }
    switch (option.type) {
      case 'address': {
        const assigned = this.#peerAddress;
        // RFC 1332 §3.3: 0.0.0.0 asks us to assign; Nak with the address we have for the peer.
        if (option.address === 0) {
          if (assigned === undefined) return { verdict: 'reject' };
          return {
            verdict: 'nak',
            option: encodeIpcpOption({ type: 'address', address: assigned }),
          };
        }
        if (assigned !== undefined && assigned !== option.address) {
          return {
            verdict: 'nak',
            option: encodeIpcpOption({ type: 'address', address: assigned }),
          };
        }
        return { verdict: 'ack' };
      }
      case 'dns1':
      case 'dns2':
      case 'nbns1':
      case 'nbns2': {
        // RFC 1877 §1: Nak with the server address we offer; Reject when we have none.
        const mine = this.#server(option.type);
        if (mine === undefined) return { verdict: 'reject' };
        if (mine === option.address) return { verdict: 'ack' };
        return { verdict: 'nak', option: encodeIpcpOption({ type: option.type, address: mine }) };
      }
      default:
        // RFC 1332 §3.2: Van Jacobson compression is not implemented, so it is rejected.
        return { verdict: 'reject' };
    }
  }

  protected adjustRequest(options: RawOption[], reject: boolean): void {
    for (const raw of options) {
      let option: IpcpOption;
      try {
        option = decodeIpcpOption(raw);
      } catch {
        continue;
      }
      if (option.type === 'compression' || option.type === 'unknown') continue;
      if (!this.#want.has(option.type)) continue;
      if (reject) {
        this.#want.delete(option.type);
        if (option.type === 'address' && (this.#config.localAddress ?? 0) === 0) {
          this.#failed = 'peer rejected our request for an IP address';
        }
      } else {
        this.#want.set(option.type, option.address);
      }
    }
  }

  override thisLayerUp(now: number): void {
    let peer = 0;
    for (const raw of this.peerAgreed) {
      const o = decodeIpcpOption(raw);
      if (o.type === 'address') peer = o.address;
    }
    const ours = new Map<string, number>();
    for (const raw of this.ourAgreed) {
      const o = decodeIpcpOption(raw);
      if (o.type !== 'compression' && o.type !== 'unknown') ours.set(o.type, o.address);
    }
    const pick = (a: string, b: string): number[] =>
      [ours.get(a), ours.get(b)].filter((x): x is number => x !== undefined && x !== 0);
    this.#agreement = {
      local: ours.get('address') ?? this.#config.localAddress ?? 0,
      peer,
      dns: pick('dns1', 'dns2'),
      nbns: pick('nbns1', 'nbns2'),
    };
    super.thisLayerUp(now);
  }

  override thisLayerDown(now: number): void {
    this.#agreement = undefined;
    super.thisLayerDown(now);
  }

  override thisLayerStarted(now: number): void {
    this.reset();
    super.thisLayerStarted(now);
  }
}
