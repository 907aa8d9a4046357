/**
 * PAP (RFC 1334 §2): packet codec and both sides, as built-in {@link PppAuthenticator}s.
 * PAP sends the password in clear; use it only where the policy allows.
 *
 * @module
 */
import {
  AuthenticationError,
  ByteReader,
  DecodeError,
  decodeUtf8,
  encodeUtf8,
  TimeoutError,
} from '@pptpkit/wire';
import type { AuthStep, PppAuthenticator } from './authenticator.js';
import type { PppErrorCode } from './errors.js';
import { decodeControlPacket, encodeControlPacket } from './packet.js';

/** PAP codes (RFC 1334 §2.2). */
export const PAP_CODE = {
  /** Authenticate-Request. */
  AUTHENTICATE_REQUEST: 1,
  /** Authenticate-Ack. */
  AUTHENTICATE_ACK: 2,
  /** Authenticate-Nak. */
  AUTHENTICATE_NAK: 3,
} as const;

/** A PAP packet. `password` is a secret: never log it. */
export type PapPacket =
  | {
      readonly type: 'request';
      readonly identifier: number;
      readonly peerId: Uint8Array;
      readonly password: Uint8Array;
    }
  | { readonly type: 'ack' | 'nak'; readonly identifier: number; readonly message: Uint8Array };

/**
 * Decodes a PAP packet (the payload after protocol 0xC023).
 *
 * @throws DecodeError `PPP_TRUNCATED`, `PPP_BAD_LENGTH` or `PPP_PAP_MALFORMED`.
 */
export function decodePapPacket(bytes: Uint8Array): PapPacket {
  const p = decodeControlPacket(bytes);
  const r = new ByteReader(p.data, 'PPP_PAP_MALFORMED' satisfies PppErrorCode);
  switch (p.code) {
    case PAP_CODE.AUTHENTICATE_REQUEST: {
      const peerId = r.bytes(r.u8('peer-id length'), 'peer-id');
      const password = r.bytes(r.u8('passwd length'), 'password');
      return { type: 'request', identifier: p.identifier, peerId, password };
    }
    case PAP_CODE.AUTHENTICATE_ACK:
    case PAP_CODE.AUTHENTICATE_NAK: {
      // RFC 1334 §2.2.2: Msg-Length and Message; tolerate an empty Data field.
      const message =
        r.remaining === 0 ? new Uint8Array(0) : r.bytes(r.u8('msg length'), 'message');
      return {
        type: p.code === PAP_CODE.AUTHENTICATE_ACK ? 'ack' : 'nak',
        identifier: p.identifier,
        message,
      };
    }
    default:
      throw new DecodeError<PppErrorCode>('PPP_PAP_MALFORMED', `unknown PAP code ${p.code}`, {
        offset: 0,
        field: 'code',
      });
  }
}

function lengthPrefixed(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) {
    if (part.length > 255) throw new RangeError('PAP field longer than 255 octets');
    total += 1 + part.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out[at] = part.length;
    out.set(part, at + 1);
    at += 1 + part.length;
  }
  return out;
}

/** Encodes a PAP packet. */
export function encodePapPacket(packet: PapPacket): Uint8Array {
  if (packet.type === 'request') {
    return encodeControlPacket({
      code: PAP_CODE.AUTHENTICATE_REQUEST,
      identifier: packet.identifier,
      data: lengthPrefixed([packet.peerId, packet.password]),
    });
  }
  return encodeControlPacket({
    code: packet.type === 'ack' ? PAP_CODE.AUTHENTICATE_ACK : PAP_CODE.AUTHENTICATE_NAK,
    identifier: packet.identifier,
    data: lengthPrefixed([packet.message]),
  });
}

/** Settings of a {@link PapPeer}. */
export interface PapPeerOptions {
  /** The Peer-ID (user name). */
  readonly username: string;
  /** The password; sent in clear by PAP's design. */
  readonly password: string;
  /** Identifier of the first request; each retransmission takes the next one. Default 1. */
  readonly identifier?: number;
  /** Retransmission interval in ms (RFC 1334 §2.1 restart timer). Default 3000. */
  readonly retransmitMs?: number;
  /** Requests sent in total before giving up. Default 10. */
  readonly maxRequests?: number;
}

/**
 * The PAP peer: authenticates us to the other side by sending Authenticate-Requests, repeated
 * every `retransmitMs` until an Ack or Nak answers one of them (RFC 1334 §2.2.1), each with a
 * new Identifier (§2.2.1: it MUST change each time a request is issued).
 */
export class PapPeer implements PppAuthenticator {
  readonly #request: Uint8Array;
  readonly #identifier: number;
  readonly #retransmitMs: number;
  readonly #maxRequests: number;
  #sent = 0;
  #done = false;

