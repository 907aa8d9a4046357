import { GRE_MAX_HEADER_LENGTH, GRE_QUEUED, type GreSession } from '@pptpkit/gre';
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
import { innerChecksumsValid, ipv6ChecksumsValid } from './inner-checksums.js';
import { ipv6DatagramLength } from './ipv6-datagram.js';
import { clampTcpMss, ipv4MssForMtu, ipv6MssForMtu } from './mss-clamp.js';

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
  /**
   * Outgoing packets dropped (not IPv4, nor IPv6 while IPv6CP is open; too long for the peer's
   * MRU, refused by the socket).
   */
  txDropped: number;
  /** Incoming data packets dropped (not IPv4 nor, while IPv6CP is open, IPv6; refused by the TUN). */
  rxDropped: number;
  /** Of `txPackets`, the IPv6 ones (PPP protocol 0x0057). */
  txIpv6Packets: number;
  /** Of `rxPackets`, the IPv6 ones. */
  rxIpv6Packets: number;
  /**
   * Incoming IPv4 packets dropped because their header checksum, or the TCP/UDP/ICMP checksum of
   * a whole datagram, is wrong: damaged on the wire or forged (MPPE has no integrity check).
   */
  rxBadChecksum: number;
  /** Incoming MPPE packets the decryptor refused (duplicate, stale, lost sync, ...). */
  mppeDropped: number;
  /**
   * Incoming MPPE packets that decrypted to something other than a well-formed IPv4 packet
   * (forged, corrupted or under the wrong key): dropped, and the decryptor's state taken back.
   */
  mppeRejected: number;
  /**
   * Stateful MPPE: packets after a gap that read right at a guessed keystream offset (the gap
   * crossed without a Reset-Request; then handed to the TUN as any other).
   */
  mppeRecovered: number;
  /** CCP Reset-Requests asked for by the decryptor (stateful mode) or the decompressor. */
  resetRequests: number;
  /** Bytes handed to the MPPC compressor (PPP protocol field + IP packet). */
  mppcTxPlainBytes: number;
  /** Bytes the compressor produced for them (what MPPE encrypts or the wire carries). */
  mppcTxCompressedBytes: number;
  /** Compressed payload bytes received that decompressed to an IP datagram. */
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
  /** IPv6CP is open: IPv6 packets cross too (PPP 0x0057; {@link DataPath.setIpv6}). Default false. */
  readonly ipv6?: boolean;
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

/**
 * After this long without a data packet either way, ms, the data path lets go of what the
 * session keeps spare for traffic ({@link DataPath.timeout}): GRE's spare copy buffers, the
 * MPPE decryptor's key chain and gap-recovery keystream. Traffic allocates them again.
 */
const TRIM_AFTER_MS = 10_000;

/** What one `sendIp` writes: the outgoing packet and, before MPPE/MPPC, its plaintext. */
interface SendScratch {
  /** Lent to a call now (see `SEND`). */
  lent: boolean;
  /** GRE header room, PPP header, MPPE/MPPC header, payload. */
  readonly tx: Uint8Array;
  /** The 2-byte inner protocol (IPv4 or IPv6, written per packet), then the IP packet. */
  readonly plain: Uint8Array;
}

/** What one `receiveFrame` writes: the decrypted and the decompressed packet. */
interface ReceiveScratch {
  /** Lent to a call now (see `SEND`). */
  lent: boolean;
  /** Plaintext after decryption. */
  readonly rx: Uint8Array;
  /** Packet after decompression (MPPC: at most its history). */
  readonly unpacked: Uint8Array;
}

function sendScratch(): SendScratch {
  const plain = new Uint8Array(2 + MAX_PACKET);
  // RFC 1661 §2: the inner protocol of an encrypted datagram, sent uncompressed as Linux does.
  plain[0] = 0x00;
  plain[1] = 0x21;
  return { lent: false, tx: new Uint8Array(GRE_MAX_HEADER_LENGTH + 8 + MAX_PACKET), plain };
}

