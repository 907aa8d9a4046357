/**
 * The authentication methods of each role, built from `@pptpkit/mschapv2`'s CHAP and EAP machines and
 * `@pptpkit/ppp-lcp-ipcp`'s PAP machines, in pppd's order of preference.
 *
 * @module
 */
import {
  ChapAuthenticator,
  ChapPeer,
  EapAuthenticator,
  type EapMethod,
  EapPeer,
} from '@pptpkit/mschapv2';
import {
  type AuthStep,
  CHAP_ALGORITHM,
  PapAuthenticator,
  PapPeer,
  PPP_PROTOCOL,
  type PppAuthenticator,
} from '@pptpkit/ppp-lcp-ipcp';
import { AuthenticationError, constantTimeEqual, encodeUtf8 } from '@pptpkit/wire';
import type { KeyedAuthenticator, KeyedAuthMethod, KeyedAuthStep } from './auth.js';

/** A method by pppd's name for it. */
export type AuthMethodName = 'mschap-v2' | 'mschap' | 'eap' | 'chap' | 'pap';

/**
 * Every method, preferred first: those whose keys MPPE can use, then EAP (whose MS-CHAP-V2
 * gives MPPE keys, its MD5-Challenge none), then CHAP-MD5, then PAP.
 */
export const AUTH_METHOD_NAMES: readonly AuthMethodName[] = [
  'mschap-v2',
  'mschap',
  'eap',
  'chap',
  'pap',
];

/** The EAP methods used when none are configured: MS-CHAP-V2 (MPPE keys) first, then MD5. */
const DEFAULT_EAP_METHODS: readonly EapMethod[] = ['mschapv2', 'md5'];

const chapAlgorithm = {
  'mschap-v2': { id: CHAP_ALGORITHM.MSCHAP_V2, name: 'mschapv2', label: 'MS-CHAPv2' },
  mschap: { id: CHAP_ALGORITHM.MSCHAP_V1, name: 'mschapv1', label: 'MS-CHAP' },
  chap: { id: CHAP_ALGORITHM.MD5, name: 'chap-md5', label: 'CHAP' },
} as const;

/** What the client authenticates with. */
export interface ClientCredentials {
  /** Our name (pppd `user`/`name`). */
  readonly user: string;
  /** The secret for the CHAP family (chap-secrets, or `password`); absent: none. */
  readonly chapSecret?: string;
  /** The secret for PAP (pap-secrets, or `password`); absent: none. */
  readonly papSecret?: string;
  /**
   * MS-CHAPv2: asked for a new password when the server reports the password expired
   * (`E=648`); returning one changes it (RFC 2759 §7) and the exchange continues with it,
   * `undefined` (or no function) fails with `MSCHAP_PASSWORD_EXPIRED`. Synchronous: the
   * application obtains the password beforehand or from a terminal it owns.
   */
  readonly newPassword?: () => string | undefined;
  /** PAP: retransmission interval, ms (pppd `pap-restart`). */
  readonly papRestartMs?: number;
  /** PAP: requests sent before giving up (pppd `pap-max-authreq`). */
  readonly papMaxRequests?: number;
  /**
   * EAP: the methods we answer, preferred first (a Nak offers them); default MS-CHAP-V2 then
   * MD5. EAP uses {@link ClientCredentials.chapSecret}, as pppd does.
   */
  readonly eapMethods?: readonly EapMethod[];
  /** EAP: ms to wait for the first Request (pppd `eap-timeout`); default 20000. */
  readonly eapTimeoutMs?: number;
  /** EAP: Requests answered without Success or Failure (pppd `eap-max-rreq`); default 20. */
  readonly eapMaxRequests?: number;
}

/** A PAP step as the tunnel reads it: PAP yields no key material. */
function papStep(step: AuthStep): KeyedAuthStep {
  const outcome = step.outcome;
  if (outcome?.type !== 'success') return step as KeyedAuthStep;
  const { keys: _none, ...rest } = outcome;
  return { ...step, outcome: rest };
}

/** A PAP machine as a {@link KeyedAuthenticator}. */
function pap(machine: PppAuthenticator): KeyedAuthenticator {
  const { start, timeout } = machine;
  return {
    receive: (payload, now) => papStep(machine.receive(payload, now)),
    ...(start === undefined ? {} : { start: (now: number) => papStep(start.call(machine, now)) }),
    ...(timeout === undefined
      ? {}
      : { timeout: (now: number) => papStep(timeout.call(machine, now)) }),
  };
}

/**
 * A machine for a method the peer chose but we have no secret for: it fails at once with
 * `AUTH_NO_SECRET` instead of answering with an empty password.
 */
function missingSecret(label: string, user: string, file: string): KeyedAuthenticator {
  const step = () => ({
    outcome: {
      type: 'failure' as const,
      error: new AuthenticationError(
        'AUTH_NO_SECRET',
        `the server asked for ${label}, but there is no secret for '${user}' in ${file} (or a password option)`,
        { details: { method: label, user } },
      ),
    },
  });
  return { start: step, receive: step };
}

/** A machine that fails at once with `error`. */
function failing(error: Error): KeyedAuthenticator {
  const step = () => ({ outcome: { type: 'failure' as const, error } });
  return { start: step, receive: step };
}

/**
 * The methods a client accepts to authenticate itself with, in the order given (pppd's
 * preference: {@link AUTH_METHOD_NAMES}). A method without its secret fails with
 * `AUTH_NO_SECRET` when the server picks it.
 */
