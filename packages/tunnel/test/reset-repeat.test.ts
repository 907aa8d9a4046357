/**
 * The client's data path with stateful MPPE (RFC 3078 §8.2) when CCP Reset-Requests (RFC 1962
 * §2.1) or their FLUSHED answers are lost or damaged: the request is repeated while packets are
 * dropped for want of a flushed one (every 16 such drops, or on the first one 250 ms after the
 * last request, or by `nextDeadline`/`timeout` when nothing else comes), and a FLUSHED packet
 * the sender sent after key changes the client never saw still decrypts. The server side is
 * built from the `@pptpkit/mppe` and `@pptpkit/mppc` primitives; frames go straight to
 * `receiveFrame` with their arrival time.
 */
import { GreSession } from '@pptpkit/gre';
import { MPPC_FLAGS, MppcCompressor, MppcFramedCompressor } from '@pptpkit/mppc';
import { deriveMsChapV2StartKeys, MPPE_FLAG, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { describe, expect, it } from 'vitest';
import { DataPath } from '../src/data-path.js';
import { ipv4Packet } from './ipv4.js';

const material = {
  passwordHashHash: new Uint8Array(16).fill(7),
  ntResponse: new Uint8Array(24).fill(9),
};

/** The repeat interval the data path documents (`RESET_REPEAT_MS`). */
const REPEAT_MS = 250;
/** The data path's one wake after the last data packet, to trim the idle session. */
const TRIM_MS = 10_000;

/** An IPv4 packet whose payload says which packet it is. */
const ip = (n: number, size = 60): Uint8Array =>
  ipv4Packet(
    Array.from({ length: size }, (_, k) => (n * 13 + k) & 0xff),
    '192.168.77.1',
    '192.168.77.10',
  );

/** The server's sending half: MPPE (stateful unless told) with MPPC when asked. */
class Server {
  readonly enc: MppeEncryptor;
  readonly comp: MppcCompressor | undefined;

  constructor(options: { stateless?: boolean; mppc?: boolean } = {}) {
    const k = deriveMsChapV2StartKeys({ role: 'server', keyBits: 128, ...material });
    this.enc = new MppeEncryptor({
      startKey: k.send,
      keyBits: 128,
      stateless: options.stateless ?? false,
    });
    this.comp = options.mppc ? new MppcCompressor() : undefined;
  }

  /**
   * The PPP frame (PFC: protocol 0xFD alone) carrying `plain` (inner protocol + datagram).
   * `mppcFlush`: the compressor restarted its history on its own, as after an incompressible
   * packet, so A is set and MPPE changes key.
   */
  frame(plain: Uint8Array, mppcFlush = false): Uint8Array {
    const out = new Uint8Array(1 + 2 + plain.length);
    out[0] = 0xfd;
    const comp = this.comp;
    if (comp === undefined)
      return out.subarray(0, 1 + this.enc.encrypt(plain, 0, plain.length, out, 1));
    if (mppcFlush || this.enc.nextPacketFlushed) comp.reset();
    const m = comp.compress(plain, out, 3);
    return out.subarray(0, 1 + this.enc.encrypt(out, 3, m, out, 1, comp.flags));
  }

  /** The frame carrying IP packet `n`. */
  packet(n: number, mppcFlush = false): Uint8Array {
    const datagram = ip(n);
    const plain = new Uint8Array(2 + datagram.length);
    plain[1] = 0x21;
    plain.set(datagram, 2);
    return this.frame(plain, mppcFlush);
  }

  /** Our Reset-Request reached the server (RFC 3078 §8.2, RFC 2118 §4.3). */
  resetRequested(): void {
    this.enc.resetRequested();
    this.comp?.reset();
  }
}

function client(options: { stateless?: boolean; mppc?: boolean; mppe?: boolean } = {}) {
  const k = deriveMsChapV2StartKeys({ role: 'client', keyBits: 128, ...material });
  const stateless = options.stateless ?? false;
  const tun: Uint8Array[] = [];
  const resets: number[] = [];
  let now = 0;
  const path = new DataPath({
    gre: new GreSession({ localCallId: 1, peerCallId: 2, deliver: () => undefined }),
    toNetwork: () => true,
    toTun: (buf, offset, length) => {
      tun.push(buf.slice(offset, offset + length));
      return true;
    },
    framing: { acfc: true, pfc: true },
    peerMru: 1500,
    mppe:
      options.mppe === false
        ? undefined
        : {
            encryptor: new MppeEncryptor({ startKey: k.send, keyBits: 128, stateless }),
            decryptor: new MppeDecryptor({ startKey: k.receive, keyBits: 128, stateless }),
          },
    mppc: { compress: options.mppc === true, decompress: options.mppc === true },
    onResetNeeded: () => {
      resets.push(now);
    },
  });
  /** Hands `frame` to the data path at time `at`. */
  const deliver = (frame: Uint8Array, at: number): void => {
    now = at;
    expect(path.receiveFrame(frame, 0, frame.length, at)).toBe(true);
  };
  /** Runs the data path's timer at `at` when it is due. */
  const tick = (at: number): void => {
    now = at;
    if (at >= path.nextDeadline()) path.timeout(at);
  };
  return { path, tun, resets, deliver, tick };
}

describe('stateful MPPE: the Reset-Request is repeated until its answer comes (RFC 1962 §2.1)', () => {
  it('a lost request: repeated 250 ms after it when packets were dropped meanwhile, by the timer if nothing else comes', () => {
    const server = new Server();
    const c = client();
    c.deliver(server.packet(0), 0);
    server.packet(1); // lost
    c.deliver(server.packet(2), 10);
    expect(c.resets).toEqual([10]);
    expect(c.path.counters.mppeDropped).toBe(1);
    // Nothing dropped since the request: no repeat due (a quiet link is woken up only to trim).
    expect(c.path.nextDeadline()).toBe(10 + TRIM_MS);
    // The request was lost: packets keep coming without A and are discarded.
    c.deliver(server.packet(3), 20);
    c.deliver(server.packet(4), 30);
    expect(c.resets).toEqual([10]);
    expect(c.path.nextDeadline()).toBe(10 + REPEAT_MS);
    c.tick(10 + REPEAT_MS - 1);
    expect(c.resets).toEqual([10]);
    c.tick(10 + REPEAT_MS);
    expect(c.resets).toEqual([10, 10 + REPEAT_MS]);
    expect(c.path.nextDeadline()).toBe(30 + TRIM_MS);
    // Lost again. The first packet dropped more than 250 ms after it repeats it at once.
    c.deliver(server.packet(5), 600);
    expect(c.resets).toEqual([10, 260, 600]);
    // This one reaches the server: its next packet is FLUSHED and decrypts.
    server.resetRequested();
    c.deliver(server.packet(6), 610);
    expect(c.tun).toEqual([ip(0), ip(6)]);
    expect(c.path.nextDeadline()).toBe(610 + TRIM_MS);
    expect(c.path.counters).toMatchObject({ rxPackets: 2, mppeDropped: 4, resetRequests: 3 });
  });

  it('at a high packet rate, every 16 packets discarded repeat it too', () => {
    const server = new Server();
    const c = client();
    c.deliver(server.packet(0), 0);
    server.packet(1); // lost
    c.deliver(server.packet(2), 0);
    for (let n = 3; n < 3 + 32; n++) c.deliver(server.packet(n), 1);
    expect(c.resets).toEqual([0, 1, 1]);
    server.resetRequested();
    c.deliver(server.packet(35), 2);
    expect(c.tun.at(-1)).toEqual(ip(35));
  });

  it('its answer is lost: the answer to the repeated request decrypts, one key change further', () => {
    const server = new Server();
    const c = client();
    c.deliver(server.packet(0), 0);
    server.packet(1); // lost
    c.deliver(server.packet(2), 10);
    server.resetRequested();
    const answer = server.packet(3); // FLUSHED: a key change; lost
    expect(answer[1]! & MPPE_FLAG.FLUSHED).toBe(MPPE_FLAG.FLUSHED);
    c.deliver(server.packet(4), 30);
    c.tick(10 + REPEAT_MS);
    expect(c.resets).toEqual([10, 10 + REPEAT_MS]);
    server.resetRequested();
    c.deliver(server.packet(5), 270);
    for (let n = 6; n < 40; n++) c.deliver(server.packet(n), 270 + n);
    expect(c.tun).toEqual([0, ...Array.from({ length: 35 }, (_, k) => 5 + k)].map((n) => ip(n)));
    // Only the packets delivered were counted: no trial decryption shows in the counters.
    expect(c.path.counters).toMatchObject({ rxPackets: 36, rxDropped: 0, mppeRejected: 0 });
  });

  it('its answer arrives damaged: taken back, counted once, the request repeated, and the next answer decrypts', () => {
    const server = new Server();
    const c = client();
    c.deliver(server.packet(0), 0);
    server.packet(1); // lost
    c.deliver(server.packet(2), 10);
    server.resetRequested();
    const answer = server.packet(3);
    answer[answer.length - 1]! ^= 0x04; // the UDP/ICMP checksum no longer adds up
    c.deliver(answer, 20);
    expect(c.path.counters).toMatchObject({ mppeRejected: 1, rxBadChecksum: 1, rxDropped: 0 });
    // It answered a request: asking again at once would have the server change key on every
    // packet. It counts as a drop, and the request is repeated in time.
    expect(c.resets).toEqual([10]);
    expect(c.path.nextDeadline()).toBe(10 + REPEAT_MS);
    c.tick(10 + REPEAT_MS);
    server.resetRequested();
    c.deliver(server.packet(4), 270);
    c.deliver(server.packet(5), 280);
    expect(c.tun).toEqual([ip(0), ip(4), ip(5)]);
    expect(c.path.counters).toMatchObject({ rxPackets: 3, mppeRejected: 1, rxBadChecksum: 1 });
  });

  it('a packet that decrypts to garbage in sync asks at once: the keystream is spent', () => {
    const server = new Server();
    const c = client();
    c.deliver(server.packet(0), 0);
    const damaged = server.packet(1);
    damaged[10]! ^= 0x01;
    c.deliver(damaged, 500);
    expect(c.resets).toEqual([500]);
    server.resetRequested();
    c.deliver(server.packet(2), 510);
    expect(c.tun).toEqual([ip(0), ip(2)]);
  });
});

describe('stateful MPPE + MPPC', () => {
  it('a packet MPPC flushed (a key change) is lost in the gap: the compressed answer decrypts and decompresses', () => {
    const server = new Server({ mppc: true });
    const c = client({ mppc: true });
    for (let n = 0; n < 3; n++) c.deliver(server.packet(n), n);
    server.packet(3, true); // lost
    c.deliver(server.packet(4), 4);
    expect(c.resets).toEqual([4]);
    server.resetRequested();
    const answer = server.packet(5);
    expect(answer[1]! & (MPPC_FLAGS.FLUSHED | MPPC_FLAGS.COMPRESSED)).toBe(
      MPPC_FLAGS.FLUSHED | MPPC_FLAGS.COMPRESSED,
    );
    c.deliver(answer, 5);
    c.deliver(server.packet(6), 6);
    expect(c.tun).toEqual([0, 1, 2, 5, 6].map((n) => ip(n)));
    expect(c.path.counters).toMatchObject({ mppcDropped: 0, rxDropped: 0, mppeRejected: 0 });
  });

  it('a compressed packet that MPPC refuses is taken back from MPPE too: one Reset-Request, and the answer decrypts', () => {
    const server = new Server({ mppc: true });
    const c = client({ mppc: true });
    c.deliver(server.packet(0), 0);
    // A/B/C with a copy from history never written (RFC 2118 §4.2.1), correctly encrypted.
    const bad = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    const frame = new Uint8Array(3 + bad.length);
    frame[0] = 0xfd;
    const flags = MPPC_FLAGS.FLUSHED | MPPC_FLAGS.AT_FRONT | MPPC_FLAGS.COMPRESSED;
    server.comp!.reset();
    server.enc.encrypt(bad, 0, bad.length, frame, 1, flags);
    c.deliver(frame, 1);
    expect(c.path.counters).toMatchObject({ mppcDropped: 1, mppeRejected: 1 });
    expect(c.resets).toEqual([1]);
    server.resetRequested();
    c.deliver(server.packet(1), 2);
    expect(c.tun).toEqual([ip(0), ip(1)]);
  });
});

describe('MPPC alone (RFC 2118 §3.1 header)', () => {
  it('any bit flipped in a compressed packet that is then dropped: a Reset-Request, and the flushed packet after it gets through', () => {
    /** A compressible IP packet: a 16-byte pattern, repeated. */
    const text = (n: number): Uint8Array =>
      ipv4Packet(Array.from({ length: 200 }, (_, k) => (n + (k % 16)) & 0xff));
    /** The frame (PFC: 0xFD) carrying packet `n` from `comp`. */
    const frame = (comp: MppcFramedCompressor, n: number): Uint8Array => {
      const datagram = text(n);
      const plain = new Uint8Array(2 + datagram.length);
      plain[1] = 0x21;
      plain.set(datagram, 2);
      const out = new Uint8Array(1 + 2 + plain.length);
      out[0] = 0xfd;
      return out.subarray(0, 1 + comp.compressRange(plain, 0, plain.length, out, 1));
    };
    const probe = frame(new MppcFramedCompressor(), 0);
    let dropped = 0;
    // Every bit after the 2-byte header: the compressed data (a flipped D bit is MPPE's).
    for (let bit = 3 * 8; bit < probe.length * 8; bit++) {
      const comp = new MppcFramedCompressor();
      const c = client({ mppe: false, mppc: true });
      c.deliver(frame(comp, 0), 0);
      const damaged = frame(comp, 1);
      expect(damaged[1]! & MPPC_FLAGS.COMPRESSED).toBe(MPPC_FLAGS.COMPRESSED);
      damaged[bit >> 3]! ^= 0x80 >> (bit & 7);
      c.deliver(damaged, 1);
      // Taken when its checksums still add up: a copy from the wrong place in a repeated
      // pattern can keep them right (MPPC has no integrity check). Not what is tested here.
      if (c.tun.length === 2) continue;
      dropped++;
      // Its bytes, or none, are in the history instead of the sender's: the peer must flush.
      expect(c.resets, `bit ${bit}`).toEqual([1]);
      comp.reset();
      c.deliver(frame(comp, 2), 2);
      expect(c.tun.at(-1), `bit ${bit}`).toEqual(text(2));
    }
    expect(dropped).toBeGreaterThan(0);
  });
});

describe('what the data path delivers', () => {
  it('the datagram, its IPv4 total length and no more (RFC 791 §3.1)', () => {
    const server = new Server({ stateless: true });
    const c = client({ stateless: true });
    const datagram = ip(1);
    const plain = new Uint8Array(2 + datagram.length + 7).fill(0xee);
    plain[0] = 0x00;
    plain[1] = 0x21;
    plain.set(datagram, 2);
    c.deliver(server.frame(plain), 0);
    expect(c.tun).toEqual([datagram]);
    expect(c.path.counters).toMatchObject({ rxPackets: 1, rxBytes: datagram.length });
  });

  it('stateless: nothing is ever awaited, no deadline', () => {
    const server = new Server({ stateless: true });
    const c = client({ stateless: true });
    server.packet(0); // lost
    c.deliver(server.packet(1), 0);
    const damaged = server.packet(2);
    damaged[8]! ^= 0x40;
    c.deliver(damaged, 1);
    expect(c.tun).toEqual([ip(1)]);
    expect(c.resets).toEqual([]);
    expect(c.path.nextDeadline()).toBe(1 + TRIM_MS);
  });
});
