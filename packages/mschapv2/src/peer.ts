/**
 * The CHAP peer (client) machine: answers Challenges, repeats its Response until Success or
 * Failure arrives, checks Success/Failure (RFC 1994 §4, RFC 2433, RFC 2759). Sans-I/O: bytes
 * and `now` in, {@link ChapStep} out.
 *
 * @module
 */
import {
  AuthenticationError,
  constantTimeEqual,
  DecodeError,
  decodeUtf8,
  encodeUtf8,
  TimeoutError,
} from '@pptpkit/wire';
import {
  newPasswordEncryptedWithOldNtPasswordHash,
  oldNtPasswordHashEncryptedWithNewNtPasswordHash,
  PW_BLOCK_SIZE,
} from './change-password.js';
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
import { md4 } from './md4.js';
import { encodeMschapv1ResponseValue, ntChallengeResponse } from './mschapv1.js';
import {
  checkAuthenticatorResponse,
  encodeMschapv2ResponseValue,
  generateNtResponse,
  userNameForHash,
} from './mschapv2.js';
import {
  hashNtPasswordHash,
  lmPasswordHash,
  ntPasswordHash,
  passwordToUtf16le,
} from './password.js';
import { checkRetransmitLimits } from './retransmit-limits.js';

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
  /**
   * MS-CHAPv2 password change (RFC 2759 §7): called when the authenticator answers Failure
   * `E=648` (password expired). Return the new password to send a Change-Password packet and
   * continue, or `undefined` to fail with `MSCHAP_PASSWORD_EXPIRED`. Without it, expiry fails.
   */
  readonly newPassword?: () => string | undefined;
  /**
   * Milliseconds to wait for Success or Failure before sending the same Response again.
   * Default 3000 (as the authenticator's `chap-restart`).
   */
  readonly retransmitInterval?: number;
  /**
   * Responses sent in total for one Challenge before giving up with `MSCHAP_NO_SUCCESS`.
   * Default 10 (as pppd's `chap-max-challenge`).
   */
  readonly maxResponses?: number;
}

/** Where a {@link ChapPeer} is. */
export type ChapPeerState = 'waiting' | 'responded' | 'succeeded' | 'failed';

/** Value sizes of the Challenge per algorithm (RFC 2433 §2: 8, RFC 2759 §3: 16). */
const CHALLENGE_SIZE: Readonly<Record<ChapAlgorithm, number | undefined>> = {
  'chap-md5': undefined,
  mschapv1: 8,
  mschapv2: 16,
};

/** The last Response sent, kept to repeat it and to answer a retransmitted Challenge identically. */
interface Answer {
  readonly identifier: number;
  readonly challenge: Uint8Array;
  readonly packet: Uint8Array;
  readonly keys: ChapKeyMaterial;
  /** MS-CHAPv2: what the authenticator response must verify against. */
  readonly peerChallenge?: Uint8Array;
  readonly ntResponse?: Uint8Array;
  /** MS-CHAPv2: the NT password hash the Response used (the new one after a change). */
  readonly passwordHash?: Uint8Array;
  /** MS-CHAPv2: this is a Change-Password packet (RFC 2759 §7). */
  readonly changesPassword?: boolean;
}

/** Builds a step that only reports an ignored packet. */
function drop(reason: ChapDropReason, message: string, error?: DecodeError): ChapStep {
  return { diagnostic: error === undefined ? { reason, message } : { reason, message, error } };
}

/**
 * The authenticating peer of a CHAP exchange (the PPTP client).
 *
 * Feed it every CHAP payload with {@link ChapPeer.receive}; send what it returns, and call
 * {@link ChapPeer.timeout} at the step's `deadline`. It never throws on peer input: malformed or
 * unexpected packets come back as a `diagnostic` and are otherwise ignored (RFC 1994 §4:
 * silently discarded). A retransmitted Challenge (same Identifier and Value) gets the identical
 * Response. Until Success or Failure arrives, the same Response is sent again every
 * `retransmitInterval`, because the authenticator's Success may be lost and only a repeated
 * Response makes it send it again (RFC 1994 §4.1); after `maxResponses` Responses it fails with
 * `MSCHAP_NO_SUCCESS`. A later, different Challenge (periodic re-authentication) is answered
 * afresh.
 */
