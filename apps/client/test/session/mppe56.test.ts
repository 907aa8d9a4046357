/**
 * 56-bit MPPE through the session shell, from the peer's option text to what comes up: option
 * 18 of the first CCP request (RFC 3078 §2.1: every allowed strength, the M bit 0x80 for 56),
 * the mode agreed with a fake server of a given policy (the strongest both allow), the `network
 * layer up` log and `pptpkit status`.
 */
import { decodeMppeOption, formatMppeBits } from '@pptpkit/mppe';
import type { CompressionAgreement } from '@pptpkit/ppp-lcp-ipcp';
import { PPTPD_MPPE, udpPacket } from '@pptpkit/testkit';
import { describe, expect, it } from 'vitest';
import { loadPeer } from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';
import { statusLines } from '../../src/control/status-format.js';
import { EXIT } from '../../src/exit-codes.js';
import { tunnelOptionsFromSettings } from '../../src/session/tunnel-options.js';
import { FakeIo, type FakeIoOptions } from './fake-io.js';
import { settings, startSession, until, useFakeClock } from './session-harness.js';

useFakeClock();

const mppeOf = (options: string) =>
  loadPeer('p', {
    read: (path) => (path === '/etc/ppp/peers/p' ? `pptp-server h\n${options}\n` : NO_SUCH_FILE),
    globalOptions: false,
  }).settings.mppe;

/** A Windows RRAS server set to "strong encryption": 56-bit only, stateless. */
const RRAS_56 = { ...PPTPD_MPPE, allow128: false, allow56: true };

const cases: {
  readonly options: string;
  readonly server: FakeIoOptions;
  readonly request: string;
  readonly mppe: CompressionAgreement;
  readonly status: string;
}[] = [
  {
    options: 'require-mppe-56',
    server: { mppe: RRAS_56 },
    request: '<mppe +H +M -S -L -D -C>',
    mppe: { keyBits: 56, stateless: true, mppc: false },
    status: 'MPPE 56-bit stateless',
  },
  {
    options: 'require-mppe-56 mppe-stateful-prefer',
    server: { mppe: { ...RRAS_56, stateful: 'allow' } },
    request: '<mppe -H +M -S -L -D -C>',
    mppe: { keyBits: 56, stateless: false, mppc: false },
    status: 'MPPE 56-bit stateful',
  },
  {
    // Every strength offered; the server allows 40 and 56: the strongest common one, 56.
    options: 'require-mppe require-mppe-56',
    server: { mppe: { ...RRAS_56, allow40: true } },
    request: '<mppe +H +M +S +L -D -C>',
    mppe: { keyBits: 56, stateless: true, mppc: false },
    status: 'MPPE 56-bit stateless',
  },
  {
    // A pppd-like server (128 only, as stock pptpd): 56 offered falls back to 128.
    options: 'require-mppe-56 require-mppe-128',
    server: {},
    request: '<mppe +H +M +S -L -D -C>',
    mppe: { keyBits: 128, stateless: true, mppc: false },
    status: 'MPPE 128-bit stateless',
  },
];

describe('56-bit MPPE through the session shell', () => {
  for (const c of cases) {
    it(`${c.options}: requests ${c.request}, comes up ${c.status}`, async () => {
      const s = settings({ mppe: mppeOf(c.options) });
      const ccp = tunnelOptionsFromSettings(
        s,
        { user: 'alice', password: 'Secret-pw1' },
        (n) => new Uint8Array(n),
        { control: () => {}, endControl: () => {}, gre: () => {}, ip: () => true, event: () => {} },
        10_000,
      ).link?.ccp;
      const first = ccp?.initialOptions()[0];
      expect(first && formatMppeBits(decodeMppeOption(first.data))).toBe(c.request);

      const io = new FakeIo(c.server);
      const t = startSession(io, { settings: s });
      await until(() => t.up() !== undefined);
      expect(t.up()?.mppe).toEqual(c.mppe);
      const upRecord = t.records().find((r) => r['message'] === 'network layer up');
      expect(upRecord?.['encryption']).toBe(c.status);

      const out = [1, 2, 3].map((i) => udpPacket('192.168.77.10', '192.168.77.1', i, 600));
      const back = [4, 5, 6].map((i) => udpPacket('192.168.77.1', '192.168.77.10', i, 600));
      for (const p of out) io.tunRead(p);
      await until(() => io.received.length === out.length);
      expect(io.received).toEqual(out);
      for (const p of back) io.sendIp(p);
      await until(() => io.tunWrites.length === back.length);
      expect(io.tunWrites).toEqual(back);

      const lines = statusLines(t.session.status() as unknown as Record<string, unknown>);
      expect(lines.filter((l) => l.startsWith('  encryption:'))).toEqual([
        `  encryption: ${c.status}`,
      ]);

      t.root.abort();
      await until(() => t.result() !== undefined);
      expect(t.result()).toMatchObject({ exitCode: EXIT.signal, wasUp: true });
      io.dispose();
    });
  }
});
