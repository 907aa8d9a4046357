/**
 * A client side for {@link TunnelPair}: the tunnel core in the client role as pptpkit's defaults
 * set it (MS-CHAPv2, MPPE-128 required, stateless), with overrides.
 *
 * @module
 */
import type { MppePolicy } from '@pptpkit/mppe';
import {
  AUTH_METHOD_NAMES,
  type AuthMethodName,
  clientAuthMethods,
  mppcOnlyCcpPolicy,
  mppeCcpPolicy,
  type TunnelOptions,
  type TunnelSink,
} from '@pptpkit/tunnel';

/** How the test client is set up. */
export interface TestClientOptions {
  /** Our name. Default `alice`. */
  readonly user?: string;
  /** Our password (CHAP and PAP). Default `Secret-pw1`. */
  readonly password?: string;
  /** MS-CHAPv2: the new password given when the server reports ours expired (`E=648`). */
  readonly newPassword?: string;
  /** Methods we accept. Default: all, MS-CHAPv2 first. */
  readonly auth?: readonly AuthMethodName[];
  /** Our MPPE policy. Default: 128-bit required, stateless preferred, stateful allowed. */
  readonly mppe?: MppePolicy;
  /** MPPC alone, no encryption (`nomppe mppc`). */
  readonly mppcAlone?: boolean;
  /** LCP echo interval, ms (default 0: none) and failures. */
  readonly echoIntervalMs?: number;
  /** Resend GRE packets the peer's acknowledgments stop at (the tunnel's default: yes). */
  readonly greRetransmit?: boolean;
  /** LCP echo failures before the link is declared dead. */
  readonly echoFailure?: number;
  /** `idle`, ms. */
  readonly idleMs?: number;
  /** `maxconnect`, ms. */
  readonly maxConnectMs?: number;
  /** `mtu`. */
  readonly mtu?: number;
}

/** pptpkit's default MPPE policy: 128-bit required, stateless unless the server insists. */
export const CLIENT_MPPE: MppePolicy = {
  required: true,
  allow128: true,
  allow56: false,
  allow40: false,
  stateful: 'allow',
  mppc: false,
};

/** The client role's options for a test client writing to `sink`. */
export function testClient(
  sink: TunnelSink,
  randomBytes: (n: number) => Uint8Array,
  options: TestClientOptions = {},
): TunnelOptions {
  const password = options.password ?? 'Secret-pw1';
  const mppe = options.mppe ?? CLIENT_MPPE;
  return {
    role: {
      role: 'client',
      auth: clientAuthMethods(
        options.auth ?? (mppe.required ? AUTH_METHOD_NAMES.slice(0, 2) : AUTH_METHOD_NAMES),
        {
          user: options.user ?? 'alice',
          chapSecret: password,
          papSecret: password,
          ...(options.newPassword === undefined ? {} : { newPassword: () => options.newPassword }),
        },
        randomBytes,
      ),
    },
    randomBytes,
    sink,
    ...(options.greRetransmit === undefined ? {} : { greRetransmit: options.greRetransmit }),
    link: {
      ccp: options.mppcAlone ? mppcOnlyCcpPolicy() : mppeCcpPolicy(mppe),
      ...(options.mtu === undefined ? {} : { mtu: options.mtu }),
      requireMppe: !options.mppcAlone && mppe.required,
      mppcOffered: options.mppcAlone === true || mppe.mppc,
      lcp: {
        echoIntervalMs: options.echoIntervalMs ?? 0,
        ...(options.echoFailure === undefined ? {} : { echoFailure: options.echoFailure }),
      },
      ipcp: { requestDns: true },
    },
    ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
    ...(options.maxConnectMs === undefined ? {} : { maxConnectMs: options.maxConnectMs }),
  };
}
