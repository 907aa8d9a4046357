import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { PptpkitError } from '@pptpkit/wire';
import {
  type Credentials,
  type IgnoredOption,
  loadPeer,
  type PeerSettings,
  type ReadConfigFile,
  resolveCredentials,
} from '../config/index.js';
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
  /** Options accepted without effect, for a debug line each once the log level is known. */
  readonly ignored: readonly IgnoredOption[];
}

/**
 * Reads the peer's options, then the pppd options given after PEER on the command line (their
 * errors name `<command line>` and their position after PEER), and its secrets (see
 * `resolveCredentials` for pppd's rules), logging tolerated problems as warnings and warning
 * when a secrets file is readable by others.
 *
 * @throws PptpkitError with a `CONFIG_*` code.
 */
export function loadClientConfig(
  command: Extract<Command, { command: 'up' }>,
  read: ReadConfigFile,
  log: Logger,
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
  const readSecrets = (path: string): string | undefined => {
    const text = read(path);
    if (text === undefined) return undefined;
    try {
      if ((statSync(path).mode & 0o044) !== 0)
        log.warn('the secrets file is readable by others', { file: path });
    } catch {
      // Only a warning.
    }
    return text;
  };
  const { credentials, warnings } = resolveCredentials(settings, {
    read,
    readSecrets,
    files: secretsFiles({ chap: command.secrets, pap: command.papSecrets }),
    hostname: hostname(),
  });
  for (const w of warnings) log.warn(w.message, { file: w.file, line: w.line });
  return { settings, server: settings.server.host, credentials, ignored: loaded.ignored };
}
