/**
 * The client's data path with MPPC (RFC 2118), with and without MPPE (RFC 3078), back to back
 * with a server side built directly from the `@pptpkit/mppc` and `@pptpkit/mppe` primitives
 * (not from `DataPath`), as their READMEs compose them: compress then encrypt, decrypt then
 * decompress, one shared header.
 */
import { randomBytes } from 'node:crypto';
import { GreSession } from '@pptpkit/gre';
import {
  MPPC_FLAGS,
  MPPC_STATUS,
  MppcCompressor,
  MppcDecompressor,
  MppcFramedCompressor,
  MppcFramedDecompressor,
} from '@pptpkit/mppc';
import { deriveMsChapV2StartKeys, MPPE_STATUS, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { encodeUtf8 } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataPath, type MppcDirections } from '../src/data-path.js';
import { ipv4Packet } from './ipv4.js';

const material = {
  passwordHashHash: new Uint8Array(16).fill(7),
  ntResponse: new Uint8Array(24).fill(9),
};

/** The server end: MPPC + MPPE from the packages' primitives (or MPPC alone when `!mppe`). */
class PeerSide {
  readonly enc: MppeEncryptor | undefined;
  readonly dec: MppeDecryptor | undefined;
  readonly comp = new MppcCompressor();
  readonly decomp = new MppcDecompressor({ mru: 1500 });
  readonly framedComp = new MppcFramedCompressor();
  readonly framedDecomp = new MppcFramedDecompressor({ mru: 1500 });
  /** IP packets received from the client, decrypted and decompressed. */
  readonly received: Uint8Array[] = [];
  /** Why client packets were refused (`mppe <status>` or `mppc <status>`). */
  readonly refused: string[] = [];
  /** PPP information-field bytes (MPPE/MPPC header + payload) received from the client. */
  wireBytes = 0;

  constructor(
    readonly mppe: boolean,
    stateless: boolean,
  ) {
    const k = deriveMsChapV2StartKeys({ role: 'server', keyBits: 128, ...material });
    this.enc = mppe ? new MppeEncryptor({ startKey: k.send, keyBits: 128, stateless }) : undefined;
    this.dec = mppe
      ? new MppeDecryptor({ startKey: k.receive, keyBits: 128, stateless })
      : undefined;
  }

  /** A PPP frame (FF 03 00 FD + header + payload) carrying `ip` to the client. */
  frame(ip: Uint8Array): Uint8Array {
    const plain = new Uint8Array(2 + ip.length);
    plain[1] = 0x21;
    plain.set(ip, 2);
    const out = new Uint8Array(4 + 2 + plain.length);
    out.set([0xff, 0x03, 0x00, 0xfd]);
    if (this.enc === undefined) {
      const n = this.framedComp.compressRange(plain, 0, plain.length, out, 4);
      return out.subarray(0, 4 + n);
    }
    if (this.enc.nextPacketFlushed) this.comp.reset();
    const m = this.comp.compress(plain, out, 6);
    const n = this.enc.encrypt(out, 6, m, out, 4, this.comp.flags);
    return out.subarray(0, 4 + n);
  }

  /** The peer's CCP Reset-Request arrived (RFC 3078 §8.2, RFC 2118 §4.3). */
  resetRequested(): void {
    this.enc?.resetRequested();
    this.comp.reset();
    this.framedComp.reset();
  }

  /** One GRE packet from the client (whole packet, header parsed here by hand). */
  receiveGre(gre: Uint8Array): void {
    // RFC 2637 §4.1: 8 bytes, + 4 with S (sequence), + 4 with A (acknowledgment).
    let at = 8 + ((gre[0]! & 0x10) !== 0 ? 4 : 0) + ((gre[1]! & 0x80) !== 0 ? 4 : 0);
    // ACFC + PFC: the client sends 0xFD alone.
    if (gre[at] === 0xff) at += 2;
    if (gre[at] === 0x00) at++;
    expect(gre[at]).toBe(0xfd);
    at++;
    const info = gre.subarray(at);
    this.wireBytes += info.length;
    const out = new Uint8Array(1500);
    let n: number;
    if (this.dec === undefined) n = this.framedDecomp.decompressRange(info, 0, info.length, out, 0);
    else {
      const plain = new Uint8Array(info.length);
      const p = this.dec.decrypt(info, 0, info.length, plain, 0);
      if (p < 0) {
        this.refused.push(`mppe ${p}`);
        return;
      }
      n = this.decomp.decompress(this.dec.flags, plain, out, 0, p);
    }
    if (n < 0) {
      this.refused.push(`mppc ${n}`);
      return;
    }
    expect([...out.subarray(0, 2)]).toEqual([0x00, 0x21]);
    this.received.push(out.slice(2, n));
  }
}

