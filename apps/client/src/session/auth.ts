import { deriveMsChapV1StartKey, deriveMsChapV2StartKeys, type MppeStartKeys } from '@pptpkit/mppe';
import type { Mschapv1Keys } from '@pptpkit/mschapv2';
import { ChapPeer, type Mschapv2Keys } from '@pptpkit/mschapv2';
import {
  type AuthMethod,
  CHAP_ALGORITHM,
  PapPeer,
  PPP_PROTOCOL,
  type PppAuthenticator,
} from '@pptpkit/ppp-lcp-ipcp';
import type { PeerSettings } from '../config/index.js';

/** Credentials we authenticate to the server with. */
export interface Credentials {
  /** The user name sent in the CHAP Response. */
  readonly user: string;
  /** The password (hashed by the CHAP machine at construction, never logged). */
  readonly password: string;
}

/**
 * The authentication methods we accept when the server asks us to authenticate, preferred
 * first: MS-CHAPv2 and MS-CHAPv1 (whose keys MPPE uses) unless `refuse-mschap-v2`/`refuse-mschap`;
 * when MPPE is not required also CHAP-MD5 and PAP, as pppd does, unless refused.
 */
export function acceptedAuthMethods(
  settings: PeerSettings,
  credentials: Credentials,
  randomBytes: (n: number) => Uint8Array,
  onFailure: (error: Error) => void = () => undefined,
): AuthMethod[] {
  const watch = (inner: PppAuthenticator): PppAuthenticator => ({
    receive(payload, now) {
      const step = inner.receive(payload, now);
      if (step.outcome?.type === 'failure') onFailure(step.outcome.error);
      return step;
    },
    ...(inner.start === undefined ? {} : { start: (now: number) => inner.start!(now) }),
    ...(inner.timeout === undefined
      ? {}
      : {
          timeout: (now: number) => {
            const step = inner.timeout!(now);
            if (step.outcome?.type === 'failure') onFailure(step.outcome.error);
            return step;
          },
        }),
  });
  const methods: AuthMethod[] = [];
  if (!settings.refuse.has('mschap-v2')) {
    methods.push({
      protocol: PPP_PROTOCOL.CHAP,
      algorithm: CHAP_ALGORITHM.MSCHAP_V2,
      create: () =>
        watch(
          new ChapPeer({
            algorithm: 'mschapv2',
            name: credentials.user,
            password: credentials.password,
            randomBytes,
          }),
        ),
    });
  }
  if (!settings.refuse.has('mschap')) {
    methods.push({
      protocol: PPP_PROTOCOL.CHAP,
      algorithm: CHAP_ALGORITHM.MSCHAP_V1,
      create: () =>
        watch(
          new ChapPeer({
            algorithm: 'mschapv1',
            name: credentials.user,
            password: credentials.password,
            randomBytes,
          }),
        ),
    });
  }
  if (settings.mppe.required) return methods;
  if (!settings.refuse.has('chap')) {
    methods.push({
      protocol: PPP_PROTOCOL.CHAP,
      algorithm: CHAP_ALGORITHM.MD5,
      create: () =>
        watch(
          new ChapPeer({
            algorithm: 'chap-md5',
            name: credentials.user,
            password: credentials.password,
            randomBytes,
          }),
        ),
    });
  }
  if (!settings.refuse.has('pap')) {
    methods.push({
      protocol: PPP_PROTOCOL.PAP,
      create: () =>
        watch(new PapPeer({ username: credentials.user, password: credentials.password })),
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
