/**
 * `eap`: the EAP codec of `@pptpkit/mschapv2` (packet, MD5-Challenge and MS-CHAP-V2 Type-Data)
 * and its peer and authenticator machines fed the input as one packet after an honest start.
 *
 * @module
 */
import {
  decodeEapMd5,
  decodeEapMschapv2,
  decodeEapPacket,
  EAP_TYPE,
  EapAuthenticator,
  EapPeer,
  encodeEapMd5,
  encodeEapMschapv2,
  encodeEapPacket,
  isEapResult,
} from '@pptpkit/mschapv2';
import { coreStep, invariant, typedErrorCode } from '../engine/outcome.js';
import type { Rng } from '../engine/rng.js';
import { sameValue } from '../engine/same-value.js';
import type { FuzzTarget } from '../engine/target.js';

const random = (n: number): Uint8Array => new Uint8Array(n).fill(0x5a);

/** An honest packet of each kind, the seeds and the generator's base. */
function honest(): Uint8Array[] {
  const name = new TextEncoder().encode('alice');
  const md5 = encodeEapMd5(new Uint8Array(16).fill(1), name);
  const challenge = encodeEapMschapv2({ op: 'challenge', msId: 2, value: random(16), name });
  const response = encodeEapMschapv2({ op: 'response', msId: 2, value: random(49), name });
  const success = encodeEapMschapv2({
    op: 'success',
    msId: 2,
    message: new TextEncoder().encode(`S=${'A'.repeat(40)} M=ok`),
  });
  return [
    encodeEapPacket({ code: 'request', identifier: 1, type: EAP_TYPE.identity, data: name }),
    encodeEapPacket({ code: 'request', identifier: 2, type: EAP_TYPE.md5Challenge, data: md5 }),
    encodeEapPacket({ code: 'request', identifier: 3, type: EAP_TYPE.mschapv2, data: challenge }),
    encodeEapPacket({ code: 'response', identifier: 3, type: EAP_TYPE.mschapv2, data: response }),
    encodeEapPacket({ code: 'request', identifier: 4, type: EAP_TYPE.mschapv2, data: success }),
    encodeEapPacket({
      code: 'response',
      identifier: 4,
      type: EAP_TYPE.nak,
      data: Uint8Array.of(4),
    }),
    encodeEapPacket({ code: 'success', identifier: 4 }),
  ];
}

/** EAP packets and the machines. */
export const eapTarget: FuzzTarget = {
  name: 'eap',
  packageName: '@pptpkit/mschapv2',
  entry:
    'decodeEapPacket/encodeEapPacket, decodeEapMd5, decodeEapMschapv2; EapPeer and EapAuthenticator receive',
  invariants: [
    'decode, encode, decode again gives the same packet and Type-Data',
    'the machines never throw on the packet; an ignored one is counted in dropped',
  ],
  maxLength: 600,
  timing: 'step',
  dictionary: [Uint8Array.of(1, 0, 0), Uint8Array.of(0x1a, 1), Uint8Array.of(4, 16)],
  seeds: honest,
  generate(rng: Rng) {
    const base = rng.pick(honest()).slice();
    for (let n = rng.int(0, 3); n > 0; n--) base[rng.below(base.length)] = rng.below(256);
    return base;
  },
  run(input, timer) {
    let label: string | undefined;
    try {
      const packet = decodeEapPacket(input);
      invariant(
        sameValue(decodeEapPacket(encodeEapPacket(packet)), packet),
        'an EAP packet decodes differently after re-encoding',
      );
      label = packet.code;
      if (!isEapResult(packet) && packet.type === EAP_TYPE.mschapv2) {
        const data = decodeEapMschapv2(packet.code, packet.data);
        invariant(
          sameValue(decodeEapMschapv2(packet.code, encodeEapMschapv2(data)), data),
          'MS-CHAP-V2 Type-Data decodes differently after re-encoding',
        );
      } else if (!isEapResult(packet) && packet.type === EAP_TYPE.md5Challenge) {
        const data = decodeEapMd5(packet.data);
        invariant(
          sameValue(decodeEapMd5(encodeEapMd5(data.value, data.name)), data),
          'MD5-Challenge Type-Data decodes differently after re-encoding',
        );
      }
    } catch (error) {
      // A typed decode error is an accepted outcome; the machines still get the packet.
      label = typedErrorCode(error);
      if (label === undefined) throw error;
    }
    const peer = new EapPeer({ name: 'alice', password: 'pw', randomBytes: random });
    peer.start(0);
    const before = peer.dropped;
    const p = coreStep(timer, 'EapPeer.receive', () => peer.receive(input, 1));
    invariant(
      p.diagnostic === undefined || peer.dropped === before + 1,
      'an ignored packet is not counted',
    );
    const server = new EapAuthenticator({
      methods: ['mschapv2', 'md5'],
      name: 'srv',
      lookupPassword: () => 'pw',
      randomBytes: random,
    });
    server.start(0);
    coreStep(timer, 'EapAuthenticator.receive', () => server.receive(input, 1));
    return label;
  },
};
