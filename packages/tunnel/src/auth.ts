/**
 * Authentication machines whose key material stays typed from the exchange to MPPE.
 *
 * @module
 */
import { deriveMsChapV1StartKey, deriveMsChapV2StartKeys, type MppeStartKeys } from '@pptpkit/mppe';
import type { ChapKeyMaterial } from '@pptpkit/mschapv2';
import type { AuthSpec, AuthStep } from '@pptpkit/ppp-lcp-ipcp';

/** How one side of an exchange ended, with the exchange's key material typed. */
export type KeyedAuthOutcome =
  | {
      /** Authenticated. */
      readonly type: 'success';
      /** Authenticator side: the name the peer authenticated as. */
      readonly peerName?: string;
      /** Peer side: the authenticator's success message. */
      readonly message?: string;
      /** MS-CHAP key material for MPPE (secret: never log); absent for PAP. */
      readonly keys?: ChapKeyMaterial;
      /** MS-CHAPv2: the exchange changed the password (RFC 2759 §7); `keys` are the new one's. */
      readonly passwordChanged?: boolean;
    }
  | {
      /** Not authenticated. */
      readonly type: 'failure';
      /** Why; a typed error with a `code` where the machine gives one. Never holds secrets. */
      readonly error: Error;
    };

/** One step of a {@link KeyedAuthenticator}. */
export interface KeyedAuthStep extends AuthStep {
  /** Set once, when the exchange ends. */
  readonly outcome?: KeyedAuthOutcome;
}

/**
 * An authentication machine (`@pptpkit/mschapv2`'s `ChapPeer`/`ChapAuthenticator`,
 * `@pptpkit/ppp-lcp-ipcp`'s PAP machines) as the tunnel takes it: a `PppAuthenticator` whose
 * outcome carries typed key material.
 */
export interface KeyedAuthenticator {
  /** Begins the exchange. */
  start?(now: number): KeyedAuthStep;
  /** Feeds a payload of the machine's protocol. */
  receive(payload: Uint8Array, now: number): KeyedAuthStep;
  /** The deadline of the last step passed. */
  timeout?(now: number): KeyedAuthStep;
}

/** An authentication method with a factory for its machine. */
export interface KeyedAuthMethod extends AuthSpec {
  /** Creates a fresh machine for one exchange. */
  create(): KeyedAuthenticator;
}

/** pppd's name for an authentication method (`MS-CHAPv2`, `MS-CHAP`, `CHAP-MD5`, `PAP`, `EAP`). */
export function authName(method: AuthSpec): string {
  if (method.protocol === 0xc023) return 'PAP';
  if (method.protocol === 0xc227) return 'EAP';
  if (method.algorithm === 0x81) return 'MS-CHAPv2';
  if (method.algorithm === 0x80) return 'MS-CHAP';
  if (method.algorithm === 5) return 'CHAP-MD5';
  return `protocol 0x${method.protocol.toString(16)}`;
}

/**
 * The MPPE start keys of one side from the exchange's key material: RFC 3079 §3 for MS-CHAPv2
 * (one key per direction, mirrored between client and server), §2 for MS-CHAPv1 (one key for
 * both directions). `undefined` for material MPPE cannot use (CHAP-MD5, PAP).
 */
export function mppeStartKeys(
  keys: ChapKeyMaterial | undefined,
  role: 'client' | 'server',
  keyBits: 40 | 56 | 128,
): MppeStartKeys | undefined {
  if (keys?.algorithm === 'mschapv2') {
    return deriveMsChapV2StartKeys({
      role,
      passwordHashHash: keys.passwordHashHash,
      ntResponse: keys.ntResponse,
      keyBits,
    });
  }
  if (keys?.algorithm !== 'mschapv1') return undefined;
  const key =
    keyBits === 128
      ? deriveMsChapV1StartKey({
          keyBits,
          passwordHashHash: keys.passwordHashHash,
          challenge: keys.challenge,
        })
      : deriveMsChapV1StartKey({ keyBits, lmPasswordHash: keys.lmPasswordHash });
  return { send: key, receive: key };
}
