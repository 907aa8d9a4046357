import type { DownReason } from '@pptpkit/ppp-lcp-ipcp';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';

/** Maps why the PPP link went down to an exit status. */
export function exitForPppDown(reason: DownReason): ExitCode {
  switch (reason.code) {
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
}

/** Maps an exception from I/O to an exit status. */
export function exitForError(error: unknown): ExitCode {
  const e = error as { exit?: ExitCode; code?: string };
  if (e.exit !== undefined) return e.exit;
  switch (e.code) {
    case 'LINUXNET_NO_CAPABILITY':
      return EXIT.privileges;
    case 'LINUXNET_TUN_UNAVAILABLE':
      return EXIT.noTun;
    case 'LINUXNET_NO_ROUTE':
      return EXIT.unreachable;
    default:
      return EXIT.fatal;
  }
}
