import { GRE_MAX_HEADER_LENGTH, type GreSession } from '@pptpkit/gre';
import {
  MPPC_FLAGS,
  MPPC_HEADER_LENGTH,
  MPPC_HISTORY_SIZE,
  MPPC_STATUS,
  MppcCompressor,
  MppcDecompressor,
  MppcFramedCompressor,
  MppcFramedDecompressor,
} from '@pptpkit/mppc';
import {
  MPPE_HEADER_LENGTH,
  MPPE_STATUS,
  type MppeDecryptor,
  type MppeEncryptor,
} from '@pptpkit/mppe';
import {
  type FrameCompression,
  PPP_PROTOCOL,
  type PppHeader,
  readPppHeader,
  writePppHeader,
} from '@pptpkit/ppp-lcp-ipcp';
import { isIpv4Datagram } from '@pptpkit/wire';

/** Writes `buf[offset, offset + length)` to a device or socket; false when it was refused. */
export type PacketWriter = (buf: Uint8Array, offset: number, length: number) => boolean;

/** Live counters of the data path (updated in place). */
export interface DataPathCounters {
  /** IP packets read from the TUN and sent into the tunnel. */
  txPackets: number;
  /** Their bytes (IP packets, before encapsulation). */
  txBytes: number;
  /** IP packets received through the tunnel and written to the TUN. */
  rxPackets: number;
  /** Their bytes. */
  rxBytes: number;
  /** Outgoing packets dropped (not IPv4, too long for the peer's MRU, refused by the socket). */
  txDropped: number;
  /** Incoming data packets dropped (not IPv4, refused by the TUN). */
  rxDropped: number;
  /** Incoming MPPE packets the decryptor refused (duplicate, stale, lost sync, ...). */
  mppeDropped: number;
  /**
   * Incoming MPPE packets that decrypted to something other than a well-formed IPv4 packet
   * (forged, corrupted or under the wrong key): dropped, and the decryptor's state taken back.
   */
  mppeRejected: number;
  /** CCP Reset-Requests asked for by the decryptor (stateful mode) or the decompressor. */
  resetRequests: number;
  /** Bytes handed to the MPPC compressor (PPP protocol field + IP packet). */
  mppcTxPlainBytes: number;
  /** Bytes the compressor produced for them (what MPPE encrypts or the wire carries). */
  mppcTxCompressedBytes: number;
  /** Compressed payload bytes received and decompressed. */
  mppcRxCompressedBytes: number;
  /** Bytes they decompressed to. */
  mppcRxPlainBytes: number;
  /** Incoming packets MPPC refused (corrupt, lost coherency, awaiting a flushed packet). */
  mppcDropped: number;
}

/** The MPPE ciphers of both directions, once CCP agreed. */
export interface MppeCiphers {
  /** Our direction. */
  readonly encryptor: MppeEncryptor;
  /** The server's direction. */
  readonly decryptor: MppeDecryptor;
}

/** What the data path needs. */
export interface DataPathOptions {
  /** The call's GRE session (sequence numbers and acknowledgments). */
  readonly gre: GreSession;
  /** Sends a GRE packet to the raw socket. */
  readonly toNetwork: PacketWriter;
  /** Writes an IP packet to the TUN. */
  readonly toTun: PacketWriter;
  /** Header compression the peer agreed to receive. */
  readonly framing: FrameCompression;
  /** The largest PPP information field the peer accepts (its MRU). */
  readonly peerMru: number;
  /** MPPE ciphers, or `undefined` when the link runs without encryption (`nomppe`). */
  readonly mppe: MppeCiphers | undefined;
  /** MPPC (RFC 2118) per direction; absent when the link does not compress. */
  readonly mppc?: MppcDirections;
  /** The decryptor or the decompressor lost sync: send a CCP Reset-Request. */
  readonly onResetNeeded: () => void;
}

/**
 * MPPC per direction. RFC 1962 §2: each CCP Configure-Request names what its sender can
 * decompress, so the two directions are decided separately.
 */
export interface MppcDirections {
  /** Compress what we send (both Acked CCP requests carry C). */
  readonly compress: boolean;
  /** Decompress what the server sends (our CCP request carried C). */
  readonly decompress: boolean;
}

/** Largest IP packet handled (bigger than any MRU a PPTP peer negotiates). */
const MAX_PACKET = 65535;

/** Creates zeroed data-path counters. */
export function createDataPathCounters(): DataPathCounters {
  return {
    txPackets: 0,
    txBytes: 0,
    rxPackets: 0,
    rxBytes: 0,
    txDropped: 0,
    rxDropped: 0,
    mppeDropped: 0,
    mppeRejected: 0,
    resetRequests: 0,
    mppcTxPlainBytes: 0,
    mppcTxCompressedBytes: 0,
    mppcRxCompressedBytes: 0,
    mppcRxPlainBytes: 0,
    mppcDropped: 0,
  };
}

