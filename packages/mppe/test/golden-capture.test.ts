/**
 * Real-world vectors: sessions between Debian's pptp-linux + pppd and pptpd + pppd with the
 * Linux kernel's MPPE, recorded in the interop lab (fixtures/golden/README.md). The password is
 * known, so the MPPE start keys follow from the captured MS-CHAPv2 exchange (RFC 3079 §3), and
 * every captured encrypted frame must decrypt to a valid IPv4/IPv6 packet; re-encrypting the
 * plaintexts must reproduce the kernel's ciphertext byte for byte.
 */
import { hashNtPasswordHash, ntPasswordHash } from '@pptpkit/mschapv2';
import { describe, expect, it } from 'vitest';
import {
  type CapturedPppFrame,
  type Direction,
  type GoldenCapture,
  loadGoldenCapture as loadCapture,
  pppFrames,
} from '../../../fixtures/golden/capture.js';

import {
  CCP_OPTION_MPPE,
  decodeMppeOption,
  deriveMsChapV1StartKey,
  deriveMsChapV2StartKeys,
  MPPE_STATUS,
  MppeDecryptor,
  MppeEncryptor,
  type MppeKeyBits,
} from '../src/index.js';

/** HashNtPasswordHash(NtPasswordHash(password)), RFC 2759 §8.3/§8.4, from `@pptpkit/mschapv2`. */
function passwordHashHash(password: string): Uint8Array {
  return hashNtPasswordHash(ntPasswordHash(password));
}

/** The 16-bit one's-complement sum used by IPv4 and ICMP (RFC 1071), 0 when valid. */
function internetChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const CHAP = 0xc223;
const CCP = 0x80fd;
const COMPRESSED_DATAGRAM = 0xfd;

type Auth = 'mschapv2' | 'mschapv1';

interface Session {
  frames: CapturedPppFrame[];
  /** The CHAP Challenge value: 16 bytes for MS-CHAPv2, 8 for MS-CHAPv1. */
  authenticatorChallenge: Uint8Array;
  /** The NT-Response from the CHAP Response value (RFC 2759 §4, RFC 2433 §5: bytes 24–47). */
  ntResponse: Uint8Array;
  /** The CCP Configure-Ack each side sent (the option the other side will use to send). */
  ccpAckFromClient: Uint8Array;
}

function session(capture: GoldenCapture, auth: Auth): Session {
  const frames = pppFrames(capture);
  const chap = frames.filter((f) => f.protocol === CHAP);
  const challenge = chap.find((f) => f.info[0] === 1 && f.dir === 'server-to-client');
  const response = chap.find((f) => f.info[0] === 2 && f.dir === 'client-to-server');
  if (!challenge || !response) throw new Error('no MS-CHAP exchange in the capture');
  // RFC 1994 §4.1: Code, Identifier, Length, Value-Size, Value. MS-CHAPv2 (RFC 2759 §4): a
  // 16-byte challenge; the Response value is Peer-Challenge (16), Reserved (8), NT-Response
  // (24), Flags (1). MS-CHAPv1 (RFC 2433 §5): an 8-byte challenge; LM (24), NT (24), flag.
  const challengeLength = auth === 'mschapv2' ? 16 : 8;
  expect(challenge.info[4]).toBe(challengeLength);
  expect(response.info[4]).toBe(49);
  const ack = frames.find(
    (f) => f.protocol === CCP && f.info[0] === 2 && f.dir === 'client-to-server',
  );
  if (!ack) throw new Error('no CCP Configure-Ack from the client');
  return {
    frames,
    authenticatorChallenge: challenge.info.subarray(5, 5 + challengeLength),
    ntResponse: response.info.subarray(5 + 24, 5 + 48),
    ccpAckFromClient: ack.info,
  };
}

/**
 * The start key of each direction, from the password and the captured exchange: MS-CHAPv2
 * (RFC 3079 §3, the client's send key is the server's receive key), MS-CHAPv1 128-bit
 * (RFC 3079 §2.4, one key for both directions).
 */
