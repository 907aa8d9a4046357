/**
 * What a {@link Tunnel} reports to its shell.
 *
 * @module
 */

import type { CompressionAgreement } from '@pptpkit/ppp-lcp-ipcp';
import type { PeerInfo } from '@pptpkit/pptp-control';

/** The layer a tunnel ended in. */
export type TunnelLayer = 'control' | 'call' | 'ppp' | 'tunnel';

/** Codes of the tunnel's own endings (the layers' codes come from their packages). */
export type TunnelOwnCode =
  /** `close()` was called. */
  | 'TUNNEL_LOCAL_CLOSE'
  /** No IP packet either way for the idle limit (pppd `idle`). */
  | 'TUNNEL_IDLE'
  /** The connect-time limit ran out (pppd `maxconnect`). */
  | 'TUNNEL_MAX_CONNECT'
  /** MPPE was agreed but the authentication gave no MS-CHAP keys to derive its keys from. */
  | 'TUNNEL_NO_KEYS'
  /** MPPE is required but CCP ended without it. */
  | 'TUNNEL_MPPE_REQUIRED';

/** Why a tunnel ended. */
export interface TunnelDown {
  /** Discriminant. */
  readonly type: 'down';
  /** The layer whose ending ended the tunnel. */
  readonly layer: TunnelLayer;
  /**
   * A stable code: a `PPP_*` code of `@pptpkit/ppp-lcp-ipcp` for `ppp`, a `PPTP_*` code of
   * `@pptpkit/pptp-control` for `control` and `call`, a {@link TunnelOwnCode} for `tunnel`.
   */
  readonly code: string;
  /** A sentence for humans; never contains secrets. */
  readonly message: string;
  /** Whether the tunnel had reached `up`. */
  readonly wasUp: boolean;
}

/** The network layer is up: the shell configures the host and starts passing IP packets. */
export interface TunnelUp {
  /** Discriminant. */
  readonly type: 'up';
  /** Our tunnel address, dotted quad. */
  readonly local: string;
  /** The peer's tunnel address, dotted quad. */
  readonly remote: string;
  /** DNS servers the peer gave us (client role). */
  readonly dns: readonly string[];
  /** The largest IP packet the tunnel carries: the MTU to give the TUN. */
  readonly mtu: number;
  /** The CCP agreement (`keyBits` 0: MPPC alone, no encryption), when CCP opened with one. */
  readonly mppe?: CompressionAgreement;
  /**
   * The IPv6 interface identifiers (8 bytes each, RFC 5072 §4.1), when IPv6CP opened: the
   * link-local addresses are `fe80::` followed by them (RFC 5072 §5).
   */
  readonly ipv6?: { readonly local: Uint8Array; readonly remote: Uint8Array };
}

/** Everything a tunnel reports. */
export type TunnelEvent =
  | {
      /** The control connection is established. */
      readonly type: 'control-up';
      /** What the peer said about itself. */
      readonly peer: PeerInfo;
    }
  | {
      /** The call is established; PPP starts. */
      readonly type: 'call-up';
      /** Our Call ID. */
      readonly callId: number;
      /** The peer's Call ID. */
      readonly peerCallId: number;
      /** The peer's receive window. */
      readonly window: number;
    }
  | {
      /** One direction of authentication succeeded. */
      readonly type: 'authenticated';
      /** `peer`: we proved ourselves; `authenticator`: the peer proved itself to us. */
      readonly side: 'peer' | 'authenticator';
      /** pppd's name of the method (`MS-CHAPv2`, `PAP`...). */
      readonly method: string;
      /** Authenticator side: the name the peer authenticated as. */
      readonly peerName?: string;
      /**
       * MS-CHAPv2: the password was changed during this authentication (RFC 2759 §7, after the
       * server reported it expired); MPPE keys come from the new password.
       */
      readonly passwordChanged?: true;
    }
  | {
      /** Authentication failed; `down` follows. */
      readonly type: 'auth-failed';
      /** The failure's stable code (`MSCHAP_AUTH_FAILED`, `AUTH_NO_SECRET`...). */
      readonly code: string;
      /** A sentence for humans; the server's own words where it sent some. */
      readonly message: string;
      /** Structured details (MS-CHAP `E=`, `M=`); never secrets. */
      readonly details?: Readonly<Record<string, unknown>>;
    }
  | TunnelUp
  | {
      /** The path MTU to the server changed, and with it the tunnel's MTU: resize the TUN. */
      readonly type: 'mtu';
      /** The new TUN MTU. */
      readonly mtu: number;
      /** The path MTU it follows. */
      readonly pathMtu: number;
    }
  | TunnelDown
  | {
      /** The tunnel finished its orderly close: nothing more will be sent or received. */
      readonly type: 'closed';
    }
  | {
      /** Something worth logging at debug level; never secrets or packet contents. */
      readonly type: 'diagnostic';
      /** Where it comes from. */
      readonly layer: TunnelLayer;
      /** A stable code, when the layer gave one. */
      readonly code?: string;
      /** The message. */
      readonly message: string;
    };
