/**
 * The EAP peer (client) machine: Identity, Notification, Nak, MD5-Challenge (RFC 3748 §5) and
 * MS-CHAP-V2 (draft-kamath-pppext-eap-mschapv2) over PPP (RFC 2284). Sans-I/O.
 *
 * @module
 */
import {
  AuthenticationError,
  DecodeError,
  decodeUtf8,
  encodeUtf8,
  TimeoutError,
} from '@pptpkit/wire';
import { chapMd5Response } from './chap-md5.js';
import type { EapFailureCode } from './eap-errors.js';
import type { EapDropReason, EapMethod, EapOutcome, EapStep } from './eap-exchange.js';
import {
  decodeEapMd5,
  decodeEapMschapv2,
  decodeEapPacket,
  EAP_TYPE,
  type EapMschapv2Data,
  type EapPacket,
  encodeEapMd5,
  encodeEapMschapv2,
  encodeEapPacket,
  isEapResult,
} from './eap-packet.js';
import type { Mschapv2Keys, RandomBytes } from './exchange.js';
import {
  mschapFailureToError,
  parseMschapFailure,
  parseMschapv2Success,
} from './failure-message.js';
import {
  checkAuthenticatorResponse,
  encodeMschapv2ResponseValue,
  generateNtResponse,
  userNameForHash,
} from './mschapv2.js';
import { hashNtPasswordHash, ntPasswordHash } from './password.js';
import { checkRetransmitLimits } from './retransmit-limits.js';

/** Configuration of an {@link EapPeer}. */
export interface EapPeerOptions {
  /** Our identity, sent in the Identity Response and as the method's Name (pppd `name`/`user`). */
  readonly name: string;
  /** The secret (MD5: its UTF-8 bytes; MS-CHAP-V2: at most 256 characters, hashed at once). */
  readonly password: string;
  /** The methods we answer, preferred first (offered in a Nak); default both, MS-CHAP-V2 first. */
  readonly methods?: readonly EapMethod[];
  /** Randomness for the MS-CHAPv2 Peer-Challenge (16 bytes). */
  readonly randomBytes: RandomBytes;
  /**
   * Milliseconds from {@link EapPeer.start} to the first Request before giving up with
   * `EAP_TIMEOUT`; default 20000 (pppd `eap-timeout`).
   */
  readonly firstRequestTimeout?: number;
  /**
   * Requests answered without an EAP Success or Failure before giving up with `EAP_TIMEOUT`;
   * default 20 (pppd `eap-max-rreq`). Retransmitted Requests are not counted.
   */
  readonly maxRequests?: number;
}

const METHOD_TYPE: Readonly<Record<EapMethod, number>> = {
  md5: EAP_TYPE.md5Challenge,
  mschapv2: EAP_TYPE.mschapv2,
};

/** An MS-CHAP-V2 Response we sent, kept to verify the Success. */
interface MschapRound {
  readonly challenge: Uint8Array;
  readonly peerChallenge: Uint8Array;
  readonly ntResponse: Uint8Array;
}

/**
 * The authenticating peer of an EAP exchange (the PPTP client).
 *
 * Feed it every EAP payload with {@link EapPeer.receive} and send what it returns. It never
 * throws on peer input: malformed or unexpected packets come back as a `diagnostic`, are counted
 * in {@link EapPeer.dropped} and otherwise ignored (RFC 3748 §4). A Request repeating the last
 * Identifier gets the same Response again (RFC 3748 §4.1: the authenticator retransmits, the peer
 * does not). A Request of a Type we do not do is answered with a Nak listing
 * {@link EapPeerOptions.methods} (RFC 3748 §5.3.1). Success ends the exchange only after a method
 * authenticated both ways as far as it can: MD5 after our Response, MS-CHAP-V2 after the server's
 * authenticator response verified (RFC 2759 §5); an earlier Success fails with
 * `EAP_UNAUTHENTICATED_SUCCESS`.
 */
export class EapPeer {
  readonly #name: Uint8Array;
  readonly #secret: Uint8Array;
  readonly #passwordHash: Uint8Array | undefined;
  readonly #methods: readonly EapMethod[];
  readonly #randomBytes: RandomBytes;
  #last: { readonly identifier: number; readonly packet: Uint8Array } | undefined;
  #round: MschapRound | undefined;
  /** The outcome an EAP Success gives, once a method got that far. */
  #success: Extract<EapOutcome, { type: 'success' }> | undefined;
  #mschapError: AuthenticationError<EapFailureCode> | undefined;
  readonly #firstTimeout: number;
  readonly #maxRequests: number;
  #answered = 0;
  #deadline: number | undefined;
  #done = false;
  #dropped = 0;