function startKeys(
  s: Session,
  password: string,
  keyBits: MppeKeyBits,
  auth: Auth,
): Record<Direction, Uint8Array> {
  const hashHash = passwordHashHash(password);
  if (auth === 'mschapv1') {
    if (keyBits !== 128) throw new Error('the MS-CHAPv1 capture is 128-bit');
    const key = deriveMsChapV1StartKey({
      keyBits,
      passwordHashHash: hashHash,
      challenge: s.authenticatorChallenge,
    });
    return { 'client-to-server': key, 'server-to-client': key };
  }
  const client = deriveMsChapV2StartKeys({
    passwordHashHash: hashHash,
    ntResponse: s.ntResponse,
    role: 'client',
    keyBits,
  });
  const server = deriveMsChapV2StartKeys({
    passwordHashHash: hashHash,
    ntResponse: s.ntResponse,
    role: 'server',
    keyBits,
  });
  expect(server.receive).toEqual(client.send);
  expect(server.send).toEqual(client.receive);
  expect(client.send).not.toEqual(client.receive);
  return { 'client-to-server': client.send, 'server-to-client': server.send };
}

interface Decrypted {
  dir: Direction;
  ciphertext: Uint8Array;
  plaintext: Uint8Array;
}

function decryptAll(
  s: Session,
  keys: Record<Direction, Uint8Array>,
  keyBits: MppeKeyBits,
  stateless: boolean,
): Decrypted[] {
  const decryptors = {
    'server-to-client': new MppeDecryptor({
      startKey: keys['server-to-client'],
      keyBits,
      stateless,
    }),
    'client-to-server': new MppeDecryptor({
      startKey: keys['client-to-server'],
      keyBits,
      stateless,
    }),
  };
  const out: Decrypted[] = [];
  for (const frame of s.frames) {
    if (frame.protocol !== COMPRESSED_DATAGRAM) continue;
    const plaintext = new Uint8Array(frame.info.length);
    const n = decryptors[frame.dir].decrypt(frame.info, 0, frame.info.length, plaintext, 0);
    expect(n, `${frame.dir} packet decrypts`).toBe(frame.info.length - 2);
    out.push({ dir: frame.dir, ciphertext: frame.info, plaintext: plaintext.subarray(0, n) });
  }
  return out;
}

/** The PPP protocol number and the packet after it in a decrypted datagram (RFC 1661 §6.5). */
function datagram(plaintext: Uint8Array): { protocol: number; packet: Uint8Array } {
  const protocolLength = plaintext[0]! & 1 ? 1 : 2;
  const protocol = protocolLength === 1 ? plaintext[0]! : (plaintext[0]! << 8) | plaintext[1]!;
  return { protocol, packet: plaintext.subarray(protocolLength) };
}

/** Checks one decrypted datagram: PPP protocol, then a well-formed IPv4 or IPv6 packet. */
function checkDatagram(plaintext: Uint8Array): 'ipv4' | 'ipv6' {
  const { protocol, packet } = datagram(plaintext);
  if (protocol === 0x21) {
    // RFC 791: version 4, header checksum, Total Length equal to what is left.
    expect(packet[0]! >> 4).toBe(4);
    const headerLength = (packet[0]! & 0x0f) * 4;
    expect(internetChecksum(packet.subarray(0, headerLength))).toBe(0);
    expect((packet[2]! << 8) | packet[3]!).toBe(packet.length);
    if (packet[9] === 1) {
      // RFC 792 ICMP with a valid checksum.
      expect(internetChecksum(packet.subarray(headerLength))).toBe(0);
    }
    return 'ipv4';
  }
  expect(protocol).toBe(0x57);
  // RFC 8200: version 6, Payload Length equal to what follows the 40-byte header.
  expect(packet[0]! >> 4).toBe(6);
  expect((packet[4]! << 8) | packet[5]!).toBe(packet.length - 40);
  return 'ipv6';
}

function icmpEchoes(decrypted: Decrypted[], dir: Decrypted['dir'], type: number): number {
  return decrypted.filter((d) => {
    const { protocol, packet: ip } = datagram(d.plaintext);
    if (d.dir !== dir || protocol !== 0x21) return false;
    return ip[9] === 1 && ip[(ip[0]! & 0x0f) * 4] === type;
  }).length;
}

