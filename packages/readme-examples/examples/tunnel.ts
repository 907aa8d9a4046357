import assert from 'node:assert/strict';
import {
  clientAuthMethods,
  mppeCcpPolicy,
  serverAuthMethods,
  Tunnel,
  type TunnelSink,
} from '@pptpkit/tunnel';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const mppe = {
  required: true,
  allow128: true,
  allow56: false,
  allow40: false,
  stateful: 'allow',
  mppc: false,
} as const;
let now = 0;
const received: Uint8Array[] = [];
// What one core sends reaches the other on the next turn of this loop, as over a network.
const inFlight: (() => void)[] = [];

/** A sink that queues everything for the other core. */
function sinkTo(other: () => Tunnel, onIp: (packet: Uint8Array) => void): TunnelSink {
  return {
    control: (bytes) => {
      const copy = bytes.slice();
      inFlight.push(() => other().receiveControl(copy, now));
    },
    endControl: () => inFlight.push(() => other().controlClosed(now)),
    gre: (buf, start, end) => {
      const copy = buf.slice(start, end);
      inFlight.push(() => other().receiveGre(copy, 0, copy.length, now));
    },
    ip: (buf, start, end) => {
      onIp(buf.slice(start, end));
      return true;
    },
    event: () => {},
  };
}

const server: Tunnel = new Tunnel({
  role: {
    role: 'server',
    auth: serverAuthMethods(['mschap-v2'], { name: 'vpn', lookup: () => 'Secret-pw1' }, random),
  },
  randomBytes: random,
  sink: sinkTo(
    () => client,
    (packet) => received.push(packet),
  ),
  link: {
    ccp: mppeCcpPolicy(mppe),
    requireMppe: true,
    ipcp: { localAddress: 0xc0a84d01, peerAddress: 0xc0a84d0a },
  },
});
const client: Tunnel = new Tunnel({
  role: {
    role: 'client',
    auth: clientAuthMethods(['mschap-v2'], { user: 'alice', chapSecret: 'Secret-pw1' }, random),
  },
  randomBytes: random,
  sink: sinkTo(
    () => server,
    () => {},
  ),
  link: { ccp: mppeCcpPolicy(mppe), requireMppe: true },
});

server.start(now);
client.start(now);
// A real shell arms one timer from nextDeadline() and calls timeout() when it fires.
while ((client.state !== 'up' || server.state !== 'up') && now < 10_000) {
  now += 1;
  for (const deliver of inFlight.splice(0)) deliver();
  if (client.nextDeadline() <= now) client.timeout(now);
  if (server.nextDeadline() <= now) server.timeout(now);
}
// A UDP/IPv4 datagram with a valid header checksum (0x5f75) and no UDP checksum (RFC 768).
const packet = new Uint8Array(28);
packet.set([0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0x5f, 0x75, 192, 168, 77, 10, 192, 168, 77, 1]);
packet.set([0, 7, 0, 7, 0, 8, 0, 0], 20);
client.sendIp(packet, 0, packet.length, now);
for (const deliver of inFlight.splice(0)) deliver();
assert.deepEqual(client.status(now).mppe, { keyBits: 128, stateless: true, mppc: false });
assert.equal(received.length, 1);
console.log(client.status(now).mppe, received.length); // { keyBits: 128, stateless: true, mppc: false } 1
