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
 * `NAME` in `dir` (`$CREDENTIALS_DIRECTORY`), or `undefined` outside such a service (no `dir`)
 * or without that one.
 */
export function systemdCredential(name: string, dir: string | undefined): string | undefined {
  if (dir === undefined || dir === '') return undefined;
  const path = join(dir, name);
  return existsSync(path) ? path : undefined;
}

/**
 * The secrets files to read: a file given on the command line as is; pppd's default replaced by
 * the `chap-secrets`/`pap-secrets` credential in `credentialsDir` when systemd handed us one — the unit loads
 * root's 0600 files that way for its unprivileged user.
 */
export function secretsFiles(
  given: SecretsFiles,
  credentialsDir: string | undefined,
): SecretsFiles {
  const pick = (kind: keyof SecretsFiles): string =>
    given[kind] === PPPD_SECRETS[kind]
      ? (systemdCredential(`${kind}-secrets`, credentialsDir) ?? given[kind])
      : given[kind];
  return { chap: pick('chap'), pap: pick('pap') };
}
