import { PptpkitError } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { NO_SUCH_FILE, type ReadResult } from '../../../src/config/read-failure.js';
import {
  allowedAddresses,
  checkSecret,
  loadServerSecrets,
  lookupServerSecret,
} from '../../../src/serve/config/index.js';

const ip = (text: string): number => text.split('.').reduce((a, o) => a * 256 + Number(o), 0);

const CHAP = [
  '# client  server  secret  addresses',
  'alice     pptpd   "alice s3cret"   10.0.0.5',
  'alice     *       wild-server      *',
  '*         pptpd   wild-client      *',
  'bob       other   bob-other        *',
  'carol     pptpd   @/etc/ppp/carol.pw  *',
  'dave      pptpd   @/etc/ppp/missing.pw *',
  'dave      *       dave-fallback    -',
  'erin      pptpd   @relative        10.0.0.0/24 !10.0.0.13',
  '',
].join('\n');
const PAP = 'frank pptpd "" *\ngina * pw1 *\nhank pptpd @login *\n';

const files: Record<string, string> = {
  '/etc/ppp/chap-secrets': CHAP,
  '/etc/ppp/pap-secrets': PAP,
  '/etc/ppp/carol.pw': 'carol-from-file\n',
};
const read = (p: string): ReadResult => files[p] ?? NO_SUCH_FILE;
const secrets = loadServerSecrets(read);

function thrown(f: () => unknown): PptpkitError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(PptpkitError);
    return error as PptpkitError;
  }
  throw new Error('did not throw');
}

describe('lookupServerSecret: pppd scan_authfile on the server', () => {
  it('an exact client and server beat wildcards', () => {
    const m = lookupServerSecret(secrets, 'mschap-v2', 'alice', 'pptpd', read);
    expect(m.secret).toBe('alice s3cret');
    expect(m.entry.line).toBe(2);
  });

  it('an exact client with a wildcard server beats a wildcard client', () => {
    expect(lookupServerSecret(secrets, 'chap', 'alice', 'gw', read).secret).toBe('wild-server');
  });

  it('a wildcard client matches anyone, but only for our name in the server column', () => {
    expect(lookupServerSecret(secrets, 'mschap', 'zoe', 'pptpd', read).secret).toBe('wild-client');
    expect(lookupServerSecret(secrets, 'mschap-v2', 'bob', 'pptpd', read).secret).toBe(
      'wild-client',
    );
    const error = thrown(() => lookupServerSecret(secrets, 'mschap-v2', 'zoe', 'gw', read));
    expect(error.code).toBe('CONFIG_NO_SECRET');
    expect(error.message).toContain("client 'zoe' and server 'gw'");
  });

  it('a secret @/path is the first word of that file', () => {
    expect(lookupServerSecret(secrets, 'mschap-v2', 'carol', 'pptpd', read).secret).toBe(
      'carol-from-file',
    );
  });

  it('an unreadable @/file skips its entry with a warning, as pppd does', () => {
    const m = lookupServerSecret(secrets, 'mschap-v2', 'dave', 'pptpd', read);
    expect(m.secret).toBe('dave-fallback');
    expect(m.warnings).toEqual([
      {
        file: '/etc/ppp/chap-secrets',
        line: 7,
        message:
          "entry skipped: cannot read secret file '/etc/ppp/missing.pw': no such file (ENOENT)",
      },
    ]);
  });

  it('@ not followed by / is a literal secret (pppd)', () => {
    expect(lookupServerSecret(secrets, 'mschap-v2', 'erin', 'pptpd', read).secret).toBe(
      '@relative',
    );
  });

  it('PAP looks in pap-secrets, CHAP flavours in chap-secrets', () => {
    expect(lookupServerSecret(secrets, 'pap', 'gina', 'pptpd', read).secret).toBe('pw1');
    expect(thrown(() => lookupServerSecret(secrets, 'chap', 'gina', 'x', read)).code).toBe(
      'CONFIG_NO_SECRET',
    );
  });

  it('an unreadable secrets file is CONFIG_UNREADABLE, not CONFIG_NO_SECRET', () => {
    const denied = { reason: 'permission denied', errno: 'EACCES' };
    const none = loadServerSecrets((p) => (p === '/etc/ppp/pap-secrets' ? PAP : denied));
    expect([...none.unreadable]).toEqual([['/etc/ppp/chap-secrets', denied]]);
    const error = thrown(() => lookupServerSecret(none, 'mschap-v2', 'alice', 'pptpd', read));
    expect(error.code).toBe('CONFIG_UNREADABLE');
    expect(error.message).toBe(
      "/etc/ppp/chap-secrets:0: secret: cannot read '/etc/ppp/chap-secrets': permission denied (EACCES)",
    );
    // the other file still serves
    expect(lookupServerSecret(none, 'pap', 'gina', 'pptpd', read).secret).toBe('pw1');
  });

  it('no secret ever appears in an error or a warning', () => {
    const texts: string[] = [];
    for (const [user, server] of [
      ['dave', 'pptpd'],
      ['nobody', 'gw'],
      ['alice', 'pptpd'],
    ] as const) {
      try {
        const m = lookupServerSecret(secrets, 'mschap-v2', user, server, read);
        texts.push(JSON.stringify(m.warnings));
      } catch (error) {
        texts.push(String(error), JSON.stringify((error as PptpkitError).details));
      }
    }
    texts.push(JSON.stringify(secrets.warnings));
    for (const secret of ['s3cret', 'wild-', 'bob-other', 'carol-from-file', 'dave-fallback']) {
      for (const text of texts) expect(text).not.toContain(secret);
    }
  });
});

