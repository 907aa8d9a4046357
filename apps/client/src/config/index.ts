/**
 * pppd-compatible configuration: peer option files and secrets.
 *
 * @module
 */
export {
  type ConfigErrorCode,
  type ConfigLocation,
  configError,
  unreadableFile,
} from './config-error.js';
export {
  type Credentials,
  localName,
  type ResolveCredentialsOptions,
  type ResolvedCredentials,
  resolveCredentials,
  type SecretSource,
  type SecretsFiles,
  usableAuthMethods,
} from './credentials.js';
export { addressProblem, type LinkTuning, limitReached, linkTuning } from './link-settings.js';
export {
  type ConfigWarning,
  type IgnoredOption,
  type LoadedPeer,
  type LoadPeerOptions,
  loadPeer,
  type ReadConfigFile,
} from './load-peer.js';
export { INCLUDE_LIMITS } from './option-files.js';
export type { ApplyOption, OptionSpec } from './option-spec.js';
export { optionTable } from './option-table.js';
export {
  type AuthMethod,
  type ControlTimers,
  defaultPeerSettings,
  type MppeSettings,
  type PeerSettings,
} from './peer-settings.js';
export { type PptpCommand, type PptpOptions, parsePptpCommand } from './pty-command.js';
export {
  cannotRead,
  isMissing,
  isReadFailure,
  NO_SUCH_FILE,
  type ReadFailure,
  type ReadResult,
  readFailureText,
} from './read-failure.js';
export { findSecret, parseSecrets, type SecretEntry } from './secrets.js';
export { MAX_WORD_LENGTH, type TokenizeWarning, tokenizeOptions, type Word } from './tokenize.js';
