/**
 * MS-CHAPv2 computations (RFC 2759 §8) and the Response value layout (RFC 2759 §4).
 *
 * @module
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { constantTimeEqual, encodeUtf8, toHex } from '@pptpkit/wire';
import { challengeResponse } from './challenge-response.js';
import { hashNtPasswordHash } from './password.js';

/**
 * RFC 2759 §8.2 ChallengeHash: the first 8 bytes of SHA-1(PeerChallenge ‖
 * AuthenticatorChallenge ‖ UserName).
 *
 * @param peerChallenge - 16 bytes.
 * @param authenticatorChallenge - 16 bytes.
 * @param userName - the user name's bytes without any `DOMAIN\` prefix (see {@link userNameForHash}).
 * @returns a new 8-byte challenge.
 */
export function challengeHash(
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  userName: Uint8Array,
): Uint8Array {
  return sha1
    .create()
    .update(peerChallenge)
    .update(authenticatorChallenge)
    .update(userName)
    .digest()
    .slice(0, 8);
}

/**
 * The part of a user name that enters {@link challengeHash}: RFC 2759 §4 uses the name
 * "excluding any prepended domain name", so everything after the last `\` (as pppd does).
 */
export function userNameForHash(name: Uint8Array): Uint8Array {
  const slash = name.lastIndexOf(0x5c);
  return slash < 0 ? name : name.subarray(slash + 1);
}

/**
 * RFC 2759 §8.1 GenerateNTResponse, taking the NT password hash (RFC 2759 §8.3) instead of
 * the password so callers need not keep the password.
 *
 * @param authenticatorChallenge - 16 bytes from the Challenge packet.
 * @param peerChallenge - 16 bytes chosen by the peer.
 * @param userName - see {@link challengeHash}.
 * @param passwordHash - NtPasswordHash of the password.
 * @returns a new 24-byte NT-Response.
 */
export function generateNtResponse(
  authenticatorChallenge: Uint8Array,
  peerChallenge: Uint8Array,
  userName: Uint8Array,
  passwordHash: Uint8Array,
): Uint8Array {
  return challengeResponse(
    challengeHash(peerChallenge, authenticatorChallenge, userName),
    passwordHash,
  );
}

/** RFC 2759 §8.7 Magic1. */
const MAGIC1 = encodeUtf8('Magic server to client signing constant');
/** RFC 2759 §8.7 Magic2. */
const MAGIC2 = encodeUtf8('Pad to make it do more than one iteration');

/** The 20-byte digest behind the authenticator response (RFC 2759 §8.7). */
function authenticatorDigest(
  passwordHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  userName: Uint8Array,
): Uint8Array {
  const first = sha1
    .create()
    .update(hashNtPasswordHash(passwordHash))
    .update(ntResponse)
    .update(MAGIC1)
    .digest();
  return sha1
    .create()
    .update(first)
    .update(challengeHash(peerChallenge, authenticatorChallenge, userName))
    .update(MAGIC2)
    .digest();
}

/**
 * RFC 2759 §8.7 GenerateAuthenticatorResponse, taking the NT password hash.
 *
 * @returns the 42-character string `S=` followed by 40 upper-case hex digits.
 */
export function generateAuthenticatorResponse(
  passwordHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  userName: Uint8Array,
): string {
  const digest = authenticatorDigest(
    passwordHash,
    ntResponse,
    peerChallenge,
    authenticatorChallenge,
    userName,
  );
  return `S=${toHex(digest).toUpperCase()}`;
}

/**
 * RFC 2759 §8.8 CheckAuthenticatorResponse: whether `received` (the `S=` string, 42
 * characters; hex digits compared case-insensitively) is the expected one. The comparison
 * of the digests is constant-time.
 */
export function checkAuthenticatorResponse(
  passwordHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  userName: Uint8Array,
  received: string,
): boolean {
  if (!/^S=[0-9A-Fa-f]{40}$/.test(received)) return false;
  const got = new Uint8Array(20);
  for (let i = 0; i < 20; i++) got[i] = Number.parseInt(received.slice(2 + i * 2, 4 + i * 2), 16);
  const expected = authenticatorDigest(
    passwordHash,
    ntResponse,
    peerChallenge,
    authenticatorChallenge,
    userName,
  );
  return constantTimeEqual(got, expected);
}

/** Length of an MS-CHAPv2 Response value (RFC 2759 §4: 16 + 8 + 24 + 1). */
export const MSCHAPV2_RESPONSE_SIZE = 49;

/** The fields of an MS-CHAPv2 Response value (RFC 2759 §4). */
export interface Mschapv2ResponseValue {
  /** Peer-Challenge, 16 bytes. */
  readonly peerChallenge: Uint8Array;
  /** NT-Response, 24 bytes. */
  readonly ntResponse: Uint8Array;
  /** Flags octet (RFC 2759: must be zero). */
  readonly flags: number;
}

/** Encodes an MS-CHAPv2 Response value (reserved octets and flags zero). */
export function encodeMschapv2ResponseValue(
  peerChallenge: Uint8Array,
  ntResponse: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(MSCHAPV2_RESPONSE_SIZE);
  out.set(peerChallenge, 0);
  out.set(ntResponse, 24);
  return out;
}

/** Splits a 49-byte MS-CHAPv2 Response value into its fields (views, not copies). */
export function decodeMschapv2ResponseValue(value: Uint8Array): Mschapv2ResponseValue {
  return {
    peerChallenge: value.subarray(0, 16),
    ntResponse: value.subarray(24, 48),
    flags: value[48] ?? 0,
  };
}
