/**
 * Types shared by the CHAP peer and authenticator machines: algorithms, key material for MPPE,
 * and the step each call returns.
 *
 * @module
 */
import type { AuthenticationError, DecodeError, TimeoutError } from '@pptpkit/wire';
import type { MschapErrorCode } from './errors.js';

/** The CHAP algorithms this package speaks (the LCP Authentication-Protocol option's name). */
export type ChapAlgorithm = 'chap-md5' | 'mschapv1' | 'mschapv2';

/**
 * The Algorithm octet of the LCP Authentication-Protocol option for CHAP (0xC223): RFC 1994
 * §3 (MD5 = 5), RFC 2433 §2 (0x80), RFC 2759 §2 (0x81).
 */
export const CHAP_ALGORITHM: {
  readonly 'chap-md5': 5;
  readonly mschapv1: 0x80;
  readonly mschapv2: 0x81;
} = { 'chap-md5': 5, mschapv1: 0x80, mschapv2: 0x81 } as const;

/** Injected randomness: returns `n` fresh random bytes. */
export type RandomBytes = (n: number) => Uint8Array;

/** CHAP-MD5 yields no key material (MPPE needs MS-CHAP). */
export interface ChapMd5Keys {
  /** Which algorithm produced these keys. */
  readonly algorithm: 'chap-md5';
}

/**
 * MS-CHAPv1 inputs to MPPE key derivation (RFC 3079 §2). Secrets: never log them.
 */
export interface Mschapv1Keys {
  /** Which algorithm produced these keys. */
  readonly algorithm: 'mschapv1';
  /** NtPasswordHash (RFC 2433 §A.2), 16 bytes. */
  readonly passwordHash: Uint8Array;
  /** HashNtPasswordHash, MD4 of {@link Mschapv1Keys.passwordHash}, 16 bytes (RFC 3079 §2.4). */
  readonly passwordHashHash: Uint8Array;
  /** LmPasswordHash (RFC 2433 §A.1), 16 bytes, for 40/56-bit keys (RFC 3079 §2.1–2.2). */
  readonly lmPasswordHash: Uint8Array;
  /** The authenticator's 8-byte challenge (RFC 3079 §2.4). */
  readonly challenge: Uint8Array;
}

/**
 * MS-CHAPv2 inputs to MPPE key derivation (RFC 3079 §3.4 GetMasterKey). Secrets: never log them.
 */
export interface Mschapv2Keys {
  /** Which algorithm produced these keys. */
  readonly algorithm: 'mschapv2';
  /** HashNtPasswordHash (RFC 2759 §8.4), 16 bytes. */
  readonly passwordHashHash: Uint8Array;
  /** The 24-byte NT-Response sent by the peer. */
  readonly ntResponse: Uint8Array;
}

/** What a successful exchange yields for MPPE. */
export type ChapKeyMaterial = ChapMd5Keys | Mschapv1Keys | Mschapv2Keys;

/** How an exchange ended. */
export type ChapOutcome =
  | {
      /** Authenticated. */
      readonly type: 'success';
      /** Key material for `@pptpkit/mppe`. */
      readonly keys: ChapKeyMaterial;
      /** Authenticator side: the name the peer authenticated as. */
      readonly peerName?: string;
      /** Peer side: the text of the authenticator's Success message (after `M=` for MS-CHAPv2). */
      readonly message?: string;
      /**
       * MS-CHAPv2: `true` when the exchange changed the password (RFC 2759 §7); the key
       * material then comes from the new password.
       */
      readonly passwordChanged?: boolean;
    }
  | {
      /** Not authenticated; the link should go down. */
      readonly type: 'failure';
      /** Why, with a stable code (see the README's errors table). */
      readonly error: AuthenticationError<MschapErrorCode> | TimeoutError<MschapErrorCode>;
    };

/** Why an incoming packet was ignored. */
export type ChapDropReason =
  | 'malformed'
  | 'unexpected-code'
  | 'unexpected-identifier'
  | 'bad-value-size'
  | 'not-expected'
  | 'duplicate';

/** A note about an ignored packet; the exchange continues unchanged. */
export interface ChapDiagnostic {
  /** Stable reason. */
  readonly reason: ChapDropReason;
  /** A sentence for logs; never contains secrets. */
  readonly message: string;
  /** The decode error, when the packet was malformed. */
  readonly error?: DecodeError;
}

/**
 * What a machine asks its caller to do after one call. Any field may be absent; an empty
 * object means "nothing to do".
 */
export interface ChapStep {
  /** A CHAP payload to send in a PPP frame with protocol 0xC223. */
  readonly send?: Uint8Array;
  /** Set once, when the exchange ends. */
  readonly outcome?: ChapOutcome;
  /** Set when an incoming packet was ignored. */
  readonly diagnostic?: ChapDiagnostic;
  /**
   * Call `timeout(now)` at this time (ms, the caller's clock): the authenticator's Challenge
   * retransmission, the peer's Response retransmission.
   */
  readonly deadline?: number;
}
