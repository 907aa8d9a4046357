/**
 * `pptpkit serve`'s configuration: pptpd.conf, the ppp options it names, and the secrets.
 *
 * @module
 */
export { addressAt, addressCount, parseAddressList, rangeSize } from './address-range.js';
export { type AddressRule, type AllowedAddresses, allowedAddresses } from './address-rule.js';
export { type LoadServerConfigOptions, loadServerConfig } from './load-server-config.js';
export { PPTPD_MAX_LINE, type PptpdConf, parsePptpdConf } from './pptpd-conf.js';
export type {
  AddressRange,
  ServerAuthMethod,
  ServerConfig,
  ServerMppe,
  ServerSecrets,
} from './server-config.js';
export { type ServerOptionSpec, serverOption } from './server-option-table.js';
export {
  checkSecret,
  loadServerSecrets,
  lookupServerSecret,
  type ServerSecretMatch,
} from './server-secrets.js';
