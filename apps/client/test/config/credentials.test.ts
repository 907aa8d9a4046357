import { describe, expect, it } from 'vitest';
import {
  defaultPeerSettings,
  localName,
  type PeerSettings,
  resolveCredentials,
  usableAuthMethods,
} from '../../src/config/index.js';
import { NO_SUCH_FILE, type ReadFailure, type ReadResult } from '../../src/config/read-failure.js';

const files = { chap: '/etc/ppp/chap-secrets', pap: '/etc/ppp/pap-secrets' };

/** Resolves with in-memory files, recording which secrets files were read. */
function resolve(
  settings: PeerSettings,
  contents: Record<string, string | ReadFailure>,
  extra: { credential?: string; prompted?: string } = {},
) {
  const read = (path: string): ReadResult => contents[path] ?? NO_SUCH_FILE;
  const opened: string[] = [];
  const readSecrets = (path: string) => {
    opened.push(path);
    return read(path);
  };
  const result = resolveCredentials(settings, {
    read,
    readSecrets,
    files,
    hostname: 'laptop',
    ...extra,
  });
  return { ...result, opened };
}

const settingsWith = (change: (s: PeerSettings) => void): PeerSettings => {
  const s = defaultPeerSettings();
  change(s);
  return s;
};

describe('resolveCredentials (pppd auth.c rules for our own secrets)', () => {
  it('takes MS-CHAP secrets from chap-secrets and never opens pap-secrets while MPPE is required', () => {
    const s = settingsWith((x) => Object.assign(x, { name: 'alice', remotename: 'PPTP' }));
    const r = resolve(s, {
      [files.chap]: 'alice PPTP chap-pw *\n',
      [files.pap]: 'alice * pap-pw\n',
    });
    expect(r.credentials).toEqual({ user: 'alice', chapPassword: 'chap-pw' });
    expect(r.opened).toEqual([files.chap]);
  });

  it('takes the PAP secret from pap-secrets when PAP is usable, each method its own', () => {
    const s = settingsWith((x) => {
      x.name = 'alice';
      x.mppe.required = false;
    });
    const r = resolve(s, {
      [files.chap]: 'alice * chap-pw\n',
      [files.pap]: '# pap\nalice * "pap pw"\n',
    });
    expect(r.credentials).toEqual({
      user: 'alice',
      chapPassword: 'chap-pw',
      papPassword: 'pap pw',
    });
  });

  it('lets the password option win for every method without opening a file', () => {
    const s = settingsWith((x) => Object.assign(x, { name: 'alice', password: 'inline' }));
    const r = resolve(s, { [files.chap]: 'alice * chap-pw\n' });
    expect(r.credentials).toEqual({ user: 'alice', password: 'inline' });
    expect(r.opened).toEqual([]);
  });

  it('is fine with a missing file while another usable method has a secret', () => {
    const s = settingsWith((x) => {
      x.name = 'alice';
      x.mppe.required = false;
      x.refuse.add('chap');
    });
    // Only pap-secrets exists: the MS-CHAP methods will fail clearly if the server picks them.
    expect(resolve(s, { [files.pap]: 'alice * pap-pw\n' }).credentials).toEqual({
      user: 'alice',
      papPassword: 'pap-pw',
    });
    // Only chap-secrets exists.
    expect(resolve(s, { [files.chap]: 'alice * chap-pw\n' }).credentials).toEqual({
      user: 'alice',
      chapPassword: 'chap-pw',
    });
  });

  it('fails with CONFIG_NO_SECRET naming the files, never a secret, when nothing matches', () => {
    const s = settingsWith((x) => Object.assign(x, { name: 'alice', remotename: 'PPTP' }));
    const attempt = () => resolve(s, { [files.chap]: 'bob PPTP bobs-secret *\n' });
    expect(attempt).toThrow(
      "no secret for 'alice' and server 'PPTP' in /etc/ppp/chap-secrets (or a password, password-file or credential)",
    );
    expect(attempt).toThrow(expect.objectContaining({ code: 'CONFIG_NO_SECRET' }));
    try {
      attempt();
    } catch (e) {
      expect(JSON.stringify({ m: (e as Error).message, ...(e as object) })).not.toContain('bobs');
    }
    const open = settingsWith((x) => {
      x.name = 'alice';
      x.mppe.required = false;
    });
    expect(() => resolve(open, {})).toThrow(
      /in \/etc\/ppp\/chap-secrets or \/etc\/ppp\/pap-secrets/,
    );
    const refusedAll = settingsWith((x) => {
      for (const m of ['mschap-v2', 'mschap', 'eap'] as const) x.refuse.add(m);
    });
    expect(() => resolve(refusedAll, {})).toThrow(/every authentication method is refused/);
  });

  it('without remotename any server column matches, an exact client first', () => {
    const s = settingsWith((x) => (x.name = 'alice'));
    const r = resolve(s, { [files.chap]: '* * any\nalice vpn1 mine *\n' });
    expect(r.credentials.chapPassword).toBe('mine');
  });

  it('reads user and password from a +ua file', () => {
    const s = settingsWith((x) => (x.uaFile = '/etc/ppp/ua'));
    expect(resolve(s, { '/etc/ppp/ua': 'carol\r\nc-pw\n' }).credentials).toEqual({
      user: 'carol',
      password: 'c-pw',
    });
    expect(() => resolve(s, {})).toThrow("+ua: cannot read '/etc/ppp/ua': no such file (ENOENT)");
  });
});

