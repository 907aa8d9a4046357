/**
 * Encoder and strict decoder of the fifteen control messages (RFC 2637 §1.4, §2.1–§2.15).
 *
 * @module
 */
import { ByteReader, ByteWriter, DecodeError, decodeUtf8, encodeUtf8 } from '@pptpkit/wire';
import {
  CALL_STATISTICS_SIZE,
  CONTROL_HEADER_LENGTH,
  CONTROL_MESSAGE_LENGTHS,
  ControlMessageType,
  HOST_NAME_SIZE,
  MAGIC_COOKIE,
  PHONE_NUMBER_SIZE,
  PPTP_MESSAGE_TYPE_CONTROL,
} from './constants.js';
import type { PptpDecodeErrorCode } from './errors.js';
import { CONTROL_MESSAGE_NAMES, type ControlMessage } from './messages.js';

/** Options of {@link decodeControlMessage}. */
export interface DecodeOptions {
  /**
   * What to do with a non-zero reserved field. RFC 2637 §2 says reserved fields MUST be sent as
   * 0 and §2.16 lists a non-zero one as Bad-Value: `'reject'` (the default) throws
   * `PPTP_RESERVED_NONZERO`; `'ignore'` accepts the message.
   */
  readonly reserved?: 'reject' | 'ignore';
}

function fail(code: PptpDecodeErrorCode, message: string, offset: number, field: string): never {
  throw new DecodeError(code, message, { offset, field });
}

/**
 * Checks the part of a control message header that is present in `bytes[0, available)`:
 * the Length (2 octets), the PPTP Message Type (4), the Magic Cookie (8) and the Control
 * Message Type with its exact length (10). The framer calls it as bytes arrive, so a
 * desynchronised stream fails as early as possible (RFC 2637 §1.4).
 *
 * @throws DecodeError `PPTP_BAD_LENGTH`, `PPTP_BAD_MESSAGE_TYPE`, `PPTP_BAD_MAGIC` or
 *   `PPTP_UNKNOWN_CONTROL_TYPE`.
 */
export function checkControlHeader(bytes: Uint8Array, available: number): void {
  if (available < 2) return;
  const length = (bytes[0]! << 8) | bytes[1]!;
  const min = CONTROL_MESSAGE_LENGTHS[ControlMessageType.StopControlConnectionRequest]!;
  const max = CONTROL_MESSAGE_LENGTHS[ControlMessageType.IncomingCallRequest]!;
  if (length < min || length > max) {
    fail(
      'PPTP_BAD_LENGTH',
      `control message length ${length} is outside ${min}..${max}`,
      0,
      'length',
    );
  }
  if (available < 4) return;
  const messageType = (bytes[2]! << 8) | bytes[3]!;
  // RFC 2637 §1.4: 1 is a control message; management messages (2) are not defined.
  if (messageType !== PPTP_MESSAGE_TYPE_CONTROL) {
    fail(
      'PPTP_BAD_MESSAGE_TYPE',
      `PPTP message type ${messageType} is not 1 (control)`,
      2,
      'messageType',
    );
  }
  if (available < 8) return;
  const cookie = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
  // RFC 2637 §1.4: the Magic Cookie is always 0x1A2B3C4D; a wrong one means loss of sync.
  if (cookie !== MAGIC_COOKIE) {
    fail(
      'PPTP_BAD_MAGIC',
      `magic cookie 0x${cookie.toString(16)} is not 0x1a2b3c4d`,
      4,
      'magicCookie',
    );
  }
  if (available < 10) return;
  const controlType = (bytes[8]! << 8) | bytes[9]!;
  const expected = CONTROL_MESSAGE_LENGTHS[controlType];
  if (controlType === 0 || expected === undefined) {
    fail(
      'PPTP_UNKNOWN_CONTROL_TYPE',
      `control message type ${controlType} is not defined`,
      8,
      'controlType',
    );
  }
  // RFC 2637 §2.1–§2.15 fix every message's length; §2.16 Bad-Format covers a wrong one.
  if (length !== expected) {
    fail(
      'PPTP_BAD_LENGTH',
      `${CONTROL_MESSAGE_NAMES[controlType]} must be ${expected} octets long, not ${length}`,
      0,
      'length',
    );
  }
}

class Fields {
  readonly r: ByteReader;
  readonly #strict: boolean;

  constructor(r: ByteReader, strict: boolean) {
    this.r = r;
    this.#strict = strict;
  }

  /** Reads a reserved field of `bits` bits; RFC 2637 §2: it MUST be 0. */
  reserved(bits: 8 | 16, field: string): void {
    const at = this.r.offset;
    const value = bits === 8 ? this.r.u8(field) : this.r.u16(field);
    if (value !== 0 && this.#strict) {
      fail('PPTP_RESERVED_NONZERO', `${field} is ${value}, not 0`, at, field);
    }
  }

