import { PptpkitError } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { optionTable } from '../../../src/config/option-table.js';
import { NO_SUCH_FILE } from '../../../src/config/read-failure.js';
import { loadServerConfig, serverOption } from '../../../src/serve/config/index.js';

const ip = (text: string): number => text.split('.').reduce((a, o) => a * 256 + Number(o), 0);

/** Loads a pptpd.conf naming `/etc/ppp/o`, with `global` as /etc/ppp/options. */
const load = (
  options: string,
  extra: { global?: string; lenient?: boolean; hostname?: string } = {},
) =>
  loadServerConfig({
    configFile: '/etc/pptpd.conf',
    read: (p) =>
      ({
        '/etc/pptpd.conf': 'option /etc/ppp/o\nlocalip 10.0.0.1\nremoteip 10.0.0.2-9\n',
        '/etc/ppp/o': options,
        '/etc/ppp/inc': 'ms-dns 192.0.2.53\n',
        ...(extra.global === undefined ? {} : { '/etc/ppp/options': extra.global }),
      })[p] ?? NO_SUCH_FILE,
    ...(extra.lenient === undefined ? {} : { lenient: extra.lenient }),
    ...(extra.hostname === undefined ? {} : { hostname: extra.hostname }),
  });

function thrown(f: () => unknown): PptpkitError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(PptpkitError);
    return error as PptpkitError;
  }
  throw new Error('did not throw');
}

describe('required authentication methods (pppd auth.c)', () => {
  it.each([
    ['', []],
    ['noauth', []],
    ['auth', ['mschap-v2', 'mschap', 'eap', 'chap', 'pap']],
    ['require-eap', ['eap']],
    ['require-pap require-mschap-v2', ['mschap-v2', 'pap']],
    ['require-chap +mschap', ['mschap', 'chap']],
    ['require-chap noauth', []],
    // noauth clears auth_required but not the methods named before it.
    ['require-chap noauth require-pap', ['chap', 'pap']],
    ['auth refuse-pap refuse-chap', ['mschap-v2', 'mschap', 'eap', 'chap', 'pap']],
  ])('%j requires %j', (options, methods) => {
    expect(load(options).requireAuth).toEqual(methods);
  });

  it('warns when no authentication is required', () => {
    expect(load('noauth').warnings.map((w) => w.message)).toContain(
      'no authentication required (no auth or require-* option): any peer may connect',
    );
  });

  it('require-eap satisfies require-mppe (EAP-MS-CHAP-V2 keys it); require-chap alone does not', () => {
    expect(load('require-eap\nrequire-mppe-128\n').requireAuth).toEqual(['eap']);
    expect(thrown(() => load('require-chap\nrequire-mppe-128\n')).code).toBe('CONFIG_BAD_VALUE');
  });

  it('eap-interval is refused (periodic re-authentication), EAP-SRP options are ignored', () => {
    expect(thrown(() => load('auth\neap-interval 30\n')).code).toBe('CONFIG_UNSUPPORTED_OPTION');
    expect(load('require-eap\nsrp-use-pseudonym\n').ignored).toContainEqual(
      expect.objectContaining({ option: 'srp-use-pseudonym' }),
    );
  });
});

describe('MPPE (pppd ccp.c)', () => {
  it.each([
    ['require-mschap-v2', { required: false, allow128: false, allow40: false }],
    ['require-mschap-v2 require-mppe', { required: true, allow128: true, allow40: true }],
    ['require-mschap-v2 require-mppe-40', { required: true, allow128: false, allow40: true }],
    [
      'require-mschap-v2 require-mppe nomppe-40',
      { required: true, allow128: true, allow40: false },
    ],
    [
      'require-mschap-v2 require-mppe-40 require-mppe-128',
      { required: true, allow128: true, allow40: true },
    ],
    ['require-mschap-v2 require-mppe nomppe', { required: false, allow128: false, allow40: false }],
    ['require-mschap-v2 mppe required,no40', { required: true, allow128: true, allow40: false }],
  ])('%j', (options, mppe) => {
    expect(load(options).mppe).toMatchObject(mppe);
  });

  it('mppe-stateful allows stateful mode; the default is stateless only', () => {
    expect(load('require-mschap-v2 require-mppe').mppe.allowStateful).toBe(false);
    expect(load('require-mschap-v2 require-mppe mppe-stateful').mppe.allowStateful).toBe(true);
  });

  it('drops a required method that gives no MPPE keys, with a warning naming it', () => {
    const config = load('require-mschap-v2\nrequire-pap\nrequire-mppe-128\n');
    expect(config.requireAuth).toEqual(['mschap-v2']);
    expect(config.warnings).toContainEqual(
      expect.objectContaining({
        file: '/etc/ppp/o',
        line: 2,
        message: expect.stringMatching(/^require-pap: gives no MPPE keys/),
      }),
    );
  });

  it('MS-CHAP keys no 40-bit MPPE (pppd drops 40-bit after MS-CHAP v1)', () => {
    expect(load('require-mschap require-mschap-v2 require-mppe-40').requireAuth).toEqual([
      'mschap-v2',
    ]);
    expect(load('require-mschap require-mppe').requireAuth).toEqual(['mschap']);
  });

  it.each([
    ['require-chap\nrequire-mppe\n', 'only chap is required'],
    ['require-mppe\n', 'no authentication is required'],
  ])('%j is an error naming the MPPE option', (options, problem) => {
    const error = thrown(() => load(options));
    expect(error.code).toBe('CONFIG_BAD_VALUE');
    expect(error.message).toMatch(/^\/etc\/ppp\/o:\d: require-mppe: /);
    expect(error.message).toContain(problem);
  });

  it('noccp with MPPE required is an error', () => {
    expect(thrown(() => load('require-mschap-v2\nrequire-mppe\nnoccp\n')).message).toMatch(
      /^\/etc\/ppp\/o:3: noccp: /,
    );
  });
});

