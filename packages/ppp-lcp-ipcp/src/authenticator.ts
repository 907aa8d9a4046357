/**
 * The pluggable authenticator interface: the link runs one machine per direction during the
 * Authenticate phase and hands it the payloads of its protocol (PAP 0xC023, CHAP 0xC223, EAP
 * 0xC227).
 * `@pptpkit/mschapv2`'s machines fit it; {@link PapPeer} and {@link PapAuthenticator} are
 * built in.
 *
 * @module
 */
import type { AuthSpec } from './lcp.js';

/** How an authentication exchange ended. */
export type AuthOutcome =
  | {
      /** Authenticated. */
      readonly type: 'success';
      /** Authenticator side: the name the peer authenticated as. */
      readonly peerName?: string;
      /** Peer side: the authenticator's success message. */
      readonly message?: string;
      /** Key material for MPPE, passed through untouched in the `authenticated` action. */
      readonly keys?: unknown;
    }
  | {
      /** Not authenticated: the link goes down. */
      readonly type: 'failure';
      /** Why; its message must not contain secrets. */
      readonly error: Error;
    };

/** What an authentication machine asks the link to do after one call. */
export interface AuthStep {
  /** A payload to send with the machine's protocol number. */
  readonly send?: Uint8Array;
  /** Set once, when the exchange ends. */
  readonly outcome?: AuthOutcome;
  /** Call `timeout(now)` at this time. */
  readonly deadline?: number;
  /** An ignored packet worth logging. */
  readonly diagnostic?: { readonly message: string };
}

/** One side of an authentication exchange, sans-I/O. */
export interface PppAuthenticator {
  /** Begins the exchange (authenticators send a challenge, PAP peers a request). */
  start?(now: number): AuthStep;
  /** Feeds a payload of the machine's protocol. */
  receive(payload: Uint8Array, now: number): AuthStep;
  /** The deadline of the last step passed. */
  timeout?(now: number): AuthStep;
}

/** An authentication method the policy allows, with a factory for its machine. */
export interface AuthMethod extends AuthSpec {
  /** Creates a fresh machine for one exchange. */
  create(): PppAuthenticator;
}
