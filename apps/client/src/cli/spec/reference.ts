/**
 * What the manual says besides the commands: the exit statuses, the environment variables and
 * the files `pptpkit` uses.
 *
 * @module
 */
import { EXIT, type ExitCode } from '../../exit-codes.js';

/** One exit status and what it means. */
export interface ExitStatusSpec {
  /** The number. */
  readonly code: ExitCode;
  /** What it means, a few words. */
  readonly meaning: string;
}

/** A name and a sentence about it (an environment variable, a file). */
export interface NamedEntry {
  /** The variable or the path. */
  readonly name: string;
  /** What it is for. */
  readonly help: string;
}

/** Every exit status, numbered as pppd(8) numbers them, in increasing order. */
export const EXIT_STATUSES: readonly ExitStatusSpec[] = [
  { code: EXIT.ok, meaning: 'ok (the tunnel ran and ended normally, or the command succeeded)' },
  { code: EXIT.fatal, meaning: 'fatal error, or no such tunnel running' },
  { code: EXIT.config, meaning: 'bad command line or configuration' },
  { code: EXIT.privileges, meaning: 'missing privileges (CAP_NET_ADMIN, CAP_NET_RAW)' },
  { code: EXIT.noTun, meaning: 'no TUN support in the kernel' },
  { code: EXIT.signal, meaning: 'ended by SIGINT, SIGTERM or SIGHUP' },
  { code: EXIT.unreachable, meaning: 'the server could not be reached' },
  { code: EXIT.negotiation, meaning: 'PPTP, LCP, CCP or IPCP negotiation failed' },
  { code: EXIT.peerAuth, meaning: 'the server failed to authenticate itself' },
  { code: EXIT.idle, meaning: 'no traffic for idle seconds (option idle)' },
  { code: EXIT.connectTime, meaning: 'up for maxconnect seconds (option maxconnect)' },
  { code: EXIT.peerDead, meaning: 'the server stopped answering echoes' },
  { code: EXIT.hangup, meaning: 'the server hung up' },
  { code: EXIT.authFailed, meaning: 'our authentication failed' },
];

/** The environment variables `pptpkit` reads. */
export const ENVIRONMENT: readonly NamedEntry[] = [
  {
    name: 'PPTPKIT_RUN_DIR',
    help: 'the run-time directory (control sockets, state, journals of host changes) instead of /run/pptpkit',
  },
  {
    name: 'PPTPKIT_LOG_DIR',
    help: 'the directory of the log files instead of /var/log/pptpkit (when unset and PPTPKIT_RUN_DIR is set: that directory)',
  },
  {
    name: 'NOTIFY_SOCKET',
    help: 'set by systemd for a Type=notify service: pptpkit sends READY=1 once the tunnel is up (the server: listening), STATUS= as its state changes, MAINPID= when it detaches, STOPPING=1, and WATCHDOG=1 when WatchdogSec= is set',
  },
  {
    name: 'JOURNAL_STREAM',
    help: 'set by systemd when standard error goes to the journal: log lines are then written for the journal, with their priority',
  },
  {
    name: 'CREDENTIALS_DIRECTORY',
    help: "set by systemd for a service with LoadCredential=: the credentials chap-secrets and pap-secrets stand in for /etc/ppp's files, and password gives the password",
  },
];

/** The files and directories `pptpkit` reads and writes. */
export const FILES: readonly NamedEntry[] = [
  { name: '/etc/ppp/options', help: "pppd's global options, read before the peer file" },
  { name: '/etc/ppp/peers/', help: 'the peer files, in pppd syntax (up PEER reads PEER)' },
  { name: '/etc/ppp/chap-secrets', help: 'CHAP and MS-CHAP secrets, in pppd syntax' },
  { name: '/etc/ppp/pap-secrets', help: 'PAP secrets, in pppd syntax' },
  { name: '/etc/pptpd.conf', help: "pptpd's configuration, which serve reads" },
  {
    name: '/run/pptpkit/',
    help: 'PEER.sock (control socket), PEER.state, PEER.journal (host changes still to undo); serve.sock for the server',
  },
  {
    name: '/var/log/pptpkit/',
    help: 'PEER.log and serve.log, each kept across runs and rotated at 1 MiB to .1, .2, .3',
  },
  {
    name: '/etc/systemd/system/pptpkit@.service',
    help: 'the service template install-service writes: systemctl enable --now pptpkit@PEER',
  },
];

/** The manual pages worth reading beside this one. */
export const SEE_ALSO: readonly string[] = ['pppd(8)', 'pptp(8)', 'pptpd(8)', 'pptpd.conf(5)'];

/** The manual's NAME line, after `pptpkit - `. */
export const MANUAL_NAME = "userspace PPTP VPN client and server that reads pppd's files";

/** The manual's DESCRIPTION, one paragraph an entry. */
export const MANUAL_DESCRIPTION: readonly string[] = [
  "pptpkit connects to PPTP VPN servers, and serves PPTP clients, entirely in user space: it reads pppd's peer files and secrets files and pptpd's configuration, speaks PPTP, LCP, PAP, CHAP, MS-CHAPv2, CCP with MPPE and MPPC, and IPCP itself, and needs neither pppd nor the kernel's PPP and MPPE support, only a TUN device.",
  'It keeps the habits of pppd and its scripts: pon, poff and plog are other names of up, down and log (pptpkit pon work, or alias pon="pptpkit up" in a shell), pppd options may follow the peer on the command line, and the exit statuses are numbered as pppd numbers them.',
];
