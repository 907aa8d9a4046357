import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  type ControlAction,
  PacControlConnection,
  PnsControlConnection,
} from '@pptpkit/pptp-control';

// A client (PNS) and a server (PAC) with their TCP connection replaced by two queues. A real
// shell writes `send` bytes to its socket, feeds what it reads to receive(), calls closed() when
// the socket closes, and arms one timer: at nextDeadline() (Infinity: none) it calls timeout().
const pns = new PnsControlConnection({ randomBytes, hostName: 'laptop', receiveWindow: 64 });
const pac = new PacControlConnection({ randomBytes, hostName: 'vpn' });
const toPac: Uint8Array[] = [];
const toPns: Uint8Array[] = [];
const events: string[] = [];
const now = 0; // monotonic milliseconds

function perform(side: 'pns' | 'pac', actions: readonly ControlAction[]): void {
  for (const a of actions) {
    if (a.type === 'send') (side === 'pns' ? toPac : toPns).push(a.bytes);
    else if (a.type === 'close') events.push(`${side}: close the TCP connection`);
    else if (a.type === 'up') events.push(`${side}: up, the peer is ${a.peer.hostName}`);
    else if (a.type === 'call-up') events.push(`${side}: call ${a.call.callId} up`);
    else if (a.type === 'call-down' || a.type === 'down') {
      events.push(`${side}: ${a.type}, ${a.clean ? 'clean' : a.reason.code}`);
    }
  }
}

function deliverAll(): void {
  while (toPac.length > 0 || toPns.length > 0) {
    for (const bytes of toPac.splice(0)) perform('pac', pac.receive(bytes, now));
    for (const bytes of toPns.splice(0)) perform('pns', pns.receive(bytes, now));
  }
}

perform('pac', pac.start(now)); // waits for the client
perform('pns', pns.start(now)); // Start-Control-Connection-Request
const call = pns.openCall(now); // Outgoing-Call-Request, queued until the connection is up
perform('pns', call.actions);
deliverAll();
// The GRE data channel of the call now runs with these call IDs (see @pptpkit/gre).
assert.ok(events.includes(`pns: call ${call.callId} up`));

perform('pns', pns.stop(now)); // Call-Clear-Request, then Stop-Control-Connection-Request
deliverAll();
console.log(events.join('\n'));
assert.equal(pns.nextDeadline(), Number.POSITIVE_INFINITY); // closed: no timer left
