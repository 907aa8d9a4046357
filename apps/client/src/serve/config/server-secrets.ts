/**
 * The server side of pppd's secrets: finding the entry for a peer, its secret and the
 * addresses it may use.
 *
 * @module
 */
import { type ConfigLocation, configError } from '../../config/config-error.js';
import type { ConfigWarning } from '../../config/load-peer.js';
import {
  cannotRead,
  isReadFailure,
  type ReadConfigFile,
  type ReadFailure,
  readFailureText,
} from '../../config/read-failure.js';
import { parseSecrets, type SecretEntry } from '../../config/secrets.js';
import { tokenizeOptions } from '../../config/tokenize.js';
import { type AddressRule, allowedAddresses } from './address-rule.js';
import type { ServerAuthMethod, ServerSecrets } from './server-config.js';

/** The entry that authenticates a peer. */
export interface ServerSecretMatch {
  /** The secret (from the entry, or the first word of its `@/file`). Never log it. */
  readonly secret: string;
  /** The entry (its `secret` field may be an `@/file` reference). */
  readonly entry: SecretEntry;
  /** The addresses the peer may use. */
  readonly addresses: AddressRule;
  /** Things worth a log line: entries skipped, address words skipped (never the secret). */
  readonly warnings: readonly ConfigWarning[];
}

/**
 * Reads `chap-secrets` and `pap-secrets` (pppd re-reads them for every peer, so a caller that
 * wants pppd's behaviour calls this per authentication). A file that cannot be read is
 * listed in `unreadable`, not thrown: only a lookup that needs it fails.
 */
export function loadServerSecrets(
  read: ReadConfigFile,
  chapFile = '/etc/ppp/chap-secrets',
  papFile = '/etc/ppp/pap-secrets',
): ServerSecrets {
  const unreadable = new Map<string, ReadFailure>();
  const warnings: ConfigWarning[] = [];
  const load = (file: string): SecretEntry[] => {
    const text = read(file);
    if (isReadFailure(text)) {
      unreadable.set(file, text);
      return [];
    }
    const parsed = parseSecrets(text, file);
    warnings.push(...parsed.warnings);
    return parsed.entries;
  };
  return { chap: load(chapFile), pap: load(papFile), chapFile, papFile, unreadable, warnings };
}

/** An entry's place, without its columns (a warning must never carry the secret). */
const where = (entry: SecretEntry): ConfigLocation => ({ file: entry.file, line: entry.line });

/** pppd's wildcard: exactly `*` (auth.c `ISWILD`). */
const wild = (column: string): boolean => column === '*';

/**
 * Finds the secret a peer calling itself `user` must know to authenticate to us (`serverName`,
 * our `name`) with `method`, as pppd's `scan_authfile` does on the server: CHAP, MS-CHAP and
 * MS-CHAPv2 look in chap-secrets, PAP in pap-secrets; an entry matches when its client column
 * is `user` or `*` and its server column is `serverName` or `*`; an exact client beats an exact
 * server, which beats wildcards, and among equals the first wins. A secret `@/path` is the first
 * word of that file; if it cannot be read (or is empty) pppd skips the entry with a warning and
 * goes on, and so does this. (`@` not followed by `/` is a literal secret, as in pppd.)
 *
 * @throws PptpkitError `CONFIG_UNREADABLE` when the secrets file for `method` could not be
 *   read, `CONFIG_NO_SECRET` when no entry matches. Neither names the secret.
 */
export function lookupServerSecret(
  secrets: ServerSecrets,
  method: ServerAuthMethod,
  user: string,
  serverName: string,
  read: ReadConfigFile,
): ServerSecretMatch {
  const file = method === 'pap' ? secrets.papFile : secrets.chapFile;
  const failure = secrets.unreadable.get(file);
  if (failure !== undefined) {
    throw configError('CONFIG_UNREADABLE', { file, line: 0 }, 'secret', cannotRead(file, failure), {
      path: file,
      ...(failure.errno === undefined ? {} : { errno: failure.errno }),
    });
  }
  const warnings: ConfigWarning[] = [];
  let best: { entry: SecretEntry; secret: string } | undefined;
  let bestScore = -1;
  for (const entry of method === 'pap' ? secrets.pap : secrets.chap) {
    if (!(wild(entry.client) || entry.client === user)) continue;
    if (!(wild(entry.server) || entry.server === serverName)) continue;
    const score = (wild(entry.client) ? 0 : 2) + (wild(entry.server) ? 0 : 1);
    if (score <= bestScore) continue;
    let secret = entry.secret;
    if (secret.startsWith('@/')) {
      const path = secret.slice(1);
      const text = read(path);
      const word = isReadFailure(text) ? undefined : tokenizeOptions(text, path).words[0];
      if (word === undefined) {
        const why = isReadFailure(text)
          ? `cannot read secret file '${path}': ${readFailureText(text)}`
          : `no secret in secret file '${path}'`;
        warnings.push({ ...where(entry), message: `entry skipped: ${why}` });
        continue;
      }
      secret = word.text;
    }
    best = { entry, secret };
    bestScore = score;
  }
  if (best === undefined) {
    throw configError(
      'CONFIG_NO_SECRET',
      { file, line: 0 },
      'secret',
      `no entry for client '${user}' and server '${serverName}'`,
    );
  }
  const allowed = allowedAddresses(best.entry);
  for (const message of allowed.warnings) warnings.push({ ...where(best.entry), message });
  if (method === 'pap' && best.secret === '') {
    warnings.push({
      ...where(best.entry),
      message: 'empty PAP secret: any password is accepted (as pppd does)',
    });
  }
  return { secret: best.secret, entry: best.entry, addresses: allowed.rule, warnings };
}

/**
 * Checks a PAP password against the matched secret as pppd's `check_passwd` does for a plain
 * secret: equal strings pass, and an empty secret accepts any password. pppd also tries the
 * secret as a `crypt(3)` hash and reads `@login` as "ask the system password database";
 * pptpkit does neither: a hash only matches a password equal to it, and `@login` matches
 * nothing. The comparison takes the same time wherever the strings differ.
 */
export function checkSecret(match: Pick<ServerSecretMatch, 'secret'>, password: string): boolean {
  const secret = match.secret;
  if (secret === '@login') return false;
  if (secret === '') return true;
  let diff = secret.length ^ password.length;
  for (let i = 0; i < secret.length; i++) {
    diff |= secret.charCodeAt(i) ^ (password.charCodeAt(i % Math.max(password.length, 1)) | 0);
  }
  return diff === 0;
}