  /** Reads a fixed-size NUL-padded string and returns its text before the first NUL. */
  text(size: number, field: string): string {
    const raw = this.r.bytes(size, field);
    const end = raw.indexOf(0);
    return decodeUtf8(end < 0 ? raw : raw.subarray(0, end));
  }
}

/**
 * Decodes one complete control message. `bytes` must hold exactly one message (the framer
 * delivers such slices).
 *
 * @throws DecodeError with a {@link PptpDecodeErrorCode}; never anything else.
 */
export function decodeControlMessage(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): ControlMessage {
  if (bytes.length < CONTROL_HEADER_LENGTH) {
    fail('PPTP_TRUNCATED', `${bytes.length} octets are shorter than a control header`, 0, 'header');
  }
  checkControlHeader(bytes, CONTROL_HEADER_LENGTH);
  const length = (bytes[0]! << 8) | bytes[1]!;
  if (bytes.length !== length) {
    fail(
      'PPTP_BAD_LENGTH',
      `the Length field says ${length} octets but ${bytes.length} were given`,
      0,
      'length',
    );
  }
  const r = new ByteReader(bytes, 'PPTP_TRUNCATED', 8);
  const f = new Fields(r, options.reserved !== 'ignore');
  const controlType = r.u16('controlType');
  f.reserved(16, 'reserved0');
  switch (controlType) {
    case ControlMessageType.StartControlConnectionRequest: {
      const protocolVersion = r.u16('protocolVersion');
      f.reserved(16, 'reserved1');
      return {
        type: 'start-control-connection-request',
        protocolVersion,
        framingCapabilities: r.u32('framingCapabilities'),
        bearerCapabilities: r.u32('bearerCapabilities'),
        maximumChannels: r.u16('maximumChannels'),
        firmwareRevision: r.u16('firmwareRevision'),
        hostName: f.text(HOST_NAME_SIZE, 'hostName'),
        vendorString: f.text(HOST_NAME_SIZE, 'vendorString'),
      };
    }
    case ControlMessageType.StartControlConnectionReply:
      return {
        type: 'start-control-connection-reply',
        protocolVersion: r.u16('protocolVersion'),
        resultCode: r.u8('resultCode'),
        errorCode: r.u8('errorCode'),
        framingCapabilities: r.u32('framingCapabilities'),
        bearerCapabilities: r.u32('bearerCapabilities'),
        maximumChannels: r.u16('maximumChannels'),
        firmwareRevision: r.u16('firmwareRevision'),
        hostName: f.text(HOST_NAME_SIZE, 'hostName'),
        vendorString: f.text(HOST_NAME_SIZE, 'vendorString'),
      };
    case ControlMessageType.StopControlConnectionRequest: {
      const reason = r.u8('reason');
      f.reserved(8, 'reserved1');
      f.reserved(16, 'reserved2');
      return { type: 'stop-control-connection-request', reason };
    }
    case ControlMessageType.StopControlConnectionReply: {
      const resultCode = r.u8('resultCode');
      const errorCode = r.u8('errorCode');
      f.reserved(16, 'reserved1');
      return { type: 'stop-control-connection-reply', resultCode, errorCode };
    }
    case ControlMessageType.EchoRequest:
      return { type: 'echo-request', identifier: r.u32('identifier') };
    case ControlMessageType.EchoReply: {
      const identifier = r.u32('identifier');
      const resultCode = r.u8('resultCode');
      const errorCode = r.u8('errorCode');
      f.reserved(16, 'reserved1');
      return { type: 'echo-reply', identifier, resultCode, errorCode };
    }
    case ControlMessageType.OutgoingCallRequest: {
      const callId = r.u16('callId');
      const callSerialNumber = r.u16('callSerialNumber');
      const minimumBps = r.u32('minimumBps');
      const maximumBps = r.u32('maximumBps');
      const bearerType = r.u32('bearerType');
      const framingType = r.u32('framingType');
      const receiveWindowSize = r.u16('receiveWindowSize');
      const processingDelay = r.u16('processingDelay');
      const phoneNumberLength = r.u16('phoneNumberLength');
      f.reserved(16, 'reserved1');
      return {
        type: 'outgoing-call-request',
        callId,
        callSerialNumber,
        minimumBps,
        maximumBps,
        bearerType,
        framingType,
        receiveWindowSize,
        processingDelay,
        phoneNumberLength,
        phoneNumber: f.text(PHONE_NUMBER_SIZE, 'phoneNumber'),
        subaddress: f.text(PHONE_NUMBER_SIZE, 'subaddress'),
      };
    }
    case ControlMessageType.OutgoingCallReply:
      return {
        type: 'outgoing-call-reply',
        callId: r.u16('callId'),
        peerCallId: r.u16('peerCallId'),
        resultCode: r.u8('resultCode'),
        errorCode: r.u8('errorCode'),
        causeCode: r.u16('causeCode'),
        connectSpeed: r.u32('connectSpeed'),
        receiveWindowSize: r.u16('receiveWindowSize'),
        processingDelay: r.u16('processingDelay'),
        physicalChannelId: r.u32('physicalChannelId'),
      };
    case ControlMessageType.IncomingCallRequest:
      return {
        type: 'incoming-call-request',
        callId: r.u16('callId'),
        callSerialNumber: r.u16('callSerialNumber'),
        bearerType: r.u32('bearerType'),
        physicalChannelId: r.u32('physicalChannelId'),
        dialedNumberLength: r.u16('dialedNumberLength'),
        dialingNumberLength: r.u16('dialingNumberLength'),
        dialedNumber: f.text(PHONE_NUMBER_SIZE, 'dialedNumber'),
        dialingNumber: f.text(PHONE_NUMBER_SIZE, 'dialingNumber'),
        subaddress: f.text(PHONE_NUMBER_SIZE, 'subaddress'),
      };
    case ControlMessageType.IncomingCallReply: {
      const callId = r.u16('callId');
      const peerCallId = r.u16('peerCallId');
      const resultCode = r.u8('resultCode');
      const errorCode = r.u8('errorCode');
      const receiveWindowSize = r.u16('receiveWindowSize');
      const transmitDelay = r.u16('transmitDelay');
      f.reserved(16, 'reserved1');
      return {
        type: 'incoming-call-reply',
        callId,
        peerCallId,
        resultCode,
        errorCode,
        receiveWindowSize,
        transmitDelay,
      };
    }
    case ControlMessageType.IncomingCallConnected: {
      const peerCallId = r.u16('peerCallId');
      f.reserved(16, 'reserved1');
      return {
        type: 'incoming-call-connected',
        peerCallId,
        connectSpeed: r.u32('connectSpeed'),
        receiveWindowSize: r.u16('receiveWindowSize'),
        transmitDelay: r.u16('transmitDelay'),
        framingType: r.u32('framingType'),
      };
    }
    case ControlMessageType.CallClearRequest: {
      const callId = r.u16('callId');
      f.reserved(16, 'reserved1');
      return { type: 'call-clear-request', callId };
    }
    case ControlMessageType.CallDisconnectNotify: {
      const callId = r.u16('callId');
      const resultCode = r.u8('resultCode');
      const errorCode = r.u8('errorCode');
      const causeCode = r.u16('causeCode');
      f.reserved(16, 'reserved1');
      return {
        type: 'call-disconnect-notify',
        callId,
        resultCode,
        errorCode,
        causeCode,
        callStatistics: f.text(CALL_STATISTICS_SIZE, 'callStatistics'),
      };
    }
    case ControlMessageType.WanErrorNotify: {
      const peerCallId = r.u16('peerCallId');
      f.reserved(16, 'reserved1');
      return {
        type: 'wan-error-notify',
        peerCallId,
        crcErrors: r.u32('crcErrors'),
        framingErrors: r.u32('framingErrors'),
        hardwareOverruns: r.u32('hardwareOverruns'),
        bufferOverruns: r.u32('bufferOverruns'),
        timeoutErrors: r.u32('timeoutErrors'),
        alignmentErrors: r.u32('alignmentErrors'),
      };
    }
    default: {
      // checkControlHeader accepted the type, so it is Set-Link-Info (15).
      const peerCallId = r.u16('peerCallId');
      f.reserved(16, 'reserved1');
      return {
        type: 'set-link-info',
        peerCallId,
        sendAccm: r.u32('sendAccm'),
        receiveAccm: r.u32('receiveAccm'),
      };
    }
  }
}

