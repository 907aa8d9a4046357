/**
 * `@pptpkit/ppp-lcp-ipcp`: the PPP link as a sans-I/O core — frame codec (ACFC/PFC), the
 * RFC 1661 option-negotiation automaton, LCP, PAP, IPCP with DNS/WINS, IPv6CP, CCP with a
 * pluggable option policy, and link phases with a pluggable authenticator.
 *
 * @packageDocumentation
 */
export type { AuthMethod, AuthOutcome, AuthStep, PppAuthenticator } from './authenticator.js';
export {
  Automaton,
  type AutomatonConfig,
  type AutomatonCounters,
  type AutomatonHooks,
  DEFAULT_AUTOMATON_CONFIG,
  type RequestVerdict,
} from './automaton.js';
export {
  FSM_EVENTS,
  FSM_STATES,
  FSM_TRANSITIONS,
  type FsmAction,
  type FsmEvent,
  type FsmState,
  type FsmTransition,
  parseFsmCell,
} from './automaton-table.js';
export type { CcpPolicy, CompressionAgreement } from './ccp.js';
export {
  CHAP_ALGORITHM,
  CP_CODE,
  IPCP_OPTION,
  IPV6CP_OPTION,
  LCP_OPTION,
  PPP_PROTOCOL,
} from './constants.js';
export type { OptionVerdict } from './control-protocol.js';
export type { PppDownCode, PppErrorCode } from './errors.js';
export {
  encodePppFrame,
  type FrameCompression,
  type PppHeader,
  pppHeaderLength,
  readPppHeader,
  writePppHeader,
} from './frame.js';
export type { IpcpConfig } from './ipcp.js';
export type { Ipv6cpConfig } from './ipv6cp.js';
export { type AuthSpec, describeAuth, type LcpConfig } from './lcp.js';
export {
  type DownReason,
  type LinkCounters,
  type LinkPhase,
  type LinkPolicy,
  type LinkStatus,
  type LinkUp,
  type PeerAuthorization,
  type PppAction,
  PppLink,
  type PppLinkOptions,
} from './link.js';
export {
  decodeIpcpOption,
  decodeIpv6cpOption,
  decodeLcpOption,
  encodeIpcpOption,
  encodeIpv6cpOption,
  encodeLcpOption,
  type IpcpOption,
  type Ipv6cpOption,
  type LcpOption,
} from './options.js';
export {
  type ControlPacket,
  decodeControlPacket,
  decodeOptions,
  encodeControlPacket,
  encodeOptions,
  type RawOption,
} from './packet.js';
export {
  decodePapPacket,
  encodePapPacket,
  PAP_CODE,
  PapAuthenticator,
  type PapAuthenticatorOptions,
  type PapPacket,
  PapPeer,
  type PapPeerOptions,
} from './pap.js';
