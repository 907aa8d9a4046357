import { deriveMsChapV1StartKey, deriveMsChapV2StartKeys, type MppeStartKeys } from '@pptpkit/mppe';
import type { Mschapv1Keys } from '@pptpkit/mschapv2';
import { ChapPeer, type Mschapv2Keys } from '@pptpkit/mschapv2';
import {
  type AuthMethod,
  type AuthStep,
  CHAP_ALGORITHM,
  PapPeer,
  PPP_PROTOCOL,
  type PppAuthenticator,
} from '@pptpkit/ppp-lcp-ipcp';
import { AuthenticationError } from '@pptpkit/wire';
import type { Credentials, PeerSettings } from '../config/index.js';

export type { Credentials } from '../config/index.js';

/**
 * The secret a method uses, by pppd's rules: the `password` option for every method, else
 * `chap-secrets` for the CHAP family and `pap-secrets` for PAP.
 */
export function secretFor(credentials: Credentials, method: 'chap' | 'pap'): string | undefined {
  return (
    credentials.password ?? (method === 'pap' ? credentials.papPassword : credentials.chapPassword)
  );
}

/**
 * An authenticator for a method the server chose but we have no secret for: it fails at once
 * with `AUTH_NO_SECRET` (exit status "authentication failed") instead of answering with an
 * empty password.
 */
function missingSecret(method: string, user: string, file: string): PppAuthenticator {
  const step = () => ({
    outcome: {
      type: 'failure' as const,
      error: new AuthenticationError(
        'AUTH_NO_SECRET',
        `the server asked for ${method}, but there is no secret for '${user}' in ${file} (or a password option)`,
        { details: { method, user } },
      ),
    },
  });
  return { start: step, receive: step };
}

/**
 * The authentication methods we accept when the server asks us to authenticate, preferred
 * first: MS-CHAPv2 and MS-CHAPv1 (whose keys MPPE uses) unless `refuse-mschap-v2`/`refuse-mschap`;
 * when MPPE is not required also CHAP-MD5 and PAP, as pppd does, unless refused. The CHAP family
 * uses the CHAP secret and PAP the PAP secret ({@link secretFor}); a method without one fails
 * with `AUTH_NO_SECRET` when the server picks it. PAP retransmits every `pap-restart` seconds,
 * at most `pap-max-authreq` times.
 */
export function acceptedAuthMethods(
  settings: PeerSettings,
  credentials: Credentials,
  randomBytes: (n: number) => Uint8Array,
  onFailure: (error: Error) => void = () => undefined,
): AuthMethod[] {
  const watch = (inner: PppAuthenticator): PppAuthenticator => {
    const seen = (step: AuthStep): AuthStep => {
      if (step.outcome?.type === 'failure') onFailure(step.outcome.error);
      return step;
    };
    return {
      receive: (payload, now) => seen(inner.receive(payload, now)),
      ...(inner.start === undefined ? {} : { start: (now: number) => seen(inner.start!(now)) }),
      ...(inner.timeout === undefined
        ? {}
        : { timeout: (now: number) => seen(inner.timeout!(now)) }),
    };
  };
  const chapNames = { mschapv2: 'MS-CHAPv2', mschapv1: 'MS-CHAP', 'chap-md5': 'CHAP' } as const;
  const chap = (algorithm: keyof typeof chapNames): PppAuthenticator => {
    const password = secretFor(credentials, 'chap');
    return password === undefined
      ? missingSecret(chapNames[algorithm], credentials.user, 'chap-secrets')
      : new ChapPeer({ algorithm, name: credentials.user, password, randomBytes });
  };
  const methods: AuthMethod[] = [];
  if (!settings.refuse.has('mschap-v2')) {
    methods.push({
      protocol: PPP_PROTOCOL.CHAP,
      algorithm: CHAP_ALGORITHM.MSCHAP_V2,
      create: () => watch(chap('mschapv2')),
    });
  }
  if (!settings.refuse.has('mschap')) {
    methods.push({
      protocol: PPP_PROTOCOL.CHAP,
      algorithm: CHAP_ALGORITHM.MSCHAP_V1,
      create: () => watch(chap('mschapv1')),
    });
  }
  if (settings.mppe.required) return methods;
  if (!settings.refuse.has('chap')) {
    methods.push({
      protocol: PPP_PROTOCOL.CHAP,
      algorithm: CHAP_ALGORITHM.MD5,
      create: () => watch(chap('chap-md5')),
    });
  }
  if (!settings.refuse.has('pap')) {
    methods.push({
      protocol: PPP_PROTOCOL.PAP,
      create: () => {
        const password = secretFor(credentials, 'pap');
        return watch(
          password === undefined
            ? missingSecret('PAP', credentials.user, 'pap-secrets')
            : new PapPeer({
                username: credentials.user,
                password,
                ...(settings.papRestart === undefined
                  ? {}
                  : { retransmitMs: settings.papRestart * 1000 }),
                ...(settings.papMaxAuthreq === undefined
                  ? {}
                  : { maxRequests: settings.papMaxAuthreq }),
              }),
        );
      },
    });
  }
  return methods;
}

/**
 * MPPE start keys of the client side from the key material of an `authenticated` action:
 * RFC 3079 §3 for MS-CHAPv2 (one key per direction), §2 for MS-CHAPv1 (one key for both).
 * `undefined` when the material is not MS-CHAP's.
 */
export function clientStartKeys(keys: unknown, keyBits: 40 | 56 | 128): MppeStartKeys | undefined {
  const v2 = mschapv2Keys(keys);
  if (v2 !== undefined) {
    return deriveMsChapV2StartKeys({
      role: 'client',
      passwordHashHash: v2.passwordHashHash,
      ntResponse: v2.ntResponse,
      keyBits,
    });
  }
  const v1 = keys as Partial<Mschapv1Keys> | undefined;
  if (v1?.algorithm !== 'mschapv1') return undefined;
  const key =
    keyBits === 128
      ? deriveMsChapV1StartKey({
          keyBits,
          passwordHashHash: v1.passwordHashHash!,
          challenge: v1.challenge!,
        })
      : deriveMsChapV1StartKey({ keyBits, lmPasswordHash: v1.lmPasswordHash! });
  return { send: key, receive: key };
}

/** Narrows the opaque key material of an `authenticated` action to MS-CHAPv2 keys. */
export function mschapv2Keys(keys: unknown): Mschapv2Keys | undefined {
  if (typeof keys !== 'object' || keys === null) return undefined;
  const k = keys as Partial<Mschapv2Keys>;
  if (k.algorithm !== 'mschapv2') return undefined;
  if (!(k.passwordHashHash instanceof Uint8Array) || !(k.ntResponse instanceof Uint8Array)) {
    return undefined;
  }
  return k as Mschapv2Keys;
}