function text(w: ByteWriter, value: string, size: number, field: string): void {
  const bytes = encodeUtf8(value);
  if (bytes.length > size) {
    throw new RangeError(`${field} is ${bytes.length} UTF-8 octets; the field holds ${size}`);
  }
  w.bytes(bytes).zeros(size - bytes.length);
}

const CODES: Readonly<Record<ControlMessage['type'], number>> = {
  'start-control-connection-request': 1,
  'start-control-connection-reply': 2,
  'stop-control-connection-request': 3,
  'stop-control-connection-reply': 4,
  'echo-request': 5,
  'echo-reply': 6,
  'outgoing-call-request': 7,
  'outgoing-call-reply': 8,
  'incoming-call-request': 9,
  'incoming-call-reply': 10,
  'incoming-call-connected': 11,
  'call-clear-request': 12,
  'call-disconnect-notify': 13,
  'wan-error-notify': 14,
  'set-link-info': 15,
};

/**
 * Encodes a control message with its header (Length, PPTP Message Type 1, Magic Cookie) and
 * every reserved field set to 0 (RFC 2637 §2).
 *
 * @throws RangeError when a numeric field does not fit its width or a string its field.
 */
export function encodeControlMessage(message: ControlMessage): Uint8Array {
  const code = CODES[message.type];
  const length = CONTROL_MESSAGE_LENGTHS[code]!;
  const w = new ByteWriter(length);
  w.u16(length).u16(PPTP_MESSAGE_TYPE_CONTROL).u32(MAGIC_COOKIE).u16(code).u16(0);
  switch (message.type) {
    case 'start-control-connection-request':
      w.u16(message.protocolVersion).u16(0);
      w.u32(message.framingCapabilities).u32(message.bearerCapabilities);
      w.u16(message.maximumChannels).u16(message.firmwareRevision);
      text(w, message.hostName, HOST_NAME_SIZE, 'hostName');
      text(w, message.vendorString, HOST_NAME_SIZE, 'vendorString');
      break;
    case 'start-control-connection-reply':
      w.u16(message.protocolVersion).u8(message.resultCode).u8(message.errorCode);
      w.u32(message.framingCapabilities).u32(message.bearerCapabilities);
      w.u16(message.maximumChannels).u16(message.firmwareRevision);
      text(w, message.hostName, HOST_NAME_SIZE, 'hostName');
      text(w, message.vendorString, HOST_NAME_SIZE, 'vendorString');
      break;
    case 'stop-control-connection-request':
      w.u8(message.reason).u8(0).u16(0);
      break;
    case 'stop-control-connection-reply':
      w.u8(message.resultCode).u8(message.errorCode).u16(0);
      break;
    case 'echo-request':
      w.u32(message.identifier);
      break;
    case 'echo-reply':
      w.u32(message.identifier).u8(message.resultCode).u8(message.errorCode).u16(0);
      break;
    case 'outgoing-call-request':
      w.u16(message.callId).u16(message.callSerialNumber);
      w.u32(message.minimumBps).u32(message.maximumBps);
      w.u32(message.bearerType).u32(message.framingType);
      w.u16(message.receiveWindowSize).u16(message.processingDelay);
      w.u16(message.phoneNumberLength).u16(0);
      text(w, message.phoneNumber, PHONE_NUMBER_SIZE, 'phoneNumber');
      text(w, message.subaddress, PHONE_NUMBER_SIZE, 'subaddress');
      break;
    case 'outgoing-call-reply':
      w.u16(message.callId).u16(message.peerCallId);
      w.u8(message.resultCode).u8(message.errorCode).u16(message.causeCode);
      w.u32(message.connectSpeed);
      w.u16(message.receiveWindowSize).u16(message.processingDelay);
      w.u32(message.physicalChannelId);
      break;
    case 'incoming-call-request':
      w.u16(message.callId).u16(message.callSerialNumber);
      w.u32(message.bearerType).u32(message.physicalChannelId);
      w.u16(message.dialedNumberLength).u16(message.dialingNumberLength);
      text(w, message.dialedNumber, PHONE_NUMBER_SIZE, 'dialedNumber');
      text(w, message.dialingNumber, PHONE_NUMBER_SIZE, 'dialingNumber');
      text(w, message.subaddress, PHONE_NUMBER_SIZE, 'subaddress');
      break;
    case 'incoming-call-reply':
      w.u16(message.callId).u16(message.peerCallId);
      w.u8(message.resultCode).u8(message.errorCode).u16(message.receiveWindowSize);
      w.u16(message.transmitDelay).u16(0);
      break;
    case 'incoming-call-connected':
      w.u16(message.peerCallId).u16(0).u32(message.connectSpeed);
      w.u16(message.receiveWindowSize).u16(message.transmitDelay);
      w.u32(message.framingType);
      break;
    case 'call-clear-request':
      w.u16(message.callId).u16(0);
      break;
    case 'call-disconnect-notify':
      w.u16(message.callId).u8(message.resultCode).u8(message.errorCode);
      w.u16(message.causeCode).u16(0);
      text(w, message.callStatistics, CALL_STATISTICS_SIZE, 'callStatistics');
      break;
    case 'wan-error-notify':
      w.u16(message.peerCallId).u16(0);
      w.u32(message.crcErrors).u32(message.framingErrors).u32(message.hardwareOverruns);
      w.u32(message.bufferOverruns).u32(message.timeoutErrors).u32(message.alignmentErrors);
      break;
    case 'set-link-info':
      w.u16(message.peerCallId).u16(0).u32(message.sendAccm).u32(message.receiveAccm);
      break;
  }
  return w.finish();
}
