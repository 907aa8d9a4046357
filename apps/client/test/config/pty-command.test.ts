import { PptpkitError } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { loadPeer, parsePptpCommand } from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';
import { socketBinding } from '../../src/session/session.js';
import { pptpTunnelOptions } from '../../src/session/tunnel-options.js';

const at = { file: '/etc/ppp/peers/vpn', line: 3 };
const parse = (cmd: string) => parsePptpCommand(cmd, at);
const options = (rest: string) => parse(`pptp 192.0.2.1 ${rest}`).options;

/** The error `parse` throws or the first option it refuses, with its code and message. */
function failure(cmd: string): { code: string; message: string } {
  try {
    const first = parse(cmd).refused[0];
    if (first !== undefined) return { code: first.code, message: first.message };
  } catch (error) {
    if (error instanceof PptpkitError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`'${cmd}' was accepted`);
}

describe('pty "pptp HOST ...": every pptp-linux 1.10 option', () => {
  it('finds the server wherever the options are, as getopt_long permutes', () => {
    expect(parse('pptp 10.1.1.14 --nolaunchpppd').server).toBe('10.1.1.14');
    expect(parse('/usr/sbin/pptp --loglevel 0 --timeout 10 vpn.example.org').server).toBe(
      'vpn.example.org',
    );
    expect(parse('pptp -- vpn.example.org').server).toBe('vpn.example.org');
  });

  it('--phone NUMBER: the Outgoing-Call-Request phone number', () => {
    expect(options('--phone 5551234').phone).toBe('5551234');
    expect(options('--phone=555 --nolaunchpppd').phone).toBe('555');
    expect(pptpTunnelOptions(options('--phone 42')).phoneNumber).toBe('42');
  });

  it('--localbind ADDR and --rtmark N: the sockets to the server', () => {
    const o = options('--localbind 192.0.2.9 --rtmark 0x2a');
    expect(o).toMatchObject({ localBind: '192.0.2.9', rtMark: 42 });
    expect(options('--rtmark 4294967295').rtMark).toBe(0xffffffff);
    const settings = loadPeer('vpn', {
      read: (p) =>
        p === '/etc/ppp/peers/vpn' ? 'pty "pptp h --localbind 10.0.0.2 --rtmark 7"' : NO_SUCH_FILE,
      globalOptions: false,
    }).settings;
    expect(socketBinding(settings)).toEqual({ localAddress: '10.0.0.2', mark: 7 });
  });

  it('--nohostroute', () => {
    expect(options('--nohostroute').noHostRoute).toBe(true);
    expect(options('').noHostRoute).toBe(false);
  });

  it('--timeout SECS and --nobuffer: a fixed wait for a missing GRE packet', () => {
    expect(options('--timeout 0.3').reorderHoldMs).toBe(300);
    expect(options('--timeout .01').reorderHoldMs).toBe(10);
    expect(options('--timeout 10').reorderHoldMs).toBe(10_000);
    expect(options('').reorderHoldMs).toBeUndefined();
    // pptp-linux: "Any --timeout specified will be ignored", in either order.
    expect(options('--nobuffer --timeout 2').reorderHoldMs).toBe(0);
    const o = options('--timeout 2 --nobuffer');
    expect(o.reorderHoldMs).toBe(0);
    expect(o.noEffect.map((e) => e.option)).toEqual(['--timeout']);
    expect(pptpTunnelOptions(o).greReorder).toEqual({ holdMs: 0 });
  });

  it('--missing-window N: the reorder buffer drops packets that far ahead', () => {
    expect(pptpTunnelOptions(options('--missing-window 6000')).greReorder).toEqual({
      maxAhead: 6000,
      slots: 64,
    });
    // Never more slots than the window: a packet is never held further ahead than it.
    expect(pptpTunnelOptions(options('--missing-window 20')).greReorder).toEqual({
      maxAhead: 20,
      slots: 16,
    });
  });

  it('--idle-wait and --max-echo-wait: the control connection keepalive', () => {
    expect(pptpTunnelOptions(options('--idle-wait 30 --max-echo-wait 10')).controlEcho).toEqual({
      intervalMs: 30_000,
      timeoutMs: 10_000,
    });
    expect(pptpTunnelOptions(options('--idle-wait 0')).controlEcho).toEqual({
      intervalMs: Number.POSITIVE_INFINITY,
    });
    expect(pptpTunnelOptions(options('')).controlEcho).toBeUndefined();
  });

  it('--loglevel N and --logstring NAME', () => {
    expect(options('--loglevel 0 --logstring nm-pptp').logLevel).toBe(0);
    expect(options('--loglevel 2').logLevel).toBe(2);
    expect(options('--logstring nm-pptp').logString).toBe('nm-pptp');
  });

  it('accepts the options that need a pptp–pppd pty pair, with the reason they do nothing', () => {
    const o = options('--nolaunchpppd --debug --sync --test-type 0 --test-rate 50');
    expect(o.noEffect.map((e) => e.option)).toEqual([
      '--nolaunchpppd',
      '--debug',
      '--sync',
      '--test-type',
      '--test-rate',
    ]);
    for (const e of o.noEffect.slice(0, 3)) expect(e.why).toMatch(/no pty between them/);
  });

  it('takes unambiguous abbreviations and --name=value, as getopt_long does', () => {
    expect(options('--nohost --rtm=9 --time 1').rtMark).toBe(9);
    expect(options('--nohost').noHostRoute).toBe(true);
    expect(failure('pptp h --no').message).toBe(
      '/etc/ppp/peers/vpn:3: pty --no: ambiguous: --nolaunchpppd, --nobuffer, --nohostroute',
    );
  });

  it('no-ops reach the loaded peer’s ignored options with the pty line', () => {
    const loaded = loadPeer('vpn', {
      read: (p) => (p === '/etc/ppp/peers/vpn' ? 'noauth\npty "pptp h --sync"\n' : NO_SUCH_FILE),
      globalOptions: false,
    });
    expect(loaded.ignored).toEqual([
      { file: '/etc/ppp/peers/vpn', line: 2, option: '--sync', why: expect.stringMatching(/HDLC/) },
    ]);
  });
});

describe('pty "pptp HOST ...": refused options and bad values name file, line and option', () => {
  it.each([
    [
      'pptp h --localport 1723',
      'CONFIG_UNKNOWN_OPTION',
      'pty --localport: not a pptp-linux option',
    ],
    ['pptp h --bogus', 'CONFIG_UNKNOWN_OPTION', 'pty --bogus: not a pptp-linux option'],
    ['pptp h -d', 'CONFIG_UNKNOWN_OPTION', 'pty -d: not a pptp-linux option'],
    [
      'pptp h --version',
      'CONFIG_UNSUPPORTED_OPTION',
      'pty --version: not supported: pptp would print',
    ],
    [
      'pptp h --quirks BEZEQ_ISRAEL',
      'CONFIG_UNSUPPORTED_OPTION',
      'pty --quirks: not supported: the BEZEQ',
    ],
    ['pptp h --quirks OTHER', 'CONFIG_BAD_VALUE', "pty --quirks: unknown quirk 'OTHER'"],
    [
      'pptp h --test-type 2',
      'CONFIG_UNSUPPORTED_OPTION',
      'pty --test-type: not supported: pptpkit never',
    ],
    [
      'pptp h --test-type 4',
      'CONFIG_BAD_VALUE',
      "pty --test-type: '4' is not a whole number in 0..3",
    ],
    ['pptp h --test-rate 0', 'CONFIG_BAD_VALUE', 'pty --test-rate: '],
    ['pptp h --timeout 0.001', 'CONFIG_BAD_VALUE', 'pty --timeout: 0.001 s is out of range'],
    ['pptp h --timeout 11', 'CONFIG_BAD_VALUE', 'pty --timeout: 11 s is out of range'],
    ['pptp h --timeout 1s', 'CONFIG_BAD_VALUE', "pty --timeout: '1s' is not a number of seconds"],
    [
      'pptp h --localbind eth0',
      'CONFIG_BAD_VALUE',
      "pty --localbind: 'eth0' is not an IPv4 address",
    ],
    ['pptp h --rtmark -1', 'CONFIG_BAD_VALUE', "pty --rtmark: '-1' is not a mark"],
    ['pptp h --rtmark 4294967296', 'CONFIG_BAD_VALUE', 'pty --rtmark: '],
    [
      'pptp h --loglevel 3',
      'CONFIG_BAD_VALUE',
      "pty --loglevel: '3' is not a whole number in 0..2",
    ],
    ['pptp h --idle-wait -5', 'CONFIG_BAD_VALUE', 'pty --idle-wait: '],
    [
      'pptp h --max-echo-wait 0',
      'CONFIG_BAD_VALUE',
      "pty --max-echo-wait: '0' is not a whole number in 1..86400",
    ],
    ['pptp h --missing-window 0', 'CONFIG_BAD_VALUE', 'pty --missing-window: '],
    ['pptp h --phone', 'CONFIG_MISSING_ARGUMENT', 'pty --phone: needs a value'],
    [
      `pptp h --phone ${'9'.repeat(65)}`,
      'CONFIG_BAD_VALUE',
      'pty --phone: longer than the 64 octets',
    ],
    ['pptp h --nobuffer=1', 'CONFIG_BAD_VALUE', 'pty --nobuffer: takes no value'],
    [
      'pptp h --nolaunchpppd noauth',
      'CONFIG_UNSUPPORTED_OPTION',
      'pty noauth: not supported: pptp hands',
    ],
    ['pptp --nolaunchpppd', 'CONFIG_NO_SERVER', 'pty: the pptp command names no server'],
    ['ssh host pppd', 'CONFIG_BAD_VALUE', 'pty: pptpkit can only replace "pptp HOST ..."'],
  ])('%s', (cmd, code, message) => {
    const e = failure(cmd);
    expect(e.code).toBe(code);
    expect(e.message.startsWith(`/etc/ppp/peers/vpn:3: ${message}`)).toBe(true);
  });

  it('a refused pty option stops loading the peer; with --lenient it is a warning and the server stays', () => {
    const read = (p: string) =>
      p === '/etc/ppp/peers/vpn'
        ? 'name alice\npty "pptp h --quirks BEZEQ_ISRAEL --rtmark 5"\n'
        : NO_SUCH_FILE;
    expect(() => loadPeer('vpn', { read, globalOptions: false })).toThrow(
      '/etc/ppp/peers/vpn:2: pty --quirks: not supported',
    );
    const lenient = loadPeer('vpn', { read, globalOptions: false, lenient: true });
    expect(lenient.warnings.map((w) => w.message)).toEqual([
      '/etc/ppp/peers/vpn:2: pty --quirks: not supported: the BEZEQ_ISRAEL quirk (Orckit ADSL modems) is not implemented',
    ]);
    expect(lenient.settings.server?.host).toBe('h');
    expect(lenient.settings.pptp?.rtMark).toBe(5);
  });

  it('bad values stay errors with --lenient, as for pppd options', () => {
    const read = (p: string) =>
      p === '/etc/ppp/peers/vpn' ? 'pty "pptp h --rtmark x"\n' : NO_SUCH_FILE;
    expect(() => loadPeer('vpn', { read, globalOptions: false, lenient: true })).toThrow(
      "/etc/ppp/peers/vpn:1: pty --rtmark: 'x' is not a mark",
    );
  });
});
