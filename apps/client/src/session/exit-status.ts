import type { TunnelDown } from '@pptpkit/tunnel';
import { EXIT, type ExitCode } from '../exit-codes.js';

/** Maps why the tunnel ended to pppd's exit status. */
export function exitForDown(down: TunnelDown): ExitCode {
  switch (down.layer) {
    case 'ppp':
      switch (down.code) {
        case 'PPP_AUTH_FAILED':
          return EXIT.authFailed;
        case 'PPP_ECHO_TIMEOUT':
          return EXIT.peerDead;
        case 'PPP_PEER_TERMINATED':
        case 'PPP_LOWER_DOWN':
          return EXIT.hangup;
        case 'PPP_LOCAL_CLOSE':
          return EXIT.signal;
        default:
          return EXIT.negotiation;
      }
    case 'control':
    case 'call':
      return down.wasUp ? EXIT.hangup : EXIT.negotiation;
    case 'tunnel':
      switch (down.code) {
        case 'TUNNEL_LOCAL_CLOSE':
          return EXIT.signal;
        case 'TUNNEL_IDLE':
          return EXIT.idle;
        case 'TUNNEL_MAX_CONNECT':
          return EXIT.connectTime;
        default:
          return EXIT.negotiation;
      }
  }
}

/** Maps an exception from the host's I/O to an exit status (by its `code`). */
export function exitForError(error: unknown): ExitCode {
  switch ((error as { code?: unknown } | undefined)?.code) {
    case 'LINUXNET_NO_CAPABILITY':
    case 'LINUXNET_NO_ACCESS':
      return EXIT.privileges;
    case 'LINUXNET_TUN_UNAVAILABLE':
      return EXIT.noTun;
    case 'LINUXNET_NO_ROUTE':
      return EXIT.unreachable;
    default:
      return EXIT.fatal;
  }
}