/** Compressed packets refused while waiting for a flushed one, per repeated Reset-Request. */
const RESET_REPEAT_EVERY = 16;

/**
 * The per-packet path of an established tunnel, in preallocated buffers:
 * TUN → PPP (0x0021) → [MPPC] → [MPPE] (0x00FD) → GRE → socket, and GRE payload → PPP → MPPE →
 * MPPC → TUN. With MPPC and MPPE, both share MPPE's header and coherency count (RFC 3078 §3.1);
 * MPPC alone uses `@pptpkit/mppc`'s framed classes (their own header and coherency count,
 * RFC 2118 §3.1). Nothing is allocated per packet.
 */
export class DataPath {
  /** Live counters. */
  readonly counters: DataPathCounters = createDataPathCounters();
  readonly #o: DataPathOptions;
  /** Outgoing packet: GRE header room, PPP header, MPPE/MPPC header, payload. */
  readonly #tx = new Uint8Array(GRE_MAX_HEADER_LENGTH + 8 + MAX_PACKET);
  /** Outgoing plaintext: the 2-byte inner protocol, then the IP packet. */
  readonly #plain = new Uint8Array(2 + MAX_PACKET);
  /** Incoming plaintext after decryption. */
  readonly #rx = new Uint8Array(MAX_PACKET + 4);
  /** Incoming packet after decompression. */
  readonly #unpacked: Uint8Array;
  readonly #header: PppHeader = { protocol: 0, offset: 0 };
  /** The inner protocol field of a decrypted/decompressed packet. */
  readonly #inner: PppHeader = { protocol: 0, offset: 0 };
  readonly #pppHeaderLength: number;
  readonly #protocol: number;
  /** MPPC with MPPE (MPPE writes the shared header), or MPPC alone (its own header). */
  readonly #compressor: MppcCompressor | undefined;
  readonly #framedCompressor: MppcFramedCompressor | undefined;
  readonly #decompressor: MppcDecompressor | undefined;
  readonly #framedDecompressor: MppcFramedDecompressor | undefined;
  #awaitingDrops = 0;

