/**
 * The CCP exchanges of the golden captures (fixtures/golden/README.md: Debian pptpd + pppd 2.4.9
 * on both ends; the stateful capture's client is pppd patched to ask for stateful mode) replayed
 * against our negotiation helpers: for the client's policy, our Configure-Request must equal the
 * one the client sent, and our answer to each server Configure-Request must equal the client's
 * answer (Ack or Nak with the same bits).
 */
import { describe, expect, it } from 'vitest';
import {
  type CapturedPacket,
  loadGoldenCapture,
  pppFrames,
} from '../../../fixtures/golden/capture.js';

import {
  CCP_OPTION_MPPE,
  DEFAULT_MPPE_POLICY,
  decodeMppeOption,
  encodeMppeOption,
  type MppeBits,
  type MppePolicy,
  mppeInitialRequest,
  mppeJudgePeerRequest,
  mppeNegotiated,
} from '../src/index.js';

interface CcpPacket {
  dir: CapturedPacket['dir'];
  code: number;
  id: number;
  bits: MppeBits;
}

const CCP = 0x80fd;

/** CCP packets carrying option 18 in a capture (RFC 2637 §4.1 GRE, RFC 1661 §5 packets). */
function ccpPackets(name: string): CcpPacket[] {
  const out: CcpPacket[] = [];
  for (const p of pppFrames(loadGoldenCapture(name))) {
    if (p.protocol !== CCP) continue;
    const ccp = p.info;
    // Code, Identifier, Length, then options; these sessions carry only option 18.
    expect(ccp[4]).toBe(CCP_OPTION_MPPE);
    expect(ccp[5]).toBe(6);
    out.push({
      dir: p.dir,
      code: ccp[0]!,
      id: ccp[1]!,
      bits: decodeMppeOption(ccp.subarray(6, 10)),
    });
  }
  return out;
}

const CONF_REQ = 1;
const CONF_ACK = 2;
const CONF_NAK = 3;

const cases: { name: string; client: MppePolicy }[] = [
  // pppd `require-mppe-128`: stock pppd, stateless.
  { name: 'mschapv2-mppe128-stateless', client: DEFAULT_MPPE_POLICY },
  // pppd `require-mppe-40`.
  {
    name: 'mschapv2-mppe40-stateless',
    client: { ...DEFAULT_MPPE_POLICY, allow128: false, allow40: true },
  },
  // pppd `require-mppe-128 mppe-stateful`, patched to ask for stateful mode: our 'prefer'.
  { name: 'mschapv2-mppe128-stateful', client: { ...DEFAULT_MPPE_POLICY, stateful: 'prefer' } },
];

describe('golden CCP exchanges replayed against the negotiation helpers (RFC 3078 §2.1)', () => {
  for (const { name, client } of cases) {
    it(`${name}: same request, same answers, same resulting mode`, () => {
      const packets = ccpPackets(name);
      const fromClient = packets.filter((p) => p.dir === 'client-to-server');
      const fromServer = packets.filter((p) => p.dir === 'server-to-client');

      const firstRequest = fromClient.find((p) => p.code === CONF_REQ)!;
      expect(encodeMppeOption(mppeInitialRequest(client))).toEqual(
        encodeMppeOption(firstRequest.bits),
      );

      const serverRequests = fromServer.filter((p) => p.code === CONF_REQ);
      expect(serverRequests.length).toBeGreaterThan(0);
      for (const request of serverRequests) {
        const answer = fromClient.find(
          (p) => p.id === request.id && (p.code === CONF_ACK || p.code === CONF_NAK),
        )!;
        const ours = mppeJudgePeerRequest(request.bits, client);
        if (answer.code === CONF_ACK) {
          expect(ours).toEqual({ verdict: 'ack' });
        } else {
          expect(ours.verdict).toBe('nak');
          if (ours.verdict === 'nak') {
            expect(encodeMppeOption(ours.bits)).toEqual(encodeMppeOption(answer.bits));
          }
        }
      }

      const clientAcked = fromServer.filter((p) => p.code === CONF_ACK).at(-1)!;
      const serverAcked = fromClient.filter((p) => p.code === CONF_ACK).at(-1)!;
      const mode = mppeNegotiated(clientAcked.bits, serverAcked.bits);
      expect(mode).toBeDefined();
      expect(mode!.stateless).toBe(client.stateful !== 'prefer');
      expect(mode!.keyBits).toBe(client.allow128 ? 128 : 40);
    });
  }
});