function clientCiphers(stateless: boolean) {
  const k = deriveMsChapV2StartKeys({ role: 'client', keyBits: 128, ...material });
  return {
    encryptor: new MppeEncryptor({ startKey: k.send, keyBits: 128, stateless }),
    decryptor: new MppeDecryptor({ startKey: k.receive, keyBits: 128, stateless }),
  };
}

function setup(options: { mppe?: boolean; stateless?: boolean; mppc?: MppcDirections } = {}) {
  const mppe = options.mppe ?? true;
  const stateless = options.stateless ?? true;
  const peer = new PeerSide(mppe, stateless);
  const wire: Uint8Array[] = [];
  const tun: Uint8Array[] = [];
  let resets = 0;
  const client = new DataPath({
    gre: new GreSession({ localCallId: 1, peerCallId: 2, deliver: () => undefined }),
    toNetwork: (buf, offset, length) => {
      wire.push(buf.slice(offset, offset + length));
      return true;
    },
    toTun: (buf, offset, length) => {
      tun.push(buf.slice(offset, offset + length));
      return true;
    },
    framing: { acfc: true, pfc: true },
    peerMru: 1500,
    mppe: mppe ? clientCiphers(stateless) : undefined,
    mppc: options.mppc ?? { compress: true, decompress: true },
    onResetNeeded: () => {
      resets++;
    },
  });
  /** Client → server: sends `ip`, hands the GRE packet to the peer unless `lose`. */
  const up = (ip: Uint8Array, lose = false): void => {
    client.sendIp(ip, 0, ip.length, 0);
    const gre = wire.at(-1)!;
    if (!lose) peer.receiveGre(gre);
  };
  /** Server → client: the peer's frame, delivered unless `lose`. */
  const down = (ip: Uint8Array, lose = false): Uint8Array => {
    const frame = peer.frame(ip);
    if (!lose) expect(client.receiveFrame(frame, 0, frame.length)).toBe(true);
    return frame;
  };
  return { client, peer, wire, tun, up, down, resets: () => resets };
}

/** An IPv4 packet whose payload is HTTP/JSON-like text (compressible). */
function textPacket(seed: number, length = 1400): Uint8Array {
  let s = `GET /api/items/${seed} HTTP/1.1\r\nHost: intranet.example.org\r\n\r\n`;
  for (let i = 0; s.length < length; i++) {
    s += `{"id":${(seed * 31 + i * 7) % 1000},"user":"user${i % 5}","state":"idle"},`;
  }
  return ipv4Packet([...encodeUtf8(s).subarray(0, length - 20)]);
}

function randomPacket(length: number): Uint8Array {
  return ipv4Packet([...randomBytes(length - 20)]);
}

/** Text, random, tiny and MTU-sized packets; 60 KB in all, so the 8 KB history wraps (B). */
function variedPackets(mtu: number): Uint8Array[] {
  const list: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    list.push(textPacket(i, 200 + ((i * 397) % 1200)));
    if (i % 5 === 0) list.push(randomPacket(100 + i * 30));
    if (i % 7 === 0) list.push(ipv4Packet([]));
    if (i % 9 === 0) list.push(textPacket(i, mtu));
    if (i % 11 === 0) list.push(randomPacket(mtu));
  }
  return list;
}

const total = (xs: readonly Uint8Array[]): number => xs.reduce((n, x) => n + x.length, 0);

