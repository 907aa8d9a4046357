import { describe, expect, it } from 'vitest';
import { loadPeer, type PeerSettings } from '../../src/config/index.js';
import { NO_SUCH_FILE, type ReadResult } from '../../src/config/read-failure.js';

/** An in-memory /etc/ppp. */
const fsOf =
  (files: Record<string, string>) =>
  (path: string): ReadResult =>
    files[path] ?? NO_SUCH_FILE;

// The seed guide's files, verbatim apart from the <login> placeholder.
const seedPeer =
  'pty "pptp 10.1.1.14 --nolaunchpppd" name alice remotename PPTP require-chap file /etc/ppp/options.pptp ipparam tunnel\n';
const seedPolbox = 'lock noauth nobsdcomp nodeflate require-mppe mppe-stateful\n';
const seedSourceForge = 'lock noauth nobsdcomp nodeflate mppe-40 mppe-128 mppe-stateless\n';

const load = (files: Record<string, string>, peer = 'PAL', lenient = false) =>
  loadPeer(peer, { read: fsOf(files), lenient });

describe('loadPeer with the seed guide files', () => {
  it('reads the PAL peer with the polbox options.pptp', () => {
    const { settings, files } = load({
      '/etc/ppp/peers/PAL': seedPeer,
      '/etc/ppp/options.pptp': seedPolbox,
    });
    expect(files).toEqual(['/etc/ppp/peers/PAL', '/etc/ppp/options.pptp']);
    expect(settings.server?.host).toBe('10.1.1.14');
    expect(settings.server?.at).toEqual({ file: '/etc/ppp/peers/PAL', line: 1 });
    expect(settings.name).toBe('alice');
    expect(settings.remotename).toBe('PPTP');
    expect(settings.ipparam).toBe('tunnel');
    // require-chap asked the server to authenticate, the later noauth cancels that (pppd order).
    expect(settings.requirePeerAuth).toEqual(new Set(['chap']));
    expect(settings.authRequired).toBe(false);
    expect(settings.mppe).toEqual({
      required: true,
      allow40: true,
      allow56: false,
      allow128: true,
      allowStateful: true,
      lengthsChosen: true,
    });
  });

  it('reads the SourceForge spelling of the MPPE options', () => {
    const { settings } = load({
      '/etc/ppp/peers/PAL': seedPeer,
      '/etc/ppp/options.pptp': seedSourceForge,
    });
    expect(settings.mppe).toEqual({
      required: true,
      allow40: true,
      allow56: false,
      allow128: true,
      allowStateful: false,
      lengthsChosen: true,
    });
  });

  it("reads Debian's pptp-linux options.pptp and the global options file first", () => {
    const debianOptionsPptp =
      '###############\n# comment\nlock\nnoauth\nrefuse-pap\nrefuse-eap\nrefuse-chap\nrefuse-mschap\nnobsdcomp\nnodeflate\n# require-mppe-128\n';
    const { settings, files } = load({
      '/etc/ppp/options': 'lcp-echo-interval 20\nlcp-echo-failure 3\n',
      '/etc/ppp/peers/PAL': seedPeer,
      '/etc/ppp/options.pptp': debianOptionsPptp,
    });
    expect(files[0]).toBe('/etc/ppp/options');
    expect(settings.refuse).toEqual(new Set(['pap', 'eap', 'chap', 'mschap']));
    expect([settings.lcpEchoInterval, settings.lcpEchoFailure]).toEqual([20, 3]);
    // Silent about MPPE: the default is MPPE-128 required, stateless.
    expect(settings.mppe).toEqual({
      required: true,
      allow40: false,
      allow56: false,
      allow128: true,
      allowStateful: false,
    });
  });
});

