/**
 * Real-world vectors: the control connections of sessions between Debian's pptp-linux 1.10.0
 * (PNS) and pptpd 1.4.0 (PAC), recorded in the interop lab (fixtures/golden/README.md). The TCP
 * payloads must frame and decode, re-encode to the captured bytes, and show what a real pptpd
 * sends (framing and bearer capabilities 0, one channel, no Call-Disconnect-Notify).
 */
import { describe, expect, it } from 'vitest';
import {
  type Direction,
  GOLDEN_CAPTURES,
  type GoldenCapture,
  loadGoldenCapture as loadCapture,
} from '../../../fixtures/golden/capture.js';

import {
  ControlFramer,
  type ControlMessage,
  decodeControlMessage,
  encodeControlMessage,
  PPTP_PROTOCOL_VERSION,
} from '../src/index.js';

const bytesOf = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

/** The messages of one direction, framed from the captured TCP segments in `chunk`-byte pieces. */
function frameDirection(capture: GoldenCapture, dir: Direction, chunk = Infinity): Uint8Array[] {
  const framer = new ControlFramer();
  const out: Uint8Array[] = [];
  for (const segment of capture.control.filter((s) => s.dir === dir)) {
    const bytes = bytesOf(segment.hex);
    for (let at = 0; at < bytes.length; at += Math.min(chunk, bytes.length)) {
      const result = framer.push(bytes.subarray(at, Math.min(at + chunk, bytes.length)));
      expect(result.error).toBeUndefined();
      out.push(...result.messages);
    }
  }
  expect(framer.buffered).toBe(0);
  return out;
}

/** The call ID carried by the first GRE packet of a direction (RFC 2637 §4.1 Key, low half). */
function greCallId(capture: GoldenCapture, dir: Direction): number {
  const first = capture.gre.find((p) => p.dir === dir)!;
  const gre = bytesOf(first.hex);
  return (gre[6]! << 8) | gre[7]!;
}

describe('golden captures: PPTP control connection between pptp-linux and pptpd', () => {
  for (const name of GOLDEN_CAPTURES) {
    describe(name, () => {
      const capture = loadCapture(name);
      const client = frameDirection(capture, 'client-to-server');
      const server = frameDirection(capture, 'server-to-client');
      const decode = (m: Uint8Array): ControlMessage => decodeControlMessage(m);

      it('each direction frames into whole messages that re-encode to the captured bytes (RFC 2637 §2)', () => {
        for (const message of [...client, ...server]) {
          expect(encodeControlMessage(decode(message))).toEqual(message);
        }
        expect(client.map((m) => decode(m).type)).toEqual([
          'start-control-connection-request',
          'outgoing-call-request',
          'call-clear-request',
        ]);
        // pptpd answers Call-Clear-Request by closing TCP: no Call-Disconnect-Notify.
        expect(server.map((m) => decode(m).type)).toEqual([
          'start-control-connection-reply',
          'outgoing-call-reply',
        ]);
      });

      it('framing does not depend on how TCP cut the stream (1-byte and 7-byte chunks)', () => {
        for (const chunk of [1, 7]) {
          expect(frameDirection(capture, 'client-to-server', chunk)).toEqual(client);
          expect(frameDirection(capture, 'server-to-client', chunk)).toEqual(server);
        }
      });

      it("pptpd's Start-Control-Connection-Reply: result 1, version 1.0, capabilities 0 (§2.2)", () => {
        const request = decode(client[0]!);
        const reply = decode(server[0]!);
        if (request.type !== 'start-control-connection-request') throw new Error(request.type);
        if (reply.type !== 'start-control-connection-reply') throw new Error(reply.type);
        expect(request.protocolVersion).toBe(PPTP_PROTOCOL_VERSION);
        expect(reply.protocolVersion).toBe(PPTP_PROTOCOL_VERSION);
        expect(reply.resultCode).toBe(1);
        expect(reply.errorCode).toBe(0);
        // A real pptpd reports no framing or bearer capability: clients must not reject that.
        expect(reply.framingCapabilities).toBe(0);
        expect(reply.bearerCapabilities).toBe(0);
        expect(reply.maximumChannels).toBe(1);
        expect(reply.vendorString).toBe('linux');
      });

      it('the call IDs of the Outgoing-Call exchange are the ones GRE uses (§2.7, §2.8, §4.1)', () => {
        const request = decode(client[1]!);
        const reply = decode(server[1]!);
        const clear = decode(client[2]!);
        if (request.type !== 'outgoing-call-request') throw new Error(request.type);
        if (reply.type !== 'outgoing-call-reply') throw new Error(reply.type);
        if (clear.type !== 'call-clear-request') throw new Error(clear.type);
        expect(reply.resultCode).toBe(1);
        expect(reply.peerCallId).toBe(request.callId);
        expect(clear.callId).toBe(request.callId);
        // Each side puts the other's Call ID in its GRE headers.
        expect(greCallId(capture, 'client-to-server')).toBe(reply.callId);
        expect(greCallId(capture, 'server-to-client')).toBe(request.callId);
      });
    });
  }
});