describe('DataPath with MPPC + MPPE against the mppc/mppe primitives', () => {
  for (const stateless of [true, false]) {
    const mode = stateless ? 'stateless' : 'stateful';

    it(`${mode}: text, random, tiny and MTU-sized packets arrive byte-identical both ways`, () => {
      const s = setup({ stateless });
      expect(s.client.maxIpPacket).toBe(1496);
      const packets = variedPackets(s.client.maxIpPacket);
      for (const x of packets) s.up(x);
      for (const x of packets) s.down(x);
      expect(s.peer.refused).toEqual([]);
      expect(s.peer.received).toEqual(packets);
      expect(s.tun).toEqual(packets);
      expect(s.resets()).toBe(0);
      const c = s.client.counters;
      expect(c).toMatchObject({
        txPackets: packets.length,
        rxPackets: packets.length,
        rxDropped: 0,
        mppeDropped: 0,
        mppcDropped: 0,
        mppcTxPlainBytes: total(packets) + 2 * packets.length,
      });
      expect(c.mppcTxCompressedBytes).toBeLessThan(c.mppcTxPlainBytes);
      expect(c.mppcRxPlainBytes).toBeGreaterThan(c.mppcRxCompressedBytes);
    });

    it(`${mode}: text puts under 60 % of its bytes on the wire`, () => {
      const s = setup({ stateless });
      const packets = Array.from({ length: 30 }, (_, i) => textPacket(i));
      for (const x of packets) s.up(x);
      expect(s.peer.received).toEqual(packets);
      // The PPP information fields (MPPE header + payload) against the IP packets they carry.
      expect(s.peer.wireBytes / total(packets)).toBeLessThan(0.6);
      const c = s.client.counters;
      expect(c.mppcTxCompressedBytes / c.mppcTxPlainBytes).toBeLessThan(0.6);
    });

    it(`${mode}: random bytes are sent uncompressed (C clear) and never grow`, () => {
      const s = setup({ stateless });
      const packets = Array.from({ length: 10 }, () => randomPacket(1400));
      for (const x of packets) s.up(x);
      expect(s.peer.received).toEqual(packets);
      // 2-byte MPPE header + 2-byte protocol field + the packet, nothing more.
      expect(s.peer.wireBytes).toBe(total(packets) + 4 * packets.length);
    });
  }

  it('stateful: a packet lost towards the client → Reset-Request; the flushed answer recovers', () => {
    const s = setup({ stateless: false });
    const packets = Array.from({ length: 6 }, (_, i) => textPacket(i, 600));
    s.down(packets[0]!);
    s.down(packets[1]!, true);
    s.down(packets[2]!);
    s.down(packets[3]!);
    expect(s.tun).toEqual([packets[0]]);
    expect(s.resets()).toBe(1);
    expect(s.client.counters.mppeDropped).toBe(2);
    // The server honours the Reset-Request: its next packet is flushed (A) with a new history.
    s.peer.resetRequested();
    s.down(packets[4]!);
    s.down(packets[5]!);
    expect(s.tun).toEqual([packets[0], packets[4], packets[5]]);
    expect(s.client.counters.mppcDropped).toBe(0);
  });

  it('stateful: a Reset-Request from the server flushes our next packet (compressor and key)', () => {
    const s = setup({ stateless: false });
    const packets = Array.from({ length: 5 }, (_, i) => textPacket(i, 600));
    s.up(packets[0]!);
    s.up(packets[1]!, true);
    s.up(packets[2]!);
    expect(s.peer.refused).toEqual([`mppe ${MPPE_STATUS.RESET_NEEDED}`]);
    s.client.resetRequested();
    s.up(packets[3]!);
    s.up(packets[4]!);
    expect(s.peer.received).toEqual([packets[0], packets[3], packets[4]]);
  });

  it('a corrupt compressed packet is counted and dropped, asks for a reset, never throws', () => {
    const s = setup({ stateless: false });
    s.down(textPacket(1));
    // A/B/C set with a payload that copies from history never written (RFC 2118 §4.2.1):
    // correctly encrypted, so only the decompressor can refuse it.
    const peer = s.peer;
    const bad = new Uint8Array(4 + 2 + 6);
    bad.set([0xff, 0x03, 0x00, 0xfd]);
    bad.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 6);
    const flags = MPPC_FLAGS.FLUSHED | MPPC_FLAGS.AT_FRONT | MPPC_FLAGS.COMPRESSED;
    peer.comp.reset();
    const n = peer.enc!.encrypt(bad, 6, 6, bad, 4, flags);
    expect(() => s.client.receiveFrame(bad, 0, 4 + n)).not.toThrow();
    expect(s.client.counters.mppcDropped).toBe(1);
    expect(s.resets()).toBe(1);
    expect(s.tun).toHaveLength(1);
    // Its compressor went on from the history of packet 1: refused until a flushed packet.
    s.peer.comp.reset();
    const after = textPacket(2);
    s.down(after);
    expect(s.tun.at(-1)).toEqual(after);
    expect(s.client.counters.rxDropped).toBe(0);
  });

  it('a compressed packet when we did not offer MPPC (nomppc) is dropped, not delivered', () => {
    const s = setup({ mppc: { compress: false, decompress: false } });
    s.down(textPacket(3));
    expect(s.tun).toHaveLength(0);
    expect(s.client.counters.mppcDropped).toBe(1);
    // Uncompressed (C clear) packets from the same peer still arrive.
    const random = randomPacket(500);
    s.down(random);
    expect(s.tun).toEqual([random]);
  });

  it('arbitrary frames never throw: every one is delivered or counted as dropped', () => {
    for (const mppe of [true, false]) {
      const s = setup({ mppe, stateless: false });
      let frames = 0;
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (body) => {
          const frame = new Uint8Array(1 + body.length);
          frame[0] = 0xfd;
          frame.set(body, 1);
          expect(s.client.receiveFrame(frame, 0, frame.length)).toBe(true);
          frames++;
          const c = s.client.counters;
          expect(c.rxPackets + c.rxDropped + c.mppeDropped + c.mppcDropped).toBe(frames);
        }),
        { numRuns: 400 },
      );
    }
  });
});