describe('loadPeer options', () => {
  const settingsOf = (text: string): PeerSettings =>
    load({ '/etc/ppp/peers/p': `pptp-server vpn.example\n${text}` }, 'p').settings;

  it('applies numbers (decimal, hex, octal), flags and strings', () => {
    const s = settingsOf(
      'mtu 1400 mru 0x578 unit 010 holdoff 5 maxfail 0 persist defaultroute usepeerdns debug ifname vpn0 logfile /var/log/x updetach user bob password hunter2 mppc',
    );
    expect(s).toMatchObject({
      mtu: 1400,
      mru: 1400,
      unit: 8,
      holdoff: 5,
      maxfail: 0,
      persist: true,
      defaultRoute: true,
      usePeerDns: true,
      debug: true,
      ifname: 'vpn0',
      logfile: '/var/log/x',
      detach: 'updetach',
      user: 'bob',
      password: 'hunter2',
      mppc: true,
    });
  });

  it('understands the mppe keyword-list syntax and the require/no variants', () => {
    expect(settingsOf('nomppe mppe required,stateless,no40').mppe).toEqual({
      required: true,
      allow40: false,
      allow56: false,
      allow128: false,
      allowStateful: false,
      lengthsChosen: true,
    });
    expect(settingsOf('require-mppe-40').mppe).toMatchObject({ allow40: true, allow128: false });
    expect(settingsOf('require-mppe nomppe-40').mppe).toMatchObject({
      allow40: false,
      allow128: true,
    });
    expect(settingsOf('nomppe').mppe.required).toBe(false);
    expect(settingsOf('replacedefaultroute nodefaultroute')).toMatchObject({
      defaultRoute: false,
      replaceDefaultRoute: false,
    });
  });

  it('names file, line and option for an unknown option, or warns with lenient', () => {
    const files = { '/etc/ppp/peers/p': 'pptp-server h\nlock\n  crtscts-please\n' };
    expect(() => load(files, 'p')).toThrow(/^\/etc\/ppp\/peers\/p:3: crtscts-please: unknown/);
    try {
      load(files, 'p');
    } catch (e) {
      expect(e).toMatchObject({
        code: 'CONFIG_UNKNOWN_OPTION',
        details: { line: 3, option: 'crtscts-please' },
      });
    }
    const lenient = load(files, 'p', true);
    expect(lenient.warnings).toEqual([
      {
        file: '/etc/ppp/peers/p',
        line: 3,
        message: "unknown or unsupported option 'crtscts-please'",
      },
    ]);
  });

  it('rejects bad values and missing arguments with their location', () => {
    expect(() => settingsOf('mtu 99999')).toThrow(/:2: mtu: '99999' is not a number/);
    expect(() => settingsOf('mtu abc')).toThrow(/CONFIG|not a number/);
    expect(() => settingsOf('name')).toThrow(/:2: name: needs a value/);
    expect(() => settingsOf('mppe sideways')).toThrow(/unknown MPPE keyword 'sideways'/);
  });

  it('never echoes a password value in errors, and warns that it is there', () => {
    const r = load({ '/etc/ppp/peers/p': 'pptp-server h password s3cret' }, 'p');
    expect(r.warnings[0]?.message).toMatch(/chap-secrets/);
    expect(JSON.stringify(r.warnings)).not.toContain('s3cret');
  });

  it('follows call and file includes and detects loops', () => {
    const { settings, files } = load(
      {
        '/etc/ppp/peers/p': 'call common\nname me',
        '/etc/ppp/peers/common': 'pptp-server h file /etc/ppp/extra',
        '/etc/ppp/extra': 'usepeerdns',
      },
      'p',
    );
    expect(files).toEqual(['/etc/ppp/peers/p', '/etc/ppp/peers/common', '/etc/ppp/extra']);
    expect(settings.usePeerDns).toBe(true);
    expect(() =>
      load({ '/etc/ppp/peers/p': 'file /a', '/a': 'file /b', '/b': '\nfile /a' }, 'p'),
    ).toThrow(/^\/b:2: file: '\/a' includes itself/);
    expect(() => load({ '/etc/ppp/peers/p': 'call ../../etc/shadow' }, 'p')).toThrow(
      /may not contain \.\./,
    );
    expect(() => load({ '/etc/ppp/peers/p': 'file /missing' }, 'p')).toThrow(
      "/etc/ppp/peers/p:1: file: cannot read '/missing': no such file (ENOENT)",
    );
    expect(() => load({}, 'nope')).toThrow(
      "<command line>:1: call: cannot read '/etc/ppp/peers/nope': no such file (ENOENT)",
    );
    expect(() => load({}, '/etc/passwd')).toThrow(/absolute path/);
  });

  it('an optional global options file is skipped only when it does not exist (as pppd does)', () => {
    const peer = { '/etc/ppp/peers/p': 'pptp-server h\n' };
    const denied = { reason: 'permission denied', errno: 'EACCES' };
    const read = (path: string): ReadResult =>
      path === '/etc/ppp/options' ? denied : (peer[path as keyof typeof peer] ?? NO_SUCH_FILE);
    expect(() => loadPeer('p', { read })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_UNREADABLE',
        message:
          "<command line>:1: options: cannot read '/etc/ppp/options': permission denied (EACCES)",
        details: expect.objectContaining({ path: '/etc/ppp/options', errno: 'EACCES' }),
      }),
    );
    expect(
      loadPeer('p', { read: (path) => peer[path as keyof typeof peer] ?? NO_SUCH_FILE }).files,
    ).toEqual(['/etc/ppp/peers/p']);
  });

  it('finds the server in pptp pty commands and refuses other programs', () => {
    const host = (pty: string) =>
      load({ '/etc/ppp/peers/p': `pty '${pty}'` }, 'p').settings.server?.host;
    expect(host('pptp 10.1.1.14 --nolaunchpppd')).toBe('10.1.1.14');
    expect(host('/usr/sbin/pptp --loglevel 0 --timeout 10 vpn.example.org --nolaunchpppd')).toBe(
      'vpn.example.org',
    );
    expect(() => host('ssh host pppd')).toThrow(/can only replace "pptp HOST/);
    expect(() => host('pptp --nolaunchpppd')).toThrow(/names no server/);
  });
});
