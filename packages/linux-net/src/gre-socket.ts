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

  /** @internal */
  constructor(server: string, fd: number, receiveBuffer: number) {
    const stats = newStatsArray();
    super(
      new (nativeAddon().PacketChannel)(fd, channelKind.rawIp, stats),
      stats,
      'CAP_NET_RAW',
      'gre',
    );
    this.server = server;
    this.receiveBuffer = receiveBuffer;
  }
}

/**
 * Opens a raw IPv4 socket for protocol 47 connected to `server` (needs CAP_NET_RAW).
 *
 * @param server - the PPTP server's IPv4 address (dotted quad).
 * @throws RangeError when `server` is not an IPv4 address.
 * @throws LinuxNetError `LINUXNET_NO_CAPABILITY` (CAP_NET_RAW missing), `LINUXNET_NO_ROUTE`,
 *   `LINUXNET_SYSCALL_FAILED`.
 */
export function openGreSocket(server: string, options: GreSocketOptions = {}): GreSocket {
  const peer = requireIpv4(server);
  const receiveBuffer = checkedReceiveBuffer(options.receiveBuffer);
  let opened: { fd: number; receiveBuffer: number };
  try {
    opened = nativeAddon().openRawIp(IPPROTO_GRE, peer, receiveBuffer);
  } catch (error) {
    throw errorFromNative(error, {
      operation: 'openGreSocket',
      capability: 'CAP_NET_RAW',
      extra: { server },
    });
  }
  return new GreSocket(server, opened.fd, opened.receiveBuffer);
}