export function clientAuthMethods(
  methods: readonly AuthMethodName[],
  credentials: ClientCredentials,
  randomBytes: (n: number) => Uint8Array,
): KeyedAuthMethod[] {
  return methods.map((method): KeyedAuthMethod => {
    if (method === 'pap') {
      return {
        protocol: PPP_PROTOCOL.PAP,
        create: () =>
          credentials.papSecret === undefined
            ? missingSecret('PAP', credentials.user, 'pap-secrets')
            : pap(
                new PapPeer({
                  username: credentials.user,
                  password: credentials.papSecret,
                  ...(credentials.papRestartMs === undefined
                    ? {}
                    : { retransmitMs: credentials.papRestartMs }),
                  ...(credentials.papMaxRequests === undefined
                    ? {}
                    : { maxRequests: credentials.papMaxRequests }),
                }),
              ),
      };
    }
    if (method === 'eap') {
      return {
        protocol: PPP_PROTOCOL.EAP,
        create: () => {
          if (credentials.chapSecret === undefined) {
            return missingSecret('EAP', credentials.user, 'chap-secrets');
          }
          try {
            return new EapPeer({
              name: credentials.user,
              password: credentials.chapSecret,
              methods: credentials.eapMethods ?? DEFAULT_EAP_METHODS,
              randomBytes,
              ...(credentials.eapTimeoutMs === undefined
                ? {}
                : { firstRequestTimeout: credentials.eapTimeoutMs }),
              ...(credentials.eapMaxRequests === undefined
                ? {}
                : { maxRequests: credentials.eapMaxRequests }),
            });
          } catch (error) {
            return failing(error as Error);
          }
        },
      };
    }
    const algorithm = chapAlgorithm[method];
    return {
      protocol: PPP_PROTOCOL.CHAP,
      algorithm: algorithm.id,
      create: () => {
        if (credentials.chapSecret === undefined) {
          return missingSecret(algorithm.label, credentials.user, 'chap-secrets');
        }
        try {
          return new ChapPeer({
            algorithm: algorithm.name,
            name: credentials.user,
            password: credentials.chapSecret,
            randomBytes,
            ...(credentials.newPassword === undefined
              ? {}
              : { newPassword: credentials.newPassword }),
          });
        } catch (error) {
          // A secret the method cannot use (MS-CHAP: over 256 characters, RFC 2759 §9.1): the
          // exchange fails with the machine's typed error instead of throwing out of the link.
          return failing(error as Error);
        }
      },
    };
  });
}

/** How a server finds the secrets of its users. */
export interface ServerSecrets {
  /** Our name in CHAP Challenges (pppd `name`). */
  readonly name: string;
  /** The password of `user` for `method`, or `undefined` for an unknown user. */
  readonly lookup: (user: string, method: 'chap' | 'pap') => string | undefined;
  /**
   * MS-CHAPv2: whether the (just verified) password of `user` has expired; if so the client
   * is told `E=648` (RFC 2759 §6). Absent: passwords never expire.
   */
  readonly passwordExpired?: (user: string) => boolean;
  /**
   * MS-CHAPv2: store `newPassword` for `user` after a verified Change-Password (RFC 2759 §7);
   * `true` accepts it, `false` refuses (`E=709`). Absent: an expired password cannot be
   * changed and the client fails with `MSCHAP_PASSWORD_EXPIRED`.
   */
  readonly changePassword?: (user: string, newPassword: string) => boolean;
  /**
   * EAP: the methods we accept, the first requested (a Nak may pick another); default
   * MS-CHAP-V2 then MD5. EAP checks the `chap` secrets, as pppd does.
   */
  readonly eapMethods?: readonly EapMethod[];
}

/** The methods a server requires a client to use, in the order given (the first is offered). */
export function serverAuthMethods(
  methods: readonly AuthMethodName[],
  secrets: ServerSecrets,
  randomBytes: (n: number) => Uint8Array,
): KeyedAuthMethod[] {
  return methods.map((method): KeyedAuthMethod => {
    if (method === 'pap') {
      return {
        protocol: PPP_PROTOCOL.PAP,
        create: () =>
          pap(
            new PapAuthenticator({
              verify: (user, password) => {
                const secret = secrets.lookup(user, 'pap');
                return secret !== undefined && constantTimeEqual(encodeUtf8(secret), password);
              },
            }),
          ),
      };
    }
    if (method === 'eap') {
      return {
        protocol: PPP_PROTOCOL.EAP,
        create: () =>
          new EapAuthenticator({
            methods: secrets.eapMethods ?? DEFAULT_EAP_METHODS,
            name: secrets.name,
            randomBytes,
            lookupPassword: (user) => secrets.lookup(user, 'chap'),
          }),
      };
    }
    const algorithm = chapAlgorithm[method];
    return {
      protocol: PPP_PROTOCOL.CHAP,
      algorithm: algorithm.id,
      create: () =>
        new ChapAuthenticator({
          algorithm: algorithm.name,
          name: secrets.name,
          randomBytes,
          lookupPassword: (user) => secrets.lookup(user, 'chap'),
          ...(secrets.passwordExpired === undefined
            ? {}
            : { passwordExpired: secrets.passwordExpired }),
          ...(secrets.changePassword === undefined
            ? {}
            : { changePassword: secrets.changePassword }),
        }),
    };
  });
}
