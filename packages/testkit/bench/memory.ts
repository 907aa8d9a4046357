/**
 * Memory of idle tunnels: N client/server pairs back to back in memory (`TunnelPair`), each up
 * and carrying a few packets each way; prints heap + ArrayBuffer bytes per pair 1 s after the
 * traffic (both sides, acknowledgments settled), then per tunnel once left idle 15 s more (past
 * the data path's 10 s trim), for the server side alone (the client sides are dropped and
 * collected before that measurement) and for the client side. The server side includes the
 * harness's share (the pair, its clock and wires, emptied event logs).
 *
 * Run from the repository root (GC must be exposed):
 * `node --expose-gc --import tsx --conditions=@pptpkit/source packages/testkit/bench/memory.ts [N]`
 */
import { CLIENT_MPPE, type TestClientOptions, testClient } from '../src/client-options.js';
import { type FakePptpdOptions, fakePptpd, PPTPD_MPPE } from '../src/fake-pptpd.js';
import { udpPacket } from '../src/packets.js';
import { TunnelPair } from '../src/pair.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run node with --expose-gc');

const N = Number(process.argv[2] ?? 1000);

interface Mode {
  readonly name: string;
  readonly client: TestClientOptions;
  readonly server: FakePptpdOptions;
}

const modes: readonly Mode[] = [
  { name: 'MPPE-128 stateless', client: {}, server: {} },
  {
    name: 'MPPE-128 stateful',
    client: { mppe: { ...CLIENT_MPPE, stateful: 'prefer' } },
    server: {},
  },
  {
    name: 'MPPE-128 stateless + MPPC',
    client: { mppe: { ...CLIENT_MPPE, mppc: true } },
    server: { mppe: { ...PPTPD_MPPE, mppc: true } },
  },
  {
    name: 'MPPE-128 stateful + MPPC',
    client: { mppe: { ...CLIENT_MPPE, stateful: 'prefer', mppc: true } },
    server: { mppe: { ...PPTPD_MPPE, mppc: true } },
  },
];

function used(): number {
  for (let i = 0; i < 4; i++) gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** One pair up, a few 1400-byte packets each way, acknowledgments settled: idle but alive. */
function idlePair(mode: Mode, seed: number): TunnelPair {
  const p = new TunnelPair({
    seed,
    client: (sink, random) => testClient(sink, random, mode.client),
    server: (sink, random) => fakePptpd(sink, random, mode.server),
  });
  p.start();
  const up = () => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up';
  if (!p.runUntil(up, 30_000)) throw new Error(`${mode.name}: pair ${seed} not up`);
  for (let i = 0; i < 4; i++) {
    const a = udpPacket('192.168.77.10', '192.168.77.1', i, 1372);
    const b = udpPacket('192.168.77.1', '192.168.77.10', i, 1372);
    p.client.tunnel.sendIp(a, 0, a.length, p.clock.now);
    p.server.tunnel.sendIp(b, 0, b.length, p.clock.now);
    p.runFor(1);
  }
  p.runFor(1000);
  if (p.server.delivered.length !== 4 || p.client.delivered.length !== 4)
    throw new Error(`${mode.name}: pair ${seed} lost packets`);
  for (const side of [p.client, p.server]) {
    side.events.length = 0;
    side.delivered.length = 0;
    side.frames.length = 0;
  }
  return p;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

for (const mode of modes) {
  const before = used();
  let pairs: TunnelPair[] = [];
  for (let i = 0; i < N; i++) pairs.push(idlePair(mode, i + 1));
  const busy = used();
  for (const p of pairs) p.runFor(15_000);
  const both = used();
  // Drop the client sides (the pair's only reference to them): what stays is the server's.
  for (const p of pairs) (p as unknown as { client: unknown }).client = undefined;
  const server = used();
  console.log(
    `${mode.name.padEnd(26)} 1 s after traffic ${kb((busy - before) / N).padStart(10)}/pair;  idle: server ${kb((server - before) / N).padStart(10)}/tunnel, client ${kb((both - server) / N).padStart(10)}/tunnel  (N=${N})`,
  );
  pairs = [];
}
