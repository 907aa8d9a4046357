/**
 * Loads the native addon (a binary compiled on this machine, else the prebuilt one shipped for
 * this platform: see `addon-loader.ts`) and describes its surface. Internal: the public API
 * wraps it.
 *
 * @module
 */
/// <reference types="node" />
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AddonTarget,
  addonCandidates,
  libcOfExecutable,
  loadFirst,
  missingAddonMessage,
} from './addon-loader.js';
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
    sources?: Uint32Array,
  ): void;
  stop(): void;
  writeOne(buffer: Uint8Array, offset: number, length: number): boolean;
  writeBatch(buffer: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, count: number): number;
  writeOneTo(buffer: Uint8Array, offset: number, length: number, destination: number): boolean;
  writeBatchTo(
    buffer: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    destinations: Uint32Array,
    count: number,
  ): number;
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
  openRawIpListener(protocol: number, local: number, receiveBuffer: number): NativeRawSocket;
  openNetlink(protocol: number): number;
  netlinkSend(fd: number, request: Uint8Array): void;
  netlinkReceive(fd: number, buffer: Uint8Array, timeoutMs: number): number;
  setNetns(fd: number): void;
  closeFd(fd: number): void;
  unixSend(address: Uint8Array, data: Uint8Array): void;
  unixBind(address: Uint8Array): number;
  unixReceive(fd: number, buffer: Uint8Array, timeoutMs: number, sender: Int32Array): number;
  setSocketMark(fd: number, mark: number): void;
  socketMark(fd: number): number;
  connectIpv4(fd: number, peer: number): void;
  openTcpSocket(local: number, mark: number): number;
  PacketChannel: new (fd: number, kind: number, stats: Float64Array) => NativePacketChannel;
}

/** The package directory (this file is in its src/ or dist/). */
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The C library the running Node is linked against, from its ELF header (glibc if unreadable). */
function runningLibc(): AddonTarget['libc'] {
  const head = new Uint8Array(4096);
  let fd: number;
  try {
    fd = openSync(process.execPath, 'r');
  } catch {
    return 'glibc';
  }
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return libcOfExecutable(head);
}

/** The prebuilds this copy of the package ships (`linux-x64/pptpkit_linux_net.glibc.node`, ...). */
function shippedPrebuilds(): string[] {
  const root = join(packageDir, 'prebuilds');
  const read = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return read(root).flatMap((tuple) => read(join(root, tuple)).map((file) => `${tuple}/${file}`));
}

let cached: NativeAddon | undefined;

/**
 * The loaded addon; throws `LINUXNET_ADDON_MISSING` (naming every file tried and how to
 * compile the addon) when none loads.
 */
export function nativeAddon(): NativeAddon {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const target: AddonTarget = {
    platform: process.platform,
    arch: process.arch,
    libc: process.platform === 'linux' ? runningLibc() : 'glibc',
  };
  const candidates = addonCandidates(target).map((path) => join(packageDir, path));
  const outcome = loadFirst(candidates, (path) => require(path) as NativeAddon);
  if (!outcome.loaded) {
    throw new LinuxNetError(
      'LINUXNET_ADDON_MISSING',
      missingAddonMessage({
        target,
        nodeVersion: process.version,
        attempts: outcome.attempts,
        shipped: shippedPrebuilds(),
      }),
      { operation: 'loadAddon', tried: outcome.attempts.map((a) => a.path).join(', ') },
    );
  }
  cached = outcome.addon;
  return cached;
}
