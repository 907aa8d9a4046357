/**
 * MPPE key derivation (RFC 3079): start keys from MS-CHAPv2 (§3) and MS-CHAPv1 (§2), the
 * initial session key (RFC 3078 §7.3 `GetNewKeyFromSHA`, then the 40/56-bit reduction).
 *
 * These run once per session and may allocate; the per-packet re-key lives in
 * `key-schedule.ts`. Inputs are plain bytes computed by the MS-CHAP layer (this package does
 * not depend on it).
 */
import { sha1 } from '@noble/hashes/legacy.js';

/** MPPE session key strength in bits (RFC 3078 §2: L, M, S). */
export type MppeKeyBits = 40 | 56 | 128;

/** Which end of the PPP link we are: the MS-CHAP peer (`'client'`) or authenticator (`'server'`). */
export type MppeRole = 'client' | 'server';

/** RFC 3079 §3.4 SHSpad1: 40 zero octets. */
const PAD1 = new Uint8Array(40);
/** RFC 3079 §3.4 SHSpad2: 40 octets of 0xF2. */
const PAD2 = new Uint8Array(40).fill(0xf2);

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) out[k] = text.charCodeAt(k);
  return out;
}

/** RFC 3079 §3.4 Magic1 (27 octets). */
const MAGIC1 = ascii('This is the MPPE Master Key');
/** RFC 3079 §3.4 Magic2 (84 octets): client send key = server receive key. */
const MAGIC2 = ascii(
  'On the client side, this is the send key; on the server side, it is the receive key.',
);
/** RFC 3079 §3.4 Magic3 (84 octets): client receive key = server send key. */
const MAGIC3 = ascii(
  'On the client side, this is the receive key; on the server side, it is the send key.',
);

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function need(value: Uint8Array, length: number, what: string): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new TypeError(`${what} must be a Uint8Array of ${length} bytes`);
  }
}

/** Key length in octets for a strength: 8 for 40 and 56 bits, 16 for 128 bits (RFC 3079). */
export function mppeKeyLength(keyBits: MppeKeyBits): 8 | 16 {
  if (keyBits === 128) return 16;
  if (keyBits === 40 || keyBits === 56) return 8;
  throw new RangeError('MPPE key strength must be 40, 56 or 128 bits');
}

/**
 * RFC 3079 §3.4 `GetMasterKey`: `SHA1(PasswordHashHash | NT-Response | Magic1)[0..16]`.
 *
 * @param passwordHashHash - MD4 of the NT password hash (16 bytes).
 * @param ntResponse - the 24-byte NT-Response of the MS-CHAPv2 Response packet.
 */
export function getMasterKey(passwordHashHash: Uint8Array, ntResponse: Uint8Array): Uint8Array {
  need(passwordHashHash, 16, 'passwordHashHash');
  need(ntResponse, 24, 'ntResponse');
  return sha1(concat(passwordHashHash, ntResponse, MAGIC1)).slice(0, 16);
}

/**
 * RFC 3079 §3.4 `GetAsymetricStartKey`: `SHA1(MasterKey | pad1 | s | pad2)[0..len]` where `s` is
 * Magic3 for the server's send key and the client's receive key, Magic2 otherwise.
 *
 * @param masterKey - from {@link getMasterKey} (16 bytes).
 * @param keyBits - 40/56 give 8 bytes, 128 gives 16.
 * @param isSend - the key for the sending direction of the side named by `isServer`.
 * @param isServer - derive for the authenticator (server) rather than the peer (client).
 */
export function getAsymmetricStartKey(
  masterKey: Uint8Array,
  keyBits: MppeKeyBits,
  isSend: boolean,
  isServer: boolean,
): Uint8Array {
  need(masterKey, 16, 'masterKey');
  const len = mppeKeyLength(keyBits);
  const magic = isSend === isServer ? MAGIC3 : MAGIC2;
  return sha1(concat(masterKey, PAD1, magic, PAD2)).slice(0, len);
}

/**
 * RFC 3078 §7.3 `GetNewKeyFromSHA` (RFC 3079 §2.4 `Get_Key`):
 * `SHA1(StartKey[0..len] | pad1 | SessionKey[0..len] | pad2)[0..len]`. No RC4 step: that belongs
 * to the data-path re-key only.
 */
export function getNewKeyFromSha(
  startKey: Uint8Array,
  sessionKey: Uint8Array,
  length: 8 | 16,
): Uint8Array {
  if (startKey.length < length || sessionKey.length < length) {
    throw new TypeError(`keys must have at least ${length} bytes`);
  }
  return sha1(
    concat(startKey.subarray(0, length), PAD1, sessionKey.subarray(0, length), PAD2),
  ).slice(0, length);
}

