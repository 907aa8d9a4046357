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
import {
  decryptPwBlockWithPasswordHash,
  oldNtPasswordHashEncryptedWithNewNtPasswordHash,
} from './change-password.js';
import { chapMd5Response } from './chap-md5.js';
import {
  type ChapChangePasswordPacket,
  type ChapPacket,
  decodeChapPacket,
  encodeChapPacket,
} from './chap-packet.js';
import type { MschapErrorCode } from './errors.js';
import type {
  ChapAlgorithm,
  ChapDropReason,
  ChapKeyMaterial,
  ChapStep,
  RandomBytes,
} from './exchange.js';
import { formatMschapFailure } from './failure-message.js';
import { md4 } from './md4.js';
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
import {
  hashNtPasswordHash,
  lmPasswordHash,
  ntPasswordHash,
  utf16leToPassword,
} from './password.js';
import { checkRetransmitLimits } from './retransmit-limits.js';

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
  /**
   * MS-CHAPv2: whether the password of `peerName` (just verified) has expired. If so the
   * answer is Failure `E=648 R=0 C=… V=3` (RFC 2759 §6) instead of Success. Default: never.
   */
  readonly passwordExpired?: (peerName: string) => boolean;
  /**
   * MS-CHAPv2 password change (RFC 2759 §7): after an `E=648` Failure, a Change-Password
   * packet that decrypts and verifies is handed here with the new password; return `true` to
   * accept it (Success, keys from the new password) or `false` to refuse (Failure `E=709`,
   * `MSCHAP_CHANGING_PASSWORD`). Without it, an expired password fails the exchange with
   * `MSCHAP_PASSWORD_EXPIRED` at once.
   */
  readonly changePassword?: (peerName: string, newPassword: string) => boolean;
  /**
   * Milliseconds to wait for a Change-Password after an `E=648` Failure (the user is being
   * asked for a new password: RFC 2759 §6 "disables short timeouts"). Default 60000.
   */
  readonly changePasswordTimeout?: number;
}

/** Where a {@link ChapAuthenticator} is. */
export type ChapAuthenticatorState =
  | 'idle'
  | 'challenged'
  | 'password-expired'
  | 'succeeded'
  | 'failed';

/** What a Change-Password is checked against after an `E=648` Failure. */
interface Expiry {
  readonly peerName: string;
  /** The user name as it enters ChallengeHash. */
  readonly user: Uint8Array;
  readonly oldPasswordHash: Uint8Array;
  /** The `C=` challenge of the Failure. */
  readonly challenge: Uint8Array;
  /** The Identifier a Change-Password must carry: the Failure's plus 1. */
  readonly identifier: number;
}

/** Builds a step that only reports an ignored packet. */
function drop(reason: ChapDropReason, message: string, error?: DecodeError): ChapStep {
  return { diagnostic: error === undefined ? { reason, message } : { reason, message, error } };
}

