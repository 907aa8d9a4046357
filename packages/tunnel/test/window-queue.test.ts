/**
 * The data path and a GRE session that follows the peer's window with a queue (`queue`): when
 * the queue is full, an IP packet is dropped before MPPE takes it, so a stateful peer sees no
 * gap in the coherency counts (RFC 3078 §8.2: a gap would cost it a CCP Reset round trip).
 */
import { GreSession, SEND_QUEUE_LIMIT } from '@pptpkit/gre';
import { deriveMsChapV2StartKeys, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { describe, expect, it } from 'vitest';
import { DataPath } from '../src/data-path.js';
import { ipv4Packet } from './ipv4.js';

const material = {
  passwordHashHash: new Uint8Array(16).fill(7),
  ntResponse: new Uint8Array(24).fill(9),
};

describe('data path with a full GRE send queue', () => {
  it('drops before encrypting: every packet that leaves carries the next coherency count', () => {
    const k = deriveMsChapV2StartKeys({ role: 'client', keyBits: 128, ...material });
    const encryptor = new MppeEncryptor({ startKey: k.send, keyBits: 128, stateless: false });
    const gre = new GreSession({
      localCallId: 1,
      peerCallId: 2,
      deliver: () => undefined,
      peerReceiveWindow: 1,
      sendWindowPolicy: 'queue',
    });
    let sent = 0;
    const path = new DataPath({
      gre,
      toNetwork: () => {
        sent++;
        return true;
      },
      toTun: () => true,
      framing: { acfc: true, pfc: true },
      peerMru: 1500,
      mppe: {
        encryptor,
        decryptor: new MppeDecryptor({ startKey: k.receive, keyBits: 128, stateless: false }),
      },
      mppc: { compress: false, decompress: false },
      onResetNeeded: () => {},
    });
    const total = SEND_QUEUE_LIMIT + 10;
    for (let i = 0; i < total; i++) {
      const p = ipv4Packet([i & 0xff, 1, 2, 3], '192.168.77.10', '192.168.77.1');
      path.sendIp(p, 0, p.length, 0);
    }
    // One sent (the window of 1), 64 held, 9 dropped before MPPE saw them.
    expect(sent).toBe(1);
    expect(gre.queued).toBe(SEND_QUEUE_LIMIT);
    expect(path.counters.txDropped).toBe(total - 1 - SEND_QUEUE_LIMIT);
    // 65 packets encrypted: counts 0..64 (the getter gives the last one's).
    expect(encryptor.coherencyCount).toBe(SEND_QUEUE_LIMIT);
  });
});
