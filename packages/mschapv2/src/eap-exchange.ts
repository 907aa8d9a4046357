/**
 * Types shared by the EAP peer and authenticator machines: the methods, the outcome and the
 * step each call returns.
 *
 * @module
 */
import type { AuthenticationError, DecodeError, TimeoutError } from '@pptpkit/wire';
import type { EapFailureCode } from './eap-errors.js';
import type { ChapMd5Keys, Mschapv2Keys } from './exchange.js';

/** The EAP methods this package speaks: MD5-Challenge (type 4) and MS-CHAP-V2 (type 26). */
export type EapMethod = 'md5' | 'mschapv2';

/** How an EAP exchange ended. */
export type EapOutcome =
  | {
      /** Authenticated. */
      readonly type: 'success';
      /** MD5-Challenge yields no keys; MS-CHAP-V2 yields RFC 3079's inputs (secret: never log). */
      readonly keys: ChapMd5Keys | Mschapv2Keys;
      /** Authenticator side: the name the peer authenticated as. */
      readonly peerName?: string;
      /** Peer side: the `M=` text of an MS-CHAP-V2 Success. */
      readonly message?: string;
    }
  | {
      /** Not authenticated; the link should go down. */
      readonly type: 'failure';
      /** Why, with a stable code. */
      readonly error: AuthenticationError<EapFailureCode> | TimeoutError<EapFailureCode>;
    };

/** Why an incoming EAP packet was ignored. */
export type EapDropReason =
  | 'malformed'
  | 'unexpected-code'
  | 'unexpected-identifier'
  | 'unexpected-type'
  | 'not-expected';

/** A note about an ignored packet; the exchange continues unchanged. */
export interface EapDiagnostic {
  /** Stable reason. */
  readonly reason: EapDropReason;
  /** A sentence for logs; never contains secrets. */
  readonly message: string;
  /** The decode error, when the packet was malformed. */
  readonly error?: DecodeError;
}

/** What an EAP machine asks its caller to do after one call; any field may be absent. */
export interface EapStep {
  /** An EAP payload to send in a PPP frame with protocol 0xC227. */
  readonly send?: Uint8Array;
  /** Set once, when the exchange ends. */
  readonly outcome?: EapOutcome;
  /** Set when an incoming packet was ignored (and counted in the machine's `dropped`). */
  readonly diagnostic?: EapDiagnostic;
  /** Call `timeout(now)` at this time (the authenticator's Request retransmission). */
  readonly deadline?: number;
}
