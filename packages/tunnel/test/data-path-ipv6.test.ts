/**
 * IPv6 through the data path (PPP protocol 0x0057, RFC 5072 §3) while IPv6CP is open, in every
 * MPPE/MPPC mode, with packets Linux itself sent into a TUN (their checksums are the kernel's).
 */
import { GreSession } from '@pptpkit/gre';
import { deriveMsChapV2StartKeys, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { describe, expect, it } from 'vitest';
import { DataPath } from '../src/data-path.js';
import { ipv4Packet } from './ipv4.js';
import { LINUX_ECHO6, LINUX_SYN6, LINUX_UDP6 } from './ipv6-packets.js';

const material = {
  passwordHashHash: new Uint8Array(16).fill(7),
  ntResponse: new Uint8Array(24).fill(9),
};

function ciphers(role: 'client' | 'server', stateless: boolean) {
  const k = deriveMsChapV2StartKeys({ role, keyBits: 128, ...material });
  return {
    encryptor: new MppeEncryptor({ startKey: k.send, keyBits: 128, stateless }),
    decryptor: new MppeDecryptor({ startKey: k.receive, keyBits: 128, stateless }),
  };
}

interface Mode {
  readonly mppe?: 'stateless' | 'stateful';
  readonly mppc?: boolean;
}

/** Two data paths back to back (A sends, B receives), IPv6 open on each as given. */
function pair(mode: Mode, ipv6 = { a: true, b: true }) {
  const inFlight: Uint8Array[] = [];
  const tunB: Uint8Array[] = [];
  let b: DataPath | undefined;
  const handed: boolean[] = [];
  const greA = new GreSession({ localCallId: 1, peerCallId: 2, deliver: () => undefined });
  const greB = new GreSession({
    localCallId: 2,
    peerCallId: 1,
    deliver: (bytes, start, end) => {
      handed.push(b!.receiveFrame(bytes, start, end));
    },
  });
  const mppc = mode.mppc === true;
  const a = new DataPath({
    gre: greA,
    toNetwork: (buf, offset, length) => {
      inFlight.push(buf.slice(offset, offset + length));
      return true;
    },
    toTun: () => true,
    framing: { acfc: true, pfc: true },
    peerMru: 1500,
    mppe: mode.mppe === undefined ? undefined : ciphers('client', mode.mppe === 'stateless'),
    mppc: { compress: mppc, decompress: mppc },
    onResetNeeded: () => undefined,
    ipv6: ipv6.a,
  });
  b = new DataPath({
    gre: greB,
    toNetwork: () => true,
    toTun: (buf, offset, length) => {
      tunB.push(buf.slice(offset, offset + length));
      return true;
    },
    framing: { acfc: true, pfc: true },
    peerMru: 1500,
    mppe: mode.mppe === undefined ? undefined : ciphers('server', mode.mppe === 'stateless'),
    mppc: { compress: mppc, decompress: mppc },
    onResetNeeded: () => undefined,
    ipv6: ipv6.b,
  });
  const send = (x: Uint8Array): void => a.sendIp(x, 0, x.length, 0);
  const flush = (): void => {
    for (const x of inFlight.splice(0)) greB.receive(x, 0, x.length, 0);
  };
  return { a, b, inFlight, tunB, handed, send, flush };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** RFC 1071 sum over `bytes`, folded and complemented: a checksum computed from scratch. */
function checksumOf(bytes: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** Linux's SYN with MSS 1440 (what a 1500-byte link offers), its checksum recomputed from scratch. */
function syn1440(): Uint8Array {
  const p = LINUX_SYN6.slice();
  p[40 + 22] = 1440 >>> 8;
  p[40 + 23] = 1440 & 0xff;
  p[40 + 16] = 0;
  p[40 + 17] = 0;
  const segment = p.subarray(40);
  const pseudo = new Uint8Array(40 + segment.length);
  pseudo.set(p.subarray(8, 40), 0);
  pseudo[34] = segment.length >>> 8;
  pseudo[35] = segment.length & 0xff;
  pseudo[39] = 6;
  pseudo.set(segment, 40);
  const c = checksumOf(pseudo);
  p[40 + 16] = c >>> 8;
  p[40 + 17] = c & 0xff;
  return p;
}

const modes: [string, Mode][] = [
  ['no MPPE, no MPPC', {}],
  ['MPPE-128 stateless', { mppe: 'stateless' }],
  ['MPPE-128 stateful', { mppe: 'stateful' }],
  ['MPPE-128 stateless + MPPC', { mppe: 'stateless', mppc: true }],
  ['MPPE-128 stateful + MPPC', { mppe: 'stateful', mppc: true }],
  ['MPPC alone', { mppc: true }],
];

describe('IPv6 through the data path (RFC 5072 §3: PPP protocol 0x0057)', () => {
  it.each(modes)('%s: IPv6 and IPv4 interleaved arrive as sent, counted apart', (_name, mode) => {
    const p = pair(mode);
    const packets = [LINUX_UDP6, ipv4Packet([1, 2, 3, 4]), LINUX_ECHO6, LINUX_SYN6, LINUX_UDP6];
    for (const x of packets) p.send(x);
    p.flush();
    expect(p.tunB.map(hex)).toEqual(packets.map(hex));
    expect(p.handed).toEqual(packets.map(() => true));
    expect(p.a.counters).toMatchObject({ txPackets: 5, txIpv6Packets: 4, txDropped: 0 });
    expect(p.b.counters).toMatchObject({ rxPackets: 5, rxIpv6Packets: 4, rxDropped: 0 });
  });

  it('without MPPE or MPPC the frame says 0x0057 (PFC: one byte), IPv4 0x21', () => {
    const p = pair({});
    p.send(LINUX_ECHO6);
    p.send(ipv4Packet([1, 2, 3, 4]));
    // GRE header with a sequence number (12 bytes; no acknowledgment yet), then the PPP
    // header: ACFC leaves out FF 03, PFC compresses the protocol to one byte.
    expect(p.inFlight.map((x) => x[12])).toEqual([0x57, 0x21]);
    expect(hex(p.inFlight[0]!.subarray(13))).toBe(hex(LINUX_ECHO6));
  });

  it.each(modes)(
    '%s: an IPv6 SYN offering more than the tunnel carries is clamped to MTU − 60 both ways, as Linux itself computes it',
    (_name, mode) => {
      const p = pair(mode);
      p.a.setMtu(1400);
      p.b.setMtu(1400);
      p.send(syn1440());
      p.flush();
      // Linux sent LINUX_SYN6 on a 1400-byte link: MSS 1340 and the kernel's own checksum.
      expect(p.tunB.map(hex)).toEqual([hex(LINUX_SYN6)]);
      // And the receiving side clamps what arrives too (the peer's SYNs).
      const q = pair(mode);
      q.b.setMtu(1400);
      q.send(syn1440());
      q.flush();
      expect(q.tunB.map(hex)).toEqual([hex(LINUX_SYN6)]);
    },
  );

  it('IPv6CP not open: IPv6 from the TUN is dropped; a 0x0057 frame goes to the PPP link', () => {
    const closed = pair({}, { a: false, b: false });
    closed.send(LINUX_UDP6);
    expect(closed.inFlight).toHaveLength(0);
    expect(closed.a.counters.txDropped).toBe(1);
    const p = pair({}, { a: true, b: false });
    p.send(LINUX_UDP6);
    p.flush();
    expect(p.handed).toEqual([false]);
    expect(p.tunB).toHaveLength(0);
    // setIpv6 opens it (IPv6CP reached Opened later).
    p.b.setIpv6(true);
    p.send(LINUX_UDP6);
    p.flush();
    expect(p.tunB.map(hex)).toEqual([hex(LINUX_UDP6)]);
    p.a.setIpv6(false);
    p.send(LINUX_UDP6);
    expect(p.a.counters.txDropped).toBe(1);
  });

  it.each(modes)(
    '%s: a damaged IPv6 packet (checksum wrong) is counted and dropped',
    (_name, mode) => {
      const p = pair(mode);
      const bad = LINUX_UDP6.slice();
      bad[bad.length - 1]! ^= 0x20;
      p.send(bad);
      p.send(LINUX_UDP6);
      p.flush();
      if (mode.mppe === 'stateful') {
        // Stateful MPPE cannot tell a damaged packet from one under the wrong key: the key state
        // is taken back and a Reset-Request asked for, as for IPv4 (RFC 3078 §8.2).
        expect(p.tunB).toEqual([]);
        expect(p.b.counters).toMatchObject({ mppeRejected: 1, resetRequests: 1 });
        return;
      }
      expect(p.tunB.map(hex)).toEqual([hex(LINUX_UDP6)]);
      if (mode.mppe === undefined) expect(p.b.counters.rxBadChecksum).toBe(1);
      // MPPE cannot tell a damaged packet from one under another key: tried, then taken back.
      else expect(p.b.counters.mppeRejected).toBe(1);
    },
  );

  it('truncated or not version 6: refused from the TUN (txDropped), and on arrival (rxDropped)', () => {
    const p = pair({});
    const short = LINUX_UDP6.subarray(0, LINUX_UDP6.length - 1);
    const v5 = LINUX_UDP6.slice();
    v5[0] = 0x50;
    p.send(short);
    p.send(v5);
    p.send(LINUX_UDP6.subarray(0, 39));
    expect(p.a.counters.txDropped).toBe(3);
    // What arrives is checked again: a frame claiming 0x0057 around a short packet.
    const q = pair({});
    q.send(LINUX_UDP6);
    const frame = q.inFlight[0]!;
    frame[12 + 1 + 5]! += 1; // Payload Length one past what arrived
    q.flush();
    expect(q.tunB).toHaveLength(0);
    expect(q.b.counters.rxDropped).toBe(1);
  });
});
