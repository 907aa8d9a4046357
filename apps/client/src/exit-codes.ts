/**
 * Exit statuses of `pptpkit`, numbered as pppd numbers them (pppd(8) "EXIT STATUS") so scripts
 * written for pppd/pon keep working.
 */
export const EXIT = {
  /** The tunnel ran and ended normally (or the command succeeded). */
  ok: 0,
  /** An immediately fatal error, or (down/status/log) no such tunnel running. */
  fatal: 1,
  /** Bad command line or configuration (pppd: "error in options"). */
  config: 2,
  /** Missing privileges: CAP_NET_ADMIN for TUN/routes, CAP_NET_RAW for GRE. */
  privileges: 3,
  /** No TUN support in the kernel (pppd: "kernel does not support PPP"). */
  noTun: 4,
  /** Ended by SIGINT, SIGTERM or SIGHUP. */
  signal: 5,
  /** The server could not be reached (pppd: "connect script failed"). */
  unreachable: 8,
  /** PPTP, LCP, CCP or IPCP negotiation failed. */
  negotiation: 10,
  /** The server failed to authenticate itself to us (mutual MS-CHAPv2 check). */
  peerAuth: 11,
  /** No data either way for `idle` seconds. */
  idle: 12,
  /** The tunnel was up for `maxconnect` seconds. */
  connectTime: 13,
  /** The server stopped answering LCP echoes or PPTP keepalives. */
  peerDead: 15,
  /** The server hung up (Call-Disconnect-Notify, TCP closed, LCP Terminate). */
  hangup: 16,
  /** We failed to authenticate to the server (bad password, account disabled, ...). */
  authFailed: 19,
} as const;

/** One of the exit statuses. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
