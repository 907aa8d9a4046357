import type { MppePolicy } from '@pptpkit/mppe';
import type { EapMethod } from '@pptpkit/mschapv2';
import {
  type AuthMethodName,
  clientAuthMethods,
  mppcOnlyCcpPolicy,
  mppeCcpPolicy,
  type TunnelOptions,
  type TunnelSink,
} from '@pptpkit/tunnel';
import type { Credentials, MppeSettings, PeerSettings, PptpOptions } from '../config/index.js';
import { ipv6cpConfig } from '../config/ipv6-settings.js';
import { linkTuning } from '../config/link-settings.js';
import { firstEthernetMac } from '../host/first-ethernet-mac.js';

/** The `@pptpkit/mppe` policy that a peer's MPPE settings describe. */
export function mppePolicyFromSettings(mppe: MppeSettings, mppc: boolean): MppePolicy {
  return {
    required: mppe.required,
    allow128: mppe.allow128,
    allow56: mppe.allow56,
    allow40: mppe.allow40,
    stateful: mppe.preferStateful === true ? 'prefer' : mppe.allowStateful ? 'allow' : 'refuse',
    mppc,
  };
}

/**
 * The authentication methods we accept, preferred first, by pppd's rules: MS-CHAPv2 and
 * MS-CHAPv1 (whose keys MPPE uses) unless `refuse-mschap-v2`/`refuse-mschap`, EAP unless
 * `refuse-eap` (with MPPE required only its MS-CHAP-V2, see {@link eapMethods}); when MPPE is
 * not required also CHAP-MD5 and PAP, unless refused.
 */
export function acceptedMethods(settings: PeerSettings): AuthMethodName[] {
  const methods: AuthMethodName[] = [];
  if (!settings.refuse.has('mschap-v2')) methods.push('mschap-v2');
  if (!settings.refuse.has('mschap')) methods.push('mschap');
  if (!settings.refuse.has('eap')) methods.push('eap');
  if (settings.mppe.required) return methods;
  if (!settings.refuse.has('chap')) methods.push('chap');
  if (!settings.refuse.has('pap')) methods.push('pap');
  return methods;
}

/**
 * The EAP methods we answer: MS-CHAP-V2 alone when MPPE is required (EAP-MD5 yields no keys, so
 * the server is Nak'ed towards MS-CHAP-V2), else MS-CHAP-V2 then MD5.
 */
export function eapMethods(settings: PeerSettings): EapMethod[] {
  return settings.mppe.required ? ['mschapv2'] : ['mschapv2', 'md5'];
}

/**
 * The secret a method uses, by pppd's rules: the `password` option for every method, else
 * `chap-secrets` for the CHAP family and `pap-secrets` for PAP.
 */
export function secretFor(credentials: Credentials, method: 'chap' | 'pap'): string | undefined {
  return (
    credentials.password ?? (method === 'pap' ? credentials.papPassword : credentials.chapPassword)
  );
}

/** The largest power of two that is at most `n` (n ≥ 1). */
const powerOfTwoAtMost = (n: number): number => 2 ** Math.floor(Math.log2(n));

/** The reorder buffer's default slots (`@pptpkit/gre`'s `ReorderOptions.slots`). */
const REORDER_SLOTS = 64;

/**
 * pptp-linux's `pty` options on the tunnel core: `--phone`, `--idle-wait`/`--max-echo-wait` (the
 * control connection's keepalive; `--idle-wait 0` sends no Echo-Request), `--timeout`/`--nobuffer`
 * (a fixed reorder hold) and `--missing-window` (the reorder buffer's `maxAhead`, with fewer slots
 * when it is below their 64, since no packet may be held further ahead than it).
 */