/**
 * Reduces the effective strength of a session key in place (RFC 3078 §7.3, RFC 3079 §2.1–2.2):
 * 40 bits sets the first three octets to D1 26 9E, 56 bits sets the first octet to D1, 128 bits
 * changes nothing.
 */
export function reduceSessionKey(key: Uint8Array, keyBits: MppeKeyBits): void {
  if (keyBits === 40) {
    key[0] = 0xd1;
    key[1] = 0x26;
    key[2] = 0x9e;
  } else if (keyBits === 56) {
    key[0] = 0xd1;
  }
}

/**
 * The initial session key for a start key (RFC 3079 §3.1–3.3 step "GetNewKeyFromSHA", §2.1–2.3
 * `Get_Key`): `GetNewKeyFromSHA(start, start)`, then the 40/56-bit reduction.
 */
export function initialSessionKey(startKey: Uint8Array, keyBits: MppeKeyBits): Uint8Array {
  const len = mppeKeyLength(keyBits);
  need(startKey, len, 'startKey');
  const key = getNewKeyFromSha(startKey, startKey, len);
  reduceSessionKey(key, keyBits);
  return key;
}

/** Input of {@link deriveMsChapV2StartKeys}. */
export interface MsChapV2KeyInput {
  /** MD4 of the NT password hash (16 bytes); the authenticator gets it from its database. */
  readonly passwordHashHash: Uint8Array;
  /** The 24-byte NT-Response sent by the client in the MS-CHAPv2 Response. */
  readonly ntResponse: Uint8Array;
  /** The side we are on. */
  readonly role: MppeRole;
  /** Negotiated strength. */
  readonly keyBits: MppeKeyBits;
}

/** The two start keys ("master session keys") of one side, one per direction. */
export interface MppeStartKeys {
  /** Start key for the packets this side sends. */
  readonly send: Uint8Array;
  /** Start key for the packets this side receives. */
  readonly receive: Uint8Array;
}

/**
 * MS-CHAPv2 start keys for one side (RFC 3079 §3.1–3.3): the master key, then
 * `GetAsymmetricStartKey` for each direction. The client's `send` equals the server's
 * `receive` and vice versa. (RFC 3079 §3.5 prints the server's send key.)
 */
export function deriveMsChapV2StartKeys(input: MsChapV2KeyInput): MppeStartKeys {
  if (input.role !== 'client' && input.role !== 'server') {
    throw new TypeError("role must be 'client' or 'server'");
  }
  const master = getMasterKey(input.passwordHashHash, input.ntResponse);
  const isServer = input.role === 'server';
  return {
    send: getAsymmetricStartKey(master, input.keyBits, true, isServer),
    receive: getAsymmetricStartKey(master, input.keyBits, false, isServer),
  };
}

/**
 * RFC 3079 §2.4 `Get_Start_Key`: `SHA1(PasswordHashHash | PasswordHashHash | Challenge)[0..16]`,
 * the MS-CHAPv1 128-bit start key.
 *
 * @param challenge - the 8-byte MS-CHAPv1 challenge sent by the authenticator.
 * @param passwordHashHash - MD4 of the NT password hash (16 bytes).
 */
export function getStartKey(challenge: Uint8Array, passwordHashHash: Uint8Array): Uint8Array {
  need(challenge, 8, 'challenge');
  need(passwordHashHash, 16, 'passwordHashHash');
  return sha1(concat(passwordHashHash, passwordHashHash, challenge)).slice(0, 16);
}

/** Input of {@link deriveMsChapV1StartKey}. */
export type MsChapV1KeyInput =
  | {
      /** 40 or 56 bits: derived from the LAN Manager password hash (RFC 3079 §2.1–2.2). */
      readonly keyBits: 40 | 56;
      /** `LmPasswordHash` (16 bytes; its first 8 are used). */
      readonly lmPasswordHash: Uint8Array;
    }
  | {
      /** 128 bits: derived from the NT password hash hash and the challenge (RFC 3079 §2.3). */
      readonly keyBits: 128;
      /** MD4 of the NT password hash (16 bytes). */
      readonly passwordHashHash: Uint8Array;
      /** The 8-byte MS-CHAPv1 challenge. */
      readonly challenge: Uint8Array;
    };

/**
 * The MS-CHAPv1 start key (RFC 3079 §2). It is the same in both directions and for both roles;
 * feed it to both the encryptor and the decryptor.
 */
export function deriveMsChapV1StartKey(input: MsChapV1KeyInput): Uint8Array {
  if (input.keyBits === 128) return getStartKey(input.challenge, input.passwordHashHash);
  if (input.keyBits !== 40 && input.keyBits !== 56) {
    throw new RangeError('MPPE key strength must be 40, 56 or 128 bits');
  }
  need(input.lmPasswordHash, 16, 'lmPasswordHash');
  return input.lmPasswordHash.slice(0, 8);
}
