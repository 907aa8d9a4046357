/**
 * A hostile or broken server: garbage on the GRE socket, valid GRE carrying garbage PPP, and
 * garbage on the TCP control connection. The session must never throw, must count and drop what
 * it cannot use, must keep carrying data when the garbage is only noise, and must end with a
 * defined exit status (and the host restored) when the garbage breaks a protocol it depends on.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { defaultPeerSettings } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { Session, type SessionResult } from '../../src/session/session.js';
import { FakeServer, ipv4Packet } from './fake-server.js';

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

const waitUntil = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function upAgainst(server: FakeServer) {
  const root = new AbortController();
  let up = false;
  const session = new Session({
    peer: 'test',
    server: '10.0.0.1',
    settings: { ...defaultPeerSettings(), name: 'alice' },
    credentials: { user: 'alice', password: 'pw' },
    io: server,
    log: createLogger({ format: 'json', level: 'debug', write: () => {}, clock: () => new Date() }),
    signal: root.signal,
    onUp: () => {
      up = true;
    },
  });
  let result: SessionResult | undefined;
  const done = session.run().then((r) => {
    result = r;
    return r;
  });
  await waitUntil(() => up);
  return { session, root, done, ended: () => result };
}

/** A PPP frame (address/control, then a protocol and a random body). */
function pppFrame(rand: (n: number) => number, protocol: number): Uint8Array {
  const body = bytes(rand, rand(200));
  const f = new Uint8Array(4 + body.length);
  f.set([0xff, 0x03, protocol >> 8, protocol & 0xff]);
  f.set(body, 4);
  return f;
}

describe('Session against a hostile server', () => {
  it('3000 garbage datagrams and garbage data frames: all dropped, the tunnel keeps carrying IP', async () => {
    const server = new FakeServer({ user: 'alice', password: 'pw' });
    const t = await upAgainst(server);
    const rand = prng(0x5eed);
    for (let i = 0; i < 2000; i++) server.injectGre(bytes(rand, rand(1600)));
    // Valid GRE from the server's own session, with PPP frames of data protocols that carry
    // nothing valid: MPPE (0x00FD) with random headers, IPv4 without MPPE, protocols never
    // negotiated (VJ, IPX, BSD-compress, IPv6).
    const protocols = [0x00fd, 0x0021, 0x002d, 0x002b, 0x0021, 0x00fd, 0x0057, 0x00fb];
    for (let i = 0; i < 1000; i++) server.injectPpp(pppFrame(rand, protocols[i % 8]!));
    await new Promise((r) => setTimeout(r, 50));
    expect(t.ended()).toBeUndefined();
    const status = t.session.status();
    expect(status.state).toBe('up');
    expect(status.data!.mppeDropped + status.data!.rxDropped).toBeGreaterThan(0);
    // Garbage MPPE packets that decrypted to no IPv4 packet were taken back, not kept: the
    // genuine packets after them still decrypt (below), where the kernel would find them stale.
    expect(status.data!.mppeRejected).toBeGreaterThan(0);
    expect(status.gre!['malformed'] ?? 0).toBeGreaterThan(0);
    // Data still flows both ways after the noise.
    const out = ipv4Packet([1, 2, 3, 4]);
    server.tunRead(out);
    await waitUntil(() => server.received.length === 1);
    expect(server.received[0]).toEqual(out);
    const back = ipv4Packet([5, 6, 7], '192.168.77.1', '192.168.77.10');
    server.sendIp(back);
    await waitUntil(() => server.tunWrites.some((p) => p.length === back.length));
    t.root.abort();
    expect(await t.done).toMatchObject({ exitCode: EXIT.signal, wasUp: true });
    expect(server.restored).toBe(true);
    server.dispose();
  });

  it('random control-protocol frames (LCP, IPCP, CCP, CHAP, PAP) never throw; a session they end ends cleanly', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const server = new FakeServer({ user: 'alice', password: 'pw' });
      const t = await upAgainst(server);
      const rand = prng(seed);
      const protocols = [0xc021, 0x8021, 0x80fd, 0xc223, 0xc023, 0x8057, 0xc025, 0x8281];
      for (let i = 0; i < 300 && t.ended() === undefined; i++) {
        server.injectPpp(pppFrame(rand, protocols[rand(protocols.length)]!));
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      await new Promise((r) => setTimeout(r, 30));
      if (t.ended() === undefined) t.root.abort();
      const result = await t.done;
      // A random Terminate-Request or a broken negotiation may end the link: that is the RFC's
      // answer, as long as it is a defined status and the host is put back.
      expect([EXIT.signal, EXIT.hangup, EXIT.negotiation, EXIT.peerDead]).toContain(
        result.exitCode,
      );
      expect(server.restored).toBe(true);
      server.dispose();
    }
  });

  it('garbage on the TCP control connection ends the session with a defined status, host restored', async () => {
    const server = new FakeServer({ user: 'alice', password: 'pw' });
    const t = await upAgainst(server);
    const rand = prng(42);
    for (let i = 0; i < 20; i++) server.injectControl(bytes(rand, 1 + rand(300)));
    const result = await Promise.race([
      t.done,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000)),
    ]);
    expect(result).toBeDefined();
    expect([EXIT.hangup, EXIT.negotiation]).toContain(result!.exitCode);
    expect(result!.wasUp).toBe(true);
    expect(server.restored).toBe(true);
    server.dispose();
  });
});
