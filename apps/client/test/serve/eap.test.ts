/**
 * pptpkit's client against `pptpkit serve`, both in this process and configured from their
 * option text: `require-eap` on the server, EAP accepted by the client's defaults. With MPPE
 * required the EAP method is MS-CHAP-V2 and keys MPPE-128 (RFC 3079 §3, as plain MS-CHAPv2);
 * without it a client that offers only EAP-MD5 is served EAP-MD5 after its Nak.
 */
import { udpPacket } from '@pptpkit/testkit';
import { formatIpv4 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { loadPeer } from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';
import { loadServerConfig } from '../../src/serve/config/index.js';
import { tunnelOptionsFromSettings } from '../../src/session/tunnel-options.js';
import { type ClientFactory, CoreHarness } from './core-harness.js';

const serveConfig = (options: string) =>
  loadServerConfig({
    configFile: '/etc/pptpd.conf',
    read: (p) =>
      ({
        '/etc/pptpd.conf': 'option /etc/ppp/o\nlocalip 192.168.78.1\nremoteip 192.168.78.10-19\n',
        '/etc/ppp/o': `name pptpd\n${options}\n`,
      })[p] ?? NO_SUCH_FILE,
  });

const pptpkitClient =
  (options: string, password = 'Secret-pw1'): ClientFactory =>
  (sink, randomBytes) => {
    const settings = loadPeer('p', {
      read: (path) =>
        path === '/etc/ppp/peers/p' ? `pptp-server h\nname alice\n${options}\n` : NO_SUCH_FILE,
      globalOptions: false,
    }).settings;
    return tunnelOptionsFromSettings(
      settings,
      { user: 'alice', password },
      randomBytes,
      sink,
      10_000,
    );
  };

function pingBothWays(h: CoreHarness, client: ReturnType<CoreHarness['connect']>): void {
  const session = h.upSessions[0]!;
  const to = formatIpv4(session.address!);
  const down = udpPacket('192.168.78.1', to, 1, 200);
  h.core.ipIn(down, 0, down.length, h.clock.now);
  const up = udpPacket(to, '192.168.78.1', 2, 300);
  client.tunnel.sendIp(up, 0, up.length, h.clock.now);
  h.runFor(100);
  expect(client.delivered).toEqual([down]);
  expect(h.toHost).toEqual([up]);
}

describe('pptpkit client ↔ pptpkit serve in process, EAP', () => {
  it('require-eap + require-mppe-128: EAP-MS-CHAP-V2, MPPE-128, data both ways', () => {
    const h = new CoreHarness({ config: serveConfig('require-eap\nrequire-mppe-128') });
    const client = h.connect('10.0.0.5', pptpkitClient('require-mppe-128'));
    expect(
      h.runUntil(() => client.tunnel.state === 'up' && h.upSessions.length === 1, 30_000),
    ).toBe(true);
    const session = h.upSessions[0]!;
    const want = { keyBits: 128, stateless: true, mppc: false };
    expect(client.tunnel.status(h.clock.now)).toMatchObject({ auth: 'EAP', mppe: want });
    expect(session.tunnel.status(h.clock.now)).toMatchObject({
      auth: 'EAP',
      peerName: 'alice',
      mppe: want,
    });
    pingBothWays(h, client);
  });

  it('require-eap without MPPE: a client without MPPE is served (EAP-MS-CHAP-V2 first)', () => {
    const h = new CoreHarness({ config: serveConfig('require-eap') });
    const client = h.connect('10.0.0.5', pptpkitClient('nomppe'));
    expect(
      h.runUntil(() => client.tunnel.state === 'up' && h.upSessions.length === 1, 30_000),
    ).toBe(true);
    expect(client.tunnel.status(h.clock.now).mppe).toBeUndefined();
    pingBothWays(h, client);
  });

  it('a wrong password: the client ends with PPP_AUTH_FAILED, no session comes up', () => {
    const h = new CoreHarness({ config: serveConfig('require-eap\nrequire-mppe-128') });
    const client = h.connect('10.0.0.5', pptpkitClient('require-mppe-128', 'wrong'));
    h.runUntil(() => client.tunnel.state === 'closed', 60_000);
    expect(client.events.find((e) => e.type === 'down')).toMatchObject({
      code: 'PPP_AUTH_FAILED',
    });
    expect(h.upSessions).toHaveLength(0);
  });

  it('refuse-eap against require-eap: the server keeps asking for EAP, no link comes up', () => {
    const h = new CoreHarness({ config: serveConfig('require-eap\nrequire-mppe-128') });
    const client = h.connect('10.0.0.5', pptpkitClient('require-mppe-128\nrefuse-eap'));
    h.runUntil(() => client.tunnel.state === 'closed', 60_000);
    expect(client.tunnel.state).toBe('closed');
    expect(client.events.some((e) => e.type === 'up')).toBe(false);
    expect(h.upSessions).toHaveLength(0);
  });
});
