/**
 * Data-path benchmark: two `DataPath`s back to back (client → server), 1400-byte IPv4
 * packets through PPP + MPPE-128 + GRE and back out of the reorder buffer and the decryptor.
 * No sockets: this is the per-packet CPU cost of the userspace tunnel. Target: 10 µs/packet
 * each way (≈ 1 Gbit/s on one core).
 */
import { GreSession } from '@pptpkit/gre';
import { deriveMsChapV2StartKeys, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { DataPath } from '../src/session/data-path.js';

const material = {
  passwordHashHash: new Uint8Array(16).fill(1),
  ntResponse: new Uint8Array(24).fill(2),
};

function ciphers(role: 'client' | 'server', stateless: boolean) {
  const k = deriveMsChapV2StartKeys({ role, keyBits: 128, ...material });
  return {
    encryptor: new MppeEncryptor({ startKey: k.send, keyBits: 128, stateless }),
    decryptor: new MppeDecryptor({ startKey: k.receive, keyBits: 128, stateless }),
  };
}

function run(stateless: boolean, packets: number): { usPerPacket: number; mbits: number } {
  let delivered = 0;
  let b: DataPath | undefined;
  const greB = new GreSession({
    localCallId: 2,
    peerCallId: 1,
    deliver: (bytes, start, end) => void b?.receiveFrame(bytes, start, end),
  });
  const a = new DataPath({
    gre: new GreSession({ localCallId: 1, peerCallId: 2, deliver: () => undefined }),
    toNetwork: (buf, offset, length) => {
      greB.receive(buf, offset, offset + length, 0);
      return true;
    },
    toTun: () => true,
    framing: { acfc: true, pfc: true },
    peerMru: 1500,
    mppe: ciphers('client', stateless),
    onResetNeeded: () => undefined,
  });
  b = new DataPath({
    gre: greB,
    toNetwork: () => true,
    toTun: () => {
      delivered++;
      return true;
    },
    framing: { acfc: true, pfc: true },
    peerMru: 1500,
    mppe: ciphers('server', stateless),
    onResetNeeded: () => undefined,
  });
  const packet = new Uint8Array(1400);
  packet[0] = 0x45;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < packets; i++) a.sendIp(packet, 0, packet.length, 0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (delivered !== packets) throw new Error(`delivered ${delivered} of ${packets}`);
  return {
    usPerPacket: (seconds * 1e6) / packets,
    mbits: (packets * packet.length * 8) / seconds / 1e6,
  };
}

const target = 10;
run(true, 20_000);
for (const stateless of [true, false]) {
  const r = run(stateless, 100_000);
  console.log(
    `MPPE-128 ${stateless ? 'stateless' : 'stateful '}: encrypt+GRE+reorder+decrypt ${r.usPerPacket.toFixed(2)} µs/packet, ${r.mbits.toFixed(0)} Mbit/s one core, ratio to target (${target} µs) ${(target / r.usPerPacket).toFixed(2)}`,
  );
}