  /** @param options - the session's GRE, writers, negotiated framing, ciphers and MPPC. */
  constructor(options: DataPathOptions) {
    this.#o = options;
    const alone = options.mppe === undefined;
    const compress = options.mppc?.compress === true;
    const decompress = options.mppc?.decompress === true;
    this.#compressor = compress && !alone ? new MppcCompressor() : undefined;
    this.#framedCompressor = compress && alone ? new MppcFramedCompressor() : undefined;
    const mru = { mru: MPPC_HISTORY_SIZE };
    this.#decompressor = decompress && !alone ? new MppcDecompressor(mru) : undefined;
    this.#framedDecompressor = decompress && alone ? new MppcFramedDecompressor(mru) : undefined;
    this.#unpacked = new Uint8Array(decompress ? MPPC_HISTORY_SIZE : 0);
    this.#protocol = alone && !compress ? PPP_PROTOCOL.IPV4 : PPP_PROTOCOL.COMPRESSED;
    this.#pppHeaderLength = writePppHeader(
      this.#tx,
      GRE_MAX_HEADER_LENGTH,
      this.#protocol,
      options.framing,
    );
    // RFC 1661 §2: the inner protocol of an encrypted datagram, sent uncompressed as Linux does.
    this.#plain[0] = 0x00;
    this.#plain[1] = 0x21;
  }

  /** Whether we compress what we send (with MPPE or alone). */
  get #compressing(): boolean {
    return this.#compressor !== undefined || this.#framedCompressor !== undefined;
  }

  /** The largest IP packet that fits the peer's MRU (the TUN MTU to use). */
  get maxIpPacket(): number {
    if (this.#o.mppe === undefined && !this.#compressing) return this.#o.peerMru;
    // The 2-byte MPPE/MPPC header and the inner protocol field; MPPC never expands a packet.
    const max = this.#o.peerMru - MPPE_HEADER_LENGTH - 2;
    // RFC 2118 §3: a packet must fit in the 8192-byte history.
    return this.#compressing ? Math.min(max, MPPC_HISTORY_SIZE - 2) : max;
  }

  /**
   * The server sent a CCP Reset-Request (RFC 3078 §8.2, RFC 2118 §4.3): our next packet
   * changes key (stateful MPPE) and is flushed, with the compressor's history reset.
   */
  resetRequested(): void {
    this.#o.mppe?.encryptor.resetRequested();
    this.#compressor?.reset();
    this.#framedCompressor?.reset();
  }

  /** Sends one IP packet read from the TUN: `buf[start, end)`. */
  sendIp(buf: Uint8Array, start: number, end: number, now: number): void {
    const c = this.counters;
    const length = end - start;
    // Only IPv4 is negotiated (IPCP); anything else the TUN hands us is dropped.
    if (length > this.maxIpPacket || !isIpv4Datagram(buf, start, end)) {
      c.txDropped++;
      return;
    }
    const tx = this.#tx;
    const body = GRE_MAX_HEADER_LENGTH + this.#pppHeaderLength;
    let payload: number;
    const mppe = this.#o.mppe;
    const compressor = this.#compressor;
    const framed = this.#framedCompressor;
    if (compressor !== undefined && mppe !== undefined) {
      // RFC 3078 §3.1 / RFC 2118: compress first, into the payload room after the header...
      const plain = this.#plain;
      plain.set(buf.subarray(start, end), 2);
      const n = length + 2;
      // ...with the history reset whenever MPPE flushes this packet on its own.
      if (mppe.encryptor.nextPacketFlushed) compressor.reset();
      const at = body + MPPC_HEADER_LENGTH;
      const m = compressor.compressRange(plain, 0, n, tx, at);
      c.mppcTxPlainBytes += n;
      c.mppcTxCompressedBytes += m;
      // ...then encrypt in place; MPPE writes the shared header with the A/B/C bits.
      payload =
        this.#pppHeaderLength + mppe.encryptor.encrypt(tx, at, m, tx, body, compressor.flags);
    } else if (framed !== undefined) {
      // MPPC alone: its own header, flags and 12-bit coherency count (RFC 2118 §3.1).
      const plain = this.#plain;
      plain.set(buf.subarray(start, end), 2);
      const n = length + 2;
      const m = framed.compressRange(plain, 0, n, tx, body);
      c.mppcTxPlainBytes += n;
      c.mppcTxCompressedBytes += m - MPPC_HEADER_LENGTH;
      payload = this.#pppHeaderLength + m;
    } else if (mppe === undefined) {
      tx.set(buf.subarray(start, end), body);
      payload = this.#pppHeaderLength + length;
    } else {
      const plain = this.#plain;
      plain.set(buf.subarray(start, end), 2);
      payload = this.#pppHeaderLength + mppe.encryptor.encrypt(plain, 0, length + 2, tx, body);
    }
    const at = this.#o.gre.writeData(tx, GRE_MAX_HEADER_LENGTH, payload, now);
    if (at < 0 || !this.#o.toNetwork(tx, at, GRE_MAX_HEADER_LENGTH + payload - at)) {
      c.txDropped++;
      return;
    }
    c.txPackets++;
    c.txBytes += length;
  }

  /**
   * Handles one in-order GRE payload (a PPP frame) when it is a data frame; returns false when
   * it is not (a control frame, or undecodable) so the caller hands it to the PPP link.
   */
  receiveFrame(frame: Uint8Array, start: number, end: number): boolean {
    // The PPP header, read in place (RFC 1661 §6.5/§6.6: ACFC and PFC forms accepted).
    const h = this.#header;
    if (!readPppHeader(frame, start, end, h)) return false;
    const at = h.offset;
    const c = this.counters;
    const mppe = this.#o.mppe;
    if (h.protocol === PPP_PROTOCOL.COMPRESSED && mppe !== undefined) {
      const rx = this.#rx;
      const n = mppe.decryptor.decrypt(frame, at, end - at, rx, 0);
      if (n < 0) {
        c.mppeDropped++;
        if (n === MPPE_STATUS.RESET_NEEDED) this.#requestReset();
        return true;
      }
      // RFC 3078 §3.1: decrypt first, then hand the header's A/B/C bits to MPPC.
      const flags = mppe.decryptor.flags;
      const resets = c.resetRequests;
      // MPPE has no integrity check: a packet that decrypts to garbage must not move the key
      // state (stateless: a forged count far ahead would make every genuine packet stale).
      // Stateful, a compressed packet MPPC refuses was decrypted under the right key (MPPC's
      // history is what is out of step, and MPPC asks for the reset), so MPPE keeps it.
      if (
        !this.#unpack(flags, rx, 0, n) &&
        (mppe.decryptor.stateless || (flags & MPPC_FLAGS.COMPRESSED) === 0)
      ) {
        c.mppeRejected++;
        const status = mppe.decryptor.rejectLast();
        if (status === MPPE_STATUS.RESET_NEEDED && c.resetRequests === resets) this.#requestReset();
      }
      return true;
    }
    if (h.protocol === PPP_PROTOCOL.COMPRESSED && this.#framedDecompressor !== undefined) {
      this.#receiveMppcAlone(this.#framedDecompressor, frame, at, end);
      return true;
    }
    if (h.protocol === PPP_PROTOCOL.IPV4 && mppe === undefined) {
      this.#deliver(h.protocol, frame, at, end);
      return true;
    }
    return false;
  }

  /** MPPC without MPPE: the RFC 2118 §3.1 header with its own coherency count. */
  #receiveMppcAlone(
    framed: MppcFramedDecompressor,
    frame: Uint8Array,
    start: number,
    end: number,
  ): void {
    const n = framed.decompressRange(frame, start, end, this.#unpacked, 0);
    if (n < 0) {
      this.#mppcRefused(n);
      return;
    }
    // Only compressed packets count as MPPC traffic (C: RFC 2118 §3.1).
    if ((frame[start]! & MPPC_FLAGS.COMPRESSED) !== 0) {
      this.counters.mppcRxCompressedBytes += end - start - MPPC_HEADER_LENGTH;
      this.counters.mppcRxPlainBytes += n;
    }
    this.#deliverInner(this.#unpacked, 0, n);
  }

  /**
   * Counts a packet MPPC refused and asks for a CCP Reset-Request when the status calls for one:
   * at once after a loss or a corrupt packet; while waiting for the flushed answer, every
   * {@link RESET_REPEAT_EVERY}th refused packet, in case the Reset-Request was lost. A packet
   * too short for the header or with D set (MPPC alone) is only dropped.
   *
   * @returns whether the packet was refused only because a flushed packet is awaited (not
   *   garbage in itself).
   */
  #mppcRefused(status: number): boolean {
    this.counters.mppcDropped++;
    switch (status) {
      case MPPC_STATUS.AWAITING_FLUSH:
        if (++this.#awaitingDrops % RESET_REPEAT_EVERY === 0) this.#requestReset();
        return true;
      case MPPC_STATUS.TOO_SHORT:
      case MPPC_STATUS.ENCRYPTED:
        return false;
      default:
        this.#awaitingDrops = 0;
        this.#requestReset();
        return false;
    }
  }

  /**
   * Decompresses `buf[start, start + length)` per the header's flags and delivers it.
   *
   * @returns false when the packet is garbage (undecompressable, or not a well-formed IPv4
   *   packet), true when it was delivered or dropped for another reason.
   */
  #unpack(flags: number, buf: Uint8Array, start: number, length: number): boolean {
    const c = this.counters;
    const d = this.#decompressor;
    if ((flags & MPPC_FLAGS.COMPRESSED) === 0) {
      // Sent as it was (RFC 2118 §3.1): A still resets the history, nothing else touches it.
      if ((flags & MPPC_FLAGS.FLUSHED) !== 0) d?.reset();
      return this.#deliverInner(buf, start, start + length);
    }
    if (d === undefined) {
      // C set although we did not offer MPPC: not a packet we can read.
      c.mppcDropped++;
      return false;
    }
    const n = d.decompressRange(flags, buf, start, start + length, this.#unpacked, 0);
    if (n < 0) return this.#mppcRefused(n);
    c.mppcRxCompressedBytes += length;
    c.mppcRxPlainBytes += n;
    return this.#deliverInner(this.#unpacked, 0, n);
  }

  #requestReset(): void {
    this.counters.resetRequests++;
    this.#o.onResetNeeded();
  }

  /**
   * Delivers a decrypted/decompressed PPP packet: the inner protocol field, then the datagram.
   *
   * @returns whether it was a well-formed IPv4 packet (as `#deliver` checks it).
   */
  #deliverInner(buf: Uint8Array, start: number, end: number): boolean {
    // The inner protocol field alone (RFC 3078 §3: no FF 03 address and control), possibly
    // compressed to one byte (RFC 1661 §6.5).
    const h = this.#inner;
    if (buf[start] === 0xff || !readPppHeader(buf, start, end, h)) {
      this.counters.rxDropped++;
      return false;
    }
    return this.#deliver(h.protocol, buf, h.offset, end);
  }

  /**
   * Writes an IPv4 packet to the TUN. Anything else is dropped: the tunnel negotiates IPCP only.
   *
   * @returns whether it was a well-formed IPv4 packet (version 4, a header of at least 20 bytes,
   *   a total length between the header's and what arrived), whether or not the TUN took it.
   */
  #deliver(protocol: number, buf: Uint8Array, start: number, end: number): boolean {
    const c = this.counters;
    const length = end - start;
    if (protocol !== PPP_PROTOCOL.IPV4 || !isIpv4Datagram(buf, start, end)) {
      c.rxDropped++;
      return false;
    }
    if (!this.#o.toTun(buf, start, length)) {
      c.rxDropped++;
      return true;
    }
    c.rxPackets++;
    c.rxBytes += length;
    return true;
  }
}
