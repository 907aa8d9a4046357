/**
 * The CHAP peer (client) machine: answers Challenges, checks Success/Failure (RFC 1994 §4,
 * RFC 2433, RFC 2759). Sans-I/O: bytes in, {@link ChapStep} out.
 *
 * @module
 */
import {
  AuthenticationError,
  constantTimeEqual,
  DecodeError,
  decodeUtf8,
  encodeUtf8,
} from '@pptpkit/wire';
import { chapMd5Response } from './chap-md5.js';
import { type ChapPacket, decodeChapPacket, encodeChapPacket } from './chap-packet.js';
import type { MschapErrorCode } from './errors.js';
import type {
  ChapAlgorithm,
  ChapDropReason,
  ChapKeyMaterial,
  ChapStep,
  RandomBytes,
} from './exchange.js';
import {
  mschapFailureToError,
  parseMschapFailure,
  parseMschapv2Success,
} from './failure-message.js';
import { encodeMschapv1ResponseValue, ntChallengeResponse } from './mschapv1.js';
import {
  checkAuthenticatorResponse,
  encodeMschapv2ResponseValue,
  generateNtResponse,
  userNameForHash,
} from './mschapv2.js';
import { hashNtPasswordHash, lmPasswordHash, ntPasswordHash } from './password.js';

/** Configuration of a {@link ChapPeer}. */
export interface ChapPeerOptions {
  /** The algorithm agreed in LCP. */
  readonly algorithm: ChapAlgorithm;
  /** The user name sent in every Response (may be `DOMAIN\user`). */
  readonly name: string;
  /**
   * The password. MS-CHAP: at most 256 characters, hashed at construction and not kept.
   * CHAP-MD5: its UTF-8 bytes are the secret.
   */
  readonly password: string;
  /** Randomness for the MS-CHAPv2 Peer-Challenge (16 bytes per new Challenge). */
  readonly randomBytes: RandomBytes;
}

/** Where a {@link ChapPeer} is. */
export type ChapPeerState = 'waiting' | 'responded' | 'succeeded' | 'failed';

/** Value sizes of the Challenge per algorithm (RFC 2433 §2: 8, RFC 2759 §3: 16). */
const CHALLENGE_SIZE: Readonly<Record<ChapAlgorithm, number | undefined>> = {
  'chap-md5': undefined,
  mschapv1: 8,
  mschapv2: 16,
};

/** The last Response sent, kept to answer a retransmitted Challenge identically. */
interface Answer {
  readonly identifier: number;
  readonly challenge: Uint8Array;
  readonly packet: Uint8Array;
  readonly keys: ChapKeyMaterial;
  /** MS-CHAPv2: what the authenticator response must verify against. */
  readonly peerChallenge?: Uint8Array;
  readonly ntResponse?: Uint8Array;
}

/** Builds a step that only reports an ignored packet. */
function drop(reason: ChapDropReason, message: string, error?: DecodeError): ChapStep {
  return { diagnostic: error === undefined ? { reason, message } : { reason, message, error } };
}

/**
 * The authenticating peer of a CHAP exchange (the PPTP client).
 *
 * Feed it every CHAP payload with {@link ChapPeer.receive}; send what it returns. It never
 * throws on peer input: malformed or unexpected packets come back as a `diagnostic` and are
 * otherwise ignored (RFC 1994 §4: silently discarded). A retransmitted Challenge (same
 * Identifier and Value) gets the identical Response. A later, different Challenge (periodic
 * re-authentication) is answered afresh.
 */
export class ChapPeer {
  readonly #algorithm: ChapAlgorithm;
  readonly #name: Uint8Array;
  readonly #randomBytes: RandomBytes;
  readonly #secret: Uint8Array | undefined;
  readonly #passwordHash: Uint8Array | undefined;
  readonly #lmPasswordHash: Uint8Array | undefined;
  #state: ChapPeerState = 'waiting';
  #answer: Answer | undefined;

  /**
   * @throws AuthenticationError `MSCHAP_PASSWORD_TOO_LONG` for an MS-CHAP password over 256
   *   characters.
   */
  constructor(options: ChapPeerOptions) {
    this.#algorithm = options.algorithm;
    this.#name = encodeUtf8(options.name);
    this.#randomBytes = options.randomBytes;
    if (options.algorithm === 'chap-md5') {
      this.#secret = encodeUtf8(options.password);
    } else {
      this.#passwordHash = ntPasswordHash(options.password);
      if (options.algorithm === 'mschapv1') this.#lmPasswordHash = lmPasswordHash(options.password);
    }
  }

  /** Where the exchange is. */
  get state(): ChapPeerState {
    return this.#state;
  }

  /** Handles one CHAP payload from the authenticator. Never throws on malformed input. */
  receive(payload: Uint8Array): ChapStep {
    let packet: ChapPacket;
    try {
      packet = decodeChapPacket(payload);
    } catch (e) {
      if (e instanceof DecodeError) return drop('malformed', e.message, e);
      throw e;
    }
    switch (packet.type) {
      case 'challenge':
        return this.#onChallenge(packet.identifier, packet.value);
      case 'success':
        return this.#onSuccess(packet.identifier, packet.message);
      case 'failure':
        return this.#onFailure(packet.identifier, packet.message);
      default:
        return drop('unexpected-code', 'a peer does not accept CHAP Response packets');
    }
  }