  /** @param options - credentials and timers. */
  constructor(options: PapPeerOptions) {
    this.#identifier = (options.identifier ?? 1) & 0xff;
    this.#retransmitMs = options.retransmitMs ?? 3000;
    this.#maxRequests = options.maxRequests ?? 10;
    this.#request = encodePapPacket({
      type: 'request',
      identifier: this.#identifier,
      peerId: encodeUtf8(options.username),
      password: encodeUtf8(options.password),
    });
  }

  /** Sends the first Authenticate-Request. */
  start(now: number): AuthStep {
    this.#sent = 0;
    return this.#send(now);
  }

  /** Retransmits, or fails after `maxRequests`. */
  timeout(now: number): AuthStep {
    if (this.#done) return {};
    if (this.#sent >= this.#maxRequests) {
      this.#done = true;
      return {
        outcome: {
          type: 'failure',
          error: new TimeoutError<PppErrorCode>(
            'PPP_PAP_TIMEOUT',
            `no PAP answer after ${this.#sent} requests`,
          ),
        },
      };
    }
    return this.#send(now);
  }

  /** Sends the next request: the same credentials under the next Identifier. */
  #send(now: number): AuthStep {
    const request = this.#request.slice();
    request[1] = (this.#identifier + this.#sent) & 0xff;
    this.#sent++;
    return { send: request, deadline: now + this.#retransmitMs };
  }

  /** Whether `identifier` is that of a request sent in this exchange (RFC 1334 §2.2.2). */
  #ours(identifier: number): boolean {
    return this.#sent >= 256 || ((identifier - this.#identifier) & 0xff) < this.#sent;
  }

  /** Handles Authenticate-Ack/Nak answering any of our requests. */
  receive(payload: Uint8Array): AuthStep {
    let packet: PapPacket;
    try {
      packet = decodePapPacket(payload);
    } catch (e) {
      return { diagnostic: { message: `malformed PAP packet dropped: ${(e as Error).message}` } };
    }
    if (packet.type === 'request' || !this.#ours(packet.identifier) || this.#done) {
      return { diagnostic: { message: 'unexpected PAP packet dropped' } };
    }
    this.#done = true;
    const message = decodeUtf8(packet.message);
    if (packet.type === 'ack') return { outcome: { type: 'success', message } };
    return {
      outcome: {
        type: 'failure',
        error: new AuthenticationError<PppErrorCode>(
          'PPP_PAP_REJECTED',
          `PAP authentication rejected: ${message}`,
        ),
      },
    };
  }
}

/** Settings of a {@link PapAuthenticator}. */
export interface PapAuthenticatorOptions {
  /** Checks credentials; must compare in constant time (see `constantTimeEqual`). */
  readonly verify: (username: string, password: Uint8Array) => boolean;
  /** How long to wait for a request, in ms. Default 30000. */
  readonly waitMs?: number;
  /** Message in Authenticate-Ack. */
  readonly successMessage?: string;
  /** Message in Authenticate-Nak. */
  readonly failureMessage?: string;
}

/**
 * The PAP authenticator: checks the peer's Authenticate-Request. The first request decides;
 * every later one, whatever its Identifier, gets the same reply Code and message again under its
 * own Identifier, because the Ack or Nak may have been lost (RFC 1334 §2.2.1).
 */
export class PapAuthenticator implements PppAuthenticator {
  readonly #options: PapAuthenticatorOptions;
  /** The decision, kept to answer repeated requests. */
  #answer: { type: 'ack' | 'nak'; message: Uint8Array } | undefined;

  /** @param options - the credential check and timers. */
  constructor(options: PapAuthenticatorOptions) {
    this.#options = options;
  }

  /** Arms the wait for the peer's request. */
  start(now: number): AuthStep {
    return { deadline: now + (this.#options.waitMs ?? 30000) };
  }

  /** Fails when no request arrived in time. */
  timeout(): AuthStep {
    if (this.#answer !== undefined) return {};
    return {
      outcome: {
        type: 'failure',
        error: new TimeoutError<PppErrorCode>(
          'PPP_PAP_TIMEOUT',
          'peer sent no PAP Authenticate-Request',
        ),
      },
    };
  }

  /**
   * Answers an Authenticate-Request. After the decision, a repeated request (the peer lost our
   * Ack or Nak and sent a new one) gets the same reply Code again, with its own Identifier
   * (RFC 1334 §2.2.1, §2.2.2); the credentials are not checked a second time.
   */
  receive(payload: Uint8Array): AuthStep {
    let packet: PapPacket;
    try {
      packet = decodePapPacket(payload);
    } catch (e) {
      return { diagnostic: { message: `malformed PAP packet dropped: ${(e as Error).message}` } };
    }
    if (packet.type !== 'request')
      return { diagnostic: { message: 'unexpected PAP packet dropped' } };
    const answered = this.#answer;
    if (answered !== undefined) {
      return { send: encodePapPacket({ ...answered, identifier: packet.identifier }) };
    }
    const username = decodeUtf8(packet.peerId);
    const ok = this.#options.verify(username, packet.password);
    this.#answer = {
      type: ok ? 'ack' : 'nak',
      message: encodeUtf8(
        ok
          ? (this.#options.successMessage ?? 'Login ok')
          : (this.#options.failureMessage ?? 'Login incorrect'),
      ),
    };
    const reply = encodePapPacket({ ...this.#answer, identifier: packet.identifier });
    if (ok) return { send: reply, outcome: { type: 'success', peerName: username } };
    return {
      send: reply,
      outcome: {
        type: 'failure',
        error: new AuthenticationError<PppErrorCode>(
          'PPP_PAP_REJECTED',
          'peer failed PAP authentication',
          {
            details: { peerName: username },
          },
        ),
      },
    };
  }
}
