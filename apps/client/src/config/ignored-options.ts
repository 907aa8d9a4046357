import type { OptionSpec } from './option-spec.js';

const ignore =
  (why: string) =>
  (args: 0 | 1): OptionSpec => ({ kind: 'ignored', args, why });

const serial = ignore('sets up a serial line or modem; a PPTP tunnel has none');
const kernel = ignore('tunes the kernel PPP driver, which pptpkit does not use');
const server = ignore('only matters when authenticating the peer or serving it settings');
const srp = ignore('EAP-SRP is not implemented: pptpkit answers EAP-MD5 and EAP-MS-CHAP-V2');
const compression = ignore('pptpkit never offers BSD-Compress, Deflate, Predictor or VJ');
const ipv6 = ignore('IPv6CP runs on the IPCP timers (ipcp-restart, ipcp-max-*)');
const ipx = ignore('IPX is not carried');
const multilink = ignore('multilink is never negotiated');
const logging = ignore('pptpkit logs to stderr, its log file and `logfile`');
const lcpActive = ignore('pptpkit always opens LCP at once, as both PPTP ends do');
const passwords = ignore('pptpkit never shows a password, in any log');
const addressing = ignore('the tunnel interface is point-to-point and needs no such setting');

/** pppd options accepted without effect, by name. */
export const ignoredOptions: ReadonlyMap<string, OptionSpec> = new Map<string, OptionSpec>([
  // tty.c and sys-linux.c: the serial device and its line discipline.
  ['lock', serial(0)],
  ['nolock', serial(0)],
  ['modem', serial(0)],
  ['local', serial(0)],
  ['crtscts', serial(0)],
  ['-crtscts', serial(0)],
  ['nocrtscts', serial(0)],
  ['cdtrcts', serial(0)],
  ['nocdtrcts', serial(0)],
  ['xonxoff', serial(0)],
  ['sync', serial(0)],
  ['asyncmap', serial(1)],
  ['-as', serial(1)],
  ['default-asyncmap', serial(0)],
  ['-am', serial(0)],
  ['escape', serial(1)],
  ['receive-all', serial(0)],
  ['connect', serial(1)],
  ['disconnect', serial(1)],
  ['init', serial(1)],
  ['welcome', serial(1)],
  ['connect-delay', serial(1)],
  ['record', serial(1)],
  ['remotenumber', serial(1)],
  ['pptp_phone', serial(1)],
  ['pptp_window', ignore('pptpkit chooses its own GRE receive window')(1)],
  ['kdebug', kernel(1)],
  ['ktune', kernel(0)],
  ['noktune', kernel(0)],
  // Logging and process handling.
  ['logfd', logging(1)],
  ['nologfd', logging(0)],
  ['dump', logging(0)],
  ['child-timeout', ignore('pptpkit gives each script 30 seconds')(1)],
  ['hide-password', passwords(0)],
  ['show-password', passwords(0)],
  // auth.c: authenticating the peer, which a PPTP client does not do (MS-CHAPv2 checks the
  // server's Authenticator-Response on its own).
  ['login', server(0)],
  ['papcrypt', server(0)],
  ['privgroup', server(1)],
  ['allow-ip', server(1)],
  ['allow-number', server(1)],
  ['enable-session', server(0)],
  ['pap-timeout', server(1)],
  ['chap-restart', server(1)],
  ['chap-max-challenge', server(1)],
  ['chap-interval', server(1)],
  ['eap-restart', server(1)],
  ['eap-max-sreq', server(1)],
  ['eap-interval', server(1)],
  ['srp-interval', srp(1)],
  ['srp-pn-secret', srp(1)],
  ['srp-use-pseudonym', srp(0)],
  ['ms-dns', server(1)],
  ['ms-wins', server(1)],
  ['proxyarp', addressing(0)],
  ['noproxyarp', addressing(0)],
  ['-proxyarp', addressing(0)],
  ['netmask', addressing(1)],
  ['noipdefault', ignore('pptpkit never takes its address from the host name')(0)],
  ['noremoteip', addressing(0)],
  ['nosendip', addressing(0)],
  ['usepeerwins', ignore('WINS servers have no use on Linux')(0)],
  // lcp.c: behaviour pptpkit has anyway, or that only a serial link needs.
  ['passive', lcpActive(0)],
  ['-p', lcpActive(0)],
  ['silent', lcpActive(0)],
  ['lcp-echo-adaptive', ignore('pptpkit sends every LCP echo')(0)],
  ['lcp-rtt-file', ignore('the echo RTT is in `pptpkit status`')(1)],
  ['noendpoint', multilink(0)],
  ['nomp', multilink(0)],
  ['nomultilink', multilink(0)],
  // ccp.c and ipcp.c: compression schemes pptpkit never offers; asking not to is a no-op.
  ['nobsdcomp', compression(0)],
  ['-bsdcomp', compression(0)],
  ['bsdcomp', compression(1)],
  ['nodeflate', compression(0)],
  ['-deflate', compression(0)],
  ['deflate', compression(1)],
  ['nodeflatedraft', compression(0)],
  ['-deflatedraft', compression(0)],
  ['predictor1', compression(0)],
  ['nopredictor1', compression(0)],
  ['-predictor1', compression(0)],
  ['novj', compression(0)],
  ['-vj', compression(0)],
  ['novjccomp', compression(0)],
  ['-vjccomp', compression(0)],
  ['vj-max-slots', compression(1)],
  // ipv6cp.c.
  ['ipv6cp-restart', ipv6(1)],
  ['ipv6cp-max-terminate', ipv6(1)],
  ['ipv6cp-max-configure', ipv6(1)],
  ['ipv6cp-max-failure', ipv6(1)],
  // ipxcp.c (removed from pppd 2.4.9; still in old option files, Debian's among them).
  ['noipx', ipx(0)],
  ['-ipx', ipx(0)],
  ['ipx-network', ipx(1)],
  ['ipx-node', ipx(1)],
  ['ipx-router-name', ipx(1)],
  ['ipx-routing', ipx(1)],
  ['ipxcp-accept-network', ipx(0)],
  ['ipxcp-accept-local', ipx(0)],
  ['ipxcp-accept-remote', ipx(0)],
  ['ipxcp-restart', ipx(1)],
  ['ipxcp-max-terminate', ipx(1)],
  ['ipxcp-max-configure', ipx(1)],
  ['ipxcp-max-failure', ipx(1)],
]);
