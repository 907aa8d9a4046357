import { type ConfigLocation, configError } from './config-error.js';
import { isReadFailure, type ReadConfigFile, readFailureText } from './read-failure.js';
import { tokenizeOptions } from './tokenize.js';

/** One line of a pppd secrets file (`chap-secrets`, `pap-secrets`). */
export interface SecretEntry extends ConfigLocation {
  /** Who authenticates (for a client: our name), or `*`. */
  readonly client: string;
  /** Who checks (for a client: the server's `remotename`), or `*`. */
  readonly server: string;
  /** The secret, or `@path` to read it from a file. */
  readonly secret: string;
  /** Acceptable addresses (pppd's fourth and later columns). */
  readonly addresses: readonly string[];
}

/**
 * Parses a pppd secrets file: one entry per line, `client server secret [address ...]`, with
 * pppd's quoting, escapes and `#` comments. A line with fewer than three words is ignored, as
 * pppd does, with a warning.
 */
export function parseSecrets(
  text: string,
  file: string,
): { entries: SecretEntry[]; warnings: (ConfigLocation & { message: string })[] } {
  const { words, warnings } = tokenizeOptions(text, file);
  const byLine = new Map<number, string[]>();
  for (const w of words) {
    const line = byLine.get(w.line);
    if (line) line.push(w.text);
    else byLine.set(w.line, [w.text]);
  }
  const entries: SecretEntry[] = [];
  const problems = [...warnings];
  for (const [line, cols] of byLine) {
    const [client, server, secret, ...addresses] = cols;
    if (client === undefined || server === undefined || secret === undefined) {
      problems.push({ file, line, message: 'secrets line with fewer than three columns ignored' });
      continue;
    }
    entries.push({ file, line, client, server, secret, addresses });
  }
  return { entries, warnings: problems };
}

const wild = (s: string): boolean => s === '*' || s === '';

/**
 * Finds the secret for `client` authenticating to `server` as pppd does: an entry matches when
 * each column equals the name or is `*` (with `server` undefined, any server matches, as pppd
 * does for PAP without `remotename`); an exact client beats an exact server, which beats
 * wildcards; among equals the first wins. A secret `@path` is replaced by the first word of
 * that file.
 *
 * @throws PptpkitError `CONFIG_NO_SECRET` when nothing matches, or `CONFIG_UNREADABLE` for an
 *   `@file` that cannot be read, naming why. The secret itself never appears in the error.
 */
export function findSecret(
  entries: readonly SecretEntry[],
  client: string,
  server: string | undefined,
  read: ReadConfigFile,
  file: string,
): { secret: string; entry: SecretEntry } {
  let best: SecretEntry | undefined;
  let bestScore = -1;
  for (const e of entries) {
    if (!(wild(e.client) || e.client === client)) continue;
    if (!(server === undefined || wild(e.server) || e.server === server)) continue;
    const score = (wild(e.client) ? 0 : 2) + (wild(e.server) ? 0 : 1);
    if (score > bestScore) {
      best = e;
      bestScore = score;
      if (score === 3) break;
    }
  }
  if (best === undefined) {
    throw configError(
      'CONFIG_NO_SECRET',
      { file, line: 0 },
      'secret',
      `no entry for client '${client}'${server === undefined ? '' : ` and server '${server}'`}`,
    );
  }
  if (!best.secret.startsWith('@')) return { secret: best.secret, entry: best };
  const path = best.secret.slice(1);
  const text = read(path);
  if (isReadFailure(text)) {
    throw configError(
      'CONFIG_UNREADABLE',
      best,
      'secret',
      `cannot read secret file '${path}': ${readFailureText(text)}`,
      { path, ...(text.errno === undefined ? {} : { errno: text.errno }) },
    );
  }
  const first = tokenizeOptions(text, path).words[0];
  return { secret: first?.text ?? '', entry: best };
}