  /**
   * @throws AuthenticationError `MSCHAP_PASSWORD_TOO_LONG` when MS-CHAP-V2 is allowed and the
   *   password is over 256 characters.
   * @throws RangeError when `methods` is empty or a limit is out of range.
   */
  constructor(options: EapPeerOptions) {
    this.#name = encodeUtf8(options.name);
    this.#secret = encodeUtf8(options.password);
    this.#methods = options.methods ?? ['mschapv2', 'md5'];
    if (this.#methods.length === 0) throw new RangeError('methods must not be empty');
    this.#passwordHash = this.#methods.includes('mschapv2')
      ? ntPasswordHash(options.password)
      : undefined;
    this.#randomBytes = options.randomBytes;
    this.#firstTimeout = options.firstRequestTimeout ?? 20_000;
    this.#maxRequests = options.maxRequests ?? 20;
    checkRetransmitLimits(
      'firstRequestTimeout',
      this.#firstTimeout,
      'maxRequests',
      this.#maxRequests,
    );
  }

  /** Starts the wait for the first Request. */
  start(now: number): EapStep {
    this.#deadline = now + this.#firstTimeout;
    return { deadline: this.#deadline };
  }

  /** Gives up with `EAP_TIMEOUT` when no Request came by the deadline of {@link EapPeer.start}. */
  timeout(now: number): EapStep {
    const deadline = this.#deadline;
    if (deadline === undefined || this.#done) return {};
    if (now < deadline) return { deadline };
    return this.#timedOut(`no EAP Request within ${this.#firstTimeout} ms`);
  }

  #timedOut(message: string): EapStep {
    this.#done = true;
    const error = new TimeoutError<EapFailureCode>('EAP_TIMEOUT', message);
    return { outcome: { type: 'failure', error } };
  }

  /** Packets ignored so far (malformed or unexpected). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Handles one EAP payload from the authenticator. Never throws on malformed input. */
  receive(payload: Uint8Array, _now?: number): EapStep {
    let packet: EapPacket;
    try {
      packet = decodeEapPacket(payload);
    } catch (e) {
      if (e instanceof DecodeError) return this.#drop('malformed', e.message, e);
      throw e;
    }
    if (this.#done)
      return this.#drop('not-expected', `EAP ${packet.code} after the exchange ended`);
    if (packet.code === 'response')
      return this.#drop('unexpected-code', 'a peer gets no Responses');
    if (isEapResult(packet)) {
      return packet.code === 'success'
        ? this.#onSuccess()
        : this.#end(this.#mschapError ?? this.#failed());
    }
    const last = this.#last;
    if (last !== undefined && last.identifier === packet.identifier) return { send: last.packet };
    this.#deadline = undefined;
    if (this.#answered >= this.#maxRequests) {
      return this.#timedOut(`no EAP Success or Failure after ${this.#answered} Requests`);
    }
    let answer: EapStep;
    try {
      answer = this.#answer(packet.identifier, packet.type, packet.data);
    } catch (e) {
      if (e instanceof DecodeError) return this.#drop('malformed', e.message, e);
      throw e;
    }
    if (answer.send !== undefined) {
      this.#answered++;
      this.#last = { identifier: packet.identifier, packet: answer.send };
    }
    return answer;
  }

  #drop(reason: EapDropReason, message: string, error?: DecodeError): EapStep {
    this.#dropped++;
    return { diagnostic: error === undefined ? { reason, message } : { reason, message, error } };
  }

  #end(error: AuthenticationError<EapFailureCode>, send?: Uint8Array): EapStep {
    this.#done = true;
    const outcome: EapOutcome = { type: 'failure', error };
    return send === undefined ? { outcome } : { send, outcome };
  }

  #failed(): AuthenticationError<EapFailureCode> {
    return new AuthenticationError<EapFailureCode>(
      'EAP_AUTH_FAILED',
      'EAP authentication failed: the authenticator sent Failure',
    );
  }

