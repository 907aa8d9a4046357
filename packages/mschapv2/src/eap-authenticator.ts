/**
 * The EAP authenticator (server) machine: Identity, then MD5-Challenge (RFC 3748 §5.4) or
 * MS-CHAP-V2 (draft-kamath-pppext-eap-mschapv2), Nak handling, Request retransmission, Success
 * or Failure (RFC 3748 §4). Sans-I/O.
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
import { formatMschapFailure } from './failure-message.js';
import {
  decodeMschapv2ResponseValue,
  generateAuthenticatorResponse,
  generateNtResponse,
  MSCHAPV2_RESPONSE_SIZE,
  userNameForHash,
} from './mschapv2.js';
import { hashNtPasswordHash, ntPasswordHash } from './password.js';
import { checkRetransmitLimits } from './retransmit-limits.js';

/** Configuration of an {@link EapAuthenticator}. */
export interface EapAuthenticatorOptions {
  /** The methods we accept, the first requested; a Nak may pick another of them. */
  readonly methods: readonly EapMethod[];
  /** Our name in MD5 and MS-CHAP-V2 Challenges (pppd `name`). */
  readonly name: string;
  /** The password of a user, or `undefined` for an unknown user. */
  readonly lookupPassword: (user: string) => string | undefined;
  /** Randomness: the first Identifier and every Challenge. */
  readonly randomBytes: RandomBytes;
  /** Milliseconds before an unanswered Request is sent again; default 3000 (pppd `eap-restart`). */
  readonly retransmitInterval?: number;
  /** Requests sent in total before giving up with `EAP_TIMEOUT`; default 10 (pppd `eap-max-sreq`). */
  readonly maxRequests?: number;
}

type Stage = 'idle' | 'identity' | 'method' | 'success-sent' | 'failure-sent' | 'done';

const TYPE_METHOD: Readonly<Record<number, EapMethod | undefined>> = {
  [EAP_TYPE.md5Challenge]: 'md5',
  [EAP_TYPE.mschapv2]: 'mschapv2',
};

/**
 * The authenticator of an EAP exchange (the PPTP server).
 *
 * Call {@link EapAuthenticator.start}, feed it every EAP payload with
 * {@link EapAuthenticator.receive}, send what it returns and call
 * {@link EapAuthenticator.timeout} at the step's `deadline`. Malformed or unexpected Responses
 * come back as a `diagnostic`, are counted in {@link EapAuthenticator.dropped}, and are
 * otherwise ignored. The user is looked up by the Identity (MD5) or by the MS-CHAP-V2
 * Response's Name, which is also the `peerName` of the outcome.
 */
export class EapAuthenticator {
  readonly #methods: readonly EapMethod[];
  readonly #name: Uint8Array;
  readonly #lookup: (user: string) => string | undefined;
  readonly #randomBytes: RandomBytes;
  readonly #interval: number;
  readonly #maxRequests: number;
  #stage: Stage = 'idle';
  #identifier = 0;
  #request: Uint8Array | undefined;
  #sent = 0;
  #deadline = 0;
  #identity = '';
  #method: EapMethod | undefined;
  readonly #tried = new Set<EapMethod>();
  #challenge: Uint8Array | undefined;
  #success: Extract<EapOutcome, { type: 'success' }> | undefined;
  #dropped = 0;

