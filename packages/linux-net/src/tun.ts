/**
 * TUN devices: `openTun()` creates (or attaches to) a layer-3 TUN interface without packet
 * information headers, so every read and write is one bare IP packet.
 *
 * @module
 */
import { channelKind, nativeAddon } from './addon.js';
import { errorFromNative, LinuxNetError } from './errors.js';
import { newStatsArray, PacketChannel } from './packet-channel.js';

/** Options of {@link openTun}. */
export interface TunOptions {
  /**
   * Interface name, at most 15 bytes; a `%d` in it is replaced by the kernel with the first
   * free number (default `tun%d`). Opening an existing persistent TUN by name attaches to it.
   */
  readonly name?: string;
  /** MTU to set right after opening, 68 to 65535 (default: the kernel's, 1500). */
  readonly mtu?: number;
  /**
   * Open one queue of a multi-queue device (`IFF_MULTI_QUEUE`); open the same name again with
   * this flag for more queues, each with its own reader.
   */
  readonly multiQueue?: boolean;
}

/** An open TUN device: a {@link PacketChannel} of bare IPv4/IPv6 packets. */
export class TunDevice extends PacketChannel {
  /** The interface name the kernel assigned. */
  readonly name: string;

  /** @internal */
  constructor(name: string, fd: number) {
    const stats = newStatsArray();
    super(
      new (nativeAddon().PacketChannel)(fd, channelKind.tun, stats),
      stats,
      'CAP_NET_ADMIN',
      'tun',
    );
    this.name = name;
  }
}

/** Printable ASCII without `/` and `:`, 1 to 15 bytes (the kernel's `dev_valid_name`). */
const interfaceName = /^[!-.0-9;-~]{1,15}$/;

/**
 * Opens a TUN device (needs CAP_NET_ADMIN). The device is created down and without
 * addresses: configure it with the rtnetlink API. It disappears when closed (unless it was
 * made persistent by someone else).
 *
 * @throws LinuxNetError `LINUXNET_NO_CAPABILITY` (CAP_NET_ADMIN missing),
 *   `LINUXNET_TUN_UNAVAILABLE` (no /dev/net/tun), `LINUXNET_BUSY` (name taken by another
 *   kind of device or an open single-queue TUN), `LINUXNET_SYSCALL_FAILED`.
 */
export function openTun(options: TunOptions = {}): TunDevice {
  const name = options.name ?? 'tun%d';
  if (!interfaceName.test(name) || name === '.' || name === '..') {
    throw new RangeError(
      `invalid interface name ${JSON.stringify(name)} (1-15 bytes, no space, / or :)`,
    );
  }
  const { mtu } = options;
  if (mtu !== undefined && (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)) {
    throw new RangeError('mtu must be an integer from 68 to 65535');
  }
  const addon = nativeAddon();
  let opened: { fd: number; name: string };
  try {
    opened = addon.openTun(name, options.multiQueue === true);
  } catch (error) {
    throw tunError(error, name);
  }
  const device = new TunDevice(opened.name, opened.fd);
  if (mtu !== undefined) {
    try {
      addon.setMtu(opened.name, mtu);
    } catch (error) {
      device.close();
      throw errorFromNative(error, {
        operation: 'openTun.setMtu',
        capability: 'CAP_NET_ADMIN',
        extra: { name: opened.name, mtu },
      });
    }
  }
  return device;
}

/**
 * Maps a failure of `openTun`: a missing `/dev/net/tun` and one whose file mode shuts this user
 * out (root's 0600 without udev, opened by a user that has CAP_NET_ADMIN but is not root) get
 * their own codes.
 */
function tunError(error: unknown, name: string): unknown {
  const mapped = errorFromNative(error, {
    operation: 'openTun',
    capability: 'CAP_NET_ADMIN',
    extra: { name },
  });
  if (
    mapped instanceof LinuxNetError &&
    mapped.details.syscall === 'open(/dev/net/tun)' &&
    (mapped.details.errnoName === 'ENOENT' ||
      mapped.details.errnoName === 'ENODEV' ||
      mapped.details.errnoName === 'ENXIO')
  ) {
    return new LinuxNetError(
      'LINUXNET_TUN_UNAVAILABLE',
      'openTun: /dev/net/tun is missing (load the tun module, or give the container the device)',
      mapped.details,
      error,
    );
  }
  if (
    mapped instanceof LinuxNetError &&
    mapped.details.syscall === 'open(/dev/net/tun)' &&
    mapped.details.errnoName === 'EACCES'
  ) {
    return new LinuxNetError(
      'LINUXNET_NO_ACCESS',
      'openTun: /dev/net/tun is not open to this user (EACCES): make it mode 0666 as udev does (KERNEL=="tun", MODE="0666"), or run as root',
      mapped.details,
      error,
    );
  }
  return mapped;
}