describe('golden captures (Debian pptpd/pppd, kernel MPPE)', () => {
  const cases: { name: string; auth: Auth; keyBits: MppeKeyBits; stateless: boolean }[] = [
    { name: 'mschapv2-mppe128-stateless', auth: 'mschapv2', keyBits: 128, stateless: true },
    { name: 'mschapv2-mppe40-stateless', auth: 'mschapv2', keyBits: 40, stateless: true },
    { name: 'mschapv2-mppe128-stateful', auth: 'mschapv2', keyBits: 128, stateless: false },
    { name: 'mschapv1-mppe128-stateless', auth: 'mschapv1', keyBits: 128, stateless: true },
  ];

  for (const { name, auth, keyBits, stateless } of cases) {
    describe(name, () => {
      const capture = loadCapture(name);
      const s = session(capture, auth);
      const keys = startKeys(s, capture.password, keyBits, auth);

      it('the CCP option both sides agreed on decodes to the captured strength and mode (RFC 3078 §2)', () => {
        // Configure-Ack: Code, Identifier, Length, then option 18 with 4 bytes of bits.
        const option = s.ccpAckFromClient.subarray(4);
        expect(option[0]).toBe(CCP_OPTION_MPPE);
        const bits = decodeMppeOption(option.subarray(2, 6));
        expect(bits.stateless).toBe(stateless);
        expect(bits.mppe128).toBe(keyBits === 128);
        expect(bits.mppe40).toBe(keyBits === 40);
      });

      it('keys derived from the captured MS-CHAP exchange decrypt every frame to IP (RFC 3079)', () => {
        const decrypted = decryptAll(s, keys, keyBits, stateless);
        expect(decrypted.length).toBeGreaterThanOrEqual(8);
        const kinds = decrypted.map((d) => checkDatagram(d.plaintext));
        expect(kinds).toContain('ipv4');
        // The three pings of the session: echo requests one way, replies the other.
        expect(icmpEchoes(decrypted, 'client-to-server', 8)).toBe(3);
        expect(icmpEchoes(decrypted, 'server-to-client', 0)).toBe(3);
        // The TCP echo through the tunnel carried this text both ways.
        const text = Buffer.from('pptpkit-lab-echo');
        for (const dir of ['client-to-server', 'server-to-client'] as const) {
          expect(
            decrypted.some((d) => d.dir === dir && Buffer.from(d.plaintext).includes(text)),
            `echo text ${dir}`,
          ).toBe(true);
        }
      });

      it('re-encrypting the plaintexts reproduces the kernel ciphertext byte for byte', () => {
        const decrypted = decryptAll(s, keys, keyBits, stateless);
        for (const dir of ['client-to-server', 'server-to-client'] as const) {
          const encryptor = new MppeEncryptor({ startKey: keys[dir], keyBits, stateless });
          for (const d of decrypted.filter((x) => x.dir === dir)) {
            const out = new Uint8Array(d.plaintext.length + 2);
            const n = encryptor.encrypt(d.plaintext, 0, d.plaintext.length, out, 0);
            expect(out.subarray(0, n)).toEqual(d.ciphertext);
          }
        }
      });

      it('a wrong password gives keys under which the frames do not decrypt to IP', () => {
        const wrong = startKeys(s, `${capture.password}x`, keyBits, auth);
        const decryptor = new MppeDecryptor({
          startKey: wrong['server-to-client'],
          keyBits,
          stateless,
        });
        const first = s.frames.find(
          (f) => f.protocol === COMPRESSED_DATAGRAM && f.dir === 'server-to-client',
        )!;
        const plaintext = new Uint8Array(first.info.length);
        const n = decryptor.decrypt(first.info, 0, first.info.length, plaintext, 0);
        expect(n).toBe(first.info.length - 2);
        const { protocol, packet } = datagram(plaintext.subarray(0, n));
        const looksLikeIp =
          (protocol === 0x21 &&
            packet[0]! >> 4 === 4 &&
            internetChecksum(packet.subarray(0, 20)) === 0) ||
          (protocol === 0x57 && packet[0]! >> 4 === 6);
        expect(looksLikeIp).toBe(false);
      });
    });
  }

  describe('mschapv2-mppe128-stateful-loss', () => {
    // One client-to-server packet was dropped on purpose before the bridge (netem in the client
    // guest): the kernel on the server saw the coherency-count gap, its pppd sent a CCP
    // Reset-Request, and the client's next packet came FLUSHED (RFC 3078 §8.2).
    const capture = loadCapture('mschapv2-mppe128-stateful-loss');
    const s = session(capture, 'mschapv2');
    const keys = startKeys(s, capture.password, 128, 'mschapv2');

    it('the server-to-client direction, without loss, decrypts and re-encrypts byte for byte', () => {
      const decrypted = decryptAll(
        { ...s, frames: s.frames.filter((f) => f.dir === 'server-to-client') },
        keys,
        128,
        false,
      );
      for (const d of decrypted) checkDatagram(d.plaintext);
      const encryptor = new MppeEncryptor({
        startKey: keys['server-to-client'],
        keyBits: 128,
        stateless: false,
      });
      for (const d of decrypted) {
        const out = new Uint8Array(d.plaintext.length + 2);
        const n = encryptor.encrypt(d.plaintext, 0, d.plaintext.length, out, 0);
        expect(out.subarray(0, n)).toEqual(d.ciphertext);
      }
    });

    it('client-to-server after a short or unencrypted frame anywhere before the FLUSHED one: discards until it, which decrypts (issue 12)', () => {
      const frames = s.frames.filter(
        (f) => f.dir === 'client-to-server' && f.protocol === COMPRESSED_DATAGRAM,
      );
      const count = (f: CapturedPppFrame) => ((f.info[0]! & 0x0f) << 8) | f.info[1]!;
      const answer = frames.findIndex((f) => (f.info[0]! & 0x80) !== 0);
      // The frame after the packet netem dropped: the bogus frame comes while still in sync.
      const gap = frames.findIndex((f, i) => i > 0 && count(f) !== count(frames[i - 1]!) + 1);
      expect(0 < gap && gap < answer).toBe(true);
      // `ff 03 00 fd 10` (a 1-byte MPPE header) and a header with the D bit clear.
      for (const bogus of [Uint8Array.of(0x10), Uint8Array.of(0x80, 0x00, 0x45, 0x00)]) {
        for (let at = 0; at <= gap; at++) {
          const decryptor = new MppeDecryptor({
            startKey: keys['client-to-server'],
            keyBits: 128,
            stateless: false,
          });
          const plaintext = new Uint8Array(2048);
          for (const [i, frame] of frames.entries()) {
            if (i === at) {
              expect(decryptor.decrypt(bogus, 0, bogus.length, plaintext, 0)).toBe(
                MPPE_STATUS.RESET_NEEDED,
              );
            }
            const n = decryptor.decrypt(frame.info, 0, frame.info.length, plaintext, 0);
            if (i < at) {
              expect(n, `frame ${i} before the bogus one`).toBe(frame.info.length - 2);
            } else if (i < answer) {
              expect(n, `frame ${i}, bogus before ${at}`).toBe(MPPE_STATUS.DISCARDING);
            } else {
              // The kernel's answer to the captured Reset-Request and what follows: valid IP.
              expect(n, `frame ${i}, bogus before ${at}`).toBe(frame.info.length - 2);
              checkDatagram(plaintext.subarray(0, n));
            }
          }
        }
      }
    });

    it('client-to-server: the gap asks for a reset, packets are dropped until the FLUSHED one, which decrypts', () => {
      const decryptor = new MppeDecryptor({
        startKey: keys['client-to-server'],
        keyBits: 128,
        stateless: false,
      });
      const statuses: ('ok' | 'reset' | 'discard')[] = [];
      let resetAt = -1;
      for (const [i, frame] of s.frames.entries()) {
        if (frame.dir !== 'client-to-server' || frame.protocol !== COMPRESSED_DATAGRAM) continue;
        const plaintext = new Uint8Array(frame.info.length);
        const n = decryptor.decrypt(frame.info, 0, frame.info.length, plaintext, 0);
        if (n >= 0) {
          checkDatagram(plaintext.subarray(0, n));
          statuses.push('ok');
        } else if (n === MPPE_STATUS.RESET_NEEDED) {
          statuses.push('reset');
          resetAt = i;
        } else {
          expect(n).toBe(MPPE_STATUS.DISCARDING);
          // Only packets without the FLUSHED bit (0x80) are discarded.
          expect(frame.info[0]! & 0x80).toBe(0);
          statuses.push('discard');
        }
      }
      // ok… then one reset, maybe discards, then ok to the end.
      const text = statuses.map((x) => x[0]).join('');
      expect(text).toMatch(/^o+rd*o+$/);
      // The real server's pppd asked for the reset after the packet that revealed the gap.
      const resetRequest = s.frames.findIndex(
        (f) => f.protocol === CCP && f.dir === 'server-to-client' && f.info[0] === 14,
      );
      expect(resetRequest).toBeGreaterThan(resetAt);
      const ack = s.frames.findIndex(
        (f) => f.protocol === CCP && f.dir === 'client-to-server' && f.info[0] === 15,
      );
      expect(ack).toBeGreaterThan(resetRequest);
      expect(s.frames[ack]!.info[1]).toBe(s.frames[resetRequest]!.info[1]);
    });
  });
});
