/**
 * Real-world vectors: MS-CHAPv2 exchanges between Debian's pptp-linux + pppd 2.4.9 (peer) and
 * pptpd + pppd 2.4.9 (authenticator), recorded in the interop lab with a known password
 * (fixtures/golden/README.md). The captured Challenge, Response and Success/Failure packets
 * must decode, re-encode to the same bytes, and agree with our computations.
 */
import { describe, expect, it } from 'vitest';
import {
  type CapturedPacket,
  type GoldenCapture,
  loadGoldenCapture as loadCapture,
  pppFrames,
} from '../../../fixtures/golden/capture.js';

import {
  type ChapPacket,
  chapMd5Response,
  checkAuthenticatorResponse,
  decodeChapPacket,
  encodeChapPacket,
  generateAuthenticatorResponse,
  generateNtResponse,
  ntChallengeResponse,
  ntPasswordHash,
  parseMschapFailure,
  parseMschapv2Success,
  userNameForHash,
} from '../src/index.js';

const PPP_CHAP = 0xc223;

interface CapturedChap {
  dir: CapturedPacket['dir'];
  /** The CHAP packet bytes as captured (the PPP information field). */
  bytes: Uint8Array;
}

/**
 * The CHAP packets of a capture: enhanced GRE (RFC 2637 §4.1: 8-byte header, sequence number
 * if S, acknowledgment if A), then the PPP frame (RFC 1661 §6.5/§6.6 compressions undone).
 */