  /** @throws RangeError on empty `methods` or out-of-range timers. */
  constructor(options: EapAuthenticatorOptions) {
    if (options.methods.length === 0) throw new RangeError('methods must not be empty');
    this.#methods = options.methods;
    this.#name = encodeUtf8(options.name);
    this.#lookup = options.lookupPassword;
    this.#randomBytes = options.randomBytes;
    this.#interval = options.retransmitInterval ?? 3000;
    this.#maxRequests = options.maxRequests ?? 10;
    checkRetransmitLimits('retransmitInterval', this.#interval, 'maxRequests', this.#maxRequests);
  }

  /** Packets ignored so far (malformed or unexpected). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Sends the Identity Request. */
  start(now: number): EapStep {
    this.#identifier = this.#randomBytes(1)[0] ?? 0;
    this.#stage = 'identity';
    return this.#sendRequest(EAP_TYPE.identity, new Uint8Array(0), now, false);
  }

  /** Sends the last Request again, or gives up with `EAP_TIMEOUT` after `maxRequests`. */
  timeout(now: number): EapStep {
    if (this.#request === undefined || this.#stage === 'done') return {};
    if (now < this.#deadline) return { deadline: this.#deadline };
    if (this.#sent >= this.#maxRequests) {
      this.#stage = 'done';
      const error = new TimeoutError<EapFailureCode>(
        'EAP_TIMEOUT',
        `no EAP Response after ${this.#sent} Requests`,
        { details: { requests: this.#sent } },
      );
      return { outcome: { type: 'failure', error } };
    }
    this.#sent++;
    this.#deadline = now + this.#interval;
    return { send: this.#request, deadline: this.#deadline };
  }

  /** Handles one EAP payload from the peer. Never throws on malformed input. */
  receive(payload: Uint8Array, now: number): EapStep {
    let packet: EapPacket;
    try {
      packet = decodeEapPacket(payload);
    } catch (e) {
      if (e instanceof DecodeError) return this.#drop('malformed', e.message, e);
      throw e;
    }
    if (this.#stage === 'idle' || this.#stage === 'done') {
      return this.#drop('not-expected', `EAP ${packet.code} outside an exchange`);
    }
    if (isEapResult(packet) || packet.code !== 'response') {
      return this.#drop('unexpected-code', `an authenticator gets no EAP ${packet.code}`);
    }
    if (packet.identifier !== this.#identifier) {
      return this.#drop(
        'unexpected-identifier',
        `Response for Identifier ${packet.identifier}, not ${this.#identifier}`,
      );
    }
    try {
      return this.#onResponse(packet.type, packet.data, now);
    } catch (e) {
      if (e instanceof DecodeError) return this.#drop('malformed', e.message, e);
      throw e;
    }
  }

  #drop(reason: EapDropReason, message: string, error?: DecodeError): EapStep {
    this.#dropped++;
    const diagnostic = error === undefined ? { reason, message } : { reason, message, error };
    return this.#stage === 'done' || this.#request === undefined
      ? { diagnostic }
      : { diagnostic, deadline: this.#deadline };
  }

  #sendRequest(type: number, data: Uint8Array, now: number, next = true): EapStep {
    if (next) this.#identifier = (this.#identifier + 1) & 0xff;
    this.#request = encodeEapPacket({ code: 'request', identifier: this.#identifier, type, data });
    this.#sent = 1;
    this.#deadline = now + this.#interval;
    return { send: this.#request, deadline: this.#deadline };
  }

  /** Ends with EAP Success or Failure, its Identifier the Response's (RFC 3748 §4.2). */
  #finish(outcome: EapOutcome): EapStep {
    this.#stage = 'done';
    this.#request = undefined;
    const code = outcome.type === 'success' ? 'success' : 'failure';
    return { send: encodeEapPacket({ code, identifier: this.#identifier }), outcome };
  }

  #fail(code: EapFailureCode, message: string): EapStep {
    return this.#finish({ type: 'failure', error: new AuthenticationError(code, message) });
  }

  #onResponse(type: number, data: Uint8Array, now: number): EapStep {
    if (this.#stage === 'identity') {
      if (type !== EAP_TYPE.identity)
        return this.#drop('unexpected-type', `Type ${type} for Identity`);
      this.#identity = decodeUtf8(data);
      return this.#requestMethod(this.#methods[0]!, now);
    }
    if (type === EAP_TYPE.nak && this.#stage === 'method') {
      const next = [...data]
        .map((t) => TYPE_METHOD[t])
        .find((m) => m !== undefined && this.#methods.includes(m) && !this.#tried.has(m));
      if (next === undefined) {
        return this.#fail('EAP_NO_COMMON_TYPE', 'the peer Naked every EAP method we accept');
      }
      return this.#requestMethod(next, now);
    }
    if (TYPE_METHOD[type] !== this.#method || type === EAP_TYPE.nak) {
      return this.#drop('unexpected-type', `Response of Type ${type} at stage ${this.#stage}`);
    }
    if (this.#method === 'md5') {
      if (this.#stage !== 'method') return this.#drop('not-expected', 'a second MD5 Response');
      return this.#checkMd5(decodeEapMd5(data).value);
    }
    return this.#onMschapv2(decodeEapMschapv2('response', data), now);
  }

  #requestMethod(method: EapMethod, now: number): EapStep {
    this.#method = method;
    this.#tried.add(method);
    this.#stage = 'method';
    const challenge = this.#randomBytes(16).slice();
    this.#challenge = challenge;
    if (method === 'md5') {
      return this.#sendRequest(EAP_TYPE.md5Challenge, encodeEapMd5(challenge, this.#name), now);
    }
    const msId = (this.#identifier + 1) & 0xff;
    const body = encodeEapMschapv2({ op: 'challenge', msId, value: challenge, name: this.#name });
    return this.#sendRequest(EAP_TYPE.mschapv2, body, now);
  }

  #checkMd5(value: Uint8Array): EapStep {
    const secret = this.#lookup(this.#identity);
    const ok =
      secret !== undefined &&
      constantTimeEqual(
        chapMd5Response(this.#identifier, encodeUtf8(secret), this.#challenge!),
        value,
      );
    if (!ok) return this.#fail('EAP_AUTH_FAILED', 'EAP-MD5 Response does not verify');
    return this.#finish({
      type: 'success',
      keys: { algorithm: 'chap-md5' },
      peerName: this.#identity,
    });
  }

  #onMschapv2(message: EapMschapv2Data, now: number): EapStep {
    if (message.op === 'success-ack' && this.#stage === 'success-sent') {
      return this.#finish(this.#success!);
    }
    if (message.op === 'failure-ack' && this.#stage === 'failure-sent') {
      return this.#fail('EAP_AUTH_FAILED', 'the EAP-MS-CHAP-V2 Response does not verify');
    }
    if (message.op !== 'response' || this.#stage !== 'method') {
      return this.#drop('not-expected', `MS-CHAP-V2 ${message.op} at stage ${this.#stage}`);
    }
    if (message.value.length !== MSCHAPV2_RESPONSE_SIZE) {
      return this.#drop('malformed', `MS-CHAP-V2 Response value of ${message.value.length} bytes`);
    }
    const user = decodeUtf8(message.name);
    const { peerChallenge, ntResponse } = decodeMschapv2ResponseValue(message.value);
    const password = this.#lookup(user);
    let passwordHash: Uint8Array | undefined;
    try {
      passwordHash = password === undefined ? undefined : ntPasswordHash(password);
    } catch {
      passwordHash = undefined; // a secret MS-CHAP cannot use: the Response cannot verify.
    }
    const challenge = this.#challenge!;
    const userName = userNameForHash(message.name);
    const ok =
      passwordHash !== undefined &&
      constantTimeEqual(
        generateNtResponse(challenge, peerChallenge, userName, passwordHash),
        ntResponse,
      );
    if (!ok || passwordHash === undefined) {
      this.#stage = 'failure-sent';
      const text = formatMschapFailure({
        error: 691,
        retryAllowed: false,
        challenge: this.#randomBytes(16).slice(),
        version: 3,
        message: 'Authentication failed',
      });
      const body = encodeEapMschapv2({
        op: 'failure',
        msId: message.msId,
        message: encodeUtf8(text),
      });
      return this.#sendRequest(EAP_TYPE.mschapv2, body, now);
    }
    const keys: Mschapv2Keys = {
      algorithm: 'mschapv2',
      passwordHashHash: hashNtPasswordHash(passwordHash),
      ntResponse: ntResponse.slice(),
    };
    this.#success = { type: 'success', keys, peerName: user };
    this.#stage = 'success-sent';
    const text = `${generateAuthenticatorResponse(passwordHash, ntResponse, peerChallenge, challenge, userName)} M=Access granted`;
    const body = encodeEapMschapv2({
      op: 'success',
      msId: message.msId,
      message: encodeUtf8(text),
    });
    return this.#sendRequest(EAP_TYPE.mschapv2, body, now);
  }
}
