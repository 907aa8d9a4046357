import {
  type ControlPacket,
  decodeControlPacket,
  decodeOptions,
  type PppAction,
  type PppHeader,
  type RawOption,
  readPppHeader,
} from '../src/index.js';

/** A frame a link sent, decoded for assertions. */
export interface SentPacket extends ControlPacket {
  readonly protocol: number;
  readonly headerLength: number;
  readonly frame: Uint8Array;
}

/** Reads the header of a whole frame; throws (failing the test) when it is malformed. */
export function headerOf(frame: Uint8Array): PppHeader {
  const h: PppHeader = { protocol: 0, offset: 0 };
  if (!readPppHeader(frame, 0, frame.length, h)) throw new Error('malformed PPP frame header');
  return h;
}

export function decodeSent(frame: Uint8Array): SentPacket {
  const h = headerOf(frame);
  return {
    ...decodeControlPacket(frame.subarray(h.offset)),
    protocol: h.protocol,
    headerLength: h.offset,
    frame,
  };
}

export function sentPackets(actions: readonly PppAction[]): SentPacket[] {
  return actions.flatMap((a) => (a.type === 'send' ? [decodeSent(a.frame)] : []));
}

export function optionsOf(p: ControlPacket): RawOption[] {
  return decodeOptions(p.data);
}

/** Builds an uncompressed frame for `protocol` carrying a control packet. */
export function controlFrame(
  protocol: number,
  code: number,
  identifier: number,
  data: number[] | Uint8Array,
): Uint8Array {
  const body = Uint8Array.from(data);
  const out = new Uint8Array(4 + 4 + body.length);
  out.set([
    0xff,
    0x03,
    protocol >>> 8,
    protocol & 0xff,
    code,
    identifier,
    (4 + body.length) >>> 8,
    (4 + body.length) & 0xff,
  ]);
  out.set(body, 8);
  return out;
}