  #onSuccess(): EapStep {
    const done = this.#success;
    if (done === undefined) {
      return this.#end(
        new AuthenticationError<EapFailureCode>(
          'EAP_UNAUTHENTICATED_SUCCESS',
          'EAP Success before a method authenticated the exchange',
        ),
      );
    }
    this.#done = true;
    return { outcome: done };
  }

  #respond(identifier: number, type: number, data: Uint8Array): Uint8Array {
    return encodeEapPacket({ code: 'response', identifier, type, data });
  }

  #answer(identifier: number, type: number, data: Uint8Array): EapStep {
    switch (type) {
      case EAP_TYPE.identity:
        return { send: this.#respond(identifier, type, this.#name) };
      case EAP_TYPE.notification:
        // RFC 3748 §5.2: the peer MUST answer a Notification with an empty one.
        return { send: this.#respond(identifier, type, new Uint8Array(0)) };
      case EAP_TYPE.md5Challenge:
        if (this.#methods.includes('md5')) return this.#md5(identifier, data);
        break;
      case EAP_TYPE.mschapv2:
        if (this.#methods.includes('mschapv2')) {
          return this.#mschapv2(identifier, decodeEapMschapv2('request', data));
        }
        break;
      case EAP_TYPE.nak:
        return this.#drop('unexpected-type', 'a Nak is only a Response');
    }
    // RFC 3748 §5.3.1: a Nak carries the Types we would accept instead.
    const desired = Uint8Array.from(this.#methods, (m) => METHOD_TYPE[m]);
    return { send: this.#respond(identifier, EAP_TYPE.nak, desired) };
  }

  #md5(identifier: number, data: Uint8Array): EapStep {
    const { value } = decodeEapMd5(data);
    // RFC 3748 §5.4: the CHAP-MD5 computation of RFC 1994 §4.1 over the EAP Identifier.
    const digest = chapMd5Response(identifier, this.#secret, value);
    this.#success = { type: 'success', keys: { algorithm: 'chap-md5' } };
    return {
      send: this.#respond(identifier, EAP_TYPE.md5Challenge, encodeEapMd5(digest, this.#name)),
    };
  }

  #mschapv2(identifier: number, message: EapMschapv2Data): EapStep {
    const send = (body: EapMschapv2Data): Uint8Array =>
      this.#respond(identifier, EAP_TYPE.mschapv2, encodeEapMschapv2(body));
    if (message.op === 'challenge') {
      if (message.value.length !== 16) {
        return this.#drop('malformed', `MS-CHAP-V2 Challenge of ${message.value.length} bytes`);
      }
      const challenge = message.value.slice();
      const peerChallenge = this.#randomBytes(16);
      if (!(peerChallenge instanceof Uint8Array) || peerChallenge.length !== 16) {
        throw new TypeError('randomBytes(16) must return 16 bytes');
      }
      const ntResponse = generateNtResponse(
        challenge,
        peerChallenge,
        userNameForHash(this.#name),
        this.#passwordHash!,
      );
      this.#round = { challenge, peerChallenge, ntResponse };
      this.#success = undefined;
      return {
        send: send({
          op: 'response',
          msId: message.msId,
          value: encodeMschapv2ResponseValue(peerChallenge, ntResponse),
          name: this.#name,
        }),
      };
    }
    const round = this.#round;
    if (round === undefined)
      return this.#drop('not-expected', `MS-CHAP-V2 ${message.op} before a Response`);
    if (message.op === 'failure') {
      // The Failure Request is acknowledged; EAP Failure follows and ends the exchange.
      this.#mschapError = mschapFailureToError(parseMschapFailure(decodeUtf8(message.message)));
      return { send: send({ op: 'failure-ack' }) };
    }
    if (message.op !== 'success')
      return this.#drop('unexpected-code', 'MS-CHAP-V2 Response in a Request');
    const success = parseMschapv2Success(decodeUtf8(message.message));
    const ok =
      success.authenticatorResponse !== undefined &&
      checkAuthenticatorResponse(
        this.#passwordHash!,
        round.ntResponse,
        round.peerChallenge,
        round.challenge,
        userNameForHash(this.#name),
        success.authenticatorResponse,
      );
    if (!ok) {
      // RFC 2759 §5: a missing or wrong authenticator response ends the session.
      return this.#end(
        new AuthenticationError<EapFailureCode>(
          'MSCHAP_BAD_AUTHENTICATOR_RESPONSE',
          'EAP-MS-CHAP-V2 authenticator response missing or wrong: the server did not prove it knows the password',
        ),
      );
    }
    const keys: Mschapv2Keys = {
      algorithm: 'mschapv2',
      passwordHashHash: hashNtPasswordHash(this.#passwordHash!),
      ntResponse: round.ntResponse,
    };
    this.#success = {
      type: 'success',
      keys,
      ...(success.message === undefined ? {} : { message: success.message }),
    };
    return { send: send({ op: 'success-ack' }) };
  }
}
