/**
 * Control messages for the PPTP targets' generators: plausible ones (the replies a PNS or PAC
 * expects, with the right call IDs and odd values such as a receive window of 0) and any one
 * of the fifteen from the package's own fast-check arbitrary.
 *
 * @module
 */
import { type ControlMessage, encodeControlMessage } from '@pptpkit/pptp-control';
import fc from 'fast-check';
import { anyControlMessage } from '../../pptp-control/test/arbitraries.js';
import type { Rng } from '../engine/rng.js';

/** Call IDs a generated message should name to reach past the "unknown call" checks. */
export interface KnownIds {
  /** The Call ID of the machine under test. */
  readonly ours: number;
  /** A Call ID for the other side. */
  readonly theirs: number;
}

const u8 = (rng: Rng): number => rng.pick([0, 1, 2, 3, 7, 0xff, rng.below(256)]);
const u16 = (rng: Rng): number => rng.pick([0, 1, 3, 64, 0xffff, rng.below(0x10000)]);
const u32 = (rng: Rng): number => rng.pick([0, 1, 0xffffffff, rng.u32()]);
const id = (rng: Rng, known: number): number => (rng.chance(0.8) ? known : u16(rng));

/** A message the PAC could send a PNS. */
export function pacMessage(rng: Rng, ids: KnownIds): ControlMessage {
  switch (rng.below(9)) {
    case 0:
      return {
        type: 'start-control-connection-reply',
        protocolVersion: rng.chance(0.8) ? 0x100 : u16(rng),
        resultCode: rng.chance(0.8) ? 1 : u8(rng),
        errorCode: u8(rng),
        framingCapabilities: u32(rng),
        bearerCapabilities: u32(rng),
        maximumChannels: u16(rng),
        firmwareRevision: u16(rng),
        hostName: 'pac',
        vendorString: 'linux',
      };
    case 1:
      return {
        type: 'outgoing-call-reply',
        callId: u16(rng),
        peerCallId: id(rng, ids.ours),
        resultCode: rng.chance(0.8) ? 1 : u8(rng),
        errorCode: u8(rng),
        causeCode: u16(rng),
        connectSpeed: u32(rng),
        receiveWindowSize: u16(rng),
        processingDelay: u16(rng),
        physicalChannelId: u32(rng),
      };
    case 2:
      return {
        type: 'call-disconnect-notify',
        callId: id(rng, ids.theirs),
        resultCode: u8(rng),
        errorCode: u8(rng),
        causeCode: u16(rng),
        callStatistics: rng.chance(0.5) ? '' : 'stats',
      };
    case 3:
      return {
        type: 'wan-error-notify',
        peerCallId: id(rng, ids.ours),
        crcErrors: u32(rng),
        framingErrors: u32(rng),
        hardwareOverruns: u32(rng),
        bufferOverruns: u32(rng),
        timeoutErrors: u32(rng),
        alignmentErrors: u32(rng),
      };
    case 4:
      return { type: 'set-link-info', peerCallId: id(rng, ids.ours), sendAccm: 0, receiveAccm: 0 };
    default:
      return commonMessage(rng);
  }
}

/** A message the PNS could send a PAC. */
export function pnsMessage(rng: Rng, ids: KnownIds): ControlMessage {
  switch (rng.below(8)) {
    case 0:
      return {
        type: 'start-control-connection-request',
        protocolVersion: rng.chance(0.8) ? 0x100 : u16(rng),
        framingCapabilities: u32(rng),
        bearerCapabilities: u32(rng),
        maximumChannels: u16(rng),
        firmwareRevision: u16(rng),
        hostName: 'pns',
        vendorString: 'pptpkit',
      };
    case 1:
    case 2:
      return {
        type: 'outgoing-call-request',
        callId: u16(rng),
        callSerialNumber: u16(rng),
        minimumBps: u32(rng),
        maximumBps: u32(rng),
        bearerType: u32(rng),
        framingType: u32(rng),
        receiveWindowSize: u16(rng),
        processingDelay: u16(rng),
        phoneNumberLength: 0,
        phoneNumber: '',
        subaddress: '',
      };
    case 3:
      return { type: 'call-clear-request', callId: id(rng, ids.theirs) };
    case 4:
      return {
        type: 'set-link-info',
        peerCallId: id(rng, ids.ours),
        sendAccm: u32(rng),
        receiveAccm: u32(rng),
      };
    default:
      return commonMessage(rng);
  }
}

/** Echo and Stop messages, which both sides send. */
function commonMessage(rng: Rng): ControlMessage {
  switch (rng.below(4)) {
    case 0:
      return { type: 'echo-request', identifier: u32(rng) };
    case 1:
      return { type: 'echo-reply', identifier: u32(rng), resultCode: u8(rng), errorCode: u8(rng) };
    case 2:
      return { type: 'stop-control-connection-request', reason: u8(rng) };
    default:
      return { type: 'stop-control-connection-reply', resultCode: u8(rng), errorCode: u8(rng) };
  }
}

/** Any of the fifteen messages with any field values (the package's fast-check arbitrary). */
export function anyMessageBytes(rng: Rng): Uint8Array {
  const [message] = fc.sample(anyControlMessage, { seed: rng.u32() | 0, numRuns: 1 });
  return encodeControlMessage(message!);
}
