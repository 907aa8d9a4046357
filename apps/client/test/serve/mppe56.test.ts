/**
 * pptpkit's client against `pptpkit serve`, both in this process, each configured from its own
 * option text (the client's peer options, the server's pppd options file) as the programs
 * read them: 56-bit MPPE stateless and stateful, the strongest common strength when both allow
 * several, and `pptpkit status serve`'s line for the session.
 */
import { udpPacket } from '@pptpkit/testkit';
import { formatIpv4 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { loadPeer } from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';
import { loadServerConfig } from '../../src/serve/config/index.js';
import {
  SERVE_STATUS_SCHEMA,
  serveStatusLines,
  sessionStatus,
} from '../../src/serve/server-status.js';
import { tunnelOptionsFromSettings } from '../../src/session/tunnel-options.js';
import { type ClientFactory, CoreHarness } from './core-harness.js';

/** `pptpkit serve` with `options` as its pppd options file. */
const serveConfig = (options: string) =>
  loadServerConfig({
    configFile: '/etc/pptpd.conf',
    read: (p) =>
      ({
        '/etc/pptpd.conf': 'option /etc/ppp/o\nlocalip 192.168.78.1\nremoteip 192.168.78.10-19\n',
        '/etc/ppp/o': `name pptpd\nrequire-mschap-v2\n${options}\n`,
      })[p] ?? NO_SUCH_FILE,
  });

/** The pptpkit client with `options` as its peer file. */
const pptpkitClient =
  (options: string): ClientFactory =>
  (sink, randomBytes) => {
    const settings = loadPeer('p', {
      read: (path) =>
        path === '/etc/ppp/peers/p' ? `pptp-server h\nname alice\n${options}\n` : NO_SUCH_FILE,
      globalOptions: false,
    }).settings;
    return tunnelOptionsFromSettings(
      settings,
      { user: 'alice', password: 'Secret-pw1' },
      randomBytes,
      sink,
      10_000,
    );
  };

const cases = [
  {
    client: 'require-mppe-56',
    server: 'require-mppe-56',
    want: { keyBits: 56, stateless: true, mppc: false },
    shown: 'MPPE 56-bit stateless',
  },
  {
    client: 'require-mppe-56 mppe-stateful-prefer',
    server: 'require-mppe-56 mppe-stateful',
    want: { keyBits: 56, stateless: false, mppc: false },
    shown: 'MPPE 56-bit stateful',
  },
  {
    // The client offers all three (RFC 3078 §2.1), the server allows 40 and 56: its Nak names
    // the strongest common one, 56.
    client: 'require-mppe require-mppe-56',
    server: 'require-mppe-40 require-mppe-56',
    want: { keyBits: 56, stateless: true, mppc: false },
    shown: 'MPPE 56-bit stateless',
  },
  {
    // Both allow 56 and 128: 128.
    client: 'require-mppe-56 require-mppe-128',
    server: 'require-mppe require-mppe-56',
    want: { keyBits: 128, stateless: true, mppc: false },
    shown: 'MPPE 128-bit stateless',
  },
] as const;

describe('pptpkit client ↔ pptpkit serve in process, 56-bit MPPE', () => {
  for (const c of cases) {
    it(`client '${c.client}', serve '${c.server}': ${c.shown}, data both ways`, () => {
      const h = new CoreHarness({ config: serveConfig(c.server) });
      const client = h.connect('10.0.0.5', pptpkitClient(c.client));
      expect(
        h.runUntil(() => client.tunnel.state === 'up' && h.upSessions.length === 1, 30_000),
      ).toBe(true);
      const session = h.upSessions[0]!;
      expect(client.tunnel.status(h.clock.now).mppe).toEqual(c.want);
      expect(session.tunnel.status(h.clock.now).mppe).toEqual(c.want);

      // 300 packets each way: the stateless key changes 300 times, the stateful one crosses
      // the flag packet 255 (RFC 3078 §7.1, §7.2).
      const to = formatIpv4(session.address!);
      for (let i = 0; i < 300; i++) {
        const down = udpPacket('192.168.78.1', to, i, 200);
        h.core.ipIn(down, 0, down.length, h.clock.now);
        const up = udpPacket(to, '192.168.78.1', i, 200);
        client.tunnel.sendIp(up, 0, up.length, h.clock.now);
        h.runFor(1);
      }
      h.runFor(100);
      expect(client.delivered).toHaveLength(300);
      expect(client.delivered[299]).toEqual(udpPacket('192.168.78.1', to, 299, 200));
      expect(h.toHost).toHaveLength(300);
      expect(h.toHost[299]).toEqual(udpPacket(to, '192.168.78.1', 299, 200));

      const entry = sessionStatus(session, h.clock.now);
      expect(entry.mppe).toBe(c.shown);
      const lines = serveStatusLines({
        schema: SERVE_STATUS_SCHEMA,
        pid: 1,
        listen: '0.0.0.0:1723',
        interface: 'ppp0',
        uptimeMs: 1000,
        maxSessions: 100,
        sessions: [entry],
        refused: {},
        dropped: {},
        greSocket: {},
      });
      expect(lines[1]).toContain(`(MS-CHAPv2, ${c.shown})`);
    });
  }

  it('a client that allows only 56 against a serve that allows only 128: no link', () => {
    const h = new CoreHarness({ config: serveConfig('require-mppe-128') });
    const client = h.connect('10.0.0.5', pptpkitClient('require-mppe-56'));
    h.runUntil(() => client.tunnel.state === 'closed', 60_000);
    expect(client.tunnel.state).toBe('closed');
    expect(client.events.some((e) => e.type === 'up')).toBe(false);
    expect(h.upSessions).toHaveLength(0);
  });
});