function receiveScratch(): ReceiveScratch {
  return {
    lent: false,
    rx: new Uint8Array(MAX_PACKET + 4),
    unpacked: new Uint8Array(MPPC_HISTORY_SIZE),
  };
}

/**
 * Scratch shared by every data path of the process (some 200 KiB once, not per tunnel). Nothing
 * in it outlives a call: what is handed to a writer is valid only during that call (see
 * `TunnelSink`), and what must be kept is copied by its keeper (GRE's retransmit and reorder
 * copies, the PPP link's control frames). A call takes the shared scratch when it is free and
 * gives it back on return; a call made while it is lent (a writer that feeds another tunnel
 * synchronously) uses a scratch of its own data path's, allocated then, so that no buffer a
 * writer holds is ever overwritten under it.
 */
const SEND: SendScratch = sendScratch();
const RECEIVE: ReceiveScratch = receiveScratch();

/** Creates zeroed data-path counters. */
export function createDataPathCounters(): DataPathCounters {
  return {
    txPackets: 0,
    txBytes: 0,
    rxPackets: 0,
    rxBytes: 0,
    txDropped: 0,
    rxDropped: 0,
    rxBadChecksum: 0,
    mppeDropped: 0,
    mppeRejected: 0,
    mppeRecovered: 0,
    resetRequests: 0,
    txIpv6Packets: 0,
    rxIpv6Packets: 0,
    mppcTxPlainBytes: 0,
    mppcTxCompressedBytes: 0,
    mppcRxCompressedBytes: 0,
    mppcRxPlainBytes: 0,
    mppcDropped: 0,
  };
}

/**
 * Packets dropped while a flushed packet is awaited (stateful MPPE discarding, MPPC refusing
 * compressed packets), per repeated Reset-Request.
 */
const RESET_REPEAT_EVERY = 16;

/**
 * How long the flushed packet a CCP Reset-Request asks for may take before the request is
 * repeated, ms: a packet dropped for want of it later than this, or this long after a
 * Reset-Request with any packet dropped since, repeats it (RFC 1962 §2.1 leaves the Reset-Ack
 * timer to the implementation; pppd repeats after 1 s). Longer than a round trip on the paths
 * PPTP runs over, short enough that traffic flows again within a second.
 */
const RESET_REPEAT_MS = 250;

/**
 * What a decrypted or decompressed payload turned out to be (`#open`); an MPPC status (negative)
 * when the decompressor refused it.
 */
const OPENED = {
  /** A well-formed IPv4 or IPv6 datagram with valid checksums: delivered. */
  IP: 0,
  /** Not a PPP-framed, well-formed IPv4 (or, IPv6CP open, IPv6) datagram (`rxDropped`). */
  NOT_IP: 1,
  /** A wrong IPv4 header checksum, or a wrong transport checksum (`rxBadChecksum`). */
  BAD_CHECKSUM: 2,
  /** C (compressed) set although we do not decompress: no key makes it readable. */
  NOT_DECOMPRESSED: 3,
} as const;

/**
 * The per-packet path of an established tunnel, in preallocated buffers (scratch shared by the
 * process's data paths, see `SEND`):
 * TUN → PPP (0x0021 IPv4, 0x0057 IPv6 while IPv6CP is open) → [MPPC] → [MPPE] (0x00FD) → GRE →
 * socket, and GRE payload → PPP → MPPE → MPPC → TUN. With MPPC and MPPE, both share MPPE's header and coherency count (RFC 3078 §3.1);
 * MPPC alone uses `@pptpkit/mppc`'s framed classes (their own header and coherency count,
 * RFC 2118 §3.1). Nothing is allocated per packet.
 */