function chapPackets(capture: GoldenCapture): CapturedChap[] {
  return pppFrames(capture)
    .filter((f) => f.protocol === PPP_CHAP)
    .map((f) => ({ dir: f.dir, bytes: f.info }));
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const ascii = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'));

interface Exchange {
  packets: { dir: CapturedPacket['dir']; bytes: Uint8Array; decoded: ChapPacket }[];
  authenticatorChallenge: Uint8Array;
  peerChallenge: Uint8Array;
  ntResponse: Uint8Array;
  peerName: Uint8Array;
  identifier: number;
}

function exchange(capture: GoldenCapture): Exchange {
  const packets = chapPackets(capture).map((p) => ({ ...p, decoded: decodeChapPacket(p.bytes) }));
  const challenge = packets.find((p) => p.decoded.type === 'challenge')?.decoded;
  const response = packets.find((p) => p.decoded.type === 'response')?.decoded;
  if (challenge?.type !== 'challenge' || response?.type !== 'response') {
    throw new Error('capture without a CHAP Challenge and Response');
  }
  return {
    packets,
    authenticatorChallenge: challenge.value,
    // RFC 2759 §4: Peer-Challenge (16), Reserved (8, zero), NT-Response (24), Flags (1, zero).
    peerChallenge: response.value.subarray(0, 16),
    ntResponse: response.value.subarray(24, 48),
    peerName: response.name,
    identifier: challenge.identifier,
  };
}

describe('golden captures: MS-CHAPv2 between Debian pppd peers', () => {
  for (const name of [
    'mschapv2-mppe128-stateless',
    'mschapv2-mppe40-stateless',
    'mschapv2-mppe128-stateful',
    'mschapv2-mppe128-stateful-loss',
  ]) {
    describe(name, () => {
      const capture = loadCapture(name);
      const x = exchange(capture);

      it('every captured CHAP packet decodes and re-encodes to the same bytes (RFC 1994 §4)', () => {
        expect(x.packets.map((p) => p.decoded.type)).toEqual(['challenge', 'response', 'success']);
        for (const p of x.packets) expect(encodeChapPacket(p.decoded)).toEqual(p.bytes);
        const [challenge, response, success] = x.packets;
        expect(challenge!.dir).toBe('server-to-client');
        expect(response!.dir).toBe('client-to-server');
        expect(success!.dir).toBe('server-to-client');
        if (challenge!.decoded.type !== 'challenge' || response!.decoded.type !== 'response') {
          throw new Error('unexpected order');
        }
        // RFC 2759 §3/§4: a 16-byte challenge, a 49-byte response with zero Reserved and Flags.
        expect(challenge!.decoded.value.length).toBe(16);
        expect(latin1(challenge!.decoded.name)).toBe('pptpd');
        expect(response!.decoded.value.length).toBe(49);
        expect(response!.decoded.value.subarray(16, 24)).toEqual(new Uint8Array(8));
        expect(response!.decoded.value[48]).toBe(0);
        expect(latin1(response!.decoded.name)).toBe(capture.user);
        // Identifiers: Response and Success carry the Challenge's (RFC 1994 §4.1, §4.2).
        expect(response!.decoded.identifier).toBe(x.identifier);
        expect(success!.decoded.identifier).toBe(x.identifier);
      });

      it("pppd's NT-Response equals GenerateNTResponse with the known password (RFC 2759 §8.1)", () => {
        const ours = generateNtResponse(
          x.authenticatorChallenge,
          x.peerChallenge,
          userNameForHash(x.peerName),
          ntPasswordHash(capture.clientPassword),
        );
        expect(ours).toEqual(x.ntResponse);
      });

      it("pptpd's Success message carries our GenerateAuthenticatorResponse (RFC 2759 §5, §8.7)", () => {
        const success = x.packets[2]!.decoded;
        if (success.type !== 'success') throw new Error('no Success');
        const parsed = parseMschapv2Success(latin1(success.message));
        expect(parsed.message).toBe('Access granted');
        const passwordHash = ntPasswordHash(capture.password);
        const expected = generateAuthenticatorResponse(
          passwordHash,
          x.ntResponse,
          x.peerChallenge,
          x.authenticatorChallenge,
          userNameForHash(x.peerName),
        );
        expect(parsed.authenticatorResponse?.toUpperCase()).toBe(expected.toUpperCase());
        expect(
          checkAuthenticatorResponse(
            passwordHash,
            x.ntResponse,
            x.peerChallenge,
            x.authenticatorChallenge,
            userNameForHash(x.peerName),
            parsed.authenticatorResponse ?? '',
          ),
        ).toBe(true);
        // A different password must not verify the server's response.
        expect(
          checkAuthenticatorResponse(
            ntPasswordHash(`${capture.password}!`),
            x.ntResponse,
            x.peerChallenge,
            x.authenticatorChallenge,
            userNameForHash(x.peerName),
            parsed.authenticatorResponse ?? '',
          ),
        ).toBe(false);
      });
    });
  }

  describe('mschapv2-wrong-password', () => {
    const capture = loadCapture('mschapv2-wrong-password');
    const x = exchange(capture);

    it('the response was computed with the wrong password, not with the server secret', () => {
      expect(capture.clientPassword).not.toBe(capture.password);
      const args = [
        x.authenticatorChallenge,
        x.peerChallenge,
        userNameForHash(x.peerName),
      ] as const;
      expect(generateNtResponse(...args, ntPasswordHash(capture.clientPassword))).toEqual(
        x.ntResponse,
      );
      expect(generateNtResponse(...args, ntPasswordHash(capture.password))).not.toEqual(
        x.ntResponse,
      );
    });

    it("pptpd's Failure parses to E=691, retry allowed, the same challenge (RFC 2759 §6)", () => {
      expect(x.packets.map((p) => p.decoded.type)).toEqual(['challenge', 'response', 'failure']);
      const failurePacket = x.packets[2]!;
      expect(encodeChapPacket(failurePacket.decoded)).toEqual(failurePacket.bytes);
      if (failurePacket.decoded.type !== 'failure') throw new Error('no Failure');
      const text = latin1(failurePacket.decoded.message);
      const failure = parseMschapFailure(text);
      expect(failure.error).toBe(691);
      expect(failure.retryAllowed).toBe(true);
      // pppd 2.4.9 repeats the challenge it sent (it does not offer a new one).
      expect(failure.challenge).toEqual(x.authenticatorChallenge);
      expect(failure.version).toBe(0);
      expect(failure.message).toBe('Access denied');
      expect(ascii(text)).toEqual(failurePacket.decoded.message);
    });
  });

  describe('mschapv1-mppe128-stateless', () => {
    const capture = loadCapture('mschapv1-mppe128-stateless');
    const packets = chapPackets(capture).map((p) => ({ ...p, decoded: decodeChapPacket(p.bytes) }));

    it('decodes and re-encodes; the NT-Response is NtChallengeResponse of the password (RFC 2433 §A.5)', () => {
      expect(packets.map((p) => p.decoded.type)).toEqual(['challenge', 'response', 'success']);
      for (const p of packets) expect(encodeChapPacket(p.decoded)).toEqual(p.bytes);
      const [challenge, response, success] = packets.map((p) => p.decoded);
      if (challenge?.type !== 'challenge' || response?.type !== 'response')
        throw new Error('order');
      // RFC 2433 §5: an 8-byte challenge; the 49-byte response is LM (24), NT (24), flag.
      expect(challenge.value.length).toBe(8);
      expect(response.value.length).toBe(49);
      expect(response.value.subarray(0, 24)).toEqual(new Uint8Array(24));
      expect(response.value[48]).toBe(1);
      expect(ntChallengeResponse(challenge.value, ntPasswordHash(capture.password))).toEqual(
        response.value.subarray(24, 48),
      );
      expect(
        ntChallengeResponse(challenge.value, ntPasswordHash(`${capture.password}!`)),
      ).not.toEqual(response.value.subarray(24, 48));
      if (success?.type !== 'success') throw new Error('no Success');
      expect(latin1(success.message)).toBe('Access granted');
    });
  });

  describe('chap-md5-nomppe', () => {
    const capture = loadCapture('chap-md5-nomppe');
    const packets = chapPackets(capture).map((p) => ({ ...p, decoded: decodeChapPacket(p.bytes) }));

    it('decodes and re-encodes; the Response is MD5(Identifier ‖ secret ‖ Challenge) (RFC 1994 §4.1)', () => {
      expect(packets.map((p) => p.decoded.type)).toEqual(['challenge', 'response', 'success']);
      for (const p of packets) expect(encodeChapPacket(p.decoded)).toEqual(p.bytes);
      const [challenge, response] = packets.map((p) => p.decoded);
      if (challenge?.type !== 'challenge' || response?.type !== 'response')
        throw new Error('order');
      expect(response.value.length).toBe(16);
      expect(response.identifier).toBe(challenge.identifier);
      expect(
        chapMd5Response(challenge.identifier, ascii(capture.password), challenge.value),
      ).toEqual(response.value);
      expect(
        chapMd5Response(
          (challenge.identifier + 1) & 0xff,
          ascii(capture.password),
          challenge.value,
        ),
      ).not.toEqual(response.value);
    });
  });
});