export function pptpTunnelOptions(
  p: PptpOptions | undefined,
): Pick<TunnelOptions, 'controlEcho' | 'greReorder'> & { phoneNumber?: string } {
  if (p === undefined) return {};
  const echo = {
    ...(p.idleWait === undefined
      ? {}
      : { intervalMs: p.idleWait === 0 ? Number.POSITIVE_INFINITY : p.idleWait * 1000 }),
    ...(p.maxEchoWait === undefined ? {} : { timeoutMs: p.maxEchoWait * 1000 }),
  };
  const reorder = {
    ...(p.reorderHoldMs === undefined ? {} : { holdMs: p.reorderHoldMs }),
    ...(p.missingWindow === undefined
      ? {}
      : {
          maxAhead: p.missingWindow,
          slots: Math.min(REORDER_SLOTS, powerOfTwoAtMost(p.missingWindow)),
        }),
  };
  return {
    ...(p.phone === undefined ? {} : { phoneNumber: p.phone }),
    ...(Object.keys(echo).length === 0 ? {} : { controlEcho: echo }),
    ...(Object.keys(reorder).length === 0 ? {} : { greReorder: reorder }),
  };
}

/**
 * The tunnel core's options for a peer's settings: the client role with the methods and secrets
 * pppd would use, CCP for MPPE (with the MPPC bit when `mppc`) or MPPC alone (`nomppe mppc`) or
 * none (`noccp`), the link's timers and echo, `mtu`, `idle` and `maxconnect`, the `pty`
 * command's pptp-linux options ({@link pptpTunnelOptions}) and IPv6CP with `+ipv6`
 * (identifiers per {@link ipv6cpConfig}).
 */
export function tunnelOptionsFromSettings(
  settings: PeerSettings,
  credentials: Credentials,
  randomBytes: (n: number) => Uint8Array,
  sink: TunnelSink,
  replyTimeoutMs: number,
): TunnelOptions {
  const tuning = linkTuning(settings);
  const { mppe, mppc } = settings;
  const encrypt = mppe.allow128 || mppe.allow56 || mppe.allow40;
  const ccp = !tuning.ccp
    ? undefined
    : encrypt
      ? mppeCcpPolicy(mppePolicyFromSettings(mppe, mppc))
      : mppc
        ? mppcOnlyCcpPolicy()
        : undefined;
  const ipv6 = ipv6cpConfig(
    settings.ipv6,
    settings,
    settings.ipv6.usePersistent ? firstEthernetMac() : undefined,
  );
  const chapSecret = secretFor(credentials, 'chap');
  const papSecret = secretFor(credentials, 'pap');
  const { phoneNumber, ...pptp } = pptpTunnelOptions(settings.pptp);
  return {
    ...pptp,
    role: {
      role: 'client',
      ...(phoneNumber === undefined ? {} : { phoneNumber }),
      auth: clientAuthMethods(
        acceptedMethods(settings),
        {
          user: credentials.user,
          ...(chapSecret === undefined ? {} : { chapSecret }),
          ...(papSecret === undefined ? {} : { papSecret }),
          ...(credentials.newPassword === undefined
            ? {}
            : { newPassword: () => credentials.newPassword }),
          ...(settings.papRestart === undefined
            ? {}
            : { papRestartMs: settings.papRestart * 1000 }),
          ...(settings.papMaxAuthreq === undefined
            ? {}
            : { papMaxRequests: settings.papMaxAuthreq }),
          eapMethods: eapMethods(settings),
          ...(settings.eapTimeout === undefined
            ? {}
            : { eapTimeoutMs: settings.eapTimeout * 1000 }),
          ...(settings.eapMaxRreq === undefined ? {} : { eapMaxRequests: settings.eapMaxRreq }),
        },
        randomBytes,
      ),
    },
    randomBytes,
    sink,
    replyTimeoutMs,
    link: {
      lcp: tuning.lcp,
      ipcp: tuning.ipcp,
      automaton: tuning.automaton,
      ...(ccp === undefined ? {} : { ccp }),
      requireMppe: mppe.required,
      mppcOffered: mppc && ccp !== undefined,
      ...(settings.mtu === undefined ? {} : { mtu: settings.mtu }),
      ...(ipv6 === undefined ? {} : { ipv6 }),
    },
    ...(settings.idle === undefined ? {} : { idleMs: settings.idle * 1000 }),
    ...(settings.maxConnect === undefined ? {} : { maxConnectMs: settings.maxConnect * 1000 }),
  };
}