  #onChallenge(identifier: number, challenge: Uint8Array): ChapStep {
    if (this.#state === 'failed') return drop('not-expected', 'Challenge after a failure');
    const size = CHALLENGE_SIZE[this.#algorithm];
    if (size !== undefined && challenge.length !== size) {
      return drop('bad-value-size', `${this.#algorithm} Challenge of ${challenge.length} bytes`);
    }
    const last = this.#answer;
    // RFC 1994 §4.1: a retransmitted Challenge keeps its Identifier; answer it identically.
    if (
      last !== undefined &&
      last.identifier === identifier &&
      constantTimeEqual(last.challenge, challenge)
    ) {
      return { send: last.packet };
    }
    const answer = this.#respond(identifier, challenge.slice());
    this.#answer = answer;
    this.#state = 'responded';
    return { send: answer.packet };
  }

  #respond(identifier: number, challenge: Uint8Array): Answer {
    const respond = (value: Uint8Array): Uint8Array =>
      encodeChapPacket({ type: 'response', identifier, value, name: this.#name });
    if (this.#algorithm === 'chap-md5') {
      const value = chapMd5Response(identifier, this.#secret!, challenge);
      return { identifier, challenge, packet: respond(value), keys: { algorithm: 'chap-md5' } };
    }
    const passwordHash = this.#passwordHash!;
    if (this.#algorithm === 'mschapv1') {
      const ntResponse = ntChallengeResponse(challenge, passwordHash);
      return {
        identifier,
        challenge,
        packet: respond(encodeMschapv1ResponseValue(ntResponse)),
        keys: {
          algorithm: 'mschapv1',
          passwordHash: passwordHash.slice(),
          passwordHashHash: hashNtPasswordHash(passwordHash),
          lmPasswordHash: this.#lmPasswordHash!,
          challenge,
        },
      };
    }
    const peerChallenge = this.#randomBytes(16);
    if (!(peerChallenge instanceof Uint8Array) || peerChallenge.length !== 16) {
      throw new TypeError('randomBytes(16) must return 16 bytes');
    }
    const ntResponse = generateNtResponse(
      challenge,
      peerChallenge,
      userNameForHash(this.#name),
      passwordHash,
    );
    return {
      identifier,
      challenge,
      packet: respond(encodeMschapv2ResponseValue(peerChallenge, ntResponse)),
      keys: {
        algorithm: 'mschapv2',
        passwordHashHash: hashNtPasswordHash(passwordHash),
        ntResponse,
      },
      peerChallenge,
      ntResponse,
    };
  }

  #matches(identifier: number, what: string): ChapStep | undefined {
    const last = this.#answer;
    if (last === undefined || this.#state === 'waiting') {
      return drop('not-expected', `${what} before any Response`);
    }
    if (last.identifier !== identifier) {
      return drop(
        'unexpected-identifier',
        `${what} for Identifier ${identifier}, not ${last.identifier}`,
      );
    }
    if (this.#state !== 'responded') return drop('duplicate', `${what} after the exchange ended`);
    return undefined;
  }

  #onSuccess(identifier: number, message: Uint8Array): ChapStep {
    const ignored = this.#matches(identifier, 'Success');
    if (ignored !== undefined) return ignored;
    const last = this.#answer!;
    const text = decodeUtf8(message);
    if (this.#algorithm !== 'mschapv2') {
      this.#state = 'succeeded';
      return { outcome: { type: 'success', keys: last.keys, message: text } };
    }
    // RFC 2759 §5: the peer MUST verify the authenticator response and end the session if it
    // is missing or wrong.
    const success = parseMschapv2Success(text);
    const ok =
      success.authenticatorResponse !== undefined &&
      checkAuthenticatorResponse(
        this.#passwordHash!,
        last.ntResponse!,
        last.peerChallenge!,
        last.challenge,
        userNameForHash(this.#name),
        success.authenticatorResponse,
      );
    if (!ok) {
      this.#state = 'failed';
      const error = new AuthenticationError<MschapErrorCode>(
        'MSCHAP_BAD_AUTHENTICATOR_RESPONSE',
        success.authenticatorResponse === undefined
          ? 'MS-CHAPv2 Success without an authenticator response: the server did not prove it knows the password'
          : 'MS-CHAPv2 authenticator response does not verify: the server did not prove it knows the password',
        { details: { missing: success.authenticatorResponse === undefined } },
      );
      return { outcome: { type: 'failure', error } };
    }
    this.#state = 'succeeded';
    return {
      outcome: {
        type: 'success',
        keys: last.keys,
        ...(success.message === undefined ? {} : { message: success.message }),
      },
    };
  }

  #onFailure(identifier: number, message: Uint8Array): ChapStep {
    const ignored = this.#matches(identifier, 'Failure');
    if (ignored !== undefined) return ignored;
    this.#state = 'failed';
    const text = decodeUtf8(message);
    const error =
      this.#algorithm === 'chap-md5'
        ? new AuthenticationError<MschapErrorCode>(
            'MSCHAP_AUTH_FAILED',
            'CHAP authentication failed: the authenticator sent Failure',
            { details: { serverMessage: text } },
          )
        : mschapFailureToError(parseMschapFailure(text));
    return { outcome: { type: 'failure', error } };
  }
}
