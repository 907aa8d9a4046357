/**
 * How a {@link Tunnel} is set up: its role, its sinks and its settings.
 *
 * @module
 */

import type { ReorderOptions, SendWindowPolicy } from '@pptpkit/gre';
import type {
  AutomatonConfig,
  CcpPolicy,
  IpcpConfig,
  Ipv6cpConfig,
  LcpConfig,
  PeerAuthorization,
} from '@pptpkit/ppp-lcp-ipcp';
import type { KeyedAuthMethod } from './auth.js';
import type { TunnelEvent } from './events.js';

/**
 * Where a tunnel's output goes. Buffers handed to `gre` and `ip` are valid only during the call:
 * a shell that batches (sendmmsg) copies them into its own slab and writes after its read batch.
 */
export interface TunnelSink {
  /** Bytes to write to the TCP control connection, in order. */
  control(bytes: Uint8Array): void;
  /** Close the control connection once everything written so far is sent. */
  endControl(): void;
  /** One GRE datagram (GRE header included, no IP header) for the raw socket. */
  gre(buf: Uint8Array, start: number, end: number): void;
  /** One IP packet for the host (the TUN); false when the host refused it (counted). */
  ip(buf: Uint8Array, start: number, end: number): boolean;
  /** Events, in order. */
  event(event: TunnelEvent): void;
  /** Debug: a PPP control frame sent or received (never a data frame). Optional. */
  frame?(direction: 'sent' | 'received', frame: Uint8Array): void;
}

/** The PPP link's settings (pppd's link options, mapped by the application). */
export interface TunnelLinkSettings {
  /** LCP: MRU, ACFC/PFC/magic requests, echo keepalive, LCP's timers. */
  readonly lcp?: Partial<LcpConfig>;
  /** IPCP: the addresses to ask for or give, DNS. */
  readonly ipcp?: IpcpConfig;
  /**
   * IPv6CP (RFC 5072), negotiated when present (`{}`: random identifiers, as pppd's `+ipv6`);
   * absent, the peer's IPv6CP is Protocol-Rejected and only IPv4 crosses. `up` then waits for
   * IPv6CP to open or fail too; once open, IPv6 packets cross both ways.
   */
  readonly ipv6?: Ipv6cpConfig;
  /** Timers and counters of IPCP and CCP. */
  readonly automaton?: Partial<AutomatonConfig>;
  /** The CCP policy (MPPE, MPPC); absent: CCP is Protocol-Rejected. */
  readonly ccp?: CcpPolicy;
  /** End the tunnel unless CCP opens with encryption (`require-mppe`). */
  readonly requireMppe?: boolean;
  /**
   * We offered MPPC (the C bit) in our CCP request, so we decompress what the peer sends
   * (RFC 1962 §2: a Configure-Request names what its sender receives).
   */
  readonly mppcOffered?: boolean;
  /** The largest TUN MTU wanted (`mtu`); the tunnel may give less (the peer's MRU decides). */
  readonly mtu?: number;
}

/** The client (PNS) role: we place the call and authenticate ourselves. */
export interface ClientRoleOptions {
  /** Discriminant. */
  readonly role: 'client';
  /** Methods we accept to authenticate ourselves with, preferred first. */
  readonly auth: readonly KeyedAuthMethod[];
  /**
   * Phone Number of our Outgoing-Call-Request (RFC 2637 §2.7; at most 64 octets; pptp-linux
   * `--phone`). Default empty.
   */
  readonly phoneNumber?: string;
}

/** The server (PAC) role: the peer places the call and authenticates to us. */
export interface ServerRoleOptions {
  /** Discriminant. */
  readonly role: 'server';
  /** Methods the peer must authenticate with, preferred first (empty: `noauth`). */
  readonly auth: readonly KeyedAuthMethod[];
  /**
   * Decides, once the peer has authenticated (as the Network phase begins), whether it may use
   * the tunnel and which address to give it: a server's address pool and its secrets' address
   * column. A refusal ends the tunnel (`PPP_PEER_NOT_AUTHORIZED`). Absent: `link.ipcp` decides.
   */
  readonly authorize?: (peerName: string | undefined) => PeerAuthorization;
  /**
   * Hands out our Call ID (`@pptpkit/pptp-control`'s `allocateCallId`): a server whose tunnels
   * share one GRE socket keeps them unique across its control connections.
   */
  readonly allocateCallId?: () => number | undefined;
}

/** Settings of a {@link Tunnel}. */
export interface TunnelOptions {
  /** Which end of the tunnel this is. */
  readonly role: ClientRoleOptions | ServerRoleOptions;
  /** Injected cryptographic randomness. */
  readonly randomBytes: (n: number) => Uint8Array;
  /** Where output goes. */
  readonly sink: TunnelSink;
  /** The PPP link's settings. */
  readonly link?: TunnelLinkSettings;
  /** Our Host Name and Vendor String in Start-Control-Connection messages. Default `pptpkit`. */
  readonly hostName?: string;
  /** Control-plane reply timeout (PPTP replies, each teardown step), ms. Default 10 000. */
  readonly replyTimeoutMs?: number;
  /**
   * The control connection's keepalive (RFC 2637 §3.1.4; `@pptpkit/pptp-control`'s
   * `echoIntervalMs` and `echoTimeoutMs`, both 60 s by default): an Echo-Request after this long
   * without a control message (`Infinity`: none; pptp-linux `--idle-wait`), and how long its
   * Echo-Reply may take before the connection is closed (pptp-linux `--max-echo-wait`).
   */
  readonly controlEcho?: { readonly intervalMs?: number; readonly timeoutMs?: number };
  /**
   * Tuning of the GRE reorder buffer (`@pptpkit/gre`'s `ReorderOptions` without the policy, which
   * the data path decides): a fixed `holdMs` instead of the adaptive one (pptp-linux `--timeout`;
   * 0 for `--nobuffer`), `maxAhead` and `slots` (pptp-linux `--missing-window`).
   */
  readonly greReorder?: Omit<ReorderOptions, 'policy'>;
  /**
   * Resend a GRE data packet the peer's acknowledgments stop at (`@pptpkit/gre`'s `retransmit`):
   * peers that deliver in order (pptpd, pptp-linux) otherwise hold everything behind a lost
   * packet until their own timeout. Default `true`.
   */
  readonly greRetransmit?: boolean;
  /**
   * What to do when the peer's GRE receive window is full (`@pptpkit/gre`'s `SendWindowPolicy`):
   * `queue` (default) holds packets until its acknowledgments make room (pacing a burst to what
   * the peer takes in), falling back to ignoring a window the peer never acknowledges into.
   */
  readonly greSendWindow?: SendWindowPolicy;
  /** End the tunnel after this long without an IP packet either way, ms (pppd `idle`). */
  readonly idleMs?: number;
  /** End the tunnel this long after it came up, ms (pppd `maxconnect`). */
  readonly maxConnectMs?: number;
}
