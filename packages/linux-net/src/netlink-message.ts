/**
 * Netlink framing, pure: messages (`struct nlmsghdr`) and attributes (`struct nlattr`, the
 * same layout as rtnetlink's `struct rtattr`), as `linux/netlink.h` defines them and RFC 3549
 * §2.2 describes them. Integers are in the host's byte order (netlink never crosses a
 * machine); addresses inside attributes stay in network order. Every length is padded to 4
 * bytes (`NLMSG_ALIGN`, `NLA_ALIGN`).
 *
 * @module
 */

/** Length of `struct nlmsghdr`: len u32, type u16, flags u16, seq u32, pid u32. */
export const NLMSG_HDRLEN = 16;
/** Length of an attribute header: len u16, type u16. */
const NLA_HDRLEN = 4;
/** The attribute type bits (`NLA_TYPE_MASK`): the top two are `NLA_F_NESTED`/`NLA_F_NET_BYTEORDER`. */
const NLA_TYPE_MASK = 0x3fff;

/** Control message types (`NLMSG_*`). */
export const NetlinkType: { readonly noop: 1; readonly error: 2; readonly done: 3 } = {
  noop: 1,
  error: 2,
  done: 3,
};

/** Header flags (`NLM_F_*`). Values above 0xff mean different things for GET and NEW requests. */
export const NetlinkFlag: {
  readonly request: 0x1;
  readonly multi: 0x2;
  readonly ack: 0x4;
  readonly dumpInterrupted: 0x10;
  readonly dump: 0x300;
  readonly excl: 0x200;
  readonly create: 0x400;
  readonly capped: 0x100;
  readonly ackTlvs: 0x200;
} = {
  request: 0x1,
  multi: 0x2,
  ack: 0x4,
  dumpInterrupted: 0x10,
  dump: 0x300,
  excl: 0x200,
  create: 0x400,
  capped: 0x100,
  ackTlvs: 0x200,
};

/** `NLMSGERR_ATTR_MSG`: the extended ack's human-readable message (`linux/netlink.h`). */
const NLMSGERR_ATTR_MSG = 1;

/** Whether integers are little-endian here (netlink uses host order). */
export const littleEndian: boolean = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Rounds up to a multiple of 4. */
function align(length: number): number {
  return (length + 3) & ~3;
}

/** A netlink attribute to encode: bytes, or nested attributes (e.g. `RTA_METRICS`). */
export interface Attribute {
  /** Attribute type. */
  readonly type: number;
  /** Payload, or nested attributes. */
  readonly value: Uint8Array | readonly Attribute[];
}

/** A host-order u32 attribute. */
export function u32Attribute(type: number, value: number): Attribute {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, littleEndian);
  return { type, value: bytes };
}

/** A NUL-terminated string attribute (interface names). */
export function stringAttribute(type: number, value: string): Attribute {
  const text = new TextEncoder().encode(value);
  const bytes = new Uint8Array(text.length + 1);
  bytes.set(text);
  return { type, value: bytes };
}

/** Encoded size of attributes, padding included. */
function attributesLength(attributes: readonly Attribute[]): number {
  let length = 0;
  for (const attribute of attributes) {
    const value = attribute.value;
    length += align(
      NLA_HDRLEN + (value instanceof Uint8Array ? value.length : attributesLength(value)),
    );
  }
  return length;
}

/** Writes attributes at `offset`; returns the offset after them. */
function writeAttributes(
  view: DataView,
  bytes: Uint8Array,
  offset: number,
  attributes: readonly Attribute[],
): number {
  for (const attribute of attributes) {
    const value = attribute.value;
    const start = offset;
    offset += NLA_HDRLEN;
    if (value instanceof Uint8Array) {
      bytes.set(value, offset);
      offset += value.length;
    } else {
      offset = writeAttributes(view, bytes, offset, value);
    }
    view.setUint16(start, offset - start, littleEndian);
    view.setUint16(start + 2, attribute.type, littleEndian);
    offset = align(offset);
  }
  return offset;
}

/** A request to encode. */
export interface OutgoingMessage {
  /** `nlmsg_type` (an `RTM_*` value). */
  readonly type: number;
  /** `nlmsg_flags`; `NLM_F_REQUEST` is added. */
  readonly flags: number;
  /** `nlmsg_seq`. */
  readonly seq: number;
  /** The family header (`struct ifinfomsg`, `ifaddrmsg`, `rtmsg`), already encoded. */
  readonly header: Uint8Array;
  /** Attributes after it. */
  readonly attributes: readonly Attribute[];
}

