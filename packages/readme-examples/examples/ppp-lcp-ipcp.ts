import assert from 'node:assert/strict';
import { DEFAULT_MPPE_POLICY, mppeCcpPolicy } from '@pptpkit/mppe';
import { ChapAuthenticator, ChapPeer } from '@pptpkit/mschapv2';
import { CHAP_ALGORITHM, PPP_PROTOCOL, type PppAction, PppLink } from '@pptpkit/ppp-lcp-ipcp';

const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const mschapV2 = { protocol: PPP_PROTOCOL.CHAP, algorithm: CHAP_ALGORITHM.MSCHAP_V2 };
// @pptpkit/mppe's mppeCcpPolicy is CCP option 18 as a CcpPolicy (it matches structurally).
const encryption = {
  ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY),
  requireMppe: true, // require-mppe-128
  startNcpsAfterCcp: true, // IPCP only once CCP is up, as pppd does when MPPE is required
};

// The client, as pppd with refuse-pap refuse-chap refuse-mschap require-mppe-128 usepeerdns.
const client = new PppLink({
  role: 'client',
  randomBytes,
  policy: {
    ...encryption,
    acceptAuth: [
      {
        ...mschapV2,
        create: () =>
          new ChapPeer({ algorithm: 'mschapv2', name: 'alice', password: 's3cret', randomBytes }),
      },
    ],
  },
  ipcp: { requestDns: true },
  lcp: { echoIntervalMs: 30_000, echoFailure: 4 }, // lcp-echo-interval 30, lcp-echo-failure 4
});
// A server that requires MS-CHAPv2 and hands out the addresses.
const server = new PppLink({
  role: 'server',
  randomBytes,
  policy: {
    ...encryption,
    requireAuth: [
      {
        ...mschapV2,
        create: () =>
          new ChapAuthenticator({
            algorithm: 'mschapv2',
            name: 'vpn',
            randomBytes,
            lookupPassword: (user) => (user === 'alice' ? 's3cret' : undefined),
          }),
      },
    ],
  },
  ipcp: { localAddress: 0xc0a84d01, peerAddress: 0xc0a84d0a, dns: [0xc0a84d01] },
});

// The shell carries out the actions. Here a frame goes straight to the other link on the next
// millisecond; a real shell sends it in a GRE packet (@pptpkit/gre) and writes `data` to TUN.
let now = 0; // monotonic milliseconds
const inFlight: (() => void)[] = [];
const events: string[] = [];
function perform(link: PppLink, actions: readonly PppAction[]): void {
  const name = link === client ? 'client' : 'server';
  const other = link === client ? server : client;
  for (const action of actions) {
    switch (action.type) {
      case 'send': // a whole PPP frame
        inFlight.push(() => perform(other, other.receive(action.frame, now)));
        break;
      case 'authenticated': // action.keys: the MS-CHAP key material MPPE needs (@pptpkit/mppe)
        events.push(`${name}: authenticated (${action.side})`);
        break;
      case 'up': // configure the TUN device: addresses, DNS, MTU; start MPPE
        events.push(
          `${name}: up ${action.local} -> ${action.peer}, DNS ${action.dns}, MTU ${action.mtu}`,
        );
        break;
      case 'data': // an IP packet for the host
        break;
      case 'ccp-reset-request': // the MPPE encryptor must flush its next packet
        break;
      case 'down':
        events.push(`${name}: down, ${action.reason.code}`);
        break;
    }
  }
}

perform(server, server.start(now));
perform(client, client.start(now));
// One timer per link: at nextDeadline() (Infinity: nothing pending) call timeout(now).
while (inFlight.length > 0 && now < 10_000) {
  now += 1;
  for (const deliver of inFlight.splice(0)) deliver();
  for (const link of [client, server]) {
    if (link.nextDeadline() <= now) perform(link, link.timeout(now));
  }
}
assert.ok(events.includes('client: up 192.168.77.10 -> 192.168.77.1, DNS 192.168.77.1, MTU 1500'));
// Any time: a read-only snapshot (phase, automaton states, CCP agreement, echo round trip).
const { phase, ccpAgreement } = client.status();
console.log({ phase, ccpAgreement }); // 'network', { keyBits: 128, stateless: true, mppc: false }

perform(client, client.close(now)); // LCP Terminate-Request
while (inFlight.length > 0) for (const deliver of inFlight.splice(0)) deliver();
assert.equal(client.status().phase, 'dead');
console.log(events.join('\n'));
