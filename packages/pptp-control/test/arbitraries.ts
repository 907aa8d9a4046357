import { encodeUtf8 } from '@pptpkit/wire';
import fc from 'fast-check';
import type { ControlMessage } from '../src/index.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Strings that fit a NUL-padded field of `size` octets and contain no NUL. */
function text(size: number): fc.Arbitrary<string> {
  return fc
    .string({ unit: 'binary', maxLength: size / 4 + 8 })
    .filter((s) => !s.includes('\0') && encodeUtf8(s).length <= size);
}

const host = text(64);
const phone = text(64);

/** Every one of the fifteen control messages, with any field values. */
export const anyControlMessage: fc.Arbitrary<ControlMessage> = fc.oneof(
  fc.record({
    type: fc.constant('start-control-connection-request' as const),
    protocolVersion: u16,
    framingCapabilities: u32,
    bearerCapabilities: u32,
    maximumChannels: u16,
    firmwareRevision: u16,
    hostName: host,
    vendorString: host,
  }),
  fc.record({
    type: fc.constant('start-control-connection-reply' as const),
    protocolVersion: u16,
    resultCode: u8,
    errorCode: u8,
    framingCapabilities: u32,
    bearerCapabilities: u32,
    maximumChannels: u16,
    firmwareRevision: u16,
    hostName: host,
    vendorString: host,
  }),
  fc.record({ type: fc.constant('stop-control-connection-request' as const), reason: u8 }),
  fc.record({
    type: fc.constant('stop-control-connection-reply' as const),
    resultCode: u8,
    errorCode: u8,
  }),
  fc.record({ type: fc.constant('echo-request' as const), identifier: u32 }),
  fc.record({
    type: fc.constant('echo-reply' as const),
    identifier: u32,
    resultCode: u8,
    errorCode: u8,
  }),
  fc.record({
    type: fc.constant('outgoing-call-request' as const),
    callId: u16,
    callSerialNumber: u16,
    minimumBps: u32,
    maximumBps: u32,
    bearerType: u32,
    framingType: u32,
    receiveWindowSize: u16,
    processingDelay: u16,
    phoneNumberLength: u16,
    phoneNumber: phone,
    subaddress: phone,
  }),
  fc.record({
    type: fc.constant('outgoing-call-reply' as const),
    callId: u16,
    peerCallId: u16,
    resultCode: u8,
    errorCode: u8,
    causeCode: u16,
    connectSpeed: u32,
    receiveWindowSize: u16,
    processingDelay: u16,
    physicalChannelId: u32,
  }),
  fc.record({
    type: fc.constant('incoming-call-request' as const),
    callId: u16,
    callSerialNumber: u16,
    bearerType: u32,
    physicalChannelId: u32,
    dialedNumberLength: u16,
    dialingNumberLength: u16,
    dialedNumber: phone,
    dialingNumber: phone,
    subaddress: phone,
  }),
  fc.record({
    type: fc.constant('incoming-call-reply' as const),
    callId: u16,
    peerCallId: u16,
    resultCode: u8,
    errorCode: u8,
    receiveWindowSize: u16,
    transmitDelay: u16,
  }),
  fc.record({
    type: fc.constant('incoming-call-connected' as const),
    peerCallId: u16,
    connectSpeed: u32,
    receiveWindowSize: u16,
    transmitDelay: u16,
    framingType: u32,
  }),
  fc.record({ type: fc.constant('call-clear-request' as const), callId: u16 }),
  fc.record({
    type: fc.constant('call-disconnect-notify' as const),
    callId: u16,
    resultCode: u8,
    errorCode: u8,
    causeCode: u16,
    callStatistics: text(128),
  }),
  fc.record({
    type: fc.constant('wan-error-notify' as const),
    peerCallId: u16,
    crcErrors: u32,
    framingErrors: u32,
    hardwareOverruns: u32,
    bufferOverruns: u32,
    timeoutErrors: u32,
    alignmentErrors: u32,
  }),
  fc.record({
    type: fc.constant('set-link-info' as const),
    peerCallId: u16,
    sendAccm: u32,
    receiveAccm: u32,
  }),
);

/** Cuts `bytes` at the given (sorted, deduplicated) points. */
export function chunk(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
