/**
 * Loads the native addon (`build/Release/pptpkit_linux_net.node`, built by `node-gyp` at
 * install time) and describes its surface. Internal: the public API wraps it.
 *
 * @module
 */
/// <reference types="node" />
import { createRequire } from 'node:module';
import { LinuxNetError } from './errors.js';

/** A TUN device as the addon opened it. */
export interface NativeTun {
  readonly fd: number;
  readonly name: string;
}

/** A raw IPv4 socket as the addon opened it. */
export interface NativeRawSocket {
  readonly fd: number;
  readonly receiveBuffer: number;
}

/** The native packet channel (see `src/native/packet_channel.h`). */
export interface NativePacketChannel {
  start(
    slab: Uint8Array,
    slotSize: number,
    offsets: Uint32Array,
    lengths: Uint32Array,
    maxBatch: number,
    onBatch: (count: number, fatalErrno: number) => void,
  ): void;
  stop(): void;
  writeOne(buffer: Uint8Array, offset: number, length: number): boolean;
  writeBatch(buffer: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, count: number): number;
  close(): void;
  ref(): void;
  unref(): void;
}

/** Channel kinds understood by the addon. */
export const channelKind: { readonly tun: 0; readonly rawIp: 1 } = { tun: 0, rawIp: 1 };

/** The addon's exports. */
export interface NativeAddon {
  openTun(name: string, multiQueue: boolean): NativeTun;
  setMtu(name: string, mtu: number): void;
  openRawIp(protocol: number, peer: number, receiveBuffer: number): NativeRawSocket;
  openNetlink(protocol: number): number;
  netlinkSend(fd: number, request: Uint8Array): void;
  netlinkReceive(fd: number, buffer: Uint8Array, timeoutMs: number): number;
  setNetns(fd: number): void;
  closeFd(fd: number): void;
  PacketChannel: new (fd: number, kind: number, stats: Float64Array) => NativePacketChannel;
}

/** Where node-gyp puts the addon, relative to this file (src/ or dist/). */
const addonPath = '../build/Release/pptpkit_linux_net.node';

let cached: NativeAddon | undefined;

/** The loaded addon; throws `LINUXNET_ADDON_MISSING` when it was not built. */
export function nativeAddon(): NativeAddon {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  try {
    cached = require(addonPath) as NativeAddon;
  } catch (error) {
    throw new LinuxNetError(
      'LINUXNET_ADDON_MISSING',
      'the @pptpkit/linux-net native addon is not built: run `pnpm install` (or `pnpm --filter @pptpkit/linux-net run install`)',
      { operation: 'loadAddon', path: addonPath },
      error,
    );
  }
  return cached;
}
