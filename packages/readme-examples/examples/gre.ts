import assert from 'node:assert/strict';
import { GRE_MAX_HEADER_LENGTH, GreSession } from '@pptpkit/gre';

// Two ends of one call, back to back in memory. The call IDs and the window come from the PPTP
// control connection (Outgoing-Call-Request/-Reply, see @pptpkit/pptp-control).
const received: string[] = [];
const client = new GreSession({
  localCallId: 0x1234, // ours: the server puts it in every packet it sends us
  peerCallId: 0x0042, // the server's, from its Outgoing-Call-Reply
  peerReceiveWindow: 64, // its "Packet Recv. Window Size"
  deliver: () => {}, // PPP frames from the server, in order, once each
});
const server = new GreSession({
  localCallId: 0x0042,
  peerCallId: 0x1234,
  deliver: (bytes, start, end) =>
    received.push(new TextDecoder().decode(bytes.subarray(start, end))),
});

// Sending: put the PPP frame GRE_MAX_HEADER_LENGTH bytes into a buffer; writeData writes the
// header in front of it and returns where the packet starts (-1 if the window refuses it).
let now = 0; // monotonic milliseconds
const packets: Uint8Array[] = [];
for (const frame of ['first', 'second', 'third']) {
  const payload = new TextEncoder().encode(frame);
  const buf = new Uint8Array(GRE_MAX_HEADER_LENGTH + payload.length);
  buf.set(payload, GRE_MAX_HEADER_LENGTH);
  const start = client.writeData(buf, GRE_MAX_HEADER_LENGTH, payload.length, now);
  packets.push(buf.subarray(start)); // for the raw socket (@pptpkit/linux-net's GreSocket)
}

// Receiving (GRE packets, the IPv4 header already removed): the third overtakes the second.
const outcomes = [0, 2, 1].map((i) => {
  const packet = packets[i]!;
  return server.receive(packet, 0, packet.length, now);
});
assert.deepEqual(outcomes, ['delivered', 'buffered', 'delivered']);
assert.deepEqual(received, ['first', 'second', 'third']);

// One timer per session: at nextDeadline(), timeout() skips gaps that waited too long and
// writes an acknowledgment-only packet when one is due (nothing went back to carry it).
const ack = new Uint8Array(GRE_MAX_HEADER_LENGTH);
now = server.nextDeadline();
const n = server.timeout(now, ack);
assert.equal(client.receive(ack, 0, n, now), 'ack');
console.log(outcomes, received, `ack of ${n} bytes at ${now} ms`);