describe('other server options', () => {
  it('ms-dns and ms-wins: the last two given; a single one is primary and secondary', () => {
    expect(load('auth ms-dns 192.0.2.1').dns).toEqual([ip('192.0.2.1'), ip('192.0.2.1')]);
    expect(load('auth ms-dns 192.0.2.1 ms-dns 192.0.2.2 ms-dns 192.0.2.3').dns).toEqual([
      ip('192.0.2.2'),
      ip('192.0.2.3'),
    ]);
    expect(load('auth ms-wins 192.0.2.9').wins).toEqual([ip('192.0.2.9'), ip('192.0.2.9')]);
    expect(load('auth').dns).toEqual([]);
  });

  it('ms-dns takes an address, not a host name', () => {
    expect(thrown(() => load('auth\nms-dns dns.example\n')).message).toMatch(
      /^\/etc\/ppp\/o:2: ms-dns: /,
    );
  });

  it('noproxyarp disables a later proxyarp, as in pppd', () => {
    expect(load('auth proxyarp').proxyArp).toBe(true);
    expect(load('auth proxyarp noproxyarp').proxyArp).toBe(false);
    expect(thrown(() => load('auth\nnoproxyarp\nproxyarp\n')).message).toBe(
      '/etc/ppp/o:3: proxyarp: disabled by noproxyarp at /etc/ppp/o:2',
    );
  });

  it('numbers, strings and includes', () => {
    const config = load(
      'auth mtu 1400 mru 0x578 idle 600 maxconnect 3600 lcp-echo-interval 10 lcp-echo-failure 3 debug logfile /var/log/ppp ipparam office file /etc/ppp/inc',
    );
    expect(config).toMatchObject({
      mtu: 1400,
      mru: 1400,
      idle: 600,
      maxConnect: 3600,
      echoInterval: 10,
      echoFailure: 3,
      debug: true,
      logFile: '/var/log/ppp',
      ipparam: 'office',
      dns: [ip('192.0.2.53'), ip('192.0.2.53')],
    });
    expect(config.files).toEqual(['/etc/pptpd.conf', '/etc/ppp/o', '/etc/ppp/inc']);
    expect(load('auth idle 600 idle 0').idle).toBeUndefined();
  });

  it("name defaults to the host name (with domain), as pppd's our_name does", () => {
    expect(load('auth', { hostname: 'gw' }).name).toBe('gw');
    expect(load('auth domain example.org', { hostname: 'gw' }).name).toBe('gw.example.org');
    expect(load('auth name vpn', { hostname: 'gw' }).name).toBe('vpn');
    expect(load('auth name vpn usehostname', { hostname: 'gw' }).name).toBe('gw');
    expect(load('auth').name).toBe('pptpd');
  });

  it('options of the global file apply first; the option file overrides them', () => {
    const config = load('noauth lcp-echo-interval 5', { global: 'auth lcp-echo-interval 30' });
    expect(config.requireAuth).toEqual([]);
    expect(config.echoInterval).toBe(5);
  });

  it.each([
    ['bogus-option', 'CONFIG_UNKNOWN_OPTION'],
    ['defaultroute', 'CONFIG_UNSUPPORTED_OPTION'],
    ['plugin radius.so', 'CONFIG_UNSUPPORTED_OPTION'],
    ['persist-not', 'CONFIG_UNKNOWN_OPTION'],
    ['pty "pptp host"', 'CONFIG_UNSUPPORTED_OPTION'],
    ['ifname ppp9', 'CONFIG_UNSUPPORTED_OPTION'],
    ['mtu 64', 'CONFIG_BAD_VALUE'],
    ['lcp-echo-interval', 'CONFIG_MISSING_ARGUMENT'],
  ])(
    '%j on line 2 is an error naming file and line; with lenient, unknown and refused warn',
    (line, code) => {
      const error = thrown(() => load(`auth\n${line}\n`));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(/^\/etc\/ppp\/o:2: /);
      if (code === 'CONFIG_UNKNOWN_OPTION' || code === 'CONFIG_UNSUPPORTED_OPTION') {
        const config = load(`auth\n${line}\n`, { lenient: true });
        expect(config.warnings.some((w) => w.file === '/etc/ppp/o' && w.line === 2)).toBe(true);
      }
    },
  );

  it("every option the client ignores as a server's business gets a server meaning", () => {
    const clientServerWhy = 'only matters when authenticating the peer or serving it settings';
    const leftOver = [...optionTable]
      .filter(([name]) => {
        const spec = serverOption(name);
        return spec !== undefined && spec.kind !== 'implemented' && spec.why === clientServerWhy;
      })
      .map(([name]) => name);
    expect(leftOver).toEqual([]);
    // and the table agrees with pppd on argument counts for the options it redefines
    for (const [name, client] of optionTable) {
      expect([name, serverOption(name)?.args]).toEqual([name, client.args]);
    }
  });
});
