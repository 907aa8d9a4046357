import { describe, expect, it } from 'vitest';
import { loadPeer, type PeerSettings } from '../../src/config/index.js';
import { ipv6cpConfig, linkLocal, persistentIdentifier } from '../../src/config/ipv6-settings.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';

const settingsOf = (text: string): PeerSettings =>
  loadPeer('p', {
    read: (path) =>
      path === '/etc/ppp/peers/p' ? `pptp-server vpn.example\n${text}` : NO_SUCH_FILE,
    lenient: false,
  }).settings;

const id = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

describe("IPv6 options (pppd 2.4.9's ipv6cp.c)", () => {
  it('are off by default; +ipv6 enables IPv6CP with random identifiers; noipv6/-ipv6 turn it off again', () => {
    expect(settingsOf('').ipv6.enabled).toBe(false);
    expect(ipv6cpConfig(settingsOf('').ipv6, {})).toBeUndefined();
    expect(settingsOf('+ipv6').ipv6.enabled).toBe(true);
    expect(ipv6cpConfig(settingsOf('+ipv6').ipv6, {})).toEqual({});
    expect(settingsOf('+ipv6 noipv6').ipv6.enabled).toBe(false);
    expect(settingsOf('+ipv6 -ipv6').ipv6.enabled).toBe(false);
  });

  it('ipv6 LOCAL,REMOTE takes interface identifiers as ::x:x:x:x, either side optional, and enables IPv6CP', () => {
    const both = settingsOf('ipv6 ::1234:5678,::1:2:3:4').ipv6;
    expect(both).toMatchObject({
      enabled: true,
      local: id(0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78),
      remote: id(0, 1, 0, 2, 0, 3, 0, 4),
    });
    expect(settingsOf('ipv6 ::5,').ipv6.remote).toBeUndefined();
    expect(settingsOf('ipv6 ,::6').ipv6.local).toBeUndefined();
    expect(settingsOf('ipv6 ,::6').ipv6.remote).toEqual(id(0, 0, 0, 0, 0, 0, 0, 6));
    expect(ipv6cpConfig(both, {})).toEqual({ local: both.local, remote: both.remote });
  });

  it('refuses identifiers pppd refuses: upper 64 bits set, zero, not IPv6', () => {
    expect(() => settingsOf('ipv6 fe80::1,')).toThrow(/not an interface identifier \(local\)/);
    expect(() => settingsOf('ipv6 ,::')).toThrow(/not an interface identifier \(remote\)/);
    expect(() => settingsOf('ipv6 10.0.0.1,')).toThrow(/not an interface identifier/);
    expect(() => settingsOf('ipv6')).toThrow(/needs a value/);
  });

  it('ipv6cp-accept-local/-remote pass on; defaultroute6 and ipv6-leak-block are read, and their negations', () => {
    const s = settingsOf(
      'ipv6 ::1,::2 ipv6cp-accept-local ipv6cp-accept-remote defaultroute6 ipv6-leak-block',
    );
    expect(ipv6cpConfig(s.ipv6, {})).toMatchObject({ acceptLocal: true, acceptRemote: true });
    expect(s.ipv6).toMatchObject({ defaultRoute: true, leakBlock: true });
    const off = settingsOf('defaultroute6 nodefaultroute6 ipv6-leak-block noipv6-leak-block');
    expect(off.ipv6).toMatchObject({ defaultRoute: false, leakBlock: false });
    expect(settingsOf('defaultroute6 -defaultroute6').ipv6.defaultRoute).toBe(false);
  });

  it('ipv6cp-use-ipaddr: the identifiers hold the local:remote IPv4 addresses in their low 32 bits; given ones win', () => {
    const s = settingsOf('+ipv6 ipv6cp-use-ipaddr 10.0.0.2:10.0.0.1');
    expect(ipv6cpConfig(s.ipv6, s)).toEqual({
      local: id(0, 0, 0, 0, 10, 0, 0, 2),
      remote: id(0, 0, 0, 0, 10, 0, 0, 1),
    });
    const given = settingsOf('ipv6 ::9, ipv6cp-use-ipaddr 10.0.0.2:10.0.0.1');
    expect(ipv6cpConfig(given.ipv6, given)?.local).toEqual(id(0, 0, 0, 0, 0, 0, 0, 9));
    // No address given (the usual `noipdefault` client): random, as pppd.
    const none = settingsOf('+ipv6 ipv6cp-use-ipaddr');
    expect(ipv6cpConfig(none.ipv6, none)).toEqual({});
  });

  it('ipv6cp-use-persistent: modified EUI-64 of the first Ethernet MAC (RFC 4291 Appendix A), only without given identifiers', () => {
    // RFC 4291 Appendix A's example: 34-56-78-9A-BC-DE gives 3656:78ff:fe9a:bcde.
    expect(persistentIdentifier('34:56:78:9a:bc:de')).toEqual(
      id(0x36, 0x56, 0x78, 0xff, 0xfe, 0x9a, 0xbc, 0xde),
    );
    // pppd ORs the bit in (a locally administered MAC keeps it set).
    expect(persistentIdentifier('02:00:00:00:00:01')?.[0]).toBe(0x02);
    expect(persistentIdentifier('00:00:00:00:00:00')).toBeUndefined();
    expect(persistentIdentifier('zz:00:00:00:00:01')).toBeUndefined();
    const s = settingsOf('+ipv6 ipv6cp-use-persistent').ipv6;
    expect(ipv6cpConfig(s, {}, '34:56:78:9a:bc:de')?.local).toEqual(
      id(0x36, 0x56, 0x78, 0xff, 0xfe, 0x9a, 0xbc, 0xde),
    );
    expect(ipv6cpConfig(s, {})).toEqual({});
    const given = settingsOf('ipv6 ,::2 ipv6cp-use-persistent').ipv6;
    expect(ipv6cpConfig(given, {}, '34:56:78:9a:bc:de')?.local).toBeUndefined();
  });

  it('linkLocal: fe80:: and the identifier, RFC 5952 text', () => {
    expect(linkLocal(id(0, 0, 0, 0, 0, 0, 0, 1))).toBe('fe80::1');
    expect(linkLocal(id(0x36, 0x56, 0x78, 0xff, 0xfe, 0x9a, 0xbc, 0xde))).toBe(
      'fe80::3656:78ff:fe9a:bcde',
    );
  });
});
