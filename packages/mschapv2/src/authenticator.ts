/**
 * The CHAP authenticator (server) machine: issues Challenges, retransmits them, checks the
 * Response against a password lookup and answers Success or Failure (RFC 1994 §4, RFC 2433,
 * RFC 2759). Sans-I/O: bytes and `now` in, {@link ChapStep} out.
 *
 * @module
 */
import {
  AuthenticationError,
  constantTimeEqual,
  DecodeError,
  decodeUtf8,
  encodeUtf8,
  PptpkitError,
  TimeoutError,
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
import { formatMschapFailure } from './failure-message.js';
import {
  decodeMschapv1ResponseValue,
  MSCHAPV1_RESPONSE_SIZE,
  ntChallengeResponse,
} from './mschapv1.js';
import {
  decodeMschapv2ResponseValue,
  generateAuthenticatorResponse,
  generateNtResponse,
  MSCHAPV2_RESPONSE_SIZE,
  userNameForHash,
} from './mschapv2.js';
import { hashNtPasswordHash, lmPasswordHash, ntPasswordHash } from './password.js';

/** Configuration of a {@link ChapAuthenticator}. */
export interface ChapAuthenticatorOptions {
  /** The algorithm agreed in LCP. */
  readonly algorithm: ChapAlgorithm;
  /** The authenticator's name, sent in the Challenge's Name field. */
  readonly name: string;
  /** Randomness for the first Identifier (1 byte) and every challenge value. */
  readonly randomBytes: RandomBytes;
  /**
   * Returns the password of the user the peer names (the Response's Name, decoded as UTF-8,
   * `DOMAIN\` prefix included), or `undefined` for an unknown user.
   */
  readonly lookupPassword: (peerName: string) => string | undefined;
  /** Milliseconds between Challenge retransmissions. Default 3000 (pppd's `chap-restart`). */
  readonly retransmitInterval?: number;
  /** Challenges sent in total before giving up. Default 10 (pppd's `chap-max-challenge`). */
  readonly maxChallenges?: number;
  /** CHAP-MD5 challenge length, 1–255. Default 16. MS-CHAP fixes 8 (v1) and 16 (v2). */
  readonly challengeLength?: number;
  /** Text for the Success message (after `M=` for MS-CHAPv2). Default `Access granted`. */
  readonly successMessage?: string;
  /** Text for the Failure message (`M=` for MS-CHAPv2). Default `Access denied`. */
  readonly failureMessage?: string;
}

/** Where a {@link ChapAuthenticator} is. */
export type ChapAuthenticatorState = 'idle' | 'challenged' | 'succeeded' | 'failed';

/** Builds a step that only reports an ignored packet. */
function drop(reason: ChapDropReason, message: string, error?: DecodeError): ChapStep {
  return { diagnostic: error === undefined ? { reason, message } : { reason, message, error } };
}

/** The result of checking one Response. */
type Verdict =
  | { readonly ok: true; readonly keys: ChapKeyMaterial; readonly successText: string }
  | { readonly ok: false; readonly error: AuthenticationError<MschapErrorCode> };

/**
 * The authenticator of a CHAP exchange (the PPTP server side, or a test double of it).
 *
 * {@link ChapAuthenticator.start} sends a Challenge and returns a `deadline`;
 * {@link ChapAuthenticator.timeout} retransmits it until `maxChallenges` have gone unanswered,
 * then fails with `MSCHAP_TIMEOUT`; {@link ChapAuthenticator.receive} checks the Response and
 * answers Success or Failure (`E=691 R=0`, no retry). A duplicate Response after the decision
 * gets the same answer again (RFC 1994 §4.2). Calling `start` again begins a new exchange
 * (periodic re-authentication) with the next Identifier.
 */
export class ChapAuthenticator {
  readonly #algorithm: ChapAlgorithm;
  readonly #name: Uint8Array;
  readonly #randomBytes: RandomBytes;
  readonly #lookup: (peerName: string) => string | undefined;
  readonly #interval: number;
  readonly #maxChallenges: number;
  readonly #challengeLength: number;
  readonly #successMessage: string;
  readonly #failureMessage: string;
  #state: ChapAuthenticatorState = 'idle';
  #identifier: number | undefined;
  #challenge: Uint8Array = new Uint8Array(0);
  #challengePacket: Uint8Array = new Uint8Array(0);
  #sent = 0;
  #deadline = 0;
  #reply: Uint8Array | undefined;

  /** @throws RangeError on an out-of-range option. */
  constructor(options: ChapAuthenticatorOptions) {
    this.#algorithm = options.algorithm;
    this.#name = encodeUtf8(options.name);
    this.#randomBytes = options.randomBytes;
    this.#lookup = options.lookupPassword;
    this.#interval = options.retransmitInterval ?? 3000;
    this.#maxChallenges = options.maxChallenges ?? 10;
    const length = options.challengeLength ?? 16;
    this.#challengeLength =
      options.algorithm === 'mschapv1' ? 8 : options.algorithm === 'mschapv2' ? 16 : length;
    this.#successMessage = options.successMessage ?? 'Access granted';
    this.#failureMessage = options.failureMessage ?? 'Access denied';
    if (!(this.#interval > 0)) throw new RangeError('retransmitInterval must be positive');
    if (!Number.isInteger(this.#maxChallenges) || this.#maxChallenges < 1) {
      throw new RangeError('maxChallenges must be a positive integer');
    }
    if (!Number.isInteger(length) || length < 1 || length > 255) {
      throw new RangeError('challengeLength must be 1 to 255');
    }
  }

  /** Where the exchange is. */
  get state(): ChapAuthenticatorState {
    return this.#state;
  }

  #random(n: number): Uint8Array {
    const bytes = this.#randomBytes(n);
    if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
      throw new TypeError(`randomBytes(${n}) must return ${n} bytes`);
    }
    return bytes.slice();
  }

  /** Begins an exchange: a new Identifier and challenge value; returns the Challenge to send. */
  start(now: number): ChapStep {
    this.#identifier =
      this.#identifier === undefined ? this.#random(1)[0]! : (this.#identifier + 1) & 0xff;
    this.#challenge = this.#random(this.#challengeLength);
    this.#challengePacket = encodeChapPacket({
      type: 'challenge',
      identifier: this.#identifier,
      value: this.#challenge,
      name: this.#name,
    });
    this.#state = 'challenged';
    this.#reply = undefined;
    this.#sent = 1;
    this.#deadline = now + this.#interval;
    return { send: this.#challengePacket, deadline: this.#deadline };
  }

  /** Call at or after the last `deadline`: retransmits the Challenge, or gives up. */
  timeout(now: number): ChapStep {
    if (this.#state !== 'challenged') return {};
    if (now < this.#deadline) return { deadline: this.#deadline };
    if (this.#sent >= this.#maxChallenges) {
      this.#state = 'failed';
      const error = new TimeoutError<MschapErrorCode>(
        'MSCHAP_TIMEOUT',
        `no CHAP Response after ${this.#sent} Challenges`,
        { details: { challenges: this.#sent } },
      );
      return { outcome: { type: 'failure', error } };
    }
    this.#sent++;
    this.#deadline = now + this.#interval;
    return { send: this.#challengePacket, deadline: this.#deadline };
  }

  /** Handles one CHAP payload from the peer. Never throws on malformed input. */
  receive(payload: Uint8Array, now: number): ChapStep {
    let packet: ChapPacket;
    try {
      packet = decodeChapPacket(payload);
    } catch (e) {
      if (e instanceof DecodeError) return this.#keepDeadline(drop('malformed', e.message, e), now);
      throw e;
    }
    if (packet.type !== 'response') {
      return this.#keepDeadline(
        drop('unexpected-code', `an authenticator does not accept CHAP ${packet.type} packets`),
        now,
      );
    }
    if (this.#state === 'idle') return drop('not-expected', 'Response before any Challenge');
    if (packet.identifier !== this.#identifier) {
      return this.#keepDeadline(
        drop(
          'unexpected-identifier',
          `Response for Identifier ${packet.identifier}, not ${this.#identifier}`,
        ),
        now,
      );
    }
    if (this.#state !== 'challenged') {
      // RFC 1994 §4.2: a retransmitted Response gets the same Success or Failure again.
      return this.#reply === undefined
        ? drop('duplicate', 'Response after the exchange timed out')
        : { send: this.#reply };
    }
    const expectedSize =
      this.#algorithm === 'chap-md5'
        ? 16
        : this.#algorithm === 'mschapv1'
          ? MSCHAPV1_RESPONSE_SIZE
          : MSCHAPV2_RESPONSE_SIZE;
    if (packet.value.length !== expectedSize) {
      return this.#keepDeadline(
        drop(
          'bad-value-size',
          `${this.#algorithm} Response of ${packet.value.length} bytes, not ${expectedSize}`,
        ),
        now,
      );
    }
    const peerName = decodeUtf8(packet.name);
    const verdict = this.#verify(packet.identifier, packet.value, packet.name, peerName);
    if (verdict.ok) {
      this.#state = 'succeeded';
      this.#reply = encodeChapPacket({
        type: 'success',
        identifier: packet.identifier,
        message: encodeUtf8(verdict.successText),
      });
      return { send: this.#reply, outcome: { type: 'success', keys: verdict.keys, peerName } };
    }
    this.#state = 'failed';
    this.#reply = encodeChapPacket({
      type: 'failure',
      identifier: packet.identifier,
      message: encodeUtf8(this.#failureText()),
    });
    return { send: this.#reply, outcome: { type: 'failure', error: verdict.error } };
  }

  #keepDeadline(step: ChapStep, now: number): ChapStep {
    return this.#state === 'challenged' && now < this.#deadline
      ? { ...step, deadline: this.#deadline }
      : step;
  }

  #failureText(): string {
    switch (this.#algorithm) {
      case 'chap-md5':
        return this.#failureMessage;
      case 'mschapv1':
        // RFC 2433 §3: C= and V= are optional; no retry offered.
        return formatMschapFailure({ error: 691, retryAllowed: false });
      default:
        // RFC 2759 §6: C= (16 bytes) is mandatory, V=3.
        return formatMschapFailure({
          error: 691,
          retryAllowed: false,
          challenge: this.#challenge,
          version: 3,
          message: this.#failureMessage,
        });
    }
  }

  #verify(identifier: number, value: Uint8Array, name: Uint8Array, peerName: string): Verdict {
    const rejected = (why: string): Verdict => ({
      ok: false,
      error: new AuthenticationError<MschapErrorCode>(
        'MSCHAP_AUTH_FAILED',
        `authentication of "${peerName}" failed: ${why}`,
        { details: { peerName, algorithm: this.#algorithm } },
      ),
    });
    const password = this.#lookup(peerName);
    if (password === undefined) return rejected('unknown user or wrong password');
    if (this.#algorithm === 'chap-md5') {
      const expected = chapMd5Response(identifier, encodeUtf8(password), this.#challenge);
      return constantTimeEqual(expected, value)
        ? { ok: true, keys: { algorithm: 'chap-md5' }, successText: this.#successMessage }
        : rejected('unknown user or wrong password');
    }
    let passwordHash: Uint8Array;
    try {
      passwordHash = ntPasswordHash(password);
    } catch (e) {
      if (e instanceof PptpkitError) return rejected('the stored password is too long for MS-CHAP');
      throw e;
    }
    if (this.#algorithm === 'mschapv1') {
      const fields = decodeMschapv1ResponseValue(value);
      // RFC 2433 §2: only the Windows NT response is checked; LM-only peers are refused.
      if (!fields.useNt) return rejected('the peer sent only a LAN Manager response');
      const expected = ntChallengeResponse(this.#challenge, passwordHash);
      if (!constantTimeEqual(expected, fields.ntResponse)) {
        return rejected('unknown user or wrong password');
      }
      return {
        ok: true,
        keys: {
          algorithm: 'mschapv1',
          passwordHash,
          passwordHashHash: hashNtPasswordHash(passwordHash),
          lmPasswordHash: lmPasswordHash(password),
          challenge: this.#challenge.slice(),
        },
        successText: this.#successMessage,
      };
    }
    const fields = decodeMschapv2ResponseValue(value);
    const user = userNameForHash(name);
    const expected = generateNtResponse(this.#challenge, fields.peerChallenge, user, passwordHash);
    if (!constantTimeEqual(expected, fields.ntResponse)) {
      return rejected('unknown user or wrong password');
    }
    const ntResponse = fields.ntResponse.slice();
    const s = generateAuthenticatorResponse(
      passwordHash,
      ntResponse,
      fields.peerChallenge,
      this.#challenge,
      user,
    );
    return {
      ok: true,
      keys: {
        algorithm: 'mschapv2',
        passwordHashHash: hashNtPasswordHash(passwordHash),
        ntResponse,
      },
      successText: `${s} M=${this.#successMessage}`,
    };
  }
}