describe('checkSecret: pppd check_passwd for PAP', () => {
  it('accepts the equal password only', () => {
    const m = lookupServerSecret(secrets, 'pap', 'gina', 'pptpd', read);
    expect(checkSecret(m, 'pw1')).toBe(true);
    expect(checkSecret(m, 'pw2')).toBe(false);
    expect(checkSecret(m, 'pw1x')).toBe(false);
    expect(checkSecret(m, '')).toBe(false);
  });

  it('an empty secret accepts any password, as in pppd, with a warning', () => {
    const m = lookupServerSecret(secrets, 'pap', 'frank', 'pptpd', read);
    expect(checkSecret(m, 'anything')).toBe(true);
    expect(m.warnings.map((w) => w.message)).toEqual([
      'empty PAP secret: any password is accepted (as pppd does)',
    ]);
  });

  it('@login (system password database) accepts nothing, not even "@login"', () => {
    const m = lookupServerSecret(secrets, 'pap', 'hank', 'pptpd', read);
    expect(checkSecret(m, '@login')).toBe(false);
  });
});

describe('allowedAddresses: pppd set_allowed_addrs / auth_ip_addr', () => {
  const rule = (...addresses: string[]) => allowedAddresses({ addresses });

  it('no address column: nothing is permitted (pppd(8): "only 3 words")', () => {
    const { rule: r } = rule();
    expect(r.permits(ip('10.0.0.5'))).toBe(false);
    expect(r.single()).toBeUndefined();
    expect(r.choose(ip('10.0.0.5'))).toBeUndefined();
  });

  it('"*" permits any address but loopback, multicast and class E', () => {
    const { rule: r } = rule('*');
    expect(r.permits(ip('10.0.0.5'))).toBe(true);
    expect(r.permits(ip('203.0.113.7'))).toBe(true);
    expect(r.permits(ip('127.0.0.1'))).toBe(false);
    expect(r.permits(ip('224.0.0.1'))).toBe(false);
    expect(r.permits(ip('240.0.0.1'))).toBe(false);
    expect(r.single()).toBeUndefined();
    expect(r.choose(ip('10.0.0.9'))).toBe(ip('10.0.0.9'));
  });

  it('"-" first permits nothing; "-" later ends the list', () => {
    expect(rule('-', '*').rule.permits(ip('10.0.0.5'))).toBe(false);
    const { rule: r } = rule('10.0.0.5', '-', '*');
    expect(r.permits(ip('10.0.0.5'))).toBe(true);
    expect(r.permits(ip('10.0.0.6'))).toBe(false);
  });

  it('one host: the peer gets it instead of an address it may not use', () => {
    const { rule: r } = rule('10.0.0.5');
    expect(r.single()).toBe(ip('10.0.0.5'));
    expect(r.choose(ip('10.0.0.100'))).toBe(ip('10.0.0.5'));
    expect(r.choose(undefined)).toBe(ip('10.0.0.5'));
  });

  it('subnets and exclusions, the first matching word deciding', () => {
    const { rule: r } = rule('!10.0.0.13', '10.0.0.0/24', '10.0.1.7/32');
    expect(r.permits(ip('10.0.0.12'))).toBe(true);
    expect(r.permits(ip('10.0.0.13'))).toBe(false);
    expect(r.permits(ip('10.0.1.7'))).toBe(true);
    expect(r.permits(ip('10.0.1.8'))).toBe(false);
    expect(r.single()).toBe(ip('10.0.1.7'));
    expect(r.choose(ip('10.0.0.100'))).toBe(ip('10.0.0.100'));
    // an exclusion before a later permit wins
    expect(rule('10.0.0.0/24', '!10.0.0.13').rule.permits(ip('10.0.0.13'))).toBe(true);
  });

  it('host names and bad lengths are skipped with a warning, as pppd skips what it cannot use', () => {
    const { rule: r, warnings } = rule(
      'vpn-client.example',
      '10.0.0.0/33',
      '10.0.0.7/0',
      '10.0.0.5',
    );
    expect(r.permits(ip('10.0.0.5'))).toBe(true);
    expect(r.permits(ip('10.0.0.6'))).toBe(false);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('no DNS lookups');
  });

  it('an exclusion that cannot be read permits nothing after it (a name never widens access)', () => {
    const { rule: r, warnings } = rule('10.0.0.5', '!bad.example', '*');
    expect(r.permits(ip('10.0.0.5'))).toBe(true);
    expect(r.permits(ip('10.0.0.6'))).toBe(false);
    expect(warnings[0]).toContain('nothing after it is permitted');
  });

  it('words after -- are per-user options: not addresses, noted', () => {
    const { rule: r, warnings } = rule('10.0.0.5', '--', 'ms-dns', '10.0.0.1');
    expect(r.permits(ip('10.0.0.1'))).toBe(false);
    expect(warnings).toEqual(['per-user options after -- are not applied: ms-dns 10.0.0.1']);
  });

  it('the matched entry carries its rule', () => {
    const m = lookupServerSecret(secrets, 'mschap-v2', 'erin', 'pptpd', read);
    expect(m.addresses.permits(ip('10.0.0.12'))).toBe(true);
    // erin's column is `10.0.0.0/24 !10.0.0.13`: the subnet matches first, so pppd permits .13
    expect(m.addresses.permits(ip('10.0.0.13'))).toBe(true);
    expect(m.addresses.permits(ip('10.0.1.1'))).toBe(false);
  });
});
