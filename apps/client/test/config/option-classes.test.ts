import { describe, expect, it } from 'vitest';
import { loadPeer, optionTable } from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';
import { type Expected, pppdOptions } from './fixtures/pppd-options.js';

const peer = (body: string, lenient = false) =>
  loadPeer('p', {
    read: (path) => (path === '/etc/ppp/peers/p' ? body : NO_SUCH_FILE),
    globalOptions: false,
    lenient,
  });

/**
 * Loads `option [arg]` between `auth` and `noauth`: if pptpkit took fewer words than pppd the
 * argument would be read as an option (unknown), if more it would swallow `noauth`.
 */
const between = (option: string, arg: string | null, lenient = false) =>
  peer(
    `pptp-server 192.0.2.1 nomppe auth\n${option}${arg === null ? '' : ` '${arg}'`}\nnoauth\n`,
    lenient,
  );

const classOf = (option: string, arg: string | null): Expected => {
  try {
    const loaded = between(option, arg);
    expect(loaded.settings.authRequired === false || option === 'auth').toBe(true);
    return loaded.ignored.some((i) => i.option === option) ? 'ignored' : 'implemented';
  } catch (error) {
    expect(error).toMatchObject({ code: 'CONFIG_UNSUPPORTED_OPTION', details: { line: 2 } });
    return 'refused';
  }
};

describe('the pppd option classification (fixture written from pppd(8))', () => {
  it.each(pppdOptions)('%s (argument %s) is %s with pppd’s argument count', (o, arg, want) => {
    expect(classOf(o, arg)).toBe(want);
  });

  it('classifies every option of the table, and nothing the fixture lacks', () => {
    const fixture = new Set(pppdOptions.map(([name]) => name));
    expect(fixture.size).toBe(pppdOptions.length);
    expect([...optionTable.keys()].filter((k) => !fixture.has(k))).toEqual([]);
    expect([...fixture].filter((k) => !optionTable.has(k))).toEqual([]);
    for (const [name, arg, kind] of pppdOptions) {
      expect([name, optionTable.get(name)?.kind]).toEqual([name, kind]);
      expect([name, optionTable.get(name)?.args]).toEqual([name, arg === null ? 0 : 1]);
    }
  });

  it('refused options name file, line and reason; --lenient makes them warnings', () => {
    expect(() => between('demand', null)).toThrow(
      /^\/etc\/ppp\/peers\/p:2: demand: not supported: dial on demand/,
    );
    const lenient = between('demand', null, true);
    expect(lenient.warnings).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringMatching(/demand: not supported/) }),
    ]);
    expect(lenient.settings.authRequired).toBe(false);
  });

  it('accepts only the PPTP plugin', () => {
    expect(() => between('plugin', '/usr/lib/pppd/2.4.9/nm-pptp-pppd-plugin.so')).toThrow(
      /plugin: pptpkit cannot load pppd plugins \('\/usr\/lib\/pppd\/2\.4\.9\/nm-pptp-pppd-plugin\.so'\)/,
    );
    expect(between('plugin', '/usr/lib/pppd/2.5.0/pptp.so').warnings).toEqual([]);
    const withServer = peer('plugin pptp.so pptp_server vpn.example.org\n');
    expect(withServer.settings.server?.host).toBe('vpn.example.org');
  });

  it('recognises speeds, devices and local:remote pairs by their form, as pppd does', () => {
    const loaded = peer('pptp-server h\n115200 /dev/ttyS0 10.0.0.2:10.0.0.1\n');
    expect(loaded.ignored.map((i) => i.option)).toEqual(['115200', '/dev/ttyS0']);
    expect(loaded.settings).toMatchObject({ localAddress: '10.0.0.2', remoteAddress: '10.0.0.1' });
    const remoteOnly = peer('pptp-server h\n:192.168.7.1\n').settings;
    expect([remoteOnly.localAddress, remoteOnly.remoteAddress]).toEqual([undefined, '192.168.7.1']);
    const none = peer('pptp-server h\n:\n').settings;
    expect([none.localAddress, none.remoteAddress]).toEqual([undefined, undefined]);
    expect(() => peer('pptp-server h\n10.0.0.256:\n')).toThrow(
      /p:2: 10\.0\.0\.256:: '10\.0\.0\.256' is not an IPv4 address/,
    );
    expect(() => peer('pptp-server h\nhost.example:\n')).toThrow(/not an IPv4 address/);
  });

  it('unknown options still fail, naming file, line and option', () => {
    expect(() => peer('pptp-server h\n\nfrobnicate\n')).toThrow(
      /^\/etc\/ppp\/peers\/p:3: frobnicate: unknown or unsupported option/,
    );
  });
});
