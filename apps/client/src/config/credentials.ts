import { PptpkitError } from '@pptpkit/wire';
import type { ReadConfigFile } from './load-peer.js';
import type { AuthMethod, PeerSettings } from './peer-settings.js';
import { findSecret, parseSecrets } from './secrets.js';

/**
 * What we authenticate to the server with. pppd's rules: the `password` option (or `+ua`)
 * serves every method; otherwise CHAP, MS-CHAP and MS-CHAPv2 take their secret from
 * `chap-secrets` and PAP from `pap-secrets`. A method without a secret still negotiates, and
 * then fails with a clear authentication error.
 */
export interface Credentials {
  /** The name we authenticate as (CHAP Response Name, PAP Peer-ID). */
  readonly user: string;
  /** The `password` option: used by every method, before any file. */
  readonly password?: string;
  /** The `chap-secrets` secret, for CHAP-MD5, MS-CHAP and MS-CHAPv2. */
  readonly chapPassword?: string;
  /** The `pap-secrets` secret, for PAP. */
  readonly papPassword?: string;
}

/** The two secrets files. */
export interface SecretsFiles {
  /** pppd's `/etc/ppp/chap-secrets`. */
  readonly chap: string;
  /** pppd's `/etc/ppp/pap-secrets`. */
  readonly pap: string;
}

/** Where {@link resolveCredentials} reads from. */
export interface ResolveCredentialsOptions {
  /** Reads an options, `@file` or `+ua` file; `undefined` when it does not exist. */
  readonly read: ReadConfigFile;
  /** Reads a secrets file (may warn about its permissions); `undefined` when absent. */
  readonly readSecrets: ReadConfigFile;
  /** The secrets files. */
  readonly files: SecretsFiles;
  /** This machine's host name (pppd's default local name). */
  readonly hostname: string;
}

/** Resolved credentials and the tolerated problems found on the way. */
export interface ResolvedCredentials {
  /** The credentials. */
  readonly credentials: Credentials;
  /** Problems worth a warning (short secrets lines and the like). */
  readonly warnings: readonly { file: string; line: number; message: string }[];
}

/**
 * Our local name as pppd computes it: the host name (with `domain` appended) unless `name`
 * gives one; `usehostname` forces the host name even then.
 */
export function localName(settings: PeerSettings, hostname: string): string {
  const host =
    settings.domain === undefined ? hostname : `${hostname}.${settings.domain.replace(/^\./, '')}`;
  if (settings.useHostname) return host;
  return settings.name ?? host;
}

/**
 * The methods the server may make us use, given the settings: MS-CHAPv2 and MS-CHAP unless
 * refused; CHAP-MD5 and PAP too when MPPE is not required (MPPE keys come from MS-CHAP only).
 */
export function usableAuthMethods(settings: PeerSettings): AuthMethod[] {
  const candidates: AuthMethod[] = settings.mppe.required
    ? ['mschap-v2', 'mschap']
    : ['mschap-v2', 'mschap', 'chap', 'pap'];
  return candidates.filter((m) => !settings.refuse.has(m));
}

/**
 * Resolves the user name and secrets with pppd's rules (see {@link Credentials}): user is
 * `user`, else our local name; `password` or a `+ua` file wins over both secrets files; a
 * secrets file is only read for a method the settings leave usable, and a missing file is
 * fine while another method has a secret.
 *
 * @throws PptpkitError `CONFIG_NO_SECRET` when no usable method has a secret, naming the files
 *   looked in (never a secret); `CONFIG_UNREADABLE` for a missing `+ua` or `@file`.
 */
export function resolveCredentials(
  settings: PeerSettings,
  options: ResolveCredentialsOptions,
): ResolvedCredentials {
  const warnings: { file: string; line: number; message: string }[] = [];
  if (settings.uaFile !== undefined) {
    const text = options.read(settings.uaFile);
    if (text === undefined) {
      throw new PptpkitError('CONFIG_UNREADABLE', `+ua: cannot read '${settings.uaFile}'`);
    }
    const [user = '', password = ''] = text.split('\n').map((l) => l.replace(/\r$/, ''));
    return { credentials: { user, password }, warnings };
  }
  const user = settings.user ?? localName(settings, options.hostname);
  if (settings.password !== undefined) {
    return { credentials: { user, password: settings.password }, warnings };
  }
  const methods = usableAuthMethods(settings);
  const usesChap = methods.some((m) => m !== 'pap');
  const usesPap = methods.includes('pap');
  const lookup = (file: string): string | undefined => {
    const text = options.readSecrets(file);
    if (text === undefined) return undefined;
    const parsed = parseSecrets(text, file);
    warnings.push(...parsed.warnings);
    try {
      // pppd matches the server column against `remotename`; without it, any server matches.
      return findSecret(parsed.entries, user, settings.remotename, options.read, file).secret;
    } catch (error) {
      if (error instanceof PptpkitError && error.code === 'CONFIG_NO_SECRET') return undefined;
      throw error;
    }
  };
  const chapPassword = usesChap ? lookup(options.files.chap) : undefined;
  const papPassword = usesPap ? lookup(options.files.pap) : undefined;
  if (chapPassword === undefined && papPassword === undefined) {
    const looked = [usesChap ? options.files.chap : '', usesPap ? options.files.pap : '']
      .filter((f) => f !== '')
      .join(' or ');
    throw new PptpkitError(
      'CONFIG_NO_SECRET',
      methods.length === 0
        ? 'every authentication method is refused'
        : `no secret for '${user}'${settings.remotename === undefined ? '' : ` and server '${settings.remotename}'`} in ${looked} (or a password option)`,
      { details: { user, files: looked } },
    );
  }
  return {
    credentials: {
      user,
      ...(chapPassword === undefined ? {} : { chapPassword }),
      ...(papPassword === undefined ? {} : { papPassword }),
    },
    warnings,
  };
}
