/**
 * A hostile or broken server: garbage on the GRE socket, valid GRE carrying garbage PPP, and
 * garbage on the TCP control connection. The session must never throw, must count and drop what
 * it cannot use, must keep carrying data when the garbage is only noise, and must end with a
 * defined exit status (and the host restored) when the garbage breaks a protocol it depends on.
 *
 * Runs against {@link FakeIo} on vitest's fake clock. Garbage PPP in valid GRE is sent with
 * `FakeIo.injectPpp`: it takes the place of the payload of a genuine data packet of the server
 * (its call ID and sequence number), so the server's stream stays whole around it.
 */
import { udpPacket } from '@pptpkit/testkit';
import { describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { FakeIo } from './fake-io.js';
import { startSession, until, useFakeClock } from './session-harness.js';

useFakeClock();

/** xorshift32: the same "random" garbage on every run. */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

function bytes(rand: (n: number) => number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = rand(256);
  return b;
}

/** A PPP frame (address/control, then a protocol and a random body). */
function pppFrame(rand: (n: number) => number, protocol: number): Uint8Array {
  const body = bytes(rand, rand(200));
  const f = new Uint8Array(4 + body.length);
  f.set([0xff, 0x03, protocol >> 8, protocol & 0xff]);
  f.set(body, 4);
  return f;
}

/** A session against a fresh fake pptpd, up. */
async function upAgainst(io: FakeIo) {
  const t = startSession(io);
  await until(() => t.up() !== undefined);
  return t;
}

describe('Session against a hostile server', () => {
  it('3000 garbage datagrams and garbage data frames: all dropped, the tunnel keeps carrying IP', async () => {
    const io = new FakeIo();
    const t = await upAgainst(io);
    const rand = prng(0x5eed);
    for (let i = 0; i < 2000; i++) io.injectGre(bytes(rand, rand(1600)));
    // Valid GRE from the server's own session, with PPP frames of data protocols that carry
    // nothing valid: MPPE (0x00FD) with random headers, IPv4 without MPPE, protocols never
    // negotiated (VJ, IPX, BSD-compress, IPv6).
    const protocols = [0x00fd, 0x0021, 0x002d, 0x002b, 0x0021, 0x00fd, 0x0057, 0x00fb];
    let injected = 0;
    for (let i = 0; i < 1000; i++) {
      if (io.injectPpp(pppFrame(rand, protocols[i % 8]!))) injected++;
    }
    expect(injected).toBe(1000);
    await vi.advanceTimersByTimeAsync(50);
    expect(t.result()).toBeUndefined();
    const status = t.session.status();
    expect(status.state).toBe('up');
    expect(status.data!.mppeDropped + status.data!.rxDropped).toBeGreaterThan(0);
    // Garbage MPPE packets that decrypted to no IPv4 packet were taken back, not kept: the
    // genuine packets after them still decrypt (below), where the kernel would find them stale.
    expect(status.data!.mppeRejected).toBeGreaterThan(0);
    expect(status.data!.rxPackets).toBe(0);
    expect(status.gre!['malformed'] ?? 0).toBeGreaterThan(0);
    // The 1000 frames all reached the PPP layer: none was taken for a duplicate.
    expect(status.gre!['delivered']).toBeGreaterThanOrEqual(1000);
    expect(status.gre!['duplicates']).toBe(0);
    // Data still flows both ways after the noise.
    const out = udpPacket('192.168.77.10', '192.168.77.1', 1);
    io.tunRead(out);
    await until(() => io.received.length === 1);
    expect(io.received[0]).toEqual(out);
    const back = udpPacket('192.168.77.1', '192.168.77.10', 2);
    io.sendIp(back);
    await until(() => io.tunWrites.length === 1);
    expect(io.tunWrites[0]).toEqual(back);
    t.root.abort();
    await until(() => t.result() !== undefined);
    expect(t.result()).toMatchObject({ exitCode: EXIT.signal, wasUp: true });
    expect(io.restored).toBe(true);
    io.dispose();
  });

  it('random control-protocol frames (LCP, IPCP, CCP, CHAP, PAP) never throw; a session they end ends cleanly', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const io = new FakeIo();
      const t = await upAgainst(io);
      const rand = prng(seed);
      const protocols = [0xc021, 0x8021, 0x80fd, 0xc223, 0xc023, 0x8057, 0xc025, 0x8281];
      let injected = 0;
      for (let i = 0; i < 300 && t.result() === undefined; i++) {
        if (io.injectPpp(pppFrame(rand, protocols[rand(protocols.length)]!))) injected++;
        if (i % 50 === 0) await vi.advanceTimersByTimeAsync(1);
      }
      expect(injected).toBeGreaterThan(0);
      await vi.advanceTimersByTimeAsync(30);
      if (t.result() === undefined) {
        // Every frame went through the GRE receiver to the PPP link (none taken as a duplicate).
        expect(t.session.status().gre?.['delivered']).toBeGreaterThanOrEqual(injected);
        t.root.abort();
      }
      await until(() => t.result() !== undefined);
      // A random Terminate-Request or a broken negotiation may end the link: that is the RFC's
      // answer, as long as it is a defined status and the host is put back. An exception would
      // have ended it with EXIT.fatal (an internal error).
      expect([EXIT.signal, EXIT.hangup, EXIT.negotiation, EXIT.peerDead]).toContain(
        t.result()!.exitCode,
      );
      expect(io.restored).toBe(true);
      io.dispose();
    }
  });

  it('garbage on the TCP control connection ends the session with a defined status, host restored', async () => {
    const io = new FakeIo();
    const t = await upAgainst(io);
    const rand = prng(42);
    for (let i = 0; i < 20; i++) io.injectControl(bytes(rand, 1 + rand(300)));
    await until(() => t.result() !== undefined, 60_000);
    expect([EXIT.hangup, EXIT.negotiation]).toContain(t.result()!.exitCode);
    expect(t.result()!.wasUp).toBe(true);
    expect(io.restored).toBe(true);
    io.dispose();
  });
});
