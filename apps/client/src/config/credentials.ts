import { PptpkitError } from '@pptpkit/wire';
import { unreadableFile } from './config-error.js';
import type { AuthMethod, PeerSettings } from './peer-settings.js';
import { isMissing, isReadFailure, type ReadConfigFile } from './read-failure.js';
import { findSecret, parseSecrets } from './secrets.js';

/**
 * What we authenticate to the server with. pppd's rules: the `password` option (or `+ua`)
 * serves every method, as do pptpkit's `password-file`, systemd credential and prompt;
 * otherwise CHAP, MS-CHAP and MS-CHAPv2 take their secret from
 * `chap-secrets` and PAP from `pap-secrets`. A method without a secret still negotiates, and
 * then fails with a clear authentication error.
 */
export interface Credentials {
  /** The name we authenticate as (CHAP Response Name, PAP Peer-ID). */
  readonly user: string;
  /** The password for every method (`password`, `+ua`, `password-file`, credential, prompt). */
  readonly password?: string;
  /** The `chap-secrets` secret, for CHAP-MD5, MS-CHAP and MS-CHAPv2. */
  readonly chapPassword?: string;
  /** The `pap-secrets` secret, for PAP. */
  readonly papPassword?: string;
  /**
   * The new password to change to if the server reports ours expired (MS-CHAPv2 `E=648`,
   * RFC 2759 §7): the first line of `new-password-file`, or typed at the prompt.
   */
  readonly newPassword?: string;
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
  /** Reads an options, `@file` or `+ua` file, or says why it cannot. */
  readonly read: ReadConfigFile;
  /** Reads a file holding a secret: a secrets file or the `password-file` (may warn about its permissions). */
  readonly readSecrets: ReadConfigFile;
  /** The secrets files. */
  readonly files: SecretsFiles;
  /** This machine's host name (pppd's default local name). */
  readonly hostname: string;
  /**
   * The systemd credential holding the password (`$CREDENTIALS_DIRECTORY/password`), when the
   * service manager gave a credentials directory; a missing file is no error.
   */
  readonly credential?: string;
  /** A password typed at the prompt: used only when nothing else gives a secret. */
  readonly prompted?: string;
  /** A new password typed at the prompt after the server reported ours expired. */
  readonly promptedNewPassword?: string;
}

/** Where the secret came from (worth a debug line; never the secret itself). */
export type SecretSource =
  | '+ua'
  | 'password'
  | 'password-file'
  | 'credential'
  | 'secrets'
  | 'prompt';

