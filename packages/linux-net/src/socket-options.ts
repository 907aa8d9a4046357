/**
 * What Node's sockets cannot do themselves: put a policy-routing mark (`SO_MARK`) on a socket,
 * read it back, and open a TCP socket that is marked and bound before it connects, to hand to
 * `node:net` (`new Socket({ fd })`, then `connect`), so that its very first packet is already
 * routed by the mark.
 *
 * @module
 */
import { nativeAddon } from './addon.js';
import { errorFromNative } from './errors.js';
import { requireIpv4 } from './ipv4.js';

/**
 * Checks a mark: an integer from 0 to 2³²−1.
 *
 * @throws RangeError otherwise.
 * @internal
 */
export function checkedMark(mark: number): number {
  if (!Number.isInteger(mark) || mark < 0 || mark > 0xffffffff) {
    throw new RangeError(`a socket mark is an integer from 0 to 4294967295, got ${mark}`);
  }
  return mark;
}

/**
 * Sets `SO_MARK` on a socket: its packets carry the mark that `ip rule fwmark` and netfilter
 * match (needs CAP_NET_ADMIN).
 *
 * @param fd - the socket's descriptor (e.g. `socket._handle.fd` of a `node:net` socket).
 * @param mark - 0 to 2³²−1; 0 removes the mark.
 * @throws RangeError on a bad mark; LinuxNetError `LINUXNET_NO_CAPABILITY` without
 *   CAP_NET_ADMIN, `LINUXNET_SYSCALL_FAILED` otherwise.
 */
export function setSocketMark(fd: number, mark: number): void {
  const checked = checkedMark(mark);
  try {
    nativeAddon().setSocketMark(fd, checked);
  } catch (error) {
    throw errorFromNative(error, { operation: 'setSocketMark', capability: 'CAP_NET_ADMIN' });
  }
}

/**
 * Reads a socket's `SO_MARK`.
 *
 * @throws LinuxNetError `LINUXNET_SYSCALL_FAILED` (not a socket, closed descriptor).
 */
export function socketMark(fd: number): number {
  try {
    return nativeAddon().socketMark(fd);
  } catch (error) {
    throw errorFromNative(error, { operation: 'socketMark', capability: 'CAP_NET_ADMIN' });
  }
}

/** Options of {@link openTcpSocket}. */
export interface TcpSocketOptions {
  /** Local IPv4 address to bind to (pptp-linux `--localbind`); absent: the kernel chooses. */
  readonly localAddress?: string;
  /** `SO_MARK` to set before connecting (pptp-linux `--rtmark`; needs CAP_NET_ADMIN). */
  readonly mark?: number;
}

/**
 * Opens a non-blocking IPv4 TCP socket, marked and bound as asked but not connected: hand the
 * descriptor to `new net.Socket({ fd })` and call `connect` on it. The caller owns it.
 *
 * @throws RangeError on a bad address or mark; LinuxNetError `LINUXNET_NO_CAPABILITY` (the
 *   mark needs CAP_NET_ADMIN), `LINUXNET_NOT_FOUND` (the address is not ours).
 */
export function openTcpSocket(options: TcpSocketOptions = {}): number {
  const local = options.localAddress === undefined ? 0 : requireIpv4(options.localAddress);
  const mark = options.mark === undefined ? 0 : checkedMark(options.mark);
  try {
    return nativeAddon().openTcpSocket(local, mark);
  } catch (error) {
    throw errorFromNative(error, {
      operation: 'openTcpSocket',
      capability: 'CAP_NET_ADMIN',
      extra: { localAddress: options.localAddress, mark: options.mark },
    });
  }
}
