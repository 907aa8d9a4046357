/**
 * MPPC (RFC 2118) through the whole session: CCP option 18 with the C bit negotiated against
 * the packages' server roles (`FakeServer`), then data both ways through the server's own
 * MPPC/MPPE primitives.
 */
import { DEFAULT_MPPE_POLICY, decodeMppeOption, type MppePolicy } from '@pptpkit/mppe';
import { encodeUtf8 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { defaultPeerSettings, type PeerSettings } from '../../src/config/index.js';
import { statusLines } from '../../src/control/status-format.js';
import { createLogger } from '../../src/log/logger.js';
import { mppeCcpPolicy } from '../../src/session/ccp-policy.js';
import { Session, type SessionStatus } from '../../src/session/session.js';
import { FakeServer, type FakeServerOptions, ipv4Packet } from './fake-server.js';

const NO_MPPE: PeerSettings['mppe'] = {
  required: false,
  allow128: false,
  allow40: false,
  allowStateful: false,
};

const waitUntil = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Brings a session up against a fake server; `stop()` ends it and checks the exit. */
async function tunnel(server: Partial<FakeServerOptions>, change: Partial<PeerSettings>) {
  const fake = new FakeServer({ user: 'alice', password: 'pw', ...server });
  const root = new AbortController();
  const lines: string[] = [];
  let up: SessionStatus | undefined;
  const session = new Session({
    peer: 'test',
    server: '10.0.0.1',
    settings: { ...defaultPeerSettings(), name: 'alice', ...change },
    credentials: { user: 'alice', password: 'pw' },
    io: fake,
    log: createLogger({
      format: 'json',
      level: 'debug',
      write: (l) => lines.push(l),
      clock: () => new Date(),
    }),
    signal: root.signal,
    onUp: (s) => {
      up = s;
    },
  });
  const done = session.run();
  await waitUntil(() => up !== undefined);
  const encryption = lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((r) => r['message'] === 'network layer up')?.['encryption'];
  return {
    fake,
    session,
    up: up!,
    encryption,
    async stop(): Promise<void> {
      root.abort();
      expect(await done).toMatchObject({ exitCode: EXIT.signal, wasUp: true });
      fake.dispose();
    },
  };
}

/** A text-like IPv4 packet (compressible). */
function textPacket(seed: number, dst = '192.168.77.1', src = '192.168.77.10'): Uint8Array {
  let s = '';
  for (let i = 0; s.length < 1200; i++) s += `<tr><td>row ${seed}.${i % 4}</td><td>ok</td></tr>\n`;
  return ipv4Packet([...encodeUtf8(s)], src, dst);
}

/** Moves `count` text packets each way and checks they arrive byte-identical. */
async function traffic(t: Awaited<ReturnType<typeof tunnel>>, count: number): Promise<void> {
  const out = Array.from({ length: count }, (_, i) => textPacket(i));
  const back = Array.from({ length: count }, (_, i) =>
    textPacket(100 + i, '192.168.77.10', '192.168.77.1'),
  );
  for (const p of out) t.fake.tunRead(p);
  await waitUntil(() => t.fake.received.length === count);
  expect(t.fake.received).toEqual(out);
  for (const p of back) t.fake.sendIp(p);
  await waitUntil(() => t.fake.tunWrites.length === count);
  expect(t.fake.tunWrites).toEqual(back);
}

const serverWith = (change: Partial<MppePolicy>): Partial<FakeServerOptions> => ({
  mppe: { ...DEFAULT_MPPE_POLICY, ...change },
});

describe('Session with MPPC', () => {
  it('mppc + MPPE-128 stateless: C offered and agreed, text compressed both ways', async () => {
    const t = await tunnel(serverWith({ mppc: true }), { mppc: true });
    expect(t.fake.clientCcp[0]).toBe('ConfReq <mppe +H -M +S -L -D +C>');
    expect(t.up.mppe).toEqual({ keyBits: 128, stateless: true, mppc: true });
    expect(t.encryption).toBe('MPPE 128-bit stateless + MPPC');
    await traffic(t, 8);
    const data = t.session.status().data!;
    expect(data.mppcTxCompressedBytes / data.mppcTxPlainBytes).toBeLessThan(0.6);
    expect(data.mppcRxCompressedBytes / data.mppcRxPlainBytes).toBeLessThan(0.6);
    expect(data.mppcDropped).toBe(0);
    const lines = statusLines(t.session.status() as unknown as Record<string, unknown>);
    expect(lines).toContain('  encryption: MPPE 128-bit stateless, MPPC');
    expect(lines.find((l) => l.startsWith('  compression: sent'))).toMatch(/, 0 dropped$/);
    await t.stop();
  });

  it('mppc + MPPE-128 stateful: history kept across packets, data both ways', async () => {
    const t = await tunnel(serverWith({ mppc: true, stateful: 'allow' }), {
      mppc: true,
      mppe: { ...defaultPeerSettings().mppe, allowStateful: true, preferStateful: true },
    });
    expect(t.up.mppe).toEqual({ keyBits: 128, stateless: false, mppc: true });
    expect(t.encryption).toBe('MPPE 128-bit stateful + MPPC');
    await traffic(t, 20);
    await t.stop();
  });

  it('a server without MPPC Naks C away: MPPE-only tunnel (MPPC is never required)', async () => {
    const t = await tunnel(serverWith({ mppc: false }), { mppc: true });
    expect(t.fake.clientCcp.filter((c) => c.startsWith('ConfReq'))).toEqual([
      'ConfReq <mppe +H -M +S -L -D +C>',
      'ConfReq <mppe +H -M +S -L -D -C>',
    ]);
    expect(t.up.mppe).toEqual({ keyBits: 128, stateless: true, mppc: false });
    expect(t.encryption).toBe('MPPE 128-bit stateless');
    await traffic(t, 3);
    expect(t.session.status().data?.mppcTxPlainBytes).toBe(0);
    await t.stop();
  });

  it('a server that Configure-Rejects option 18 because of C: retried without C, MPPE only', async () => {
    // RFC 1661 §5.4 leaves a peer free to reject a whole option it cannot take as it is.
    const policy = mppeCcpPolicy(DEFAULT_MPPE_POLICY);
    const t = await tunnel(
      {
        ccp: {
          ...policy,
          judgePeerOption: (o) =>
            decodeMppeOption(o.data).mppc ? { verdict: 'reject' } : policy.judgePeerOption(o),
        },
      },
      { mppc: true },
    );
    expect(t.fake.clientCcp.filter((c) => c.startsWith('ConfReq'))).toEqual([
      'ConfReq <mppe +H -M +S -L -D +C>',
      'ConfReq <mppe +H -M +S -L -D -C>',
    ]);
    expect(t.up.mppe).toEqual({ keyBits: 128, stateless: true, mppc: false });
    await traffic(t, 3);
    await t.stop();
  });

  it('a server that Acks our C but asks without it: MPPE only, still up', async () => {
    const policy = mppeCcpPolicy(DEFAULT_MPPE_POLICY);
    const t = await tunnel(
      { ccp: { ...policy, judgePeerOption: () => ({ verdict: 'ack' }) } },
      { mppc: true },
    );
    expect(t.fake.clientCcp).toContain('ConfAck <mppe +H -M +S -L -D -C>');
    expect(t.up.mppe).toEqual({ keyBits: 128, stateless: true, mppc: false });
    await traffic(t, 3);
    await t.stop();
  });

  it('nomppe mppc: MPPC alone (option 18 with only C), data both ways', async () => {
    const t = await tunnel({ mppcAlone: true }, { mppc: true, mppe: NO_MPPE });
    expect(t.fake.clientCcp[0]).toBe('ConfReq <mppe -H -M -S -L -D +C>');
    expect(t.up.mppe).toEqual({ keyBits: 0, stateless: false, mppc: true });
    expect(t.encryption).toBe('none (MPPC compression only)');
    // 1500 - 2 (MPPC header) - 2 (protocol field).
    expect(t.fake.broughtUp?.mtu).toBe(1496);
    await traffic(t, 10);
    const lines = statusLines(t.session.status() as unknown as Record<string, unknown>);
    expect(lines).toContain('  encryption: none (MPPC compression only)');
    await t.stop();
  });

  it('nomppe mppc against a server without MPPC: comes up uncompressed', async () => {
    const t = await tunnel(serverWith({ required: false }), { mppc: true, mppe: NO_MPPE });
    // The server's MPPE-only request is Configure-Rejected (we run no encryption).
    expect(t.fake.clientCcp).toContain('ConfRej <mppe +H -M +S -L -D -C>');
    expect(t.up.mppe).toBeUndefined();
    expect(t.encryption).toBe('none');
    await t.stop();
  });

  it('nomppc never offers C and Naks a server’s C away (RFC 3078 §2.1)', async () => {
    const t = await tunnel(serverWith({ mppc: true }), { mppc: false });
    const requests = t.fake.clientCcp.filter((c) => c.startsWith('ConfReq'));
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(r).toContain('-C>');
    expect(t.fake.clientCcp).toContain('ConfNak <mppe +H -M +S -L -D -C>');
    expect(t.up.mppe).toEqual({ keyBits: 128, stateless: true, mppc: false });
    await traffic(t, 2);
    await t.stop();
  });
});
