/**
 * Per-packet cost of `@pptpkit/gre`: header codec, session send path, session receive path
 * (in order and reordered), and the whole send → receive loop. Prints ns/packet and the ratio to
 * a 1 µs/packet budget (1 M packets/s, about 11 Gbit/s of 1400-byte packets: GRE must be a small
 * part of the data path's cost).
 */
import {
  createGreHeader,
  decodeGreHeader,
  encodeGreHeader,
  GRE_MAX_HEADER_LENGTH,
  GreSession,
} from '../src/index.js';

const TARGET_NS = 1000;
const PAYLOAD = 1400;
const N = 2_000_000;

function bench(name: string, n: number, body: (i: number) => void): void {
  for (let i = 0; i < Math.min(n, 100_000); i++) body(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) body(i);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  const ratio = TARGET_NS / ns;
  console.log(
    `${name.padEnd(44)} ${ns.toFixed(1).padStart(8)} ns/packet  ${(1e9 / ns / 1e6).toFixed(2).padStart(6)} Mpps  ${ratio.toFixed(1)}× target`,
  );
}

let sink = 0;
const deliver = (_b: Uint8Array, start: number, end: number): void => {
  sink += end - start;
};

// Header codec alone.
{
  const h = createGreHeader();
  h.callId = 7;
  h.payloadLength = PAYLOAD;
  h.hasSequence = true;
  h.hasAck = true;
  const buf = new Uint8Array(GRE_MAX_HEADER_LENGTH + PAYLOAD);
  const into = createGreHeader();
  bench('encodeGreHeader + decodeGreHeader', N, (i) => {
    h.sequence = i >>> 0;
    h.ack = i >>> 0;
    const n = encodeGreHeader(h, buf);
    decodeGreHeader(buf, into, 0, n + PAYLOAD);
    sink += into.sequence & 1;
  });
}

// Send path: header written in front of a 1400-byte payload already in place.
{
  const s = new GreSession({ localCallId: 1, peerCallId: 2, deliver });
  const buf = new Uint8Array(GRE_MAX_HEADER_LENGTH + PAYLOAD);
  bench('GreSession.writeData', N, (i) => {
    sink += s.writeData(buf, GRE_MAX_HEADER_LENGTH, PAYLOAD, i);
  });
}

// Send path with `retransmit`: each packet also copied into the retransmit ring, the peer
// acknowledging every 16th (the ring's slots stay in use, as under steady traffic).
{
  const s = new GreSession({ localCallId: 1, peerCallId: 2, deliver, retransmit: true });
  const buf = new Uint8Array(GRE_MAX_HEADER_LENGTH + PAYLOAD);
  const h = createGreHeader();
  h.callId = 1;
  h.hasAck = true;
  const ack = new Uint8Array(GRE_MAX_HEADER_LENGTH);
  bench('GreSession.writeData, retransmit ring', N, (i) => {
    sink += s.writeData(buf, GRE_MAX_HEADER_LENGTH, PAYLOAD, i);
    if ((i & 15) === 15) {
      h.ack = s.nextSequence - 1;
      s.receive(ack, 0, encodeGreHeader(h, ack), i);
    }
  });
  if (s.outstanding > 16) throw new Error('acknowledgments not taken');
}

// Receive path, in order: the peer's packets with consecutive sequence numbers.
{
  const tx = new GreSession({ localCallId: 2, peerCallId: 1, deliver });
  const rx = new GreSession({ localCallId: 1, peerCallId: 2, deliver });
  const buf = new Uint8Array(GRE_MAX_HEADER_LENGTH + PAYLOAD);
  const ack = new Uint8Array(12);
  bench('send → receive in order (+ lone-ack timer)', N, (i) => {
    const at = tx.writeData(buf, GRE_MAX_HEADER_LENGTH, PAYLOAD, i);
    rx.receive(buf, at, buf.length, i);
    if (rx.nextDeadline() <= i) {
      const n = rx.timeout(i, ack);
      tx.receive(ack, 0, n, i);
    }
  });
  if (rx.counters.delivered < N) throw new Error('in-order run lost packets');
}

// Receive path, every pair swapped: half the packets go through the reorder slots.
{
  const tx = new GreSession({ localCallId: 2, peerCallId: 1, deliver });
  const rx = new GreSession({ localCallId: 1, peerCallId: 2, deliver });
  const a = new Uint8Array(GRE_MAX_HEADER_LENGTH + PAYLOAD);
  const b = new Uint8Array(GRE_MAX_HEADER_LENGTH + PAYLOAD);
  const ack = new Uint8Array(12);
  bench('send → receive, pairs swapped (reorder copy)', N / 2, (i) => {
    const atA = tx.writeData(a, GRE_MAX_HEADER_LENGTH, PAYLOAD, i);
    const atB = tx.writeData(b, GRE_MAX_HEADER_LENGTH, PAYLOAD, i);
    rx.receive(b, atB, b.length, i);
    rx.receive(a, atA, a.length, i);
    if (rx.nextDeadline() <= i) rx.timeout(i, ack);
  });
  console.log(
    `  (per pair; reordered ${rx.counters.reordered}, delivered ${rx.counters.delivered}, lost ${rx.counters.lost})`,
  );
}

console.log(`checksum ${sink % 1000}`);