export class DataPath {
  /** Live counters. */
  readonly counters: DataPathCounters = createDataPathCounters();
  readonly #o: DataPathOptions;
  /** Scratch of this data path's own, for calls made while the shared one is lent. */
  #ownSend: SendScratch | undefined;
  #ownReceive: ReceiveScratch | undefined;
  /** The scratch of the `receiveFrame` under way. */
  #r: ReceiveScratch = RECEIVE;
  /** The PPP header of every data frame sent, written in front of each. */
  readonly #pppHeader = new Uint8Array(4);
  readonly #header: PppHeader = { protocol: 0, offset: 0 };
  /** The inner protocol field of a decrypted/decompressed packet. */
  readonly #inner: PppHeader = { protocol: 0, offset: 0 };
  readonly #pppHeaderLength: number;
  readonly #protocol: number;
  /** The PPP header of IPv6 data frames (0x0057) without MPPE or MPPC, and its length. */
  readonly #pppHeader6 = new Uint8Array(4);
  readonly #pppHeaderLength6: number;
  /** IPv6CP is open. */
  #ipv6: boolean;
  /** MPPC with MPPE (MPPE writes the shared header), or MPPC alone (its own header). */
  readonly #compressor: MppcCompressor | undefined;
  readonly #framedCompressor: MppcFramedCompressor | undefined;
  readonly #decompressor: MppcDecompressor | undefined;
  readonly #framedDecompressor: MppcFramedDecompressor | undefined;
  /** Packets dropped for want of a flushed packet since the last Reset-Request. */
  #awaitingDrops = 0;
  /** When the last Reset-Request was asked for (monotonic ms). */
  #resetAt = Number.NEGATIVE_INFINITY;
  /** The latest time the data path was given. */
  #now = 0;
  /** Where `#open` found the datagram: a buffer and a range in it. */
  #ipBuf: Uint8Array = RECEIVE.rx;
  #ipStart = 0;
  #ipEnd = 0;
  /** The TCP MSS that fits the tunnel's MTU (`setMtu`), IPv4 and IPv6. */
  #mss = ipv4MssForMtu(MAX_PACKET);
  #mss6 = ipv6MssForMtu(MAX_PACKET);
  /** Whether the datagram `#open` found is IPv6. */
  #ip6 = false;
  /** Bytes `#open` decompressed, and what they gave (0 when the packet was not compressed). */
  #mppcIn = 0;
  #mppcOut = 0;
  /** When the last data packet went either way, and whether the session was trimmed since. */
  #activeAt = 0;
  #trimmed = true;

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
    this.#protocol = alone && !compress ? PPP_PROTOCOL.IPV4 : PPP_PROTOCOL.COMPRESSED;
    this.#pppHeaderLength = writePppHeader(this.#pppHeader, 0, this.#protocol, options.framing);
    const protocol6 = alone && !compress ? PPP_PROTOCOL.IPV6 : PPP_PROTOCOL.COMPRESSED;
    this.#pppHeaderLength6 = writePppHeader(this.#pppHeader6, 0, protocol6, options.framing);
    this.#ipv6 = options.ipv6 === true;
  }

  /**
   * IPv6CP opened (`true`) or closed: IPv6 packets cross the tunnel only while it is open
   * (RFC 1661 §3.4: a network-layer protocol passes once its NCP is Opened).
   */
  setIpv6(open: boolean): void {
    this.#ipv6 = open;
  }

  /** Whether we compress what we send (with MPPE or alone). */
  get #compressing(): boolean {
    return this.#compressor !== undefined || this.#framedCompressor !== undefined;
  }

  /**
   * Whether received payloads must be read in sequence order: stateful MPPE keys each packet
   * from the one before (RFC 3078 §8.2), and MPPC without stateless MPPE decompresses each from
   * the history the ones before built (RFC 2118 §3). Stateless MPPE flushes every packet (key
   * and history, RFC 3078 §8.1), and plain PPP frames stand alone.
   */
  get needsOrder(): boolean {
    const mppe = this.#o.mppe;
    if (mppe !== undefined) return !mppe.decryptor.stateless;
    return this.#framedDecompressor !== undefined;
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
   * Sets the tunnel's MTU (at most {@link DataPath.maxIpPacket}): the TCP MSS of SYNs crossing
   * the tunnel either way is clamped to fit it.
   */
  setMtu(mtu: number): void {
    const fitted = Math.min(mtu, this.maxIpPacket);
    this.#mss = ipv4MssForMtu(fitted);
    this.#mss6 = ipv6MssForMtu(fitted);
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
    // IPv4 (IPCP), and IPv6 while IPv6CP is open; anything else the TUN hands us is dropped.
    const v6 = this.#ipv6 && ipv6DatagramLength(buf, start, end) >= 0;
    if (length > this.maxIpPacket || !(v6 || isIpv4Datagram(buf, start, end))) {
      c.txDropped++;
      return;
    }
    // The GRE session would refuse it (its queue for the peer's window is full): drop it here,
    // before MPPE and MPPC take it into their state, so the peer sees no gap in either.
    if (!this.#o.gre.acceptsData) {
      c.txDropped++;
      return;
    }
    // A SYN from a host behind us (we route for it) may offer an MSS that does not fit.
    clampTcpMss(buf, start, end, v6 ? this.#mss6 : this.#mss);
    this.#activeAt = now;
    this.#trimmed = false;
    if (SEND.lent) {
      this.#ownSend ??= sendScratch();
      this.#send(this.#ownSend, buf, start, end, now, v6);
      return;
    }
    SEND.lent = true;
    try {
      this.#send(SEND, buf, start, end, now, v6);
    } finally {
      SEND.lent = false;
    }
  }

  /** `sendIp` in the scratch `s`, once the packet is accepted. */
  #send(
    s: SendScratch,
    buf: Uint8Array,
    start: number,
    end: number,
    now: number,
    v6: boolean,
  ): void {
    const c = this.counters;
    const length = end - start;
    const tx = s.tx;
    const ppp = v6 ? this.#pppHeader6 : this.#pppHeader;
    const pppLength = v6 ? this.#pppHeaderLength6 : this.#pppHeaderLength;
    for (let i = 0; i < pppLength; i++) tx[GRE_MAX_HEADER_LENGTH + i] = ppp[i]!;
    // RFC 1661 §2: the inner protocol of an encrypted or compressed datagram.
    s.plain[1] = v6 ? 0x57 : 0x21;
    const body = GRE_MAX_HEADER_LENGTH + pppLength;
    let payload: number;
    const mppe = this.#o.mppe;
    const compressor = this.#compressor;
    const framed = this.#framedCompressor;
    if (compressor !== undefined && mppe !== undefined) {
      // RFC 3078 §3.1 / RFC 2118: compress first, into the payload room after the header...
      const plain = s.plain;
      plain.set(buf.subarray(start, end), 2);
      const n = length + 2;
      // ...with the history reset whenever MPPE flushes this packet on its own.
      if (mppe.encryptor.nextPacketFlushed) compressor.reset();
      const at = body + MPPC_HEADER_LENGTH;
      const m = compressor.compressRange(plain, 0, n, tx, at);
      c.mppcTxPlainBytes += n;
      c.mppcTxCompressedBytes += m;
      // ...then encrypt in place; MPPE writes the shared header with the A/B/C bits.
      payload = pppLength + mppe.encryptor.encrypt(tx, at, m, tx, body, compressor.flags);
    } else if (framed !== undefined) {
      // MPPC alone: its own header, flags and 12-bit coherency count (RFC 2118 §3.1).
      const plain = s.plain;
      plain.set(buf.subarray(start, end), 2);
      const n = length + 2;
      const m = framed.compressRange(plain, 0, n, tx, body);
      c.mppcTxPlainBytes += n;
      c.mppcTxCompressedBytes += m - MPPC_HEADER_LENGTH;
      payload = pppLength + m;
    } else if (mppe === undefined) {
      tx.set(buf.subarray(start, end), body);
      payload = pppLength + length;
    } else {
      const plain = s.plain;
      plain.set(buf.subarray(start, end), 2);
      payload = pppLength + mppe.encryptor.encrypt(plain, 0, length + 2, tx, body);
    }
    const at = this.#o.gre.writeData(tx, GRE_MAX_HEADER_LENGTH, payload, now);
    // Held until the peer's window has room: sent by the GRE session later, counted as sent.
    if (
      at !== GRE_QUEUED &&
      (at < 0 || !this.#o.toNetwork(tx, at, GRE_MAX_HEADER_LENGTH + payload - at))
    ) {
      c.txDropped++;
      return;
    }
    c.txPackets++;
    c.txBytes += length;
    if (v6) c.txIpv6Packets++;
  }

  /**
   * When {@link DataPath.timeout} is next due (monotonic ms; `Infinity` when nothing is): while a
   * flushed packet is awaited and packets were dropped for want of it since the last
   * Reset-Request, 250 ms after that request; once, 10 s after the last data packet, to trim
   * what the idle session keeps spare.
   */
  nextDeadline(): number {
    const trim = this.#trimmed ? Number.POSITIVE_INFINITY : this.#activeAt + TRIM_AFTER_MS;
    if (this.#awaitingDrops === 0 || !this.#awaitingFlush) return trim;
    return Math.min(trim, this.#resetAt + RESET_REPEAT_MS);
  }

  /**
   * Repeats the CCP Reset-Request when it is due ({@link DataPath.nextDeadline}): the request,
   * or the flushed packet answering it, was lost (RFC 1962 §2.1; RFC 3078 §8.2: nothing gets
   * through until that packet). After 10 s without a data packet either way, lets go what the
   * session keeps spare for traffic (`GreSession.trim`, `MppeDecryptor.trim`). Harmless when
   * nothing is due.
   */
  timeout(now: number): void {
    this.#now = now;
    if (this.#awaitingDrops !== 0 && this.#awaitingFlush && now >= this.#resetAt + RESET_REPEAT_MS)
      this.#requestReset();
    if (!this.#trimmed && now >= this.#activeAt + TRIM_AFTER_MS) {
      // Idle: what the session keeps spare for traffic goes (see TRIM_AFTER_MS).
      this.#trimmed = true;
      this.#o.gre.trim();
      this.#o.mppe?.decryptor.trim();
    }
  }

  /**
   * Handles one in-order GRE payload (a PPP frame) when it is a data frame; returns false when
   * it is not (a control frame, or undecodable) so the caller hands it to the PPP link.
   *
   * @param now - when it arrived (monotonic ms), to time the repetition of Reset-Requests;
   *   default the latest time the data path was given.
   */
  receiveFrame(frame: Uint8Array, start: number, end: number, now: number = this.#now): boolean {
    this.#now = now;
    // The PPP header, read in place (RFC 1661 §6.5/§6.6: ACFC and PFC forms accepted).
    const h = this.#header;
    if (!readPppHeader(frame, start, end, h)) return false;
    const at = h.offset;
    const mppe = this.#o.mppe;
    const framed = this.#framedDecompressor;
    const compressed = h.protocol === PPP_PROTOCOL.COMPRESSED;
    const plain6 = h.protocol === PPP_PROTOCOL.IPV6 && this.#ipv6;
    if (
      compressed
        ? mppe === undefined && framed === undefined
        : (h.protocol !== PPP_PROTOCOL.IPV4 && !plain6) || mppe !== undefined
    )
      return false;
    this.#activeAt = now;
    this.#trimmed = false;
    // The shared scratch when it is free (see RECEIVE), else this data path's own.
    const shared = !RECEIVE.lent;
    const outer = this.#r;
    if (shared) {
      this.#r = RECEIVE;
      RECEIVE.lent = true;
    } else {
      this.#ownReceive ??= receiveScratch();
      this.#r = this.#ownReceive;
    }
    try {
      if (compressed && mppe !== undefined) this.#receiveMppe(mppe.decryptor, frame, at, end);
      else if (compressed) this.#receiveMppcAlone(framed!, frame, at, end);
      else {
        this.#mppcIn = 0;
        this.#settle(plain6 ? this.#checkIp6(frame, at, end) : this.#checkIp(frame, at, end));
      }
    } finally {
      this.#r = outer;
      if (shared) RECEIVE.lent = false;
    }
    return true;
  }

  /**
   * One MPPE packet (RFC 3078 §3): decrypted, then decompressed per its A/B/C bits. MPPE has no
   * integrity check, so a packet that decrypts to garbage must not move the key state: a
   * stateful re-synchronisation is tried under each later key the sender may have reached, and
   * a packet after a short gap at each likely keystream offset (`retryLast`), then the packet is
   * taken back (`rejectLast`), so that a forged count far ahead cannot make genuine stateless
   * packets stale, and a damaged stateful packet leaves the key state at the last key known
   * good.
   */
  #receiveMppe(dec: MppeDecryptor, frame: Uint8Array, start: number, end: number): void {
    const c = this.counters;
    const rx = this.#r.rx;
    const length = end - start;
    const discarding = dec.resetNeeded;
    let n = dec.decrypt(frame, start, length, rx, 0);
    if (n < 0) {
      c.mppeDropped++;
      if (n === MPPE_STATUS.RESET_NEEDED) this.#requestReset();
      else if (n === MPPE_STATUS.DISCARDING) this.#awaitingDrop();
      return;
    }
    let opened = this.#open(dec.flags, rx, n);
    // Under the key the coherency count implies: what a packet taken back is counted as.
    const first = opened;
    while (this.#keyMayBeWrong(opened)) {
      n = dec.retryLast(frame, start, length, rx, 0);
      if (n < 0) {
        opened = first;
        break;
      }
      opened = this.#open(dec.flags, rx, n);
    }
    if (dec.guessed) {
      if (opened === OPENED.IP) {
        c.mppeRecovered++;
        this.#settle(opened);
        return;
      }
      // No offset across the gap reads right: lost sync, as the gap alone used to.
      c.mppeDropped++;
      dec.rejectLast();
      this.#requestReset();
      return;
    }
    if (this.#settle(opened)) return;
    c.mppeRejected++;
    // Stateful: the keystream is spent, a Reset-Request is due. When the packet was the FLUSHED
    // one that should have ended a discarding, it answered a request: asking again at once
    // would have the peer flush (and change key) on its very next packet, every time, so that
    // the gap would never outgrow the key changes the decryptor cannot see. It counts as one
    // more packet dropped while waiting instead, and the request is repeated as for those.
    if (dec.rejectLast() !== MPPE_STATUS.RESET_NEEDED) return;
    if (discarding) this.#awaitingDrop();
    else this.#requestReset();
  }

  /** MPPC without MPPE: the RFC 2118 §3.1 header with its own coherency count. */
  #receiveMppcAlone(
    framed: MppcFramedDecompressor,
    frame: Uint8Array,
    start: number,
    end: number,
  ): void {
    const unpacked = this.#r.unpacked;
    const n = framed.decompressRange(frame, start, end, unpacked, 0);
    if (n < 0) {
      // At once after a loss or a corrupt packet; a packet too short for the header or with D
      // set is only dropped.
      if (this.#mppcRefused(n)) this.#awaitingDrop();
      else if (n !== MPPC_STATUS.TOO_SHORT && n !== MPPC_STATUS.ENCRYPTED) this.#requestReset();
      return;
    }
    // Only compressed packets count as MPPC traffic (C: RFC 2118 §3.1).
    const compressed = (frame[start]! & MPPC_FLAGS.COMPRESSED) !== 0;
    this.#mppcIn = compressed ? end - start - MPPC_HEADER_LENGTH : 0;
    this.#mppcOut = n;
    // Garbage (damaged on the wire: MPPC has no integrity check) is in the history now, and the
    // packets that copy from it will be garbage too: the peer's next packet must be flushed.
    if (!this.#settle(this.#checkInner(unpacked, 0, n, true))) this.#requestReset();
  }

  /**
   * Decompresses a decrypted payload `buf[0, length)` per the header's flags and checks what it
   * holds, counting nothing (a re-synchronising packet may be tried under several keys).
   *
   * @returns an {@link OPENED} value, or the MPPC status that refused it.
   */
  #open(flags: number, buf: Uint8Array, length: number): number {
    this.#mppcIn = 0;
    const d = this.#decompressor;
    if ((flags & MPPC_FLAGS.COMPRESSED) === 0) {
      // Sent as it was (RFC 2118 §3.1): A still resets the history, nothing else touches it.
      if ((flags & MPPC_FLAGS.FLUSHED) !== 0) d?.reset();
      return this.#checkInner(buf, 0, length);
    }
    if (d === undefined) return OPENED.NOT_DECOMPRESSED;
    const unpacked = this.#r.unpacked;
    const n = d.decompressRange(flags, buf, 0, length, unpacked, 0);
    if (n < 0) return n;
    this.#mppcIn = length;
    this.#mppcOut = n;
    return this.#checkInner(unpacked, 0, n, true);
  }

  /**
   * Whether a packet `#open` refused may read right under another key: garbage (not IPv4, bad
   * checksums, undecompressable), not a packet refused whatever its key.
   */
  #keyMayBeWrong(opened: number): boolean {
    return (
      opened !== OPENED.IP &&
      opened !== OPENED.NOT_DECOMPRESSED &&
      opened !== MPPC_STATUS.AWAITING_FLUSH
    );
  }

  /**
   * Checks a PPP packet inside MPPE/MPPC: the inner protocol field alone (RFC 3078 §3: no FF 03
   * address and control), possibly compressed to one byte (RFC 1661 §6.5), then the datagram.
   *
   * @param decompressed - MPPC output: it must be the datagram exactly. A compressor compresses
   *   the packet it was given, so nothing follows the datagram; a damaged copy offset or length
   *   (MPPC has no integrity check) mostly decodes to a different length, and the Internet
   *   checksum cannot catch what it often decodes to instead: the same 16-bit words in another
   *   order (RFC 1071 §2: the sum is commutative).
   */
  #checkInner(buf: Uint8Array, start: number, end: number, decompressed = false): number {
    const h = this.#inner;
    if (buf[start] === 0xff || !readPppHeader(buf, start, end, h)) return OPENED.NOT_IP;
    let opened: number;
    if (h.protocol === PPP_PROTOCOL.IPV4) opened = this.#checkIp(buf, h.offset, end);
    else if (h.protocol === PPP_PROTOCOL.IPV6 && this.#ipv6)
      opened = this.#checkIp6(buf, h.offset, end);
    else return OPENED.NOT_IP;
    return decompressed && opened === OPENED.IP && this.#ipEnd !== end ? OPENED.NOT_IP : opened;
  }

  /**
   * Checks an IPv4 packet: version 4, a header of at least 20 bytes, a total length between the
   * header's and what arrived, and (neither GRE nor MPPE checks integrity: a packet damaged on
   * the wire, or forged, decrypts to a damaged packet) its own checksums. On success the
   * datagram, its total length and no more (RFC 791 §3.1: what follows is not part of it, e.g.
   * what a damaged MPPC stream decoded past its end), is what `#settle` delivers.
   */
  #checkIp(buf: Uint8Array, start: number, end: number): number {
    if (!isIpv4Datagram(buf, start, end)) return OPENED.NOT_IP;
    const total = (buf[start + 2]! << 8) | buf[start + 3]!;
    if (!innerChecksumsValid(buf, start, total)) return OPENED.BAD_CHECKSUM;
    this.#ipBuf = buf;
    this.#ipStart = start;
    this.#ipEnd = start + total;
    this.#ip6 = false;
    return OPENED.IP;
  }

  /**
   * Checks an IPv6 packet as `#checkIp` an IPv4 one: version 6, a whole fixed header, a Payload
   * Length within what arrived (RFC 8200 §3), and its TCP, UDP or ICMPv6 checksum
   * (`ipv6ChecksumsValid`).
   */
  #checkIp6(buf: Uint8Array, start: number, end: number): number {
    const length = ipv6DatagramLength(buf, start, end);
    if (length < 0) return OPENED.NOT_IP;
    if (!ipv6ChecksumsValid(buf, start, length)) return OPENED.BAD_CHECKSUM;
    this.#ipBuf = buf;
    this.#ipStart = start;
    this.#ipEnd = start + length;
    this.#ip6 = true;
    return OPENED.IP;
  }

  /**
   * Delivers what `#open` or `#checkIp` found to the TUN, or counts why not.
   *
   * @returns false when the packet is garbage (the MPPE key state must be taken back), true when
   *   it was delivered or refused for another reason.
   */
  #settle(opened: number): boolean {
    const c = this.counters;
    switch (opened) {
      case OPENED.IP: {
        if (this.#mppcIn > 0) {
          c.mppcRxCompressedBytes += this.#mppcIn;
          c.mppcRxPlainBytes += this.#mppcOut;
        }
        const length = this.#ipEnd - this.#ipStart;
        // The peer's SYNs: what our hosts send back must fit the tunnel too.
        const v6 = this.#ip6;
        clampTcpMss(this.#ipBuf, this.#ipStart, this.#ipEnd, v6 ? this.#mss6 : this.#mss);
        if (!this.#o.toTun(this.#ipBuf, this.#ipStart, length)) {
          c.rxDropped++;
          return true;
        }
        c.rxPackets++;
        c.rxBytes += length;
        if (v6) c.rxIpv6Packets++;
        return true;
      }
      case OPENED.NOT_IP:
        c.rxDropped++;
        return false;
      case OPENED.BAD_CHECKSUM:
        c.rxBadChecksum++;
        return false;
      case OPENED.NOT_DECOMPRESSED:
        // C set although we did not offer MPPC: not a packet we can read.
        c.mppcDropped++;
        return false;
      default:
        // Within MPPE, whether a Reset-Request is due is MPPE's call (`rejectLast`): stateless,
        // every packet is flushed anyway.
        if (!this.#mppcRefused(opened)) return false;
        this.#awaitingDrop();
        return true;
    }
  }

  /**
   * Counts a packet MPPC refused.
   *
   * @returns whether it was refused only because a flushed packet is awaited (not garbage in
   *   itself).
   */
  #mppcRefused(status: number): boolean {
    this.counters.mppcDropped++;
    return status === MPPC_STATUS.AWAITING_FLUSH;
  }

  /** Whether a flushed packet is awaited: stateful MPPE discards, or MPPC lost its history. */
  get #awaitingFlush(): boolean {
    return (
      this.#o.mppe?.decryptor.resetNeeded === true ||
      this.#decompressor?.awaitingFlush === true ||
      this.#framedDecompressor?.awaitingFlush === true
    );
  }

  /**
   * A packet dropped for want of a flushed packet: the Reset-Request, or its answer, may have
   * been lost. Repeated every {@link RESET_REPEAT_EVERY} such drops, and on the first one more
   * than {@link RESET_REPEAT_MS} after the last request (earlier ones may have been sent before
   * the peer saw it; {@link DataPath.nextDeadline} then repeats it in time if nothing else comes).
   */
  #awaitingDrop(): void {
    if (
      ++this.#awaitingDrops >= RESET_REPEAT_EVERY ||
      this.#now >= this.#resetAt + RESET_REPEAT_MS
    ) {
      this.#requestReset();
    }
  }

  #requestReset(): void {
    this.counters.resetRequests++;
    this.#awaitingDrops = 0;
    this.#resetAt = this.#now;
    this.#o.onResetNeeded();
  }
}
