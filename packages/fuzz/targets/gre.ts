/**
 * `gre-decode` and `gre-session`: the enhanced GRE codec (with and without the IPv4 envelope a
 * raw socket delivers) and the per-call session with its reorder buffer and acknowledgments.
 *
 * @module
 */
import {
  decodeGre,
  decodeGreHeader,
  encodeGre,
  GRE_MAX_HEADER_LENGTH,
  GreSession,
  seqDiff,
} from '@pptpkit/gre';
import { packetBytes } from '../../../fixtures/golden/capture.js';
import { readU16, sameBytes } from '../engine/bytes.js';
import { coreStep, invariant, typedErrorCode } from '../engine/outcome.js';
import type { Rng } from '../engine/rng.js';
import type { FuzzTarget } from '../engine/target.js';
import { goldenCaptures, goldenGrePackets } from '../seeds/golden.js';
import { vectorBytes } from '../seeds/vectors.js';
import {
  buildScript,
  numberStep,
  parseScript,
  payloadNumber,
  type ScriptStep,
  step,
} from './script.js';

/** A generated enhanced GRE packet: mostly well-formed, with odd flags now and then. */
function grePacket(rng: Rng, callId: number, sequence: number): Uint8Array {
  const hasAck = rng.chance(0.5);
  const payload = rng.bytes(rng.length(200));
  const packet = rng.chance(0.15)
    ? encodeGre({ callId, ack: rng.u32(), payload: new Uint8Array(0) })
    : encodeGre({
        callId,
        sequence,
        payload,
        ...(hasAck ? { ack: rng.chance(0.5) ? rng.u32() : rng.below(8) } : {}),
      });
  if (rng.chance(0.1)) {
    const at = rng.below(2);
    packet[at] = packet[at]! ^ (1 << rng.below(8));
  }
  return packet;
}

/** The codec: one enhanced GRE packet (the raw socket removes the IPv4 header). */
export const greDecodeTarget: FuzzTarget = {
  name: 'gre-decode',
  packageName: '@pptpkit/gre',
  entry: 'decodeGre and decodeGreHeader on one GRE packet',
  invariants: [
    'decodeGre and decodeGreHeader agree (same error code, or the same fields)',
    'a decoded packet re-encodes to the same octets (the codec is strict)',
  ],
  maxLength: 2048,
  timing: 'input',
  dictionary: [Uint8Array.of(0x30, 0x81, 0x88, 0x0b), Uint8Array.of(0x10, 0x81, 0x88, 0x0b)],
  seeds() {
    // The vectors are IPv4 datagrams: their GRE packet starts after the 20-octet header.
    return [...goldenGrePackets(), ...vectorBytes('gre').map((v) => v.subarray(20))];
  },
  generate(rng) {
    return grePacket(rng, rng.below(0x10000), rng.u32());
  },
  run(input) {
    const gre = input;
    let packet: ReturnType<typeof decodeGre>;
    try {
      packet = decodeGre(gre);
    } catch (error) {
      let other: string | undefined;
      try {
        decodeGreHeader(gre);
      } catch (e) {
        other = typedErrorCode(e);
      }
      invariant(
        other === typedErrorCode(error),
        'decodeGre and decodeGreHeader disagree on a bad packet',
        `${typedErrorCode(error)} vs ${other}`,
      );
      throw error;
    }
    const header = decodeGreHeader(gre);
    invariant(
      header.callId === packet.callId &&
        header.hasSequence === (packet.sequence !== undefined) &&
        header.hasAck === (packet.ack !== undefined) &&
        gre.length - header.headerLength === packet.payload.length,
      'decodeGre and decodeGreHeader disagree on a good packet',
    );
    invariant(
      sameBytes(encodeGre(packet), gre),
      'a decoded packet does not re-encode to its octets',
    );
    return packet.sequence === undefined
      ? 'ack-only'
      : packet.ack === undefined
        ? 'data'
        : 'data+ack';
  },
};

/** Script ops of `gre-session`. */
const OP = { RECEIVE: 0, ADVANCE: 1, SEND: 2 } as const;
const OP_COUNT = 3;
const OUTCOMES = new Set([
  'delivered',
  'buffered',
  'duplicate',
  'late',
  'too-old',
  'far-ahead',
  'oversize',
  'ack',
  'malformed',
  'foreign-call',
]);

