import { describe, expect, it } from 'vitest';
import {
  defaultPeerSettings,
  localName,
  type PeerSettings,
  resolveCredentials,
  usableAuthMethods,
} from '../../src/config/index.js';

const files = { chap: '/etc/ppp/chap-secrets', pap: '/etc/ppp/pap-secrets' };

/** Resolves with in-memory files, recording which secrets files were read. */
function resolve(settings: PeerSettings, contents: Record<string, string>) {
  const read = (path: string): string | undefined => contents[path];
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
      "no secret for 'alice' and server 'PPTP' in /etc/ppp/chap-secrets (or a password option)",
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
      for (const m of ['mschap-v2', 'mschap'] as const) x.refuse.add(m);
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
    expect(() => resolve(s, {})).toThrow(/\+ua: cannot read '\/etc\/ppp\/ua'/);
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
    expect(usableAuthMethods(base)).toEqual(['mschap-v2', 'mschap']);
    const open = settingsWith((x) => {
      x.mppe.required = false;
      x.refuse.add('mschap');
    });
    expect(usableAuthMethods(open)).toEqual(['mschap-v2', 'chap', 'pap']);
  });
});
