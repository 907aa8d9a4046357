import { PptpkitError } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { NO_SUCH_FILE } from '../../../src/config/read-failure.js';
import {
  addressAt,
  addressCount,
  loadServerConfig,
  parseAddressList,
  parsePptpdConf,
} from '../../../src/serve/config/index.js';

const at = { file: '/etc/pptpd.conf', line: 7 };
const ip = (text: string): number => text.split('.').reduce((a, o) => a * 256 + Number(o), 0);

/** The error `f` throws, checked to be a configuration error. */
function thrown(f: () => unknown): PptpkitError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(PptpkitError);
    return error as PptpkitError;
  }
  throw new Error('did not throw');
}

const load = (conf: string, options = 'require-mschap-v2\n', lenient = false) =>
  loadServerConfig({
    configFile: '/etc/pptpd.conf',
    read: (p) => ({ '/etc/pptpd.conf': conf, '/etc/ppp/o': options })[p] ?? NO_SUCH_FILE,
    globalOptions: false,
    lenient,
  });

describe('pptpd address lists', () => {
  it("reads pptpd.conf(5)'s example: singles and a last-octet range, in order", () => {
    const list = parseAddressList('192.168.0.234,192.168.0.245-249,192.168.0.254', at, 'remoteip');
    expect(list).toEqual([
      { first: ip('192.168.0.234'), last: ip('192.168.0.234'), step: 1 },
      { first: ip('192.168.0.245'), last: ip('192.168.0.249'), step: 1 },
      { first: ip('192.168.0.254'), last: ip('192.168.0.254'), step: 1 },
    ]);
    expect(addressCount(list)).toBe(7);
    expect([0, 1, 5, 6, 7].map((i) => addressAt(list, i))).toEqual([
      ip('192.168.0.234'),
      ip('192.168.0.245'),
      ip('192.168.0.249'),
      ip('192.168.0.254'),
      undefined,
    ]);
  });

  it('steps the octet that holds the hyphen, as pptpd does (192.168-178.1.231)', () => {
    const [range] = parseAddressList('192.168-178.1.231', at, 'remoteip');
    expect(range).toEqual({ first: ip('192.168.1.231'), last: ip('192.178.1.231'), step: 65536 });
    const list = [range!];
    expect(addressCount(list)).toBe(11);
    expect(addressAt(list, 1)).toBe(ip('192.169.1.231'));
    expect(parseAddressList('1-3.0.0.1', at, 'localip')[0]!.step).toBe(2 ** 24);
    expect(parseAddressList('10.0.5-6.1', at, 'localip')[0]!.step).toBe(256);
  });

  it.each([
    ['192.168.0.1, 192.168.0.2', 'no spaces'],
    ['192.168.0.1,,192.168.0.2', 'empty item'],
    ['192.168.0.1,', 'empty item'],
    ['192.168.0.238-234', 'not an IPv4 address or range'],
    ['192.168.0.234-8', 'not an IPv4 address or range'], // 8 < 234: "no shortcuts in ranges"
    ['192.168.0.250-256', 'not an IPv4 address or range'],
    ['192.168.0-1.1-2', 'not an IPv4 address or range'],
    ['192.168.0.010', 'not an IPv4 address or range'], // pptpd's inet_addr reads octal
    ['10.0.0.0-10.255.255.255', 'one octet only'], // pptpd: "Bad IP address", exit
    ['vpn.example.com', 'no DNS lookups'],
    ['192.168.0.1 # office', 'no spaces'],
  ])('refuses %j naming file, line and keyword', (value, problem) => {
    const error = thrown(() => parseAddressList(value, at, 'remoteip'));
    expect(error.code).toBe('CONFIG_BAD_VALUE');
    expect(error.message).toMatch(/^\/etc\/pptpd\.conf:7: remoteip: /);
    expect(error.message).toContain(problem);
  });

  it('keeps a list as ranges however many addresses it holds', () => {
    // A pptpd range varies one octet, so holds at most 256 addresses; 16 of them stepping the
    // second octet stay 16 objects.
    const value = Array.from({ length: 16 }, (_, i) => `${i + 10}.0-255.0.1`).join(',');
    const list = parseAddressList(value, at, 'remoteip');
    expect(list).toHaveLength(16);
    expect(addressCount(list)).toBe(16 * 256);
    expect(addressAt(list, 16 * 256 - 1)).toBe(ip('25.255.0.1'));
    const config = load(
      `option /etc/ppp/o\nconnections 65535\nlocalip 10.0.0.1\nremoteip ${value}\n`,
    );
    expect(config.remoteIp).toHaveLength(16);
    expect(config.maxSessions).toBe(4096);
  });
});