/** The result of checking one Response. */
type Verdict =
  | {
      readonly ok: true;
      readonly keys: ChapKeyMaterial;
      readonly successText: string;
      /** MS-CHAPv2: the verified NT password hash. */
      readonly passwordHash?: Uint8Array;
    }
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
  readonly #passwordExpired: ((peerName: string) => boolean) | undefined;
  readonly #changePasswordHook: ((peerName: string, newPassword: string) => boolean) | undefined;
  readonly #changePasswordTimeout: number;
  #expiry: Expiry | undefined;
  /** The answer to the Change-Password, repeated for a retransmitted one. */
  #changeReply: Uint8Array | undefined;
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
    this.#passwordExpired = options.passwordExpired;
    this.#changePasswordHook = options.changePassword;
    this.#changePasswordTimeout = options.changePasswordTimeout ?? 60_000;
    if (!(this.#changePasswordTimeout > 0)) {
      throw new RangeError('changePasswordTimeout must be positive');
    }
    checkRetransmitLimits(
      'retransmitInterval',
      this.#interval,
      'maxChallenges',
      this.#maxChallenges,
    );
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
    this.#expiry = undefined;
    this.#changeReply = undefined;
    this.#sent = 1;
    this.#deadline = now + this.#interval;
    return { send: this.#challengePacket, deadline: this.#deadline };
  }

  /** Call at or after the last `deadline`: retransmits the Challenge, or gives up. */
  timeout(now: number): ChapStep {
    if (this.#state === 'password-expired') {
      if (now < this.#deadline) return { deadline: this.#deadline };
      this.#state = 'failed';
      const error = new TimeoutError<MschapErrorCode>(
        'MSCHAP_TIMEOUT',
        `no CHAP Change-Password within ${this.#changePasswordTimeout} ms of the E=648 Failure`,
        { details: { changePasswordTimeout: this.#changePasswordTimeout } },
      );
      return { outcome: { type: 'failure', error } };
    }
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
    if (packet.type === 'change-password') {
      return this.#keepDeadline(this.#onChangePassword(packet), now);
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
    if (verdict.ok && verdict.passwordHash !== undefined && this.#passwordExpired?.(peerName)) {
      return this.#expire(packet.identifier, packet.name, peerName, verdict.passwordHash, now);
    }
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

  /**
   * The verified password has expired: Failure `E=648 R=0 C=… V=3` (RFC 2759 §6, §9.1.6), then
   * wait for a Change-Password if the application can change passwords, else fail.
   */
  #expire(
    identifier: number,
    name: Uint8Array,
    peerName: string,
    oldPasswordHash: Uint8Array,
    now: number,
  ): ChapStep {
    const challenge = this.#random(16);
    this.#reply = encodeChapPacket({
      type: 'failure',
      identifier,
      message: encodeUtf8(
        formatMschapFailure({
          error: 648,
          retryAllowed: false,
          challenge,
          version: 3,
          message: 'Password expired',
        }),
      ),
    });
    this.#expiry = {
      peerName,
      user: userNameForHash(name).slice(),
      oldPasswordHash,
      challenge,
      identifier: (identifier + 1) & 0xff,
    };
    if (this.#changePasswordHook === undefined) {
      this.#state = 'failed';
      // A peer that tries anyway gets a definite answer instead of retransmitting in vain.
      this.#changeReply = this.#changeFailure(709, this.#expiry.identifier);
      const error = new AuthenticationError<MschapErrorCode>(
        'MSCHAP_PASSWORD_EXPIRED',
        `the password of "${peerName}" has expired and this server cannot change it`,
        { details: { peerName } },
      );
      return { send: this.#reply, outcome: { type: 'failure', error } };
    }
    this.#state = 'password-expired';
    this.#deadline = now + this.#changePasswordTimeout;
    return { send: this.#reply, deadline: this.#deadline };
  }

  /** The Failure answering a Change-Password (`E=691` or `E=709`, no retry). */
  #changeFailure(error: number, identifier: number): Uint8Array {
    return encodeChapPacket({
      type: 'failure',
      identifier,
      message: encodeUtf8(
        formatMschapFailure({
          error,
          retryAllowed: false,
          challenge: this.#random(16),
          version: 3,
          message: this.#failureMessage,
        }),
      ),
    });
  }

  /** A Change-Password packet (RFC 2759 §7): decrypt, verify, ask the application. */
  #onChangePassword(packet: ChapChangePasswordPacket): ChapStep {
    const expiry = this.#expiry;
    if (expiry === undefined) {
      return drop('not-expected', 'Change-Password without an E=648 Failure');
    }
    if (packet.identifier !== expiry.identifier) {
      return drop(
        'unexpected-identifier',
        `Change-Password for Identifier ${packet.identifier}, not ${expiry.identifier}`,
      );
    }
    if (this.#state !== 'password-expired') {
      return this.#changeReply === undefined
        ? drop('duplicate', 'Change-Password after the exchange ended')
        : { send: this.#changeReply };
    }
    const { peerName, user, oldPasswordHash, challenge } = expiry;
    const fail = (error: number, code: MschapErrorCode, why: string): ChapStep => {
      this.#state = 'failed';
      this.#changeReply = this.#changeFailure(error, packet.identifier);
      const e = new AuthenticationError<MschapErrorCode>(
        code,
        `password change of "${peerName}" failed: ${why}`,
        { details: { peerName } },
      );
      return { send: this.#changeReply, outcome: { type: 'failure', error: e } };
    };
    const newUtf16 = decryptPwBlockWithPasswordHash(packet.encryptedPassword, oldPasswordHash);
    if (newUtf16 === undefined) {
      return fail(691, 'MSCHAP_AUTH_FAILED', 'the new password does not decrypt with the old');
    }
    const newPasswordHash = md4(newUtf16);
    const encryptedHash = oldNtPasswordHashEncryptedWithNewNtPasswordHash(
      newPasswordHash,
      oldPasswordHash,
    );
    const ntResponse = generateNtResponse(challenge, packet.peerChallenge, user, newPasswordHash);
    if (
      !constantTimeEqual(encryptedHash, packet.encryptedHash) ||
      !constantTimeEqual(ntResponse, packet.ntResponse)
    ) {
      return fail(691, 'MSCHAP_AUTH_FAILED', 'the packet does not verify');
    }
    if (!this.#changePasswordHook!(peerName, utf16leToPassword(newUtf16))) {
      return fail(709, 'MSCHAP_CHANGING_PASSWORD', 'the application refused the new password');
    }
    this.#state = 'succeeded';
    const s = generateAuthenticatorResponse(
      newPasswordHash,
      ntResponse,
      packet.peerChallenge,
      challenge,
      user,
    );
    this.#changeReply = encodeChapPacket({
      type: 'success',
      identifier: packet.identifier,
      message: encodeUtf8(`${s} M=${this.#successMessage}`),
    });
    return {
      send: this.#changeReply,
      outcome: {
        type: 'success',
        keys: {
          algorithm: 'mschapv2',
          passwordHashHash: hashNtPasswordHash(newPasswordHash),
          ntResponse,
        },
        peerName,
        passwordChanged: true,
      },
    };
  }

  #keepDeadline(step: ChapStep, now: number): ChapStep {
    return (this.#state === 'challenged' || this.#state === 'password-expired') &&
      now < this.#deadline
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
      passwordHash,
    };
  }
}
