import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretsFiles } from './credentials.js';

/** pppd's secrets files, the defaults of `up --secrets` and `--pap-secrets`. */
export const PPPD_SECRETS: SecretsFiles = {
  chap: '/etc/ppp/chap-secrets',
  pap: '/etc/ppp/pap-secrets',
};

/**
 * A credential systemd handed this service (`LoadCredential=NAME:PATH` in the unit): the file
 * `$CREDENTIALS_DIRECTORY/NAME`, or `undefined` outside such a service or without that one.
 */
export function systemdCredential(
  name: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const dir = env['CREDENTIALS_DIRECTORY'];
  if (dir === undefined || dir === '') return undefined;
  const path = join(dir, name);
  return existsSync(path) ? path : undefined;
}

/**
 * The secrets files to read: a file given on the command line as is; pppd's default replaced by
 * the `chap-secrets`/`pap-secrets` credential when systemd handed us one — the unit loads
 * root's 0600 files that way for its unprivileged user.
 */
export function secretsFiles(
  given: SecretsFiles,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SecretsFiles {
  const pick = (kind: keyof SecretsFiles): string =>
    given[kind] === PPPD_SECRETS[kind]
      ? (systemdCredential(`${kind}-secrets`, env) ?? given[kind])
      : given[kind];
  return { chap: pick('chap'), pap: pick('pap') };
}