/** The per-call session, driven by received packets, timers and sends. */
export const greSessionTarget: FuzzTarget = {
  name: 'gre-session',
  packageName: '@pptpkit/gre',
  entry:
    'GreSession (config: local call ID, peer window 1..65535 or none, window policy): receive, timeout, writeData',
  invariants: [
    'no typed error escapes a running core; receive returns a known outcome',
    'payloads are delivered in increasing sequence order (backwards only on a counted resync), each within its buffer',
    'received = delivered + buffered + duplicates + late + tooOld + farAhead + oversize + flushed',
    'a lone acknowledgment and every data packet written decode, with the peer call ID and the next sequence number',
    'nextDeadline is a number, never NaN',
  ],
  maxLength: 8192,
  timing: 'step',
  dictionary: [Uint8Array.of(0x30, 0x81, 0x88, 0x0b), Uint8Array.of(0x10, 0x81, 0x88, 0x0b)],
  seeds() {
    return goldenCaptures().map((c) => {
      const packets = c.gre.filter((p) => p.dir === 'server-to-client').map(packetBytes);
      const local = readU16(packets[0] ?? new Uint8Array(8), 6);
      const steps: ScriptStep[] = [];
      for (const p of packets) {
        steps.push(step(OP.RECEIVE, p), numberStep(OP.ADVANCE, 50));
        if (steps.length % 6 === 0) steps.push(numberStep(OP.SEND, 100));
      }
      return Uint8Array.of(local >> 8, local & 0xff, 0, 3, 0, ...buildScript(steps));
    });
  },
  generate(rng) {
    const local = rng.below(0x10000);
    const steps: ScriptStep[] = [];
    let sequence = rng.chance(0.5) ? 0 : rng.u32();
    for (let n = rng.int(1, 40); n > 0; n--) {
      const roll = rng.below(10);
      if (roll < 6) {
        const s = rng.chance(0.7) ? sequence++ : sequence + rng.int(-70, 70);
        steps.push(
          step(OP.RECEIVE, grePacket(rng, rng.chance(0.9) ? local : rng.below(0x10000), s >>> 0)),
        );
      } else if (roll < 8)
        steps.push(numberStep(OP.ADVANCE, rng.pick([0, 10, 100, 301, rng.below(5000)])));
      else steps.push(numberStep(OP.SEND, rng.below(1500)));
    }
    const window = rng.pick([0, 1, 3, 64, rng.below(0x10000)]);
    return Uint8Array.of(
      local >> 8,
      local & 0xff,
      window >> 8,
      window & 0xff,
      rng.below(2),
      ...buildScript(steps),
    );
  },
  run(input, timer) {
    const localCallId = readU16(input, 0);
    const window = readU16(input, 2);
    const peerCallId = 0x4242;
    let lastDelivered: number | undefined;
    let delivered = 0;
    let resyncs = 0;
    const session = new GreSession({
      localCallId,
      peerCallId,
      // Inside the documented range (the PNS target checks what a peer's OCRP can put here).
      ...(window === 0 ? {} : { peerReceiveWindow: window }),
      sendWindowPolicy: ((input[4] ?? 0) & 1) === 0 ? 'ignore' : 'enforce',
      deliver: (bytes, start, end, sequence) => {
        invariant(
          0 <= start && start <= end && end <= bytes.length,
          'a delivered payload outside its buffer',
        );
        // Backwards only when the buffer gave up on the old numbering (ReorderOptions.resyncAfter).
        const resynced = session.counters.resyncs !== resyncs;
        invariant(
          lastDelivered === undefined || resynced || seqDiff(sequence, lastDelivered) > 0,
          'payloads delivered out of sequence order without a resync',
          `${sequence} after ${lastDelivered}`,
        );
        lastDelivered = sequence;
        resyncs = session.counters.resyncs;
        delivered++;
      },
    });
    const ack = new Uint8Array(16);
    const tx = new Uint8Array(GRE_MAX_HEADER_LENGTH + 1500);
    let now = 0;
    const timeouts = (until: number): void => {
      for (let n = 0; ; n++) {
        const at = session.nextDeadline();
        invariant(!Number.isNaN(at), 'nextDeadline is NaN');
        if (at > until) break;
        invariant(n < 1000, 'timers do not settle: a deadline keeps expiring');
        now = Math.max(now, at);
        const length = coreStep(timer, 'timeout', () => session.timeout(now, ack));
        invariant(
          length === 0 || length === 12,
          'timeout wrote neither nothing nor a 12-octet ack',
        );
        if (length === 12) {
          const lone = decodeGre(ack.subarray(0, 12));
          invariant(
            lone.callId === peerCallId && lone.sequence === undefined,
            'a lone ack that is not an ack-only packet to the peer',
          );
        }
      }
    };
    for (const { op, payload } of parseScript(input.subarray(5))) {
      switch (op % OP_COUNT) {
        case OP.RECEIVE: {
          const outcome = coreStep(timer, 'receive', () =>
            session.receive(payload, 0, payload.length, now),
          );
          invariant(OUTCOMES.has(outcome), 'receive returned an unknown outcome', String(outcome));
          const c = session.counters;
          invariant(
            c.received ===
              c.delivered +
                session.buffered +
                c.duplicates +
                c.late +
                c.tooOld +
                c.farAhead +
                c.oversize +
                c.flushed,
            'the receive counters do not add up (GreCounters: received = delivered + buffered + ...)',
          );
          break;
        }
        case OP.ADVANCE:
          timeouts(now + (payloadNumber(payload) % 10_001));
          break;
        default: {
          const length = payloadNumber(payload) % 1501;
          tx.fill(0x5a, GRE_MAX_HEADER_LENGTH, GRE_MAX_HEADER_LENGTH + length);
          const sequence = session.nextSequence;
          const at = coreStep(timer, 'writeData', () =>
            session.writeData(tx, GRE_MAX_HEADER_LENGTH, length, now),
          );
          if (at < 0) {
            invariant(!session.windowOpen, 'writeData refused a packet while the window is open');
            break;
          }
          const sent = decodeGre(tx.subarray(at, GRE_MAX_HEADER_LENGTH + length));
          invariant(
            sent.callId === peerCallId &&
              sent.sequence === sequence &&
              sent.payload.length === length,
            'a written data packet does not decode to what was sent',
          );
        }
      }
    }
    return delivered === 0 ? 'nothing-delivered' : 'delivered';
  },
};