describe('DataPath with MPPC alone (nomppe mppc), RFC 2118 §3.1 header', () => {
  it('varied packets arrive byte-identical both ways; text shrinks', () => {
    const s = setup({ mppe: false });
    expect(s.client.maxIpPacket).toBe(1496);
    const packets = variedPackets(1496);
    for (const x of packets) s.up(x);
    for (const x of packets) s.down(x);
    expect(s.peer.refused).toEqual([]);
    expect(s.peer.received).toEqual(packets);
    expect(s.tun).toEqual(packets);
    const text = Array.from({ length: 20 }, (_, i) => textPacket(i));
    const before = s.peer.wireBytes;
    for (const x of text) s.up(x);
    expect((s.peer.wireBytes - before) / total(text)).toBeLessThan(0.6);
  });

  it('a lost packet → coherency gap → Reset-Request; the flushed packet recovers', () => {
    const s = setup({ mppe: false });
    const packets = Array.from({ length: 6 }, (_, i) => textPacket(i, 700));
    s.down(packets[0]!);
    s.down(packets[1]!, true);
    s.down(packets[2]!);
    s.down(packets[3]!);
    expect(s.tun).toEqual([packets[0]]);
    expect(s.resets()).toBe(1);
    expect(s.client.counters.mppcDropped).toBe(2);
    s.peer.resetRequested();
    s.down(packets[4]!);
    s.down(packets[5]!);
    expect(s.tun).toEqual([packets[0], packets[4], packets[5]]);
  });

  it('our side: the server’s Reset-Request makes the next packet flushed', () => {
    const s = setup({ mppe: false });
    const packets = Array.from({ length: 4 }, (_, i) => textPacket(i, 700));
    s.up(packets[0]!);
    s.up(packets[1]!, true);
    s.up(packets[2]!);
    expect(s.peer.refused).toEqual([`mppc ${MPPC_STATUS.RESET_NEEDED}`]);
    s.client.resetRequested();
    s.up(packets[3]!);
    expect(s.peer.received).toEqual([packets[0], packets[3]]);
  });

  it('an uncompressed packet with A resets the history (RFC 2118 §3.1), ending a wait', () => {
    const s = setup({ mppe: false });
    const first = textPacket(1, 300);
    s.down(first);
    // Count 1, A/B/C: a copy from history that the flush emptied → refused, reset asked.
    const corrupt = Uint8Array.of(0xfd, 0xe0, 0x01, 0xff, 0xff, 0xff, 0xff);
    s.client.receiveFrame(corrupt, 0, corrupt.length);
    expect(s.resets()).toBe(1);
    // Count 2: the answer, sent uncompressed (C clear) with A.
    const plain = textPacket(2, 300);
    const flushed = Uint8Array.of(0xfd, 0x80, 0x02, 0x00, 0x21, ...plain);
    s.client.receiveFrame(flushed, 0, flushed.length);
    // Count 3: compressed from an empty history without A (as a sender's first packet is).
    const next = textPacket(3, 300);
    const fresh = new MppcCompressor();
    const body = new Uint8Array(next.length + 2);
    const n = fresh.compress(Uint8Array.of(0x00, 0x21, ...next), body);
    expect(fresh.flags & MPPC_FLAGS.FLUSHED).toBe(0);
    const frame = Uint8Array.of(0xfd, fresh.flags, 0x03, ...body.subarray(0, n));
    s.client.receiveFrame(frame, 0, frame.length);
    expect(s.tun).toEqual([first, plain, next]);
    expect(s.client.counters.mppcDropped).toBe(1);
  });

  it('an encrypted (D) or truncated packet is dropped and counted', () => {
    const s = setup({ mppe: false });
    for (const frame of [Uint8Array.of(0xfd, 0x90, 0x00, 1, 2, 3), Uint8Array.of(0xfd, 0x80)]) {
      expect(s.client.receiveFrame(frame, 0, frame.length)).toBe(true);
    }
    expect(s.client.counters.mppcDropped).toBe(2);
    expect(s.tun).toHaveLength(0);
  });
});
