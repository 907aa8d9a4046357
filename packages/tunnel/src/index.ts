/**
 * `@pptpkit/tunnel`: the whole PPTP stack — control connection, call, enhanced GRE, the PPP
 * link with authentication, MPPE and MPPC — assembled once as a sans-I/O core, for the client
 * (PNS) and the server (PAC) role. Bytes and `now` in, sink calls out; no sockets, no timers.
 *
 * @packageDocumentation
 */

export { mppcOnlyCcpPolicy, mppeCcpPolicy } from '@pptpkit/mppe';
export {
  authName,
  type KeyedAuthenticator,
  type KeyedAuthMethod,
  type KeyedAuthOutcome,
  type KeyedAuthStep,
  mppeStartKeys,
} from './auth.js';
export {
  AUTH_METHOD_NAMES,
  type AuthMethodName,
  type ClientCredentials,
  clientAuthMethods,
  type ServerSecrets,
  serverAuthMethods,
} from './auth-methods.js';
export {
  createDataPathCounters,
  DataPath,
  type DataPathCounters,
  type DataPathOptions,
  type MppcDirections,
  type MppeCiphers,
  type PacketWriter,
} from './data-path.js';
export type {
  TunnelDown,
  TunnelEvent,
  TunnelLayer,
  TunnelOwnCode,
  TunnelUp,
} from './events.js';
export { interfaceIdText } from './interface-id.js';
export { clampTcpMss, ipv4MssForMtu, ipv6MssForMtu } from './mss-clamp.js';
export type {
  ClientRoleOptions,
  ServerRoleOptions,
  TunnelLinkSettings,
  TunnelOptions,
  TunnelSink,
} from './options.js';
export {
  MIN_TUNNEL_MTU,
  TUNNEL_OVERHEAD,
  type TunnelPathSizes,
  tunnelSizesForPath,
} from './path-mtu.js';
export type { TunnelStatus } from './status.js';
export { Tunnel, type TunnelState } from './tunnel.js';
