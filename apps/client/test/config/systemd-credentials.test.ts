import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PPPD_SECRETS,
  secretsFiles,
  systemdCredential,
} from '../../src/config/systemd-credentials.js';

describe('systemd credentials ($CREDENTIALS_DIRECTORY)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pptpkit-creds-'));
  writeFileSync(join(dir, 'chap-secrets'), 'alice * pw *\n', { mode: 0o400 });

  it('finds a credential the unit loaded, and nothing outside a service', () => {
    expect(systemdCredential('chap-secrets', dir)).toBe(join(dir, 'chap-secrets'));
    expect(systemdCredential('password', dir)).toBeUndefined();
    expect(systemdCredential('chap-secrets', undefined)).toBeUndefined();
    expect(systemdCredential('chap-secrets', '')).toBeUndefined();
  });

  it("stands in for pppd's default secrets file, per file", () => {
    expect(secretsFiles(PPPD_SECRETS, dir)).toEqual({
      chap: join(dir, 'chap-secrets'),
      pap: PPPD_SECRETS.pap,
    });
    expect(secretsFiles(PPPD_SECRETS, undefined)).toEqual(PPPD_SECRETS);
  });

  it('never overrides a file named on the command line', () => {
    const given = { chap: '/srv/vpn/chap-secrets', pap: PPPD_SECRETS.pap };
    expect(secretsFiles(given, dir)).toEqual(given);
  });
});