describe('pptpd.conf keywords', () => {
  it('reads every keyword pptpd knows', () => {
    const conf = parsePptpdConf(
      [
        '# comment',
        'option /etc/ppp/pptpd-options',
        'listen 192.0.2.1',
        'connections 20',
        'localip 10.0.0.1',
        'remoteip 10.0.0.100-200',
        'debug',
        'stimeout 30',
        'noipparam',
        'logwtmp',
        'speed 115200',
        'ppp /usr/sbin/pppd',
        'pidfile /run/pptpd.pid',
        '',
      ].join('\n'),
      '/etc/pptpd.conf',
      false,
    );
    expect(conf).toMatchObject({
      option: { file: '/etc/ppp/pptpd-options', at: { line: 2 } },
      listen: '192.0.2.1',
      connections: 20,
      localIp: [{ first: ip('10.0.0.1'), last: ip('10.0.0.1') }],
      remoteIp: [{ first: ip('10.0.0.100'), last: ip('10.0.0.200') }],
      debug: true,
      startTimeout: 30,
      noIpparam: true,
      warnings: [],
    });
    expect(conf.ignored.map((i) => `${i.line}:${i.option}`)).toEqual([
      '10:logwtmp',
      '11:speed',
      '12:ppp',
      '13:pidfile',
    ]);
  });

  it.each([
    ['bcrelay eth1', 'CONFIG_UNSUPPORTED_OPTION', 'bcrelay'],
    ['delegate', 'CONFIG_UNSUPPORTED_OPTION', 'delegate'],
    ['localipp 10.0.0.1', 'CONFIG_UNKNOWN_OPTION', 'localipp'],
    ['connections 0', 'CONFIG_BAD_VALUE', 'connections'],
    ['connections 10x', 'CONFIG_BAD_VALUE', 'connections'],
    ['listen eth0', 'CONFIG_BAD_VALUE', 'listen'],
    ['remoteip', 'CONFIG_MISSING_ARGUMENT', 'remoteip'],
    ['  remoteip 10.0.0.2-9', 'CONFIG_BAD_VALUE', 'remoteip'], // pptpd skips the line
    [`remoteip ${'10.0.0.1,'.repeat(60)}10.0.0.2`, 'CONFIG_BAD_VALUE', 'remoteip'], // >509 chars
  ])('%j on line 3 is an error naming file, line and keyword', (line, code, keyword) => {
    const error = thrown(() => parsePptpdConf(`# x\n\n${line}\n`, '/etc/pptpd.conf', false));
    expect(error.code).toBe(code);
    expect(error.message.startsWith(`/etc/pptpd.conf:3: ${keyword}: `)).toBe(true);
    expect(error.details).toMatchObject({ file: '/etc/pptpd.conf', line: 3, option: keyword });
  });

  it('with lenient, an unknown keyword or skipped line is a warning and pptpd skips it', () => {
    const conf = parsePptpdConf(
      'chapms-strip-domain\n remoteip 10.0.0.9\nbcrelay eth1\n',
      'c',
      true,
    );
    expect(conf.remoteIp).toBeUndefined();
    expect(conf.warnings.map((w) => w.line)).toEqual([1, 2, 3]);
  });

  it('uses the first of a repeated keyword, as pptpd does, with a warning', () => {
    const conf = parsePptpdConf('connections 5\nconnections 9\n', 'c', false);
    expect(conf.connections).toBe(5);
    expect(conf.warnings).toEqual([
      { file: 'c', line: 2, message: 'connections: repeated; pptpd uses line 1' },
    ]);
  });

  it("takes a '#' after a value as part of it, as pptpd does", () => {
    const error = thrown(() => parsePptpdConf('localip 10.0.0.1#gw\n', 'c', false));
    expect(error.message).toContain('no comments after a value');
  });

  it('a missing option file is an error naming the option line', () => {
    const error = thrown(() => load('\n\noption /etc/ppp/missing\n'));
    expect(error.code).toBe('CONFIG_UNREADABLE');
    expect(error.message).toBe(
      "/etc/pptpd.conf:3: option: cannot read '/etc/ppp/missing': no such file (ENOENT)",
    );
  });

  it('an unreadable pptpd.conf is CONFIG_UNREADABLE, saying why', () => {
    const denied = { reason: 'permission denied', errno: 'EACCES' };
    const error = thrown(() =>
      loadServerConfig({ configFile: '/etc/pptpd.conf', read: () => denied, globalOptions: false }),
    );
    expect(error.code).toBe('CONFIG_UNREADABLE');
    expect(error.message).toBe(
      "/etc/pptpd.conf:0: pptpd.conf: cannot read '/etc/pptpd.conf': permission denied (EACCES)",
    );
    expect(error.details).toMatchObject({ path: '/etc/pptpd.conf', errno: 'EACCES' });
  });
});

describe("pptpd's pairing of localip and remoteip", () => {
  it('a single localip serves every session; connections is cut to the remote addresses', () => {
    const config = load('option /etc/ppp/o\nlocalip 10.0.0.1\nremoteip 10.0.0.100-104\n');
    expect(config.pairLocal).toBe(false);
    expect(config.maxSessions).toBe(5);
    expect(config.warnings.map((w) => w.message)).toContain(
      'connections 100 cut to 5: only 5 remote addresses',
    );
  });

  it('a localip list pairs slot by slot, the shorter list bounding the sessions', () => {
    const config = load(
      'option /etc/ppp/o\nconnections 3\nlocalip 10.0.0.1-2\nremoteip 10.0.1.1-9\n',
    );
    expect(config.pairLocal).toBe(true);
    expect(config.maxSessions).toBe(2);
    expect(addressAt(config.localIp, 1)).toBe(ip('10.0.0.2'));
    expect(addressAt(config.remoteIp, 1)).toBe(ip('10.0.1.2'));
  });

  it('connections below the address count leaves the extra addresses unused', () => {
    const config = load(
      'option /etc/ppp/o\nconnections 2\nlocalip 10.0.0.1\nremoteip 10.0.1.1-9\n',
    );
    expect(config.maxSessions).toBe(2);
    expect(config.warnings).toEqual([]);
  });
});