export class ChapPeer {
  readonly #algorithm: ChapAlgorithm;
  readonly #name: Uint8Array;
  readonly #randomBytes: RandomBytes;
  readonly #secret: Uint8Array | undefined;
  #passwordHash: Uint8Array | undefined;
  readonly #newPassword: (() => string | undefined) | undefined;
  readonly #lmPasswordHash: Uint8Array | undefined;
  readonly #interval: number;
  readonly #maxResponses: number;
  #state: ChapPeerState = 'waiting';
  #answer: Answer | undefined;
  /** Responses sent for the current Challenge. */
  #sent = 0;
  #deadline = 0;

  /**
   * @throws AuthenticationError `MSCHAP_PASSWORD_TOO_LONG` for an MS-CHAP password over 256
   *   characters.
   * @throws RangeError on an out-of-range `retransmitInterval` or `maxResponses`.
   */
  constructor(options: ChapPeerOptions) {
    this.#algorithm = options.algorithm;
    this.#name = encodeUtf8(options.name);
    this.#randomBytes = options.randomBytes;
    this.#newPassword = options.newPassword;
    this.#interval = options.retransmitInterval ?? 3000;
    this.#maxResponses = options.maxResponses ?? 10;
    checkRetransmitLimits('retransmitInterval', this.#interval, 'maxResponses', this.#maxResponses);
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

  /**
   * Handles one CHAP payload from the authenticator at `now` (monotonic ms, the clock of
   * {@link ChapPeer.timeout}). Never throws on malformed input.
   */
  receive(payload: Uint8Array, now: number): ChapStep {
    let packet: ChapPacket;
    try {
      packet = decodeChapPacket(payload);
    } catch (e) {
      if (e instanceof DecodeError) return this.#keepDeadline(drop('malformed', e.message, e), now);
      throw e;
    }
    switch (packet.type) {
      case 'challenge':
        return this.#onChallenge(packet.identifier, packet.value, now);
      case 'success':
        return this.#keepDeadline(this.#onSuccess(packet.identifier, packet.message), now);
      case 'failure':
        return this.#onFailure(packet.identifier, packet.message, now);
      default:
        return this.#keepDeadline(
          drop('unexpected-code', `a peer does not accept CHAP ${packet.type} packets`),
          now,
        );
    }
  }

  /**
   * Call at or after the last `deadline`: sends the same Response again (same Identifier), or
   * gives up with `MSCHAP_NO_SUCCESS` once `maxResponses` have gone unanswered.
   */
  timeout(now: number): ChapStep {
    if (this.#state !== 'responded') return {};
    if (now < this.#deadline) return { deadline: this.#deadline };
    if (this.#sent >= this.#maxResponses) {
      this.#state = 'failed';
      const error = new TimeoutError<MschapErrorCode>(
        'MSCHAP_NO_SUCCESS',
        `no CHAP Success or Failure after ${this.#sent} Responses`,
        { details: { responses: this.#sent } },
      );
      return { outcome: { type: 'failure', error } };
    }
    return this.#send(this.#answer!.packet, now);
  }

  /** Sends a Response (counted) and restarts the wait for Success or Failure. */
  #send(packet: Uint8Array, now: number): ChapStep {
    this.#sent++;
    this.#deadline = now + this.#interval;
    return { send: packet, deadline: this.#deadline };
  }

  #keepDeadline(step: ChapStep, now: number): ChapStep {
    return this.#state === 'responded' && now < this.#deadline
      ? { ...step, deadline: this.#deadline }
      : step;
  }

  #onChallenge(identifier: number, challenge: Uint8Array, now: number): ChapStep {
    if (this.#state === 'failed') return drop('not-expected', 'Challenge after a failure');
    const size = CHALLENGE_SIZE[this.#algorithm];
    if (size !== undefined && challenge.length !== size) {
      return this.#keepDeadline(
        drop('bad-value-size', `${this.#algorithm} Challenge of ${challenge.length} bytes`),
        now,
      );
    }
    const last = this.#answer;
    // RFC 1994 §4.1: a retransmitted Challenge keeps its Identifier; answer it identically.
    if (
      last !== undefined &&
      last.identifier === identifier &&
      constantTimeEqual(last.challenge, challenge)
    ) {
      if (this.#state !== 'responded') return { send: last.packet };
      return this.#send(last.packet, now);
    }
    const answer = this.#respond(identifier, challenge.slice());
    this.#answer = answer;
    this.#state = 'responded';
    this.#sent = 0;
    return this.#send(answer.packet, now);
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
    const peerChallenge = this.#random(16);
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
      passwordHash,
    };
  }

  #random(n: number): Uint8Array {
    const bytes = this.#randomBytes(n);
    if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
      throw new TypeError(`randomBytes(${n}) must return ${n} bytes`);
    }
    return bytes;
  }

  /**
   * Builds the Change-Password answer to a Failure `E=648` (RFC 2759 §7): Identifier plus one,
   * the NT-Response over the Failure's challenge with the new password.
   */
  #changePassword(failureIdentifier: number, challenge: Uint8Array, newPassword: string): Answer {
    const oldHash = this.#passwordHash!;
    const newUtf16 = passwordToUtf16le(newPassword);
    const newHash = md4(newUtf16);
    const identifier = (failureIdentifier + 1) & 0xff;
    const peerChallenge = this.#random(16);
    const ntResponse = generateNtResponse(
      challenge,
      peerChallenge,
      userNameForHash(this.#name),
      newHash,
    );
    const packet = encodeChapPacket({
      type: 'change-password',
      identifier,
      encryptedPassword: newPasswordEncryptedWithOldNtPasswordHash(
        newUtf16,
        oldHash,
        this.#random(PW_BLOCK_SIZE),
      ),
      encryptedHash: oldNtPasswordHashEncryptedWithNewNtPasswordHash(newHash, oldHash),
      peerChallenge,
      ntResponse,
      flags: 0,
    });
    return {
      identifier,
      challenge,
      packet,
      keys: { algorithm: 'mschapv2', passwordHashHash: hashNtPasswordHash(newHash), ntResponse },
      peerChallenge,
      ntResponse,
      passwordHash: newHash,
      changesPassword: true,
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
        last.passwordHash!,
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
    // Later Challenges (re-authentication) are answered with the password now in force.
    this.#passwordHash = last.passwordHash!;
    return {
      outcome: {
        type: 'success',
        keys: last.keys,
        ...(success.message === undefined ? {} : { message: success.message }),
        ...(last.changesPassword === true ? { passwordChanged: true } : {}),
      },
    };
  }

  #onFailure(identifier: number, message: Uint8Array, now: number): ChapStep {
    const ignored = this.#matches(identifier, 'Failure');
    if (ignored !== undefined) return this.#keepDeadline(ignored, now);
    this.#state = 'failed';
    const text = decodeUtf8(message);
    if (this.#algorithm === 'chap-md5') {
      const error = new AuthenticationError<MschapErrorCode>(
        'MSCHAP_AUTH_FAILED',
        'CHAP authentication failed: the authenticator sent Failure',
        { details: { serverMessage: text } },
      );
      return { outcome: { type: 'failure', error } };
    }
    const failure = parseMschapFailure(text);
    // RFC 2759 §7: on E=648 the peer may answer with Change-Password, once per exchange, to
    // the Failure's 16-byte C= challenge (RFC 2759 §6: "MUST be present").
    if (
      this.#algorithm === 'mschapv2' &&
      failure.error === 648 &&
      failure.challenge?.length === 16 &&
      this.#answer!.changesPassword !== true &&
      this.#newPassword !== undefined
    ) {
      const newPassword = this.#newPassword();
      if (newPassword !== undefined) {
        let answer: Answer;
        try {
          answer = this.#changePassword(identifier, failure.challenge, newPassword);
        } catch (e) {
          if (e instanceof AuthenticationError) return { outcome: { type: 'failure', error: e } };
          throw e;
        }
        this.#answer = answer;
        this.#state = 'responded';
        this.#sent = 0;
        return this.#send(answer.packet, now);
      }
    }
    return { outcome: { type: 'failure', error: mschapFailureToError(failure) } };
  }
}
