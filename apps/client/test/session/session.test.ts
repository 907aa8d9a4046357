import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { defaultPeerSettings, type PeerSettings } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { Session, type SessionOptions, type SessionStatus } from '../../src/session/session.js';
import { FakeServer, ipv4Packet } from './fake-server.js';

function settings(change: Partial<PeerSettings> = {}): PeerSettings {
  return { ...defaultPeerSettings(), name: 'alice', usePeerDns: true, debug: true, ...change };
}

function logger(lines: string[]) {
  return createLogger({
    format: 'json',
    level: 'debug',
    write: (l) => lines.push(l),
    clock: () => new Date(),
  });
}

/** A session against `server` as alice/pw with default settings; `change` overrides. */
function sessionWith(server: FakeServer, change: Partial<SessionOptions> = {}): Session {
  return new Session({
    peer: 'test',
    server: '10.0.0.1',
    settings: settings(),
    credentials: { user: 'alice', password: 'pw' },
    io: server,
    log: logger([]),
    signal: new AbortController().signal,
    ...change,
  });
}

const waitUntil = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Session against the packages’ server roles over in-memory pipes', () => {
  it('comes up with MS-CHAPv2 + MPPE-128 stateless, carries IP both ways, tears down in order', async () => {
    const server = new FakeServer({ user: 'alice', password: 'Secret-pw1' });
    const root = new AbortController();
    const lines: string[] = [];
    let up: SessionStatus | undefined;
    const session = sessionWith(server, {
      credentials: { user: 'alice', password: 'Secret-pw1' },
      log: logger(lines),
      signal: root.signal,
      onUp: (s) => {
        up = s;
      },
    });
    const done = session.run();
    await waitUntil(() => up !== undefined);
    expect(server.prepared).toBe('10.0.0.1');
    expect(up).toMatchObject({
      state: 'up',
      interface: 'ppp0',
      local: '192.168.77.10',
      remote: '192.168.77.1',
      dns: ['192.168.77.53'],
      auth: 'MS-CHAPv2',
      mppe: { keyBits: 128, stateless: true, mppc: false },
    });
    // 1500 (peer MRU) - 2 (MPPE header) - 2 (inner protocol).
    expect(server.broughtUp).toMatchObject({
      local: '192.168.77.10',
      peer: '192.168.77.1',
      mtu: 1496,
    });

    // TUN → PPP → MPPE → GRE: the server decrypts with its own keys (RFC 3079 server role).
    const out = ipv4Packet([1, 2, 3, 4, 5]);
    server.tunRead(out);
    server.tunRead(ipv4Packet([9, 9, 9]));
    await waitUntil(() => server.received.length === 2);
    expect(server.received[0]).toEqual(out);

    // GRE → MPPE → PPP → TUN.
    const back = ipv4Packet([7, 7, 7, 7], '192.168.77.1', '192.168.77.10');
    server.sendIp(back);
    await waitUntil(() => server.tunWrites.length === 1);
    expect(server.tunWrites[0]).toEqual(back);
    const status = session.status();
    expect(status.data).toMatchObject({ txPackets: 2, rxPackets: 1, rxBytes: back.length });

    // Not IPv4: dropped and counted, nothing sent.
    server.tunRead(Uint8Array.of(0x60, 0, 0, 0, ...new Array(36).fill(0)));
    expect(session.status().data?.txDropped).toBe(1);

    root.abort();
    const result = await done;
    expect(result).toMatchObject({ exitCode: EXIT.signal, wasUp: true });
    // LCP Terminate reached the server, then Call-Clear made it close TCP (as pptpd does).
    expect(server.pppLog).toContain('down');
    expect(['terminate', 'dead']).toContain(server.link?.phase);
    expect(server.tcpClosed).toBe(true);
    expect(server.restored).toBe(true);
    expect(server.greClosed).toBe(true);
    expect(lines.join('\n')).not.toContain('Secret-pw1');
    server.dispose();
  });

  it('a wrong password ends with the auth-failed exit status and no tunnel', async () => {
    const server = new FakeServer({ user: 'alice', password: 'right' });
    const lines: string[] = [];
    const session = sessionWith(server, {
      credentials: { user: 'alice', password: 'Wr0ng-pw-x1' },
      log: logger(lines),
    });
    const result = await session.run();
    expect(result.exitCode).toBe(EXIT.authFailed);
    expect(result.wasUp).toBe(false);
    // The authenticator's Failure packet (RFC 2759 §6: E=691, authentication failure) is logged.
    const failure = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((r) => r['message'] === 'authentication failed');
    expect(failure).toMatchObject({ code: 'MSCHAP_AUTH_FAILED', serverError: 691 });
    expect(lines.join('\n')).not.toContain('Wr0ng-pw-x1');
    expect(server.broughtUp).toBeUndefined();
    expect(server.restored).toBe(true);
    server.dispose();
  });

  it('a server that refuses MPPE while we require it ends with a negotiation error', async () => {
    const server = new FakeServer({
      user: 'alice',
      password: 'pw',
      mppe: {
        required: false,
        allow128: false,
        allow56: false,
        allow40: false,
        stateful: 'refuse',
        mppc: false,
      },
    });
    const session = sessionWith(server);
    const result = await session.run();
    expect(result.exitCode).toBe(EXIT.negotiation);
    expect(result.reason).toMatch(/MPPE/);
    expect(server.broughtUp).toBeUndefined();
    server.dispose();
  });

  it('measures the LCP echo round trip (lcp-echo-interval) and reports it in status', async () => {
    const server = new FakeServer({ user: 'alice', password: 'pw' });
    const root = new AbortController();
    const session = sessionWith(server, {
      settings: settings({ lcpEchoInterval: 1 }),
      signal: root.signal,
    });
    const done = session.run();
    await waitUntil(() => session.status().lcpEchoRttMs !== undefined, 5000);
    expect(session.status().lcpEchoRttMs).toBeGreaterThanOrEqual(0);
    expect(session.status().lcpEchoRttMs).toBeLessThan(1000);
    root.abort();
    expect((await done).exitCode).toBe(EXIT.signal);
    server.dispose();
  });

  it('idle 1: a link without data ends with pppd’s idle status (12) after 1 to 1.25 s', async () => {
    const server = new FakeServer({ user: 'alice', password: 'pw' });
    let upAt = 0;
    const session = sessionWith(server, {
      settings: settings({ idle: 1 }),
      onUp: () => {
        upAt = Date.now();
      },
    });
    const result = await session.run();
    const ms = Date.now() - upAt;
    expect(result).toMatchObject({ exitCode: EXIT.idle, wasUp: true });
    expect(result.reason).toMatch(/idle/);
    expect(ms).toBeGreaterThanOrEqual(990);
    expect(server.restored).toBe(true);
    server.dispose();
  });

  it('idle: traffic keeps the link up; maxconnect 2 ends it with status 13', async () => {
    const server = new FakeServer({ user: 'alice', password: 'pw' });
    let up = false;
    const session = sessionWith(server, {
      settings: settings({ idle: 1, maxConnect: 2 }),
      onUp: () => {
        up = true;
      },
    });
    const done = session.run();
    await waitUntil(() => up);
    // A packet every 200 ms: never idle for a second.
    const feeder = setInterval(() => server.tunRead(ipv4Packet([1, 2, 3])), 200);
    const result = await done;
    clearInterval(feeder);
    expect(result).toMatchObject({ exitCode: EXIT.connectTime, wasUp: true });
    server.dispose();
  });

  it('local:remote without ipcp-accept-local: another address from the server fails (pppd)', async () => {
    const server = new FakeServer({ user: 'alice', password: 'pw' });
    const session = sessionWith(server, {
      settings: settings({ localAddress: '192.168.77.99', acceptLocal: false }),
    });
    const result = await session.run();
    expect(result.exitCode).toBe(EXIT.negotiation);
    expect(result.reason).toMatch(/192\.168\.77\.10.*192\.168\.77\.99/);
    expect(server.broughtUp).toBeUndefined();
    server.dispose();
  });

  it('a stop while the server does not answer ends at once and still restores the host', async () => {
    const server = new FakeServer({ user: 'alice', password: 'pw', unreachable: true });
    const root = new AbortController();
    const session = sessionWith(server, {
      signal: root.signal,
    });
    const done = session.run();
    await waitUntil(() => server.prepared !== undefined);
    root.abort();
    expect(await done).toMatchObject({ exitCode: EXIT.signal, wasUp: false });
    expect(server.restored).toBe(true);
    expect(server.greClosed).toBe(true);
    server.dispose();
  });
});
