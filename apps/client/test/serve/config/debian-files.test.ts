import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NO_SUCH_FILE } from '../../../src/config/read-failure.js';
import { loadServerConfig } from '../../../src/serve/config/index.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const debian: Record<string, string> = {
  '/etc/pptpd.conf': fixture('debian-pptpd.conf'),
  '/etc/ppp/pptpd-options': fixture('debian-pptpd-options'),
  '/etc/ppp/options': fixture('debian-ppp-options'),
};

describe("Debian's stock pptpd files (see fixtures/SOURCES.md)", () => {
  const config = loadServerConfig({
    configFile: '/etc/pptpd.conf',
    read: (path) => debian[path] ?? NO_SUCH_FILE,
  });

  it('load strictly, reading the three files in pppd order', () => {
    expect(config.files).toEqual(['/etc/pptpd.conf', '/etc/ppp/options', '/etc/ppp/pptpd-options']);
    expect(config.optionFile).toBe('/etc/ppp/pptpd-options');
  });

  it('give the settings the files spell out', () => {
    expect(config.name).toBe('pptpd');
    // pptpd-options: require-mschap-v2 and require-mppe-128 (the refuse-* lines only concern
    // authenticating ourselves).
    expect(config.requireAuth).toEqual(['mschap-v2']);
    expect(config.mppe).toEqual({
      required: true,
      allow128: true,
      allow56: false,
      allow40: false,
      allowStateful: false,
      mppc: false,
    });
    expect(config.proxyArp).toBe(true);
    // /etc/ppp/options
    expect(config.echoInterval).toBe(30);
    expect(config.echoFailure).toBe(4);
    expect(config.ipparamIsClient).toBe(true);
    expect(config.startTimeout).toBe(10);
    expect(config.listen).toBe('0.0.0.0');
  });

  it("fall back on pptpd's default address lists, with warnings, as localip/remoteip are commented out", () => {
    // defaults.h: 192.168.0.1-100 local, 192.168.1.1-100 remote, 100 connections.
    expect(config.localIp).toEqual([{ first: 0xc0a80001, last: 0xc0a80064, step: 1 }]);
    expect(config.remoteIp).toEqual([{ first: 0xc0a80101, last: 0xc0a80164, step: 1 }]);
    expect(config.pairLocal).toBe(true);
    expect(config.maxSessions).toBe(100);
    expect(config.warnings.map((w) => w.message)).toEqual([
      "no localip: pptpd's default 192.168.0.1-100 is used",
      "no remoteip: pptpd's default 192.168.1.1-100 is used",
    ]);
  });

  it('note every option without effect, with its file and line (as grep -n gives them)', () => {
    expect(config.ignored.map((i) => `${i.file.split('/').pop()}:${i.line}:${i.option}`)).toEqual([
      'pptpd.conf:39:logwtmp',
      'options:28:asyncmap',
      'options:39:crtscts',
      'options:60:lock',
      'options:64:hide-password',
      'options:73:modem',
      'options:297:noipx',
      'pptpd-options:35:refuse-pap',
      'pptpd-options:36:refuse-chap',
      'pptpd-options:37:refuse-mschap',
      'pptpd-options:87:nodefaultroute',
      'pptpd-options:105:lock',
      'pptpd-options:108:nobsdcomp',
      'pptpd-options:114:novj',
      'pptpd-options:115:novjccomp',
      'pptpd-options:119:nologfd',
    ]);
  });

  it('with /etc/ppp/options absent, auth comes from the option file alone', () => {
    const loaded = loadServerConfig({
      configFile: '/etc/pptpd.conf',
      read: (path) => (path === '/etc/ppp/options' ? NO_SUCH_FILE : (debian[path] ?? NO_SUCH_FILE)),
    });
    expect(loaded.files).toEqual(['/etc/pptpd.conf', '/etc/ppp/pptpd-options']);
    expect(loaded.requireAuth).toEqual(['mschap-v2']);
    expect(loaded.echoInterval).toBe(0);
  });
});
