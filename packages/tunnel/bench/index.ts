/**
 * Data-path benchmark: two `DataPath`s back to back (client → server), 1400-byte IPv4
 * packets through PPP + [MPPC] + MPPE-128 + GRE and back out of the reorder buffer, the
 * decryptor and the decompressor. No sockets: this is the per-packet CPU cost of the userspace
 * tunnel. Target: 10 µs/packet each way (≈ 1 Gbit/s on one core) for MPPE alone; MPPC adds its
 * compressor and decompressor on top (the MPPC cases print the bytes on the wire too).
 */
import { GreSession } from '@pptpkit/gre';
import { deriveMsChapV2StartKeys, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { encodeUtf8 } from '@pptpkit/wire';
import { DataPath } from '../src/data-path.js';
import { clampTcpMss } from '../src/mss-clamp.js';

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

function sum16(b: Uint8Array, start: number, end: number, initial: number): number {
  let s = initial;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/**
 * Makes `packet` a well-formed TCP/IPv4 packet with valid header and TCP checksums: the
 * receiving data path checks both, as it checks every decrypted packet, so the figures include
 * that cost as real TCP traffic pays it.
 */
function ipv4Header(packet: Uint8Array): Uint8Array {
  packet[0] = 0x45;
  packet[2] = packet.length >> 8;
  packet[3] = packet.length & 0xff;
  packet[8] = 64;
  packet[9] = 6;
  packet.set([10, 0, 0, 1, 10, 0, 0, 2], 12);
  packet[10] = 0;
  packet[11] = 0;
  const h = 0xffff - sum16(packet, 0, 20, 0);
  packet[10] = h >> 8;
  packet[11] = h & 0xff;
  packet[32] = 0x50; // TCP data offset 5
  packet[36] = 0;
  packet[37] = 0;
  const tcp =
    0xffff - sum16(packet, 20, packet.length, sum16(packet, 12, 20, 6 + packet.length - 20));
  packet[36] = tcp >> 8;
  packet[37] = tcp & 0xff;
  return packet;
}

/** 64 different 1400-byte IPv4 packets whose payload is HTTP/JSON-like text. */
function textPackets(): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let p = 0; p < 64; p++) {
    let s = `GET /api/v1/items/${p * 7919} HTTP/1.1\r\nHost: intranet.example.org\r\n\r\n`;
    for (let i = 0; s.length < 1380; i++) {
      s += `{"id":${(p * 131 + i * 17) % 100000},"user":"user${i % 9}","state":"${i % 3 ? 'idle' : 'active'}"},`;
    }
    const packet = new Uint8Array(1400);
    packet.set(encodeUtf8(s).subarray(0, 1380), 20);
    packets.push(ipv4Header(packet));
  }
  return packets;
}

interface Case {
  readonly stateless: boolean;
  readonly mppc: boolean;
  readonly packets: readonly Uint8Array[];
}

function run(c: Case, count: number): { usPerPacket: number; mbits: number; wire: number } {
  let delivered = 0;
  let wire = 0;
  let b: DataPath | undefined;
  const mppc = c.mppc ? { compress: true, decompress: true } : undefined;
  const greB = new GreSession({
    localCallId: 2,
    peerCallId: 1,
    deliver: (bytes, start, end) => void b?.receiveFrame(bytes, start, end),
  });
  const a = new DataPath({
    gre: new GreSession({ localCallId: 1, peerCallId: 2, deliver: () => undefined }),
    toNetwork: (buf, offset, length) => {
      wire += length;
      greB.receive(buf, offset, offset + length, 0);
      return true;
    },
    toTun: () => true,
    framing: { acfc: true, pfc: true },
    peerMru: 1500,
    mppe: ciphers('client', c.stateless),
    ...(mppc === undefined ? {} : { mppc }),
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
    mppe: ciphers('server', c.stateless),
    ...(mppc === undefined ? {} : { mppc }),
    onResetNeeded: () => undefined,
  });
  const packets = c.packets;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const packet = packets[i % packets.length]!;
    bytes += packet.length;
    a.sendIp(packet, 0, packet.length, 0);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (delivered !== count) throw new Error(`delivered ${delivered} of ${count}`);
  return {
    usPerPacket: (seconds * 1e6) / count,
    mbits: (bytes * 8) / seconds / 1e6,
    wire: wire / bytes,
  };
}

const target = 10;
const zeros = ipv4Header(new Uint8Array(1400));
const random = new Uint8Array(1400);
let seed = 2118;
for (let i = 0; i < random.length; i++) {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  random[i] = seed >>> 24;
}
ipv4Header(random);
const text = textPackets();
const cases: Array<Case & { name: string }> = [
  { name: 'MPPE-128 stateless', stateless: true, mppc: false, packets: [zeros] },
  { name: 'MPPE-128 stateful ', stateless: false, mppc: false, packets: [zeros] },
  { name: 'MPPC+MPPE stateless, text  ', stateless: true, mppc: true, packets: text },
  { name: 'MPPC+MPPE stateful, text   ', stateless: false, mppc: true, packets: text },
  { name: 'MPPC+MPPE stateful, random ', stateless: false, mppc: true, packets: [random] },
];
// Each case warms up just before it is measured: a tunnel runs one mode, and the MPPE-only
// cases are measured before the MPPC code paths were ever taken (as in a tunnel without MPPC).
for (const c of cases) {
  run(c, 20_000);
  const r = run(c, 100_000);
  const wire = c.mppc ? `, wire/IP bytes ${(r.wire * 100).toFixed(0)} %` : '';
  console.log(
    `${c.name}: ${r.usPerPacket.toFixed(2)} µs/packet, ${r.mbits.toFixed(0)} Mbit/s one core${wire}, ratio to target (${target} µs) ${(target / r.usPerPacket).toFixed(2)}`,
  );
}

// MSS clamping (src/mss-clamp.ts): a 60-byte Linux-style SYN (MSS 1460 last, after
// SACK-permitted, timestamps, NOP, window scale) clamped to 1360, its MSS and checksum put
// back before each call; and a 1400-byte TCP data packet, which is only looked at.
{
  const syn = ipv4Header(new Uint8Array(60));
  syn[32] = 0xa0; // data offset 10: 20 option bytes
  syn[33] = 0x02; // SYN
  syn.set([4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 3, 3, 7, 2, 4, 0x05, 0xb4], 40);
  syn[36] = 0;
  syn[37] = 0;
  const c = 0xffff - sum16(syn, 20, 60, sum16(syn, 12, 20, 6 + 40));
  syn[36] = c >> 8;
  syn[37] = c & 0xff;
  const data = text[0]!;
  const count = 2_000_000;
  for (let round = 0; round < 2; round++) {
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      syn[58] = 0x05;
      syn[59] = 0xb4;
      syn[36] = c >> 8;
      syn[37] = c & 0xff;
      if (!clampTcpMss(syn, 0, 60, 1360)) throw new Error('SYN not clamped');
    }
    const synNs = Number(process.hrtime.bigint() - t0) / count;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      if (clampTcpMss(data, 0, data.length, 1360)) throw new Error('data packet changed');
    }
    const dataNs = Number(process.hrtime.bigint() - t0) / count;
    if (round === 1) {
      console.log(
        `MSS clamp: ${synNs.toFixed(1)} ns per SYN clamped (4 bytes restored each time), ${dataNs.toFixed(1)} ns per TCP data packet looked at`,
      );
    }
  }
}
