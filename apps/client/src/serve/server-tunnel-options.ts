/**
 * A session's tunnel options from `pptpkit serve`'s configuration: the server role with the
 * methods `require-*` names, pppd's MPPE rules, IPCP with our address and the `ms-dns`/
 * `ms-wins` servers, LCP echo, `mtu`/`mru`, `idle` and `maxconnect`.
 *
 * @module
 */
import type { CcpPolicy } from '@pptpkit/ppp-lcp-ipcp';
import {
  mppcOnlyCcpPolicy,
  mppeCcpPolicy,
  serverAuthMethods,
  type TunnelOptions,
  type TunnelSink,
} from '@pptpkit/tunnel';
import type { ServerConfig } from './config/server-config.js';
import type { AddressRule } from './server-session.js';

/** A user's secret for a method and the addresses its entry allows; `undefined`: no entry. */
export type SecretLookup = (
  user: string,
  method: 'chap' | 'pap',
) => { readonly secret: string; readonly rule: AddressRule } | undefined;

/** The CCP policy the configuration gives: MPPE (with MPPC when offered), MPPC alone, none. */
function ccpPolicy(config: ServerConfig): CcpPolicy | undefined {
  const m = config.mppe;
  if (m.allow128 || m.allow56 || m.allow40) {
    return mppeCcpPolicy({
      required: m.required,
      allow128: m.allow128,
      allow56: m.allow56,
      allow40: m.allow40,
      stateful: m.allowStateful ? 'allow' : 'refuse',
      mppc: m.mppc,
    });
  }
  return m.mppc ? mppcOnlyCcpPolicy() : undefined;
}

/**
 * The tunnel options of one session. `lookup` finds a user's secret; `onRule` receives the
 * address rule of the entry that was used, for the core's address decision.
 */
export function serverTunnelOptions(
  config: ServerConfig,
  sink: TunnelSink,
  randomBytes: (n: number) => Uint8Array,
  local: number,
  lookup: SecretLookup,
  onRule: (rule: AddressRule) => void,
): TunnelOptions {
  const ccp = ccpPolicy(config);
  const encrypt = config.mppe.allow128 || config.mppe.allow56 || config.mppe.allow40;
  return {
    role: {
      role: 'server',
      auth: serverAuthMethods(
        config.requireAuth,
        {
          name: config.name,
          lookup: (user, method) => {
            const found = lookup(user, method);
            if (found === undefined) return undefined;
            onRule(found.rule);
            return found.secret;
          },
          // EAP-MD5 yields no MPPE keys: with MPPE required only EAP-MS-CHAP-V2 is offered.
          eapMethods: config.mppe.required ? ['mschapv2'] : ['mschapv2', 'md5'],
        },
        randomBytes,
      ),
    },
    randomBytes,
    sink,
    hostName: config.name,
    link: {
      lcp: {
        echoIntervalMs: config.echoInterval * 1000,
        ...(config.echoFailure > 0 ? { echoFailure: config.echoFailure } : {}),
        ...(config.mru === undefined ? {} : { mru: config.mru }),
      },
      ipcp: { localAddress: local, dns: config.dns, nbns: config.wins },
      ...(ccp === undefined ? {} : { ccp }),
      requireMppe: encrypt && config.mppe.required,
      mppcOffered: ccp !== undefined && config.mppe.mppc,
      ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
    },
    ...(config.idle === undefined ? {} : { idleMs: config.idle * 1000 }),
    ...(config.maxConnect === undefined ? {} : { maxConnectMs: config.maxConnect * 1000 }),
  };
}