/** Encodes one request; `nlmsg_pid` is 0 (the kernel fills in the sender). */
export function encodeMessage(message: OutgoingMessage): Uint8Array {
  const headerEnd = NLMSG_HDRLEN + align(message.header.length);
  const length = headerEnd + attributesLength(message.attributes);
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, length, littleEndian);
  view.setUint16(4, message.type, littleEndian);
  view.setUint16(6, message.flags | NetlinkFlag.request, littleEndian);
  view.setUint32(8, message.seq >>> 0, littleEndian);
  view.setUint32(12, 0, littleEndian);
  bytes.set(message.header, NLMSG_HDRLEN);
  writeAttributes(view, bytes, headerEnd, message.attributes);
  return bytes;
}

/** One received message. */
export interface NetlinkMessage {
  /** `nlmsg_type`. */
  readonly type: number;
  /** `nlmsg_flags`. */
  readonly flags: number;
  /** `nlmsg_seq`: the request it answers. */
  readonly seq: number;
  /** `nlmsg_pid`: the port id of the request's socket. */
  readonly pid: number;
  /** The payload after the header (a view into the datagram, without trailing padding). */
  readonly body: Uint8Array;
}

/**
 * Splits a datagram into messages; `undefined` when a length field is impossible (shorter than
 * a header, or past the end) or bytes are left over that cannot be a message.
 */
export function decodeMessages(datagram: Uint8Array): NetlinkMessage[] | undefined {
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const messages: NetlinkMessage[] = [];
  let offset = 0;
  while (datagram.length - offset >= NLMSG_HDRLEN) {
    const length = view.getUint32(offset, littleEndian);
    if (length < NLMSG_HDRLEN || length > datagram.length - offset) return undefined;
    messages.push({
      type: view.getUint16(offset + 4, littleEndian),
      flags: view.getUint16(offset + 6, littleEndian),
      seq: view.getUint32(offset + 8, littleEndian),
      pid: view.getUint32(offset + 12, littleEndian),
      body: datagram.subarray(offset + NLMSG_HDRLEN, offset + length),
    });
    offset += align(length);
  }
  return offset < datagram.length ? undefined : messages;
}

/**
 * The attributes in `bytes`, by type (the first of repeated types; the nested and byte-order
 * flag bits masked off); `undefined` when an attribute's length runs past the end.
 */
export function decodeAttributes(bytes: Uint8Array): Map<number, Uint8Array> | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const attributes = new Map<number, Uint8Array>();
  let offset = 0;
  while (bytes.length - offset >= NLA_HDRLEN) {
    const length = view.getUint16(offset, littleEndian);
    if (length < NLA_HDRLEN || length > bytes.length - offset) return undefined;
    const type = view.getUint16(offset + 2, littleEndian) & NLA_TYPE_MASK;
    if (!attributes.has(type))
      attributes.set(type, bytes.subarray(offset + NLA_HDRLEN, offset + length));
    offset += align(length);
  }
  return attributes;
}

/** A host-order u32 at `offset`; `undefined` when the bytes are too short. */
export function readU32(bytes: Uint8Array | undefined, offset = 0): number | undefined {
  if (bytes === undefined || bytes.length < offset + 4) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    offset,
    littleEndian,
  );
}

/** A host-order i32 at `offset`; `undefined` when the bytes are too short. */
function readI32(bytes: Uint8Array, offset: number): number | undefined {
  if (bytes.length < offset + 4) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(
    offset,
    littleEndian,
  );
}

/** A string attribute up to its NUL (or its end). */
export function readString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/** What an `NLMSG_ERROR` (or a dump's `NLMSG_DONE`) reports. */
export interface NetlinkStatus {
  /** 0 for an acknowledgement, else the positive errno. */
  readonly errno: number;
  /** The extended ack's message (`NLMSGERR_ATTR_MSG`), when the kernel gave one. */
  readonly kernelMessage?: string;
}

/**
 * Decodes the status of an `NLMSG_ERROR` (`struct nlmsgerr`: a negative errno, then the
 * request's header, its payload unless `NLM_F_CAPPED`, then extended-ack attributes when
 * `NLM_F_ACK_TLVS`) or of an `NLMSG_DONE` (an int, then the same attributes);
 * `undefined` when truncated.
 */
export function decodeStatus(message: NetlinkMessage): NetlinkStatus | undefined {
  const error = readI32(message.body, 0);
  if (error === undefined) return undefined;
  const errno = error === 0 ? 0 : Math.abs(error);
  if ((message.flags & NetlinkFlag.ackTlvs) === 0) return { errno };
  let tlvStart = 4;
  if (message.type === NetlinkType.error) {
    const echoed = readU32(message.body, 4);
    if (echoed === undefined) return undefined;
    tlvStart += (message.flags & NetlinkFlag.capped) !== 0 ? NLMSG_HDRLEN : align(echoed);
  }
  if (tlvStart > message.body.length) return undefined;
  const text = decodeAttributes(message.body.subarray(tlvStart))?.get(NLMSGERR_ATTR_MSG);
  return text === undefined ? { errno } : { errno, kernelMessage: readString(text) };
}
