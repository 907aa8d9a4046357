/**
 * Real-world vectors: every enhanced GRE packet of sessions between Debian's pptp-linux 1.10.0
 * and pptpd 1.4.0 (kernel pppd on both ends), recorded in the interop lab
 * (fixtures/golden/README.md). They must decode, re-encode to the same bytes, and show the
 * call IDs, sequence and acknowledgment numbers RFC 2637 §4.1 and §4.2 describe.
 */
import { describe, expect, it } from 'vitest';
import {
  type Direction,
  GOLDEN_CAPTURES,
  type GoldenCapture,
  loadGoldenCapture as loadCapture,
} from '../../../fixtures/golden/capture.js';

import { decodeGre, encodeGre, GRE_PROTOCOL_PPTP, type GrePacket } from '../src/index.js';

const bytesOf = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

/**
 * The call IDs from the captured Outgoing-Call-Request (type 7) and -Reply (type 8), read with
 * the RFC 2637 §2 layouts: Length (2), Message Type (2), Magic Cookie (4), Control Message Type
 * (2), Reserved (2), then Call ID (2) and, in the reply, Peer's Call ID (2).
 */
function callIds(capture: GoldenCapture): { client: number; server: number } {
  const streams: Record<Direction, number[]> = { 'client-to-server': [], 'server-to-client': [] };
  for (const segment of capture.control) streams[segment.dir].push(...bytesOf(segment.hex));
  const messages = (stream: number[]): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let at = 0; at + 2 <= stream.length; ) {
      const length = (stream[at]! << 8) | stream[at + 1]!;
      out.push(Uint8Array.from(stream.slice(at, at + length)));
      at += length;
    }
    return out;
  };
  const type = (m: Uint8Array): number => (m[8]! << 8) | m[9]!;
  const u16 = (m: Uint8Array, at: number): number => (m[at]! << 8) | m[at + 1]!;
  const request = messages(streams['client-to-server']).find((m) => type(m) === 7);
  const reply = messages(streams['server-to-client']).find((m) => type(m) === 8);
  if (!request || !reply) throw new Error('no Outgoing-Call-Request/Reply in the capture');
  expect(u16(reply, 14)).toBe(u16(request, 12));
  return { client: u16(request, 12), server: u16(reply, 12) };
}

describe('golden captures: enhanced GRE between pptp-linux and pptpd', () => {
  for (const name of GOLDEN_CAPTURES) {
    describe(name, () => {
      const capture = loadCapture(name);
      const lossy = name.endsWith('-loss');
      const decoded = capture.gre.map((p) => ({ dir: p.dir, bytes: bytesOf(p.hex) }));

      it('every packet decodes and re-encodes to the captured bytes (RFC 2637 §4.1)', () => {
        expect(decoded.length).toBeGreaterThan(10);
        for (const { bytes } of decoded) {
          // Flags: K set, version 1; Protocol Type 0x880B.
          expect(bytes[0]! & 0x20).toBe(0x20);
          expect(bytes[1]! & 0x07).toBe(1);
          expect((bytes[2]! << 8) | bytes[3]!).toBe(GRE_PROTOCOL_PPTP);
          const packet = decodeGre(bytes);
          expect(encodeGre(packet)).toEqual(bytes);
        }
      });

      it('each side sends to the call ID the other announced in the call set-up (RFC 2637 §4.1)', () => {
        const ids = callIds(capture);
        for (const { dir, bytes } of decoded) {
          expect(decodeGre(bytes).callId).toBe(
            dir === 'client-to-server' ? ids.server : ids.client,
          );
        }
      });

      it('sequence numbers rise by one per data packet; acks follow the peer (RFC 2637 §4.2)', () => {
        const bySide: Record<Direction, GrePacket[]> = {
          'client-to-server': [],
          'server-to-client': [],
        };
        for (const { dir, bytes } of decoded) bySide[dir].push(decodeGre(bytes));
        for (const dir of ['client-to-server', 'server-to-client'] as const) {
          const packets = bySide[dir];
          const peer = bySide[dir === 'client-to-server' ? 'server-to-client' : 'client-to-server'];
          const peerSequences = new Set(
            peer.flatMap((p) => (p.sequence === undefined ? [] : [p.sequence])),
          );
          let previousSequence: number | undefined;
          let gaps = 0;
          let previousAck: number | undefined;
          for (const packet of packets) {
            if (packet.sequence !== undefined) {
              expect(packet.payload.length).toBeGreaterThan(0);
              if (previousSequence !== undefined) {
                // The -loss capture: one client packet was dropped before the bridge on purpose.
                const step = packet.sequence - previousSequence;
                if (step === 2 && lossy && dir === 'client-to-server') gaps++;
                else expect(step).toBe(1);
              }
              previousSequence = packet.sequence;
            } else {
              // An acknowledgment-only packet carries no payload.
              expect(packet.payload.length).toBe(0);
              expect(packet.ack).toBeDefined();
            }
            if (packet.ack !== undefined) {
              // An ack names a sequence number the peer really sent, never going backwards.
              expect(peerSequences.has(packet.ack)).toBe(true);
              if (previousAck !== undefined) expect(packet.ack).toBeGreaterThanOrEqual(previousAck);
              previousAck = packet.ack;
            }
          }
          expect(previousSequence).toBeDefined();
          expect(gaps).toBe(lossy && dir === 'client-to-server' ? 1 : 0);
        }
      });

      it('the payload is a PPP frame; the first of each side is an LCP Configure-Request', () => {
        for (const dir of ['client-to-server', 'server-to-client'] as const) {
          const first = decoded.find((d) => d.dir === dir && decodeGre(d.bytes).payload.length > 0);
          const payload = decodeGre(first!.bytes).payload;
          // Address 0xFF, Control 0x03, Protocol 0xC021 (LCP), Code 1 (RFC 1661 §5.1).
          expect([...payload.subarray(0, 5)]).toEqual([0xff, 0x03, 0xc0, 0x21, 0x01]);
        }
      });
    });
  }
});
