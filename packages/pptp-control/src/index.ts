/**
 * `@pptpkit/pptp-control`: the PPTP control connection of RFC 2637 — the fifteen control
 * messages, a streaming framer for the TCP connection, and sans-I/O PNS (client) and PAC
 * (server) state machines with echo keepalive and typed result codes.
 *
 * @packageDocumentation
 */
export type {
  CallDownAction,
  CallInfo,
  CallUpAction,
  CloseAction,
  ControlAction,
  DiagnosticAction,
  DownAction,
  LinkInfoAction,
  PeerInfo,
  RandomBytes,
  SendAction,
  UpAction,
  WanErrorAction,
} from './actions.js';
export {
  checkControlHeader,
  type DecodeOptions,
  decodeControlMessage,
  encodeControlMessage,
} from './codec.js';
export {
  type ConnectionState,
  ControlConnection,
  type ControlConnectionOptions,
  type ControlCounters,
  sessionEnd,
} from './connection.js';
export {
  BearerCapability,
  BearerType,
  CALL_STATISTICS_SIZE,
  CONTROL_HEADER_LENGTH,
  CONTROL_MESSAGE_LENGTHS,
  ControlMessageType,
  type ControlMessageTypeCode,
  FramingCapability,
  FramingType,
  HOST_NAME_SIZE,
  MAGIC_COOKIE,
  MAX_CONTROL_MESSAGE_LENGTH,
  MIN_CONTROL_MESSAGE_LENGTH,
  PHONE_NUMBER_SIZE,
  PPTP_MESSAGE_TYPE_CONTROL,
  PPTP_PROTOCOL_VERSION,
  PPTP_TCP_PORT,
} from './constants.js';
export {
  cdnError,
  generalErrorCode,
  ocrpError,
  type PptpCdnErrorCode,
  type PptpControlError,
  type PptpControlErrorCode,
  type PptpDecodeErrorCode,
  type PptpGeneralErrorCode,
  type PptpOcrpErrorCode,
  type PptpSccrpErrorCode,
  type PptpSessionErrorCode,
  type PptpStopCcrpErrorCode,
  sccrpError,
  stopCcrpError,
  stoppedByPeer,
  timeoutError,
} from './errors.js';
export { ControlFramer, type FramerResult } from './framer.js';
export {
  type CallClearRequest,
  type CallDisconnectNotify,
  CONTROL_MESSAGE_NAMES,
  type ControlMessage,
  type EchoReply,
  type EchoRequest,
  type IncomingCallConnected,
  type IncomingCallReply,
  type IncomingCallRequest,
  type OutgoingCallReply,
  type OutgoingCallRequest,
  type SetLinkInfo,
  type StartControlConnectionReply,
  type StartControlConnectionRequest,
  type StopControlConnectionReply,
  type StopControlConnectionRequest,
  type WanErrorNotify,
} from './messages.js';
export {
  type OutgoingCallAnswer,
  type PacCall,
  PacControlConnection,
  type PacOptions,
} from './pac.js';
export {
  type OutgoingCallOptions,
  type PnsCall,
  type PnsCallState,
  PnsControlConnection,
  type PnsOptions,
} from './pns.js';
export {
  CDN_RESULT_MEANINGS,
  CdnResult,
  type CodeMeaning,
  describeGeneralError,
  EchoResult,
  GENERAL_ERROR_MEANINGS,
  GeneralError,
  IcrpResult,
  OCRP_RESULT_MEANINGS,
  OcrpResult,
  SCCRP_RESULT_MEANINGS,
  SccrpResult,
  STOP_REASON_MEANINGS,
  STOPCCRP_RESULT_MEANINGS,
  StopCcrpResult,
  StopReason,
} from './result-codes.js';
