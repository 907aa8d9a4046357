/**
 * `mppc`, `nomppc`, `mppe-stateful-prefer` and `nomppe` through the session shell: what
 * `tunnelOptionsFromSettings` gives the tunnel core (option 18 of the first CCP request, whether
 * MPPC is offered, whether MPPE is required), what comes up against a fake pptpd, and how the
 * shell reports it (the `network layer up` log, the MTU handed to the host, `pptpkit status`).
 * The negotiation itself, misbehaving servers included, is the core's:
 * packages/testkit/test/mppc-negotiation.test.ts.
 */
import { decodeMppeOption, formatMppeBits } from '@pptpkit/mppe';
import type { CompressionAgreement } from '@pptpkit/ppp-lcp-ipcp';
import { PPTPD_MPPE, udpPacket } from '@pptpkit/testkit';
import type { TunnelSink } from '@pptpkit/tunnel';
import { describe, expect, it } from 'vitest';
import { defaultPeerSettings, type PeerSettings } from '../../src/config/index.js';
import { statusLines } from '../../src/control/status-format.js';
import { EXIT } from '../../src/exit-codes.js';
import { tunnelOptionsFromSettings } from '../../src/session/tunnel-options.js';
import { FakeIo, type FakeIoOptions } from './fake-io.js';
import { settings, startSession, until, useFakeClock } from './session-harness.js';

useFakeClock();

const NO_MPPE: PeerSettings['mppe'] = {
  required: false,
  allow128: false,
  allow56: false,
  allow40: false,
  allowStateful: false,
};

const SINK: TunnelSink = {
  control: () => {},
  endControl: () => {},
  gre: () => {},
  ip: () => true,
  event: () => {},
};

interface Case {
  readonly name: string;
  readonly change: Partial<PeerSettings>;
  readonly server: FakeIoOptions;
  /** Option 18 of our first CCP Configure-Request (RFC 3078 §2.1 bits). */
  readonly request: string;
  readonly offered: boolean;
  readonly required: boolean;
  readonly mppe: CompressionAgreement | undefined;
  /** The `network layer up` log's `encryption`. */
  readonly log: string;
  /** The `encryption:` line of `pptpkit status`, if any. */
  readonly status: string | undefined;
  readonly mtu: number;
}

const cases: Case[] = [
  {
    name: 'mppc (MPPE-128 stateless + MPPC)',
    change: { mppc: true },
    server: { mppe: { ...PPTPD_MPPE, mppc: true } },
    request: '<mppe +H -M +S -L -D +C>',
    offered: true,
    required: true,
    mppe: { keyBits: 128, stateless: true, mppc: true },
    log: 'MPPE 128-bit stateless + MPPC',
    status: '  encryption: MPPE 128-bit stateless, MPPC',
    // The 1500-byte path - 20 (IP) - 16 (GRE) - 4 (PPP) - 2 (MPPE/MPPC header) - 2 (protocol).
    mtu: 1456,
  },
  {
    name: 'mppc mppe-stateful mppe-stateful-prefer (stateful + MPPC)',
    change: {
      mppc: true,
      mppe: { ...defaultPeerSettings().mppe, allowStateful: true, preferStateful: true },
    },
    server: { mppe: { ...PPTPD_MPPE, stateful: 'allow', mppc: true } },
    request: '<mppe -H -M +S -L -D +C>',
    offered: true,
    required: true,
    mppe: { keyBits: 128, stateless: false, mppc: true },
    log: 'MPPE 128-bit stateful + MPPC',
    status: '  encryption: MPPE 128-bit stateful, MPPC',
    mtu: 1456,
  },
  {
    name: 'nomppe mppc (MPPC alone)',
    change: { mppc: true, mppe: NO_MPPE },
    server: { mppcAlone: true },
    request: '<mppe -H -M -S -L -D +C>',
    offered: true,
    required: false,
    mppe: { keyBits: 0, stateless: false, mppc: true },
    log: 'none (MPPC compression only)',
    status: '  encryption: none (MPPC compression only)',
    // The 1500-byte path - 20 (IP) - 16 (GRE) - 4 (PPP) - 2 (MPPC header) - 2 (protocol).
    mtu: 1456,
  },
  {
    name: 'nomppe mppc against a server without MPPC (uncompressed)',
    change: { mppc: true, mppe: NO_MPPE },
    server: { mppe: { ...PPTPD_MPPE, required: false } },
    request: '<mppe -H -M -S -L -D +C>',
    offered: true,
    required: false,
    mppe: undefined,
    log: 'none',
    status: undefined,
    mtu: 1456,
  },
  {
    name: 'nomppc (the default) against a server offering C',
    change: {},
    server: { mppe: { ...PPTPD_MPPE, mppc: true } },
    request: '<mppe +H -M +S -L -D -C>',
    offered: false,
    required: true,
    mppe: { keyBits: 128, stateless: true, mppc: false },
    log: 'MPPE 128-bit stateless',
    status: '  encryption: MPPE 128-bit stateless',
    mtu: 1456,
  },
];

describe('MPPC settings through the session shell', () => {
  for (const c of cases) {
    it(`${c.name}: options, what comes up, log and status`, async () => {
      const s = settings(c.change);
      const link = tunnelOptionsFromSettings(
        s,
        { user: 'alice', password: 'Secret-pw1' },
        (n) => new Uint8Array(n),
        SINK,
        10_000,
      ).link;
      const first = link?.ccp?.initialOptions()[0];
      expect(first && formatMppeBits(decodeMppeOption(first.data))).toBe(c.request);
      expect(link?.mppcOffered).toBe(c.offered);
      expect(link?.requireMppe).toBe(c.required);

      const io = new FakeIo(c.server);
      const t = startSession(io, { settings: s });
      await until(() => t.up() !== undefined);
      expect(t.up()?.mppe).toEqual(c.mppe);
      const upRecord = t.records().find((r) => r['message'] === 'network layer up');
      expect(upRecord?.['encryption']).toBe(c.log);
      expect(io.broughtUp?.mtu).toBe(c.mtu);

      // Compressible packets both ways (a repeating 256-byte pattern), byte-identical.
      const out = [1, 2, 3, 4].map((i) => udpPacket('192.168.77.10', '192.168.77.1', i, 1200));
      const back = [5, 6, 7, 8].map((i) => udpPacket('192.168.77.1', '192.168.77.10', i, 1200));
      for (const p of out) io.tunRead(p);
      await until(() => io.received.length === out.length);
      expect(io.received).toEqual(out);
      for (const p of back) io.sendIp(p);
      await until(() => io.tunWrites.length === back.length);
      expect(io.tunWrites).toEqual(back);

      const lines = statusLines(t.session.status() as unknown as Record<string, unknown>);
      const encryption = lines.filter((l) => l.startsWith('  encryption:'));
      expect(encryption).toEqual(c.status === undefined ? [] : [c.status]);
      const compression = lines.filter((l) => l.startsWith('  compression:'));
      if (c.mppe?.mppc === true) {
        expect(compression).toHaveLength(1);
        expect(compression[0]).toMatch(
          /^ {2}compression: sent \d+ -> \d+ bytes \(\d+ %\), received \d+ -> \d+ bytes \(\d+ %\), 0 dropped$/,
        );
      } else expect(compression).toEqual([]);

      t.root.abort();
      await until(() => t.result() !== undefined);
      expect(t.result()).toMatchObject({ exitCode: EXIT.signal, wasUp: true });
      io.dispose();
    });
  }
});
