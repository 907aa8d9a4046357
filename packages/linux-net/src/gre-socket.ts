/**
 * The raw IPv4 socket for GRE (IP protocol 47) that carries PPTP's data channel. It is
 * connected to the server, so the kernel delivers only that peer's GRE; received packets are
 * handed over with the IPv4 header already skipped (`offsets` point at the GRE header), and
 * sends carry just the GRE packet (the kernel adds the IP header).
 *
 * @module
 */
import { channelKind, nativeAddon } from './addon.js';
import { errorFromNative } from './errors.js';
import { requireIpv4 } from './ipv4.js';
import { newStatsArray, PacketChannel } from './packet-channel.js';
import { checkedMark } from './socket-options.js';

/** IP protocol number of GRE (RFC 2784; PPTP's enhanced GRE is RFC 2637 §4.1). */
export const IPPROTO_GRE = 47;

/** Default receive buffer asked for: 4 MiB, room for a few thousand full-size packets. */
export const DEFAULT_GRE_RECEIVE_BUFFER: number = 4 * 1024 * 1024;

/** Options of {@link openGreSocket}. */
export interface GreSocketOptions {
  /**
   * Receive buffer to ask for, in bytes (default 4 MiB). With CAP_NET_ADMIN it is forced past
   * `net.core.rmem_max`; without, the kernel caps it there. See `receiveBuffer` on the socket
   * for what was granted.
   */
  readonly receiveBuffer?: number;
  /**
   * Local IPv4 address to bind to: the source of what we send and the only destination we
   * receive for (pptp-linux `--localbind`). Absent: the kernel's choice for the route.
   */
  readonly localAddress?: string;
  /**
   * `SO_MARK`, set before the socket connects, so that the route to the server is looked up
   * with it (pptp-linux `--rtmark`, for `ip rule fwmark`; needs CAP_NET_ADMIN).
   */
  readonly mark?: number;
}

/**
 * The receive buffer to ask for (default {@link DEFAULT_GRE_RECEIVE_BUFFER}), checked.
 *
 * @throws RangeError when it is not an integer from 0 to below 1 GiB.
 * @internal
 */
export function checkedReceiveBuffer(requested: number | undefined): number {
  const receiveBuffer = requested ?? DEFAULT_GRE_RECEIVE_BUFFER;
  if (!Number.isInteger(receiveBuffer) || receiveBuffer < 0 || receiveBuffer > 0x3fffffff) {
    throw new RangeError('receiveBuffer must be a non-negative integer below 1 GiB');
  }
  return receiveBuffer;
}

/** A raw GRE socket connected to one server: a {@link PacketChannel} of GRE packets. */
export class GreSocket extends PacketChannel {
  /** The server's IPv4 address. */
  readonly server: string;
  /** The receive buffer the kernel granted (it reports twice the usable size). */
  readonly receiveBuffer: number;
  /** The local address the socket is bound to, when one was asked for. */
  readonly localAddress: string | undefined;
  readonly #fd: number;

  /** @internal */
  constructor(server: string, fd: number, receiveBuffer: number, localAddress?: string) {
    const stats = newStatsArray();
    super(
      new (nativeAddon().PacketChannel)(fd, channelKind.rawIp, stats),
      stats,
      'CAP_NET_RAW',
      'gre',
    );
    this.server = server;
    this.receiveBuffer = receiveBuffer;
    this.localAddress = localAddress;
    this.#fd = fd;
  }

  /**
   * The socket's `SO_MARK` as the kernel has it (0: none).
   *
   * @throws LinuxNetError `LINUXNET_SYSCALL_FAILED` once the socket is closed.
   */
  mark(): number {
    try {
      return nativeAddon().socketMark(this.#fd);
    } catch (error) {
      throw errorFromNative(error, { operation: 'GreSocket.mark', capability: 'CAP_NET_ADMIN' });
    }
  }
}

/**
 * Opens a raw IPv4 socket for protocol 47 connected to `server` (needs CAP_NET_RAW), bound to
 * `localAddress` and marked with `mark` first when they are given.
 *
 * @param server - the PPTP server's IPv4 address (dotted quad).
 * @throws RangeError when `server` or `localAddress` is not an IPv4 address, or on a bad mark.
 * @throws LinuxNetError `LINUXNET_NO_CAPABILITY` (CAP_NET_RAW missing; CAP_NET_ADMIN for a
 *   mark), `LINUXNET_NO_ROUTE`, `LINUXNET_NOT_FOUND` (`localAddress` is not ours),
 *   `LINUXNET_SYSCALL_FAILED`.
 */
export function openGreSocket(server: string, options: GreSocketOptions = {}): GreSocket {
  const peer = requireIpv4(server);
  const receiveBuffer = checkedReceiveBuffer(options.receiveBuffer);
  const local = options.localAddress === undefined ? 0 : requireIpv4(options.localAddress);
  const mark = options.mark === undefined ? undefined : checkedMark(options.mark);
  const addon = nativeAddon();
  if (local === 0 && mark === undefined) {
    let opened: { fd: number; receiveBuffer: number };
    try {
      opened = addon.openRawIp(IPPROTO_GRE, peer, receiveBuffer);
    } catch (error) {
      throw errorFromNative(error, {
        operation: 'openGreSocket',
        capability: 'CAP_NET_RAW',
        extra: { server },
      });
    }
    return new GreSocket(server, opened.fd, opened.receiveBuffer);
  }
  // Bound (when asked), then marked, then connected: connect() looks the route up with the mark.
  let opened: { fd: number; receiveBuffer: number };
  try {
    opened = addon.openRawIpListener(IPPROTO_GRE, local, receiveBuffer);
  } catch (error) {
    throw errorFromNative(error, {
      operation: 'openGreSocket',
      capability: 'CAP_NET_RAW',
      extra: { server, localAddress: options.localAddress },
    });
  }
  try {
    if (mark !== undefined) addon.setSocketMark(opened.fd, mark);
    addon.connectIpv4(opened.fd, peer);
  } catch (error) {
    addon.closeFd(opened.fd);
    throw errorFromNative(error, {
      operation: 'openGreSocket',
      capability: 'CAP_NET_ADMIN',
      extra: { server, localAddress: options.localAddress, mark },
    });
  }
  return new GreSocket(server, opened.fd, opened.receiveBuffer, options.localAddress);
}
