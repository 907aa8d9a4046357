/**
 * A fake pptpd: the tunnel core in the server role with pppd-like defaults (MS-CHAPv2, MPPE-128
 * required, stateless, 192.168.77.1 ↔ 192.168.77.10, a DNS server offered).
 *
 * @module
 */
import type { MppePolicy } from '@pptpkit/mppe';
import type { CcpPolicy } from '@pptpkit/ppp-lcp-ipcp';
import {
  type AuthMethodName,
  mppcOnlyCcpPolicy,
  mppeCcpPolicy,
  serverAuthMethods,
  type TunnelOptions,
  type TunnelSink,
} from '@pptpkit/tunnel';
import { parseIpv4 } from '@pptpkit/wire';

/** How the fake server is set up. */
export interface FakePptpdOptions {
  /** Users and their passwords. Default `{ alice: 'Secret-pw1' }`. */
  readonly users?: Readonly<Record<string, string>>;
  /**
   * Users whose password has expired: MS-CHAPv2 answers them `E=648` (RFC 2759 §6) until they
   * change it. Default none.
   */
  readonly expired?: readonly string[];
  /**
   * What the server does with a password change of an expired user: `accept` it (the new
   * password replaces the old for later authentications), `refuse` it (`E=709`), or not
   * support it at all (`unsupported`: fail at `E=648`, as pppd does). Default `accept`.
   */
  readonly passwordChange?: 'accept' | 'refuse' | 'unsupported';
  /** Methods required of the client, the first offered first. Default `['mschap-v2']`. */
  readonly auth?: readonly AuthMethodName[];
  /** The server's MPPE policy. Default: 128-bit required, stateless, no MPPC. */
  readonly mppe?: MppePolicy;
  /** MPPC alone, no encryption (`nomppe mppc`). */
  readonly mppcAlone?: boolean;
  /** Replaces the CCP policy (a misbehaving server). */
  readonly ccp?: CcpPolicy;
  /** Our tunnel address. Default `192.168.77.1`. */
  readonly local?: string;
  /** The client's tunnel address. Default `192.168.77.10`. */
  readonly remote?: string;
  /** DNS offered. Default `['192.168.77.53']`. */
  readonly dns?: readonly string[];
  /** LCP echo interval, ms. Default 0 (pptpd's options have none). */
  readonly echoIntervalMs?: number;
  /** Resend GRE packets the peer's acknowledgments stop at (the tunnel's default: yes). */
  readonly greRetransmit?: boolean;
}

/** MPPE as pptpd's stock options ask: 128-bit required, stateless. */
export const PPTPD_MPPE: MppePolicy = {
  required: true,
  allow128: true,
  allow56: false,
  allow40: false,
  stateful: 'allow',
  mppc: false,
};

const address = (text: string): number => {
  const n = parseIpv4(text);
  if (n === undefined) throw new RangeError(`not a dotted quad: ${text}`);
  return n;
};

/** The server role's options for a fake pptpd writing to `sink`. */
export function fakePptpd(
  sink: TunnelSink,
  randomBytes: (n: number) => Uint8Array,
  options: FakePptpdOptions = {},
): TunnelOptions {
  const users: Record<string, string> = { ...(options.users ?? { alice: 'Secret-pw1' }) };
  const expired = new Set(options.expired ?? []);
  const mppe = options.mppe ?? PPTPD_MPPE;
  const ccp = options.ccp ?? (options.mppcAlone ? mppcOnlyCcpPolicy() : mppeCcpPolicy(mppe));
  return {
    role: {
      role: 'server',
      auth: serverAuthMethods(
        options.auth ?? ['mschap-v2'],
        {
          name: 'pptpd',
          lookup: (user) => users[user],
          ...(expired.size === 0
            ? {}
            : {
                passwordExpired: (user: string) => expired.has(user),
                ...(options.passwordChange === 'unsupported'
                  ? {}
                  : {
                      changePassword: (user: string, newPassword: string) => {
                        if (options.passwordChange === 'refuse') return false;
                        users[user] = newPassword;
                        expired.delete(user);
                        return true;
                      },
                    }),
              }),
        },
        randomBytes,
      ),
    },
    randomBytes,
    sink,
    ...(options.greRetransmit === undefined ? {} : { greRetransmit: options.greRetransmit }),
    hostName: 'fake-pptpd',
    link: {
      ccp,
      requireMppe: !options.mppcAlone && mppe.required,
      mppcOffered: options.mppcAlone === true || mppe.mppc,
      lcp: { echoIntervalMs: options.echoIntervalMs ?? 0 },
      ipcp: {
        localAddress: address(options.local ?? '192.168.77.1'),
        peerAddress: address(options.remote ?? '192.168.77.10'),
        dns: (options.dns ?? ['192.168.77.53']).map(address),
      },
    },
  };
}
