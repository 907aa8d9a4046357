import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PptpkitError } from '@pptpkit/wire';
import {
  type Credentials,
  type IgnoredOption,
  loadPeer,
  type PeerSettings,
  type ReadConfigFile,
  resolveCredentials,
  type SecretSource,
} from '../config/index.js';
import type { ReadResult } from '../config/read-failure.js';
import { secretsFiles } from '../config/systemd-credentials.js';
import type { Logger } from '../log/logger.js';
import type { Command } from './parse-args.js';

/** A peer's configuration, ready for a session. */
export interface ClientConfig {
  /** The settings after every options file. */
  readonly settings: PeerSettings;
  /** The server as configured (host name or address). */
  readonly server: string;
  /** What we authenticate with. */
  readonly credentials: Credentials;
  /** Where the secret came from (for a debug line). */
  readonly secretFrom: SecretSource;
  /** Options accepted without effect, for a debug line each once the log level is known. */
  readonly ignored: readonly IgnoredOption[];
}

/** What the environment adds to the files: a systemd credential, a typed password. */
export interface SecretSources {
  /** `$CREDENTIALS_DIRECTORY` (systemd `LoadCredential=`), where the credential `password` is. */
  readonly credentialsDir?: string;
  /** A password typed at the prompt (the last resort). */
  readonly prompted?: string;
}

/** The name of the systemd credential holding the password. */
export const PASSWORD_CREDENTIAL = 'password';

/**
 * Reads the peer's options, then the pppd options given after PEER on the command line (their
 * errors name `<command line>` and their position after PEER), and its secrets (see
 * `resolveCredentials` for the order), logging tolerated problems as warnings and warning when
 * a file holding a secret is readable by others.
 *
 * @throws PptpkitError with a `CONFIG_*` code.
 */
export function loadClientConfig(
  command: Extract<Command, { command: 'up' }>,
  read: ReadConfigFile,
  log: Logger,
  sources: SecretSources = {},
): ClientConfig {
  const loaded = loadPeer(command.peer, {
    read,
    peersDir: command.peersDir,
    lenient: command.lenient,
    extraOptions: command.extraOptions.map((text, i) => ({
      text,
      file: '<command line>',
      line: i + 1,
    })),
  });
  for (const w of loaded.warnings) log.warn(w.message, { file: w.file, line: w.line });
  const settings = loaded.settings;
  if (settings.server === undefined) {
    throw new PptpkitError(
      'CONFIG_NO_SERVER',
      `peer ${command.peer}: no server (pty "pptp HOST ..." or pptp-server HOST)`,
    );
  }
  if (settings.authRequired) {
    // pppd would ask the server to authenticate itself (and fail without a secret for it).
    log.warn(
      'auth/require-*: pptpkit does not ask the server to authenticate itself; only MS-CHAPv2 checks the server (add noauth to silence this)',
    );
  }
  const readSecrets = (path: string): ReadResult => {
    const text = read(path);
    if (typeof text !== 'string') return text;
    try {
      if ((statSync(path).mode & 0o044) !== 0) {
        const what = path === settings.passwordFile ? 'password file' : 'secrets file';
        log.warn(`the ${what} is readable by others`, { file: path });
      }
    } catch {
      // Only a warning.
    }
    return text;
  };
  const { credentials, source, warnings } = resolveCredentials(settings, {
    read,
    readSecrets,
    files: secretsFiles({ chap: command.secrets, pap: command.papSecrets }, sources.credentialsDir),
    hostname: hostname(),
    ...(sources.credentialsDir === undefined
      ? {}
      : { credential: join(sources.credentialsDir, PASSWORD_CREDENTIAL) }),
    ...(sources.prompted === undefined ? {} : { prompted: sources.prompted }),
  });
  for (const w of warnings) log.warn(w.message, { file: w.file, line: w.line });
  return {
    settings,
    server: settings.server.host,
    credentials,
    secretFrom: source,
    ignored: loaded.ignored,
  };
}
