/**
 * The unconnected raw IPv4 socket for GRE (IP protocol 47) a PPTP server shares between all
 * its sessions: it receives every GRE packet addressed to this host (or to the one address it
 * is bound to), reports each packet's source address, and sends to an address given per
 * packet. Sessions are told apart by the GRE Call ID in user space, since several clients may
 * share one address (RFC 2637 §4.1: the Call ID in the GRE Key field names the session).
 *
 * @module
 */
import { channelKind, nativeAddon } from './addon.js';
import { errorFromNative } from './errors.js';
import { checkedReceiveBuffer, IPPROTO_GRE } from './gre-socket.js';
import { requireIpv4 } from './ipv4.js';
import { MAX_BATCH, newStatsArray, PacketChannel } from './packet-channel.js';

/** Options of {@link openGreListener}. */
export interface GreListenerOptions {
  /**
   * The local IPv4 address to receive for (and send from). The kernel then hands over only
   * GRE packets whose destination is this address. Default: every address of the host.
   */
  readonly bind?: string;
  /**
   * Receive buffer to ask for, in bytes (default 4 MiB); as for `openGreSocket`. The listener
   * carries every session's traffic, so a server may want more.
   */
  readonly receiveBuffer?: number;
}

/** True when `value` is an IPv4 address as an unsigned 32-bit integer. */
function isIpv4Number(value: number): boolean {
  return value >>> 0 === value;
}

/**
 * An unconnected raw GRE socket: a {@link PacketChannel} of GRE packets from any peer, with the
 * source of each and per-packet destinations for sending. Addresses are IPv4 as unsigned 32-bit
 * integers in host order (`10.0.0.1` is `0x0a000001`).
 */
export class GreListener extends PacketChannel {
  /** The local address it is bound to, or `undefined` for every address. */
  readonly bind: string | undefined;
  /** The receive buffer the kernel granted (it reports twice the usable size). */
  readonly receiveBuffer: number;
  /**
   * The IPv4 source address of each packet of the batch being handled: `sources[i]` belongs to
   * packet `i` of the batch passed to the `startReading` handler. Filled by the addon for every
   * packet it hands over (from bytes 12 to 15 of the packet's IPv4 header); like the batch, it
   * is valid only while the handler runs and is overwritten by the next batch.
   */
  readonly sources: Uint32Array;

  /** @internal */
  constructor(bind: string | undefined, fd: number, receiveBuffer: number) {
    const stats = newStatsArray();
    const sources = new Uint32Array(MAX_BATCH);
    super(
      new (nativeAddon().PacketChannel)(fd, channelKind.rawIp, stats),
      stats,
      'CAP_NET_RAW',
      'greListener',
      sources,
    );
    this.bind = bind;
    this.receiveBuffer = receiveBuffer;
    this.sources = sources;
  }

  /**
   * Not available: an unconnected socket has no peer to send to.
   *
   * @throws TypeError always; use {@link GreListener.writeTo}.
   */
  override write(_packet: Uint8Array, _offset?: number, _length?: number): boolean {
    throw new TypeError('a GreListener has no peer: use writeTo()');
  }

  /**
   * Not available: an unconnected socket has no peer to send to.
   *
   * @throws TypeError always; use {@link GreListener.writeBatchTo}.
   */
  override writeBatch(
    _buffer: Uint8Array,
    _offsets: Uint32Array,
    _lengths: Uint32Array,
    _count: number,
  ): number {
    throw new TypeError('a GreListener has no peer: use writeBatchTo()');
  }

  /**
   * Sends one GRE packet (`packet[offset, offset + length)`; the kernel adds the IPv4 header)
   * to `destination`. Returns false when the kernel refused it (no route, filtered, queue
   * full: counted in `sendDropped`, `lastSendErrno`); never blocks.
   *
   * @param destination - the peer's IPv4 address, unsigned 32-bit, host order.
   * @throws RangeError when `destination` is not an unsigned 32-bit integer or the packet lies
   *   outside `packet`.
   * @throws LinuxNetError `LINUXNET_CLOSED`, or a fatal error of the descriptor.
   */
  writeTo(packet: Uint8Array, offset: number, length: number, destination: number): boolean {
    if (!isIpv4Number(destination)) {
      throw new RangeError('destination must be an IPv4 address as an unsigned 32-bit integer');
    }
    return this.writeOneTo(packet, offset, length, destination);
  }

  /**
   * Sends `count` GRE packets, packet `i` being `buffer[offsets[i], offsets[i] + lengths[i])`
   * to `destinations[i]`, with `sendmmsg` (64 packets per call). Returns how many the kernel
   * accepted; a packet it refuses (one unreachable destination, say) is counted in
   * `sendDropped` and the others still go.
   *
   * @throws RangeError when `count` exceeds an array or a packet lies outside `buffer`.
   * @throws LinuxNetError `LINUXNET_CLOSED`, or a fatal error of the descriptor.
   */
  writeBatchTo(
    buffer: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    destinations: Uint32Array,
    count: number,
  ): number {
    return this.writeManyTo(buffer, offsets, lengths, destinations, count);
  }
}

/**
 * Opens an unconnected raw IPv4 socket for protocol 47 (needs CAP_NET_RAW), bound to
 * `options.bind` when given. Like every raw socket it receives a copy of each GRE packet the
 * host receives (for its address), alongside any other GRE socket.
 *
 * @throws RangeError when `bind` is not an IPv4 address or `receiveBuffer` is out of range.
 * @throws LinuxNetError `LINUXNET_NO_CAPABILITY` (CAP_NET_RAW missing), `LINUXNET_NOT_FOUND`
 *   (`bind` is not an address of this host: `EADDRNOTAVAIL`), `LINUXNET_SYSCALL_FAILED`.
 */
export function openGreListener(options: GreListenerOptions = {}): GreListener {
  const local = options.bind === undefined ? 0 : requireIpv4(options.bind);
  const receiveBuffer = checkedReceiveBuffer(options.receiveBuffer);
  let opened: { fd: number; receiveBuffer: number };
  try {
    opened = nativeAddon().openRawIpListener(IPPROTO_GRE, local, receiveBuffer);
  } catch (error) {
    throw errorFromNative(error, {
      operation: 'openGreListener',
      capability: 'CAP_NET_RAW',
      extra: { bind: options.bind },
    });
  }
  return new GreListener(options.bind, opened.fd, opened.receiveBuffer);
}
