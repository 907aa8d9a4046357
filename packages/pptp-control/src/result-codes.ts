/**
 * Result, error and reason codes of RFC 2637 §2, each with the sentence a person reads.
 *
 * @module
 */

/** Start-Control-Connection-Reply Result Code (RFC 2637 §2.2). */
export const SccrpResult = {
  Success: 1,
  GeneralError: 2,
  ChannelExists: 3,
  NotAuthorized: 4,
  VersionNotSupported: 5,
} as const;

/** Stop-Control-Connection-Request Reason (RFC 2637 §2.3). */
export const StopReason = {
  None: 1,
  StopProtocol: 2,
  LocalShutdown: 3,
} as const;

/** Stop-Control-Connection-Reply Result Code (RFC 2637 §2.4). */
export const StopCcrpResult = {
  Ok: 1,
  GeneralError: 2,
} as const;

/** Echo-Reply Result Code (RFC 2637 §2.6). */
export const EchoResult = {
  Ok: 1,
  GeneralError: 2,
} as const;

/** Outgoing-Call-Reply Result Code (RFC 2637 §2.8). */
export const OcrpResult = {
  Connected: 1,
  GeneralError: 2,
  NoCarrier: 3,
  Busy: 4,
  NoDialTone: 5,
  TimeOut: 6,
  DoNotAccept: 7,
} as const;

/** Incoming-Call-Reply Result Code (RFC 2637 §2.10). */
export const IcrpResult = {
  Connect: 1,
  GeneralError: 2,
  DoNotAccept: 3,
} as const;

/** Call-Disconnect-Notify Result Code (RFC 2637 §2.13). */
export const CdnResult = {
  LostCarrier: 1,
  GeneralError: 2,
  AdminShutdown: 3,
  Request: 4,
} as const;

/** General Error Codes (RFC 2637 §2.16). */
export const GeneralError = {
  None: 0,
  NotConnected: 1,
  BadFormat: 2,
  BadValue: 3,
  NoResource: 4,
  BadCallId: 5,
  PacError: 6,
} as const;

/** A code's RFC name and the sentence that explains it. */
export interface CodeMeaning {
  /** The RFC's short name, e.g. `Do Not Accept`. */
  readonly name: string;
  /** A sentence for humans. */
  readonly sentence: string;
}

/** Meanings of the General Error Codes (RFC 2637 §2.16), indexed by code. */
export const GENERAL_ERROR_MEANINGS: readonly CodeMeaning[] = [
  { name: 'None', sentence: 'no general error' },
  { name: 'Not-Connected', sentence: 'no control connection exists yet for this PAC-PNS pair' },
  { name: 'Bad-Format', sentence: 'the length is wrong or the Magic Cookie is incorrect' },
  {
    name: 'Bad-Value',
    sentence: 'a field value was out of range or a reserved field was non-zero',
  },
  { name: 'No-Resource', sentence: 'insufficient resources to handle this command now' },
  { name: 'Bad-Call ID', sentence: 'the Call ID is invalid in this context' },
  { name: 'PAC-Error', sentence: 'a generic vendor-specific error occurred in the PAC' },
];

/** Meanings of the Start-Control-Connection-Reply Result Codes (RFC 2637 §2.2), by code. */
export const SCCRP_RESULT_MEANINGS: Readonly<Record<number, CodeMeaning>> = {
  1: { name: 'Successful', sentence: 'the control connection was established' },
  2: { name: 'General error', sentence: 'the control connection was refused (general error)' },
  3: { name: 'Channel exists', sentence: 'a control connection to this peer already exists' },
  4: {
    name: 'Not authorized',
    sentence: 'the server does not allow this client to establish a control connection',
  },
  5: {
    name: 'Version not supported',
    sentence: 'the server does not support the protocol version of this client',
  },
};

/** Meanings of the Outgoing-Call-Reply Result Codes (RFC 2637 §2.8), by code. */
export const OCRP_RESULT_MEANINGS: Readonly<Record<number, CodeMeaning>> = {
  1: { name: 'Connected', sentence: 'the call was established' },
  2: { name: 'General Error', sentence: 'the call was not established (general error)' },
  3: { name: 'No Carrier', sentence: 'the call failed because no carrier was detected' },
  4: { name: 'Busy', sentence: 'the call failed because the line was busy' },
  5: { name: 'No Dial Tone', sentence: 'the call failed because there was no dial tone' },
  6: {
    name: 'Time-out',
    sentence: 'the call was not established within the time the server allows',
  },
  7: { name: 'Do Not Accept', sentence: 'the server administratively prohibits the call' },
};

/** Meanings of the Call-Disconnect-Notify Result Codes (RFC 2637 §2.13), by code. */
export const CDN_RESULT_MEANINGS: Readonly<Record<number, CodeMeaning>> = {
  1: { name: 'Lost Carrier', sentence: 'the call was disconnected because the carrier was lost' },
  2: { name: 'General Error', sentence: 'the call was disconnected (general error)' },
  3: {
    name: 'Admin Shutdown',
    sentence: 'the call was disconnected for administrative reasons',
  },
  4: {
    name: 'Request',
    sentence: 'the call was disconnected on receipt of a Call-Clear-Request',
  },
};

/** Meanings of the Stop-Control-Connection-Request Reasons (RFC 2637 §2.3), by code. */
export const STOP_REASON_MEANINGS: Readonly<Record<number, CodeMeaning>> = {
  1: { name: 'None', sentence: 'a general request to clear the control connection' },
  2: { name: 'Stop-Protocol', sentence: "the sender cannot support its peer's protocol version" },
  3: { name: 'Stop-Local-Shutdown', sentence: 'the sender is being shut down' },
};

/** Meanings of the Stop-Control-Connection-Reply Result Codes (RFC 2637 §2.4), by code. */
export const STOPCCRP_RESULT_MEANINGS: Readonly<Record<number, CodeMeaning>> = {
  1: { name: 'OK', sentence: 'the control connection was closed' },
  2: { name: 'General Error', sentence: 'the control connection was not closed (general error)' },
};

/** Describes a General Error Code as `name: sentence`, or as unknown. */
export function describeGeneralError(code: number): string {
  const meaning = GENERAL_ERROR_MEANINGS[code];
  return meaning === undefined
    ? `unknown general error ${code}`
    : `general error ${code} ${meaning.name}: ${meaning.sentence}`;
}
