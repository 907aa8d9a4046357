import { GRE_MAX_HEADER_LENGTH, type GreSession } from '@pptpkit/gre';
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
  writePppHeader,
} from '@pptpkit/ppp-lcp-ipcp';

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
  /** CCP Reset-Requests asked for by the decryptor (stateful mode). */
  resetRequests: number;
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
  /** The decryptor lost sync (stateful MPPE): send a CCP Reset-Request. */
  readonly onResetNeeded: () => void;
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
    resetRequests: 0,
  };
}

/**
 * The per-packet path of an established tunnel, in preallocated buffers:
 * TUN → PPP (0x0021) → MPPE (0x00FD) → GRE → socket, and GRE payload → PPP → MPPE → TUN.
 * Nothing is allocated per packet.
 */
export class DataPath {
  /** Live counters. */
  readonly counters: DataPathCounters = createDataPathCounters();
  readonly #o: DataPathOptions;
  /** Outgoing packet: GRE header room, PPP header, MPPE header, ciphertext. */
  readonly #tx = new Uint8Array(GRE_MAX_HEADER_LENGTH + 8 + MAX_PACKET);
  /** Outgoing plaintext: the 2-byte inner protocol, then the IP packet. */
  readonly #plain = new Uint8Array(2 + MAX_PACKET);
  /** Incoming plaintext after decryption. */
  readonly #rx = new Uint8Array(MAX_PACKET + 4);
  readonly #header: PppHeader = { protocol: 0, offset: 0 };
  readonly #pppHeaderLength: number;
  readonly #protocol: number;

  /** @param options - the session's GRE, writers, negotiated framing and ciphers. */
  constructor(options: DataPathOptions) {
    this.#o = options;
    this.#protocol = options.mppe === undefined ? PPP_PROTOCOL.IPV4 : PPP_PROTOCOL.COMPRESSED;
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

  /** The largest IP packet that fits the peer's MRU (the TUN MTU to use). */
  get maxIpPacket(): number {
    const overhead = this.#o.mppe === undefined ? 0 : MPPE_HEADER_LENGTH + 2;
    return this.#o.peerMru - overhead;
  }

  /** The server sent a CCP Reset-Request (RFC 3078 §8.2): our next packet changes key and is flushed. */
  mppeEncryptorReset(): void {
    this.#o.mppe?.encryptor.resetRequested();
  }

  /** Sends one IP packet read from the TUN: `buf[start, end)`. */
  sendIp(buf: Uint8Array, start: number, end: number, now: number): void {
    const c = this.counters;
    const length = end - start;
    // Only IPv4 is negotiated (IPCP); anything else the TUN hands us is dropped.
    if (length < 20 || buf[start]! >> 4 !== 4 || length > this.maxIpPacket) {
      c.txDropped++;
      return;
    }
    const tx = this.#tx;
    const body = GRE_MAX_HEADER_LENGTH + this.#pppHeaderLength;
    let payload: number;
    const mppe = this.#o.mppe;
    if (mppe === undefined) {
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
    let at = start;
    if (frame[at] === 0xff && frame[at + 1] === 0x03) at += 2;
    if (at >= end) return false;
    let protocol = frame[at]!;
    if ((protocol & 1) === 0) {
      if (at + 1 >= end) return false;
      protocol = (protocol << 8) | frame[at + 1]!;
      at += 2;
    } else at += 1;
    const h = this.#header;
    h.protocol = protocol;
    h.offset = at - start;
    const c = this.counters;
    const mppe = this.#o.mppe;
    if (h.protocol === PPP_PROTOCOL.COMPRESSED && mppe !== undefined) {
      const rx = this.#rx;
      const n = mppe.decryptor.decrypt(frame, at, end - at, rx, 0);
      if (n < 0) {
        c.mppeDropped++;
        if (n === MPPE_STATUS.RESET_NEEDED) {
          c.resetRequests++;
          this.#o.onResetNeeded();
        }
        return true;
      }
      // The inner protocol field may be compressed to one byte (RFC 1661 §6.5).
      let protocol: number;
      let offset: number;
      if ((rx[0]! & 1) === 1) {
        protocol = rx[0]!;
        offset = 1;
      } else {
        protocol = (rx[0]! << 8) | rx[1]!;
        offset = 2;
      }
      this.#deliver(protocol, rx, offset, n);
      return true;
    }
    if (h.protocol === PPP_PROTOCOL.IPV4 && mppe === undefined) {
      this.#deliver(h.protocol, frame, at, end);
      return true;
    }
    return false;
  }

  #deliver(protocol: number, buf: Uint8Array, start: number, end: number): void {
    const c = this.counters;
    if (protocol !== PPP_PROTOCOL.IPV4 || end <= start || !this.#o.toTun(buf, start, end - start)) {
      c.rxDropped++;
      return;
    }
    c.rxPackets++;
    c.rxBytes += end - start;
  }
}
