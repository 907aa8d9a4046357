/**
 * PPP frame header codec per packet (the data path's only PPP work) and a whole back-to-back
 * negotiation (LCP + PAP + IPCP) as a control-plane cost. Targets: ≤ 0.1 µs per header
 * read+write (1400-byte packets at 1 Gbit/s are ~90k packets/s), ≤ 1 ms per negotiation.
 * Run with `pnpm --filter @pptpkit/ppp-lcp-ipcp bench`; numbers vary with machine load.
 */
import {
  PapAuthenticator,
  PapPeer,
  PPP_PROTOCOL,
  type PppAction,
  PppLink,
  readPppHeader,
  writePppHeader,
} from '../src/index.js';

function best(rounds: number, run: () => void): number {
  run();
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    run();
    min = Math.min(min, Number(process.hrtime.bigint() - t0));
  }
  return min;
}

function headerBench(): void {
  const PACKETS = 2_000_000;
  const buffers = [
    new Uint8Array(1404),
    new Uint8Array(1404),
    new Uint8Array(1404),
    new Uint8Array(1404),
  ];
  const header = { protocol: 0, offset: 0 };
  const compressions = [
    { acfc: true, pfc: true },
    { acfc: false, pfc: false },
  ];
  let sink = 0;
  const ns = best(5, () => {
    for (let i = 0; i < PACKETS; i++) {
      const buf = buffers[i & 3]!;
      const n = writePppHeader(
        buf,
        0,
        i & 1 ? PPP_PROTOCOL.COMPRESSED : PPP_PROTOCOL.IPV4,
        compressions[(i >> 1) & 1]!,
      );
      readPppHeader(buf, 0, buf.length, header);
      sink += n + header.offset;
    }
  });
  if (sink === 0) throw new Error('the header loop did no work');
  const perPacket = ns / PACKETS;
  console.log(
    `header write+read: ${perPacket.toFixed(1)} ns/packet, ${(1e9 / perPacket / 1e6).toFixed(1)} M packets/s, target 100 ns → ratio ${(100 / perPacket).toFixed(1)}x`,
  );
}

function rng(seed: number): (n: number) => Uint8Array {
  let s = seed;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      out[i] = s >>> 24;
    }
    return out;
  };
}

function negotiate(seed: number): boolean {
  const client = new PppLink({
    role: 'client',
    randomBytes: rng(seed),
    policy: {
      acceptAuth: [
        { protocol: PPP_PROTOCOL.PAP, create: () => new PapPeer({ username: 'u', password: 'p' }) },
      ],
    },
  });
  const server = new PppLink({
    role: 'server',
    randomBytes: rng(seed + 1),
    policy: {
      requireAuth: [
        { protocol: PPP_PROTOCOL.PAP, create: () => new PapAuthenticator({ verify: () => true }) },
      ],
    },
    ipcp: { localAddress: 0x0a000001, peerAddress: 0x0a000002 }, // 10.0.0.1, 10.0.0.2
  });
  const queue: [PppLink, Uint8Array][] = [];
  let ups = 0;
  const handle = (to: PppLink, actions: PppAction[]): void => {
    for (const a of actions) {
      if (a.type === 'send') queue.push([to, a.frame]);
      else if (a.type === 'up') ups++;
    }
  };
  handle(server, client.start(0));
  handle(client, server.start(0));
  for (let i = 0; i < 1000 && queue.length > 0; i++) {
    const [to, frame] = queue.shift()!;
    handle(to === client ? server : client, to.receive(frame, 0));
  }
  return ups === 2;
}

function negotiationBench(): void {
  const RUNS = 2000;
  let ok = 0;
  const ns = best(3, () => {
    for (let i = 0; i < RUNS; i++) if (negotiate(i + 1)) ok++;
  });
  const perRun = ns / RUNS / 1e6;
  console.log(
    `negotiation to up (LCP+PAP+IPCP, both sides): ${(perRun * 1000).toFixed(1)} µs, target 1000 µs → ratio ${(1 / perRun).toFixed(1)}x (${ok} of ${RUNS * 4} runs reached up on both sides)`,
  );
}

headerBench();
negotiationBench();
