import { describe, expect, it } from 'vitest';
import { findSecret, parseSecrets } from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';

// The seed guide's chap-secrets, one entry per line as pppd requires.
const seedSecrets = `# Secrets for authentication using CHAP
# client server secret IP addresses
alice PPTP "pa ss#word" *
PPTP alice "pa ss#word" *
`;

const none = () => NO_SUCH_FILE;

describe('parseSecrets / findSecret (pppd auth.c scan_authfile rules)', () => {
  it('parses the seed file with quoting and finds our secret', () => {
    const { entries, warnings } = parseSecrets(seedSecrets, '/etc/ppp/chap-secrets');
    expect(warnings).toEqual([]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      client: 'alice',
      server: 'PPTP',
      addresses: ['*'],
      line: 3,
    });
    const found = findSecret(entries, 'alice', 'PPTP', none, '/etc/ppp/chap-secrets');
    expect(found.secret).toBe('pa ss#word');
    expect(found.entry.line).toBe(3);
  });

  it('prefers an exact client over an exact server over wildcards, first among equals', () => {
    const { entries } = parseSecrets(
      '* * any\n* srv server-only\nme * client-only\nme * second\nme srv both\n',
      'f',
    );
    const pick = (client: string, server: string) =>
      findSecret(entries, client, server, none, 'f').secret;
    expect(pick('me', 'srv')).toBe('both');
    expect(pick('me', 'other')).toBe('client-only');
    expect(pick('you', 'srv')).toBe('server-only');
    expect(pick('you', 'other')).toBe('any');
    // No server name known (no remotename): every server column matches.
    const anyServer = (client: string) => findSecret(entries, client, undefined, none, 'f').secret;
    expect(anyServer('me')).toBe('both');
    expect(anyServer('you')).toBe('server-only');
  });

  it('reads @file secrets and reports a missing one without the secret', () => {
    const { entries } = parseSecrets('me srv @/etc/ppp/me.pw\n', 'f');
    const read = (p: string) => (p === '/etc/ppp/me.pw' ? '  "from file" extra\n' : NO_SUCH_FILE);
    expect(findSecret(entries, 'me', 'srv', read, 'f').secret).toBe('from file');
    expect(() => findSecret(entries, 'me', 'srv', none, 'f')).toThrow(/cannot read secret file/);
  });

  it('ignores short lines with a warning and says when nothing matches', () => {
    const { entries, warnings } = parseSecrets('lonely\nme srv pw\n', 'f');
    expect(entries).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ line: 1 });
    try {
      findSecret(entries, 'x', 'y', none, 'f');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'CONFIG_NO_SECRET' });
      expect(String(e)).not.toContain('pw');
    }
  });
});
