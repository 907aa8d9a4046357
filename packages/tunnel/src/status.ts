/**
 * The snapshot a tunnel gives for status displays.
 *
 * @module
 */
import type { ReorderPolicy } from '@pptpkit/gre';
import type { CompressionAgreement, FsmState } from '@pptpkit/ppp-lcp-ipcp';
import type { DataPathCounters } from './data-path.js';
import type { TunnelDown } from './events.js';
import type { TunnelState } from './tunnel.js';

/** A read-only snapshot of a tunnel. */
export interface TunnelStatus {
  /** Which end this is. */
  readonly role: 'client' | 'server';
  /** Where the tunnel is. */
  readonly state: TunnelState;
  /** The call's IDs, once placed. */
  readonly call?: { readonly callId: number; readonly peerCallId: number };
  /** The authentication method (ours as a client, the peer's as a server), pppd's name. */
  readonly auth?: string;
  /** Server role: the name the peer authenticated as. */
  readonly peerName?: string;
  /** Our tunnel address, once up. */
  readonly local?: string;
  /** The peer's tunnel address, once up. */
  readonly remote?: string;
  /** DNS servers the peer gave us. */
  readonly dns?: readonly string[];
  /** The TUN MTU. */
  readonly mtu?: number;
  /** The CCP agreement. */
  readonly mppe?: CompressionAgreement;
  /** Milliseconds since the tunnel came up. */
  readonly uptimeMs?: number;
  /** Data-path counters, while up. */
  readonly data?: Readonly<DataPathCounters>;
  /** GRE counters, once the call is up. */
  readonly gre?: Readonly<Record<string, number>>;
  /**
   * How received GRE packets are handed on: `arrival` (each at once: stateless MPPE, plain PPP)
   * or `sequence` (in order, stateful MPPE and MPPC), with the hold a gap is waited for now (ms)
   * and how many packets held behind a gap make it a loss.
   */
  readonly reorder?: {
    readonly policy: ReorderPolicy;
    readonly ms: number;
    readonly depth: number;
  };
  /**
   * IPv6CP, when enabled: its automaton state and, while open, the interface identifiers in
   * pppd's text (`xxxx:xxxx:xxxx:xxxx`, the form `fe80::` completes to a link-local address).
   */
  readonly ipv6cp?: {
    readonly state: FsmState;
    readonly local?: string;
    readonly remote?: string;
  };
  /** Round-trip time of the last answered LCP Echo-Request, ms. */
  readonly lcpEchoRttMs?: number;
  /** IP packets from the host dropped because the tunnel was not up. */
  readonly ipDroppedNotUp: number;
  /** Why the tunnel ended, once it did. */
  readonly down?: TunnelDown;
}