/** Resolved credentials and the tolerated problems found on the way. */
export interface ResolvedCredentials {
  /** The credentials. */
  readonly credentials: Credentials;
  /** Where the secret came from. */
  readonly source: SecretSource;
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
 * The methods the server may make us use, given the settings: MS-CHAPv2, MS-CHAP and EAP
 * (chap-secrets, as pppd) unless refused; CHAP-MD5 and PAP too when MPPE is not required (MPPE
 * keys come from MS-CHAP, inside EAP or not, only).
 */
export function usableAuthMethods(settings: PeerSettings): AuthMethod[] {
  const candidates: AuthMethod[] = settings.mppe.required
    ? ['mschap-v2', 'mschap', 'eap']
    : ['mschap-v2', 'mschap', 'eap', 'chap', 'pap'];
  return candidates.filter((m) => !settings.refuse.has(m));
}

/** The first line of a file's text, without its line end. */
const firstLine = (text: string): string => text.split('\n', 1)[0]!.replace(/\r$/, '');

/**
 * {@link resolveSecret}, plus the new password for an MS-CHAPv2 password change: the first line
 * of `new-password-file`, else one typed at the prompt (`promptedNewPassword`).
 *
 * @throws PptpkitError as {@link resolveSecret}; `CONFIG_UNREADABLE` for a `new-password-file`
 *   that cannot be read, naming it and why. Never a secret.
 */
export function resolveCredentials(
  settings: PeerSettings,
  options: ResolveCredentialsOptions,
): ResolvedCredentials {
  const resolved = resolveSecret(settings, options);
  let newPassword = options.promptedNewPassword;
  if (settings.newPasswordFile !== undefined) {
    const text = options.readSecrets(settings.newPasswordFile);
    if (isReadFailure(text)) {
      throw unreadableFile('new-password-file', settings.newPasswordFile, text);
    }
    newPassword = firstLine(text);
  }
  if (newPassword === undefined) return resolved;
  return { ...resolved, credentials: { ...resolved.credentials, newPassword } };
}

/**
 * Resolves the user name and secrets with pppd's rules (see {@link Credentials}) and pptpkit's
 * additions, first found wins: a `+ua` file (user and password) or the `password` option; the
 * `password-file` (its first line); the systemd credential `password`; the secrets files, each
 * read only for a method the settings leave usable (a missing file is fine while another method
 * has a secret); last a password typed at the prompt. The user is `user`, else our local name.
 *
 * @throws PptpkitError `CONFIG_UNREADABLE` for a `+ua`, `password-file`, credential, secrets or
 *   `@file` file that exists but cannot be read (or a `+ua`/`password-file` that does not
 *   exist), naming the file and why; `CONFIG_NO_SECRET` when no usable method has a secret,
 *   naming the files looked in. Never a secret.
 */
function resolveSecret(
  settings: PeerSettings,
  options: ResolveCredentialsOptions,
): ResolvedCredentials {
  const warnings: { file: string; line: number; message: string }[] = [];
  if (settings.uaFile !== undefined) {
    const text = options.read(settings.uaFile);
    if (isReadFailure(text)) throw unreadableFile('+ua', settings.uaFile, text);
    const [user = '', password = ''] = text.split('\n').map((l) => l.replace(/\r$/, ''));
    return { credentials: { user, password }, source: '+ua', warnings };
  }
  const user = settings.user ?? localName(settings, options.hostname);
  if (settings.password !== undefined) {
    return { credentials: { user, password: settings.password }, source: 'password', warnings };
  }
  if (settings.passwordFile !== undefined) {
    const text = options.readSecrets(settings.passwordFile);
    if (isReadFailure(text)) throw unreadableFile('password-file', settings.passwordFile, text);
    return { credentials: { user, password: firstLine(text) }, source: 'password-file', warnings };
  }
  if (options.credential !== undefined) {
    const text = options.readSecrets(options.credential);
    if (!isMissing(text)) {
      if (isReadFailure(text)) {
        throw unreadableFile('the systemd credential', options.credential, text);
      }
      return { credentials: { user, password: firstLine(text) }, source: 'credential', warnings };
    }
  }
  const methods = usableAuthMethods(settings);
  const usesChap = methods.some((m) => m !== 'pap');
  const usesPap = methods.includes('pap');
  const lookup = (file: string): string | undefined => {
    const text = options.readSecrets(file);
    if (isMissing(text)) return undefined;
    if (isReadFailure(text)) throw unreadableFile('the secrets file', file, text);
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
    if (options.prompted !== undefined && methods.length > 0) {
      return { credentials: { user, password: options.prompted }, source: 'prompt', warnings };
    }
    const looked = [usesChap ? options.files.chap : '', usesPap ? options.files.pap : '']
      .filter((f) => f !== '')
      .join(' or ');
    throw new PptpkitError(
      'CONFIG_NO_SECRET',
      methods.length === 0
        ? 'every authentication method is refused'
        : `no secret for '${user}'${settings.remotename === undefined ? '' : ` and server '${settings.remotename}'`} in ${looked} (or a password, password-file or credential)`,
      { details: { user, files: looked } },
    );
  }
  return {
    credentials: {
      user,
      ...(chapPassword === undefined ? {} : { chapPassword }),
      ...(papPassword === undefined ? {} : { papPassword }),
    },
    source: 'secrets',
    warnings,
  };
}