describe('resolveCredentials: pptpkit password sources and their order', () => {
  const credential = '/run/credentials/pptpkit@work.service/password';
  const denied: ReadFailure = { reason: 'permission denied', errno: 'EACCES' };
  const alice = (change: (s: PeerSettings) => void = () => {}): PeerSettings =>
    settingsWith((x) => {
      x.name = 'alice';
      change(x);
    });
  const everything = {
    '/etc/pptpkit/work.password': 'from-file\nsecond line ignored\n',
    [credential]: 'from-credential\r\n',
    [files.chap]: 'alice * from-secrets\n',
  };

  it('password > password-file > credential > chap-secrets > prompt, the first found wins', () => {
    const withFile = alice((x) => (x.passwordFile = '/etc/pptpkit/work.password'));
    const withBoth = alice((x) => {
      x.password = 'from-option';
      x.passwordFile = '/etc/pptpkit/work.password';
    });
    const all = { credential, prompted: 'typed' };
    expect(resolve(withBoth, everything, all)).toMatchObject({
      credentials: { user: 'alice', password: 'from-option' },
      source: 'password',
    });
    const fromFile = resolve(withFile, everything, all);
    expect(fromFile).toMatchObject({
      credentials: { user: 'alice', password: 'from-file' },
      source: 'password-file',
    });
    // The password file is read as a secret (so its permissions are checked), no secrets file.
    expect(fromFile.opened).toEqual(['/etc/pptpkit/work.password']);
    expect(resolve(alice(), everything, all)).toMatchObject({
      credentials: { user: 'alice', password: 'from-credential' },
      source: 'credential',
    });
    const { [credential]: _gone, ...noCredential } = everything;
    expect(resolve(alice(), noCredential, all)).toMatchObject({
      credentials: { user: 'alice', chapPassword: 'from-secrets' },
      source: 'secrets',
    });
    expect(resolve(alice(), {}, all)).toMatchObject({
      credentials: { user: 'alice', password: 'typed' },
      source: 'prompt',
    });
    // +ua, like password, comes before everything.
    const ua = alice((x) => (x.uaFile = '/etc/ppp/ua'));
    expect(resolve(ua, { ...everything, '/etc/ppp/ua': 'bob\nua-pw\n' }, all)).toMatchObject({
      credentials: { user: 'bob', password: 'ua-pw' },
      source: '+ua',
    });
  });

  it('new-password-file: its first line is the new password for an MS-CHAPv2 change, whatever gives the old', () => {
    const withNew = (change: (x: PeerSettings) => void = () => {}) =>
      alice((x) => {
        x.newPasswordFile = '/etc/pptpkit/work.new';
        change(x);
      });
    const fromSecrets = resolve(withNew(), {
      [files.chap]: 'alice * old-pw\n',
      '/etc/pptpkit/work.new': 'New-pw-x2\r\nignored\n',
    });
    expect(fromSecrets.credentials).toEqual({
      user: 'alice',
      chapPassword: 'old-pw',
      newPassword: 'New-pw-x2',
    });
    expect(fromSecrets.source).toBe('secrets');
    const inline = resolve(
      withNew((x) => (x.password = 'old-pw')),
      { '/etc/pptpkit/work.new': 'New-pw-x2\n' },
    );
    expect(inline.credentials).toEqual({
      user: 'alice',
      password: 'old-pw',
      newPassword: 'New-pw-x2',
    });
    // Without the option, no new password.
    expect(resolve(alice(), { [files.chap]: 'alice * old-pw\n' }).credentials).not.toHaveProperty(
      'newPassword',
    );
    expect(() =>
      resolve(
        withNew((x) => (x.password = 'old-pw')),
        {},
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_UNREADABLE',
        message: "new-password-file: cannot read '/etc/pptpkit/work.new': no such file (ENOENT)",
      }),
    );
  });

  it('a password-file or credential that exists but cannot be read is CONFIG_UNREADABLE with the errno', () => {
    const withFile = alice((x) => (x.passwordFile = '/etc/pptpkit/work.password'));
    expect(() => resolve(withFile, {})).toThrow(
      expect.objectContaining({
        code: 'CONFIG_UNREADABLE',
        message: "password-file: cannot read '/etc/pptpkit/work.password': no such file (ENOENT)",
      }),
    );
    expect(() => resolve(alice(), { [credential]: denied }, { credential })).toThrow(
      `the systemd credential: cannot read '${credential}': permission denied (EACCES)`,
    );
    // No credential file in the credentials directory: the secrets files are next.
    expect(resolve(alice(), { [files.chap]: 'alice * s\n' }, { credential }).source).toBe(
      'secrets',
    );
  });

  it('an unreadable secrets file is CONFIG_UNREADABLE naming why, distinct from CONFIG_NO_SECRET', () => {
    const error = (() => {
      try {
        resolve(alice(), { [files.chap]: denied });
      } catch (e) {
        return e as { code?: string; message: string; details?: unknown };
      }
      throw new Error('no error');
    })();
    expect(error).toMatchObject({
      code: 'CONFIG_UNREADABLE',
      message: "the secrets file: cannot read '/etc/ppp/chap-secrets': permission denied (EACCES)",
      details: { path: '/etc/ppp/chap-secrets', errno: 'EACCES' },
    });
    const isDir = { reason: 'a directory, not a regular file', errno: 'EISDIR' };
    expect(() => resolve(alice(), { [files.chap]: isDir })).toThrow(/\(EISDIR\)$/);
    // A file that does not exist is not an error by itself: nothing matched is CONFIG_NO_SECRET.
    expect(() => resolve(alice(), {})).toThrow(
      expect.objectContaining({ code: 'CONFIG_NO_SECRET' }),
    );
    // The prompt comes only after the files: an unreadable one still stops the run.
    expect(() => resolve(alice(), { [files.chap]: denied }, { prompted: 'typed' })).toThrow(
      /permission denied/,
    );
  });
});

describe('localName and usableAuthMethods', () => {
  it('uses name, else the host name with domain; usehostname overrides name', () => {
    const base = defaultPeerSettings();
    expect(localName(base, 'laptop')).toBe('laptop');
    expect(localName({ ...base, domain: 'example.org' }, 'laptop')).toBe('laptop.example.org');
    expect(localName({ ...base, name: 'alice' }, 'laptop')).toBe('alice');
    expect(localName({ ...base, name: 'alice', useHostname: true }, 'laptop')).toBe('laptop');
    // With no name and no user, the user is the host name (pppd's default).
    expect(resolve(base, { [files.chap]: 'laptop * pw\n' }).credentials.user).toBe('laptop');
  });

  it('offers PAP and CHAP-MD5 only without required MPPE, minus refusals', () => {
    const base = defaultPeerSettings();
    expect(usableAuthMethods(base)).toEqual(['mschap-v2', 'mschap', 'eap']);
    const open = settingsWith((x) => {
      x.mppe.required = false;
      x.refuse.add('mschap');
      x.refuse.add('eap');
    });
    expect(usableAuthMethods(open)).toEqual(['mschap-v2', 'chap', 'pap']);
  });
});
