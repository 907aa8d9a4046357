/**
 * One session of `pptpkit serve`: a control connection, its call, and the tunnel core in the
 * server role, with what the server tracks about it.
 *
 * @module
 */
import type { Tunnel, TunnelDown } from '@pptpkit/tunnel';
import type { AddressRule as ConfigAddressRule } from './config/address-rule.js';

/**
 * Which addresses a peer's secrets entry lets it use: the part of the secrets file's
 * `AddressRule` (config/address-rule.ts) the server core decides with.
 */
export type AddressRule = Pick<ConfigAddressRule, 'permits' | 'single'>;

/** A session, as the server core and its shell see it. */
export interface ServerSession {
  /** Unique in this server process, counting from 1. */
  readonly id: number;
  /** The control connection's source address (IPv4 as a 32-bit number). */
  readonly source: number;
  /** The control connection's source port. */
  readonly sourcePort: number;
  /** When the control connection was accepted (the core's clock). */
  readonly startedAt: number;
  /** Our tunnel address for this session. */
  readonly local: number;
  /** The tunnel core. */
  readonly tunnel: Tunnel;
  /** Our Call ID (the GRE Key the peer sends to), once the call is answered. */
  callId: number | undefined;
  /** The name the peer authenticated as. */
  user: string | undefined;
  /** The address given to the peer, once authorized. */
  address: number | undefined;
  /** Set by the shell when it looks the peer's secret up: the entry's address rule. */
  addressRule: AddressRule | undefined;
  /** When the tunnel came up. */
  upAt: number | undefined;
  /** Why it ended, once it did. */
  down: TunnelDown | undefined;
}
