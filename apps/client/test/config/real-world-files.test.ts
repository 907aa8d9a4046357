import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPeer, resolveCredentials } from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const etc = (files: Record<string, string>) => (path: string) => files[path] ?? NO_SUCH_FILE;

describe('real-world option files load with the expected settings', () => {
  it("Debian's stock /etc/ppp/options and pptp-linux's options.pptp, with the seed peer", () => {
    const loaded = loadPeer('PAL', {
      read: etc({
        '/etc/ppp/options': fixture('debian-options'),
        '/etc/ppp/options.pptp': fixture('debian-options.pptp'),
        '/etc/ppp/peers/PAL':
          'pty "pptp 10.1.1.14 --nolaunchpppd" name alice remotename PPTP require-chap file /etc/ppp/options.pptp ipparam tunnel\n',
      }),
    });
    expect(loaded.files).toEqual([
      '/etc/ppp/options',
      '/etc/ppp/peers/PAL',
      '/etc/ppp/options.pptp',
    ]);
    expect(loaded.warnings).toEqual([]);
    // Serial-line options of the global file and the compression refusals: noted, no effect
    // (line numbers as `grep -n` gives them).
    expect(loaded.ignored.map((i) => `${i.line}:${i.option}`)).toEqual([
      '28:asyncmap',
      '39:crtscts',
      '43:lock',
      '47:hide-password',
      '52:modem',
      '69:proxyarp',
      '89:noipx',
      '16:lock',
      '31:nobsdcomp',
      '32:nodeflate',
      // The seed peer's pty "pptp 10.1.1.14 --nolaunchpppd", reported after the options.
      '1:--nolaunchpppd',
    ]);
    const s = loaded.settings;
    expect(s.server?.host).toBe('10.1.1.14');
    // `auth` in /etc/ppp/options, undone by options.pptp's `noauth`, read later.
    expect(s.authRequired).toBe(false);
    expect([s.lcpEchoInterval, s.lcpEchoFailure]).toEqual([30, 4]);
    expect(s.refuse).toEqual(new Set(['pap', 'eap', 'chap', 'mschap']));
    expect(s.mppe).toMatchObject({ required: true, allow128: true, allowStateful: false });
  });

  it('a pptpsetup --create peer with its chap-secrets line', () => {
    const read = etc({
      '/etc/ppp/peers/work': fixture('pptpsetup-peer'),
      '/etc/ppp/chap-secrets': fixture('pptpsetup-chap-secrets'),
    });
    const { settings } = loadPeer('work', { read, globalOptions: false });
    expect(settings).toMatchObject({
      server: { host: 'vpn.example.com' },
      name: 'alice',
      remotename: 'work',
      ipparam: 'work',
      authRequired: false,
      mppe: { required: true, allow40: false, allow128: true },
    });
    const { credentials } = resolveCredentials(settings, {
      read,
      readSecrets: read,
      files: { chap: '/etc/ppp/chap-secrets', pap: '/etc/ppp/pap-secrets' },
      hostname: 'laptop',
    });
    expect(credentials).toEqual({ user: 'alice', chapPassword: 's3cret pass' });
  });

  it("NetworkManager-pptp's pppd arguments", () => {
    const { settings, ignored } = loadPeer('nm', {
      read: etc({ '/etc/ppp/peers/nm': fixture('networkmanager-options') }),
      globalOptions: false,
    });
    expect(settings).toMatchObject({
      server: { host: '203.0.113.5' },
      detach: 'nodetach',
      usePeerDns: true,
      defaultRoute: false,
      authRequired: false,
      mppe: { required: true, allow40: false, allow128: true, allowStateful: false },
      lcpEchoFailure: 5,
      lcpEchoInterval: 30,
      unit: 100,
      mtu: 1400,
      mru: 1400,
      user: 'alice',
      ipparam: '/org/freedesktop/NetworkManager/PPP/1',
    });
    expect(settings.refuse).toEqual(new Set(['eap', 'pap', 'chap', 'mschap']));
    expect(ignored.map((i) => i.option)).toEqual([
      'lock',
      'noipdefault',
      'nobsdcomp',
      'nodeflate',
      'novj',
      'novjccomp',
      '--nolaunchpppd',
    ]);
    // pty "/usr/sbin/pptp 203.0.113.5 --nolaunchpppd --logstring nm-pptp-service-4242 --loglevel 0"
    expect(settings.pptp).toMatchObject({ logString: 'nm-pptp-service-4242', logLevel: 0 });
  });

  it('a peer using most of pppd’s options, as how-tos write them', () => {
    const { settings: s, ignored } = loadPeer('guide', {
      read: etc({
        '/etc/ppp/peers/guide': fixture('guide-options'),
        '/etc/ppp/options.pptp': fixture('debian-options.pptp'),
      }),
      globalOptions: false,
    });
    expect(s).toMatchObject({
      server: { host: '198.51.100.7' },
      name: 'DOMAIN\\alice',
      remotename: 'PPTP',
      ipparam: 'guide',
      linkname: 'guide',
      detach: 'nodetach',
      debug: true,
      acfc: false,
      pfc: false,
      magic: true,
      ccp: true,
      localAddress: '10.0.0.2',
      acceptLocal: true,
      acceptRemote: true,
      idle: 600,
      maxConnect: 36000,
      lcpTimers: { restartSeconds: 5, maxConfigure: 20, maxTerminate: 3, maxFailure: 8 },
      ipcpTimers: { restartSeconds: 4, maxConfigure: 15 },
      papRestart: 2,
      papMaxAuthreq: 5,
      useHostname: true,
      defaultRoute: true,
      replaceDefaultRoute: true,
      defaultRouteMetric: 50,
      usePeerDns: true,
      unit: 3,
      persist: true,
      maxfail: 0,
      holdoff: 10,
      ipUpScript: '/etc/ppp/guide-up',
      ipDownScript: '/etc/ppp/guide-down',
    });
    expect(s.remoteAddress).toBeUndefined();
    expect(s.mru).toBeUndefined();
    expect(s.mppe).toMatchObject({ required: true, allowStateful: true });
    // options.pptp refuses pap/eap/chap/mschap; `+mschap-v2` asks the server to authenticate.
    expect(s.refuse).toEqual(new Set(['pap', 'eap', 'chap', 'mschap']));
    expect(s.requirePeerAuth).toEqual(new Set(['mschap-v2']));
    expect([...s.scriptEnv]).toEqual([
      ['VPN', 'guide'],
      ['HOME', null],
    ]);
    // pty "pptp 198.51.100.7 --nolaunchpppd --timeout 10": a 10 s wait for a missing GRE packet.
    expect(s.pptp?.reorderHoldMs).toBe(10_000);
    expect(ignored.map((i) => i.option)).toContain('/dev/ttyS0');
    expect(ignored.map((i) => i.option)).toContain('115200');
    expect(ignored.find((i) => i.option === 'connect')?.why).toMatch(/serial line/);
  });

  it('refuses noccp while MPPE is required, and accepts it with nomppe', () => {
    const load = (text: string) =>
      loadPeer('p', {
        read: etc({ '/etc/ppp/peers/p': `pptp-server h\n${text}` }),
        globalOptions: false,
      });
    expect(() => load('noccp\n')).toThrow(/p:2: noccp: without CCP there is no MPPE/);
    expect(load('noccp nomppe\n').settings).toMatchObject({
      ccp: false,
      mppe: { required: false },
    });
  });
});
