import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NativeAddon } from '../src/addon.js';
import {
  type AddonTarget,
  addonCandidates,
  libcOfExecutable,
  loadFirst,
  missingAddonMessage,
  prebuildPath,
} from '../src/addon-loader.js';
import { decodeMessages } from '../src/netlink-message.js';
import { decodeRoute, routeLookupRequest } from '../src/rtnetlink-codec.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const x64: AddonTarget = { platform: 'linux', arch: 'x64', libc: 'glibc' };

/** The first 4 KiB of a file. */
function head(path: string): Uint8Array {
  const bytes = new Uint8Array(4096);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** An error like require() throws for a missing file. */
const notFound = (path: string): Error =>
  Object.assign(new Error(`Cannot find module '${path}'\nRequire stack:\n- x`), {
    code: 'MODULE_NOT_FOUND',
  });

describe('finding the addon', () => {
  it('tries a binary compiled here first, then the prebuild for platform, arch and libc', () => {
    expect(addonCandidates(x64)).toEqual([
      'build/Release/pptpkit_linux_net.node',
      'prebuilds/linux-x64/pptpkit_linux_net.glibc.node',
    ]);
    expect(prebuildPath({ platform: 'linux', arch: 'arm64', libc: 'musl' })).toBe(
      'prebuilds/linux-arm64/pptpkit_linux_net.musl.node',
    );
  });

  it('loads the first candidate that loads, and stops there', () => {
    const tried: string[] = [];
    const outcome = loadFirst(['a', 'b', 'c'], (path) => {
      tried.push(path);
      if (path === 'a') throw notFound(path);
      return { from: path };
    });
    expect(outcome).toEqual({ loaded: true, addon: { from: 'b' }, path: 'b' });
    expect(tried).toEqual(['a', 'b']);
  });

  it('reports every failure: “not found”, or the first line of the loader’s error', () => {
    const outcome = loadFirst(addonCandidates(x64), (path) => {
      if (path.startsWith('build')) throw notFound(path);
      throw new Error(`/lib/libc.so.6: version 'GLIBC_2.99' not found (required by ${path})\nmore`);
    });
    expect(outcome).toEqual({
      loaded: false,
      attempts: [
        { path: 'build/Release/pptpkit_linux_net.node', reason: 'not found' },
        {
          path: 'prebuilds/linux-x64/pptpkit_linux_net.glibc.node',
          reason:
            "/lib/libc.so.6: version 'GLIBC_2.99' not found (required by prebuilds/linux-x64/pptpkit_linux_net.glibc.node)",
        },
      ],
    });
  });

  it('tells a consumer what was tried and what to run, not a monorepo command', () => {
    const attempts = [
      {
        path: '/app/node_modules/@pptpkit/linux-net/build/Release/pptpkit_linux_net.node',
        reason: 'not found',
      },
      {
        path: '/app/node_modules/@pptpkit/linux-net/prebuilds/linux-arm64/pptpkit_linux_net.musl.node',
        reason: 'not found',
      },
    ];
    const message = missingAddonMessage({
      target: { platform: 'linux', arch: 'arm64', libc: 'musl' },
      nodeVersion: 'v20.19.0',
      attempts,
      shipped: [
        'linux-arm64/pptpkit_linux_net.glibc.node',
        'linux-x64/pptpkit_linux_net.glibc.node',
      ],
    });
    expect(message).toContain('linux-arm64 (musl), Node v20.19.0');
    for (const attempt of attempts) expect(message).toContain(`  - ${attempt.path}: not found`);
    expect(message).toContain(
      'Prebuilt binaries in this package: linux-arm64/pptpkit_linux_net.glibc.node, linux-x64/pptpkit_linux_net.glibc.node.',
    );
    expect(message).toContain('apt-get install build-essential python3');
    expect(message).toContain('apk add build-base python3 linux-headers');
    expect(message).toContain('npm rebuild @pptpkit/linux-net --build-from-source');
    expect(message).toContain('`pnpm approve-builds`, then `pnpm rebuild @pptpkit/linux-net`');
    expect(message).not.toMatch(/--filter|pnpm install/);
    expect(
      missingAddonMessage({ target: x64, nodeVersion: 'v20.19.0', attempts, shipped: [] }),
    ).toContain('This copy of the package has no prebuilt binaries.');
    const mac = missingAddonMessage({
      target: { platform: 'darwin', arch: 'arm64', libc: 'glibc' },
      nodeVersion: 'v22.0.0',
      attempts,
      shipped: [],
    });
    expect(mac).toContain('works on Linux only');
    expect(mac).not.toContain('npm rebuild');
  });

  it('tells musl from glibc by the program interpreter named in the executable', () => {
    const elf = (interpreter: string): Uint8Array => {
      const head = new Uint8Array(4096);
      head.set(new TextEncoder().encode(interpreter), 0x2a8);
      return head;
    };
    expect(libcOfExecutable(elf('/lib/ld-musl-x86_64.so.1'))).toBe('musl');
    expect(libcOfExecutable(elf('/lib/ld-musl-aarch64.so.1'))).toBe('musl');
    expect(libcOfExecutable(elf('/lib64/ld-linux-x86-64.so.2'))).toBe('glibc');
    // This Node: glibc, as its own process report says (an independent source).
    const header = process.report.getReport() as { header: { glibcVersionRuntime?: string } };
    expect(libcOfExecutable(head(process.execPath))).toBe(
      header.header.glibcVersionRuntime === undefined ? 'musl' : 'glibc',
    );
  });
});

// The prebuild is made by `pnpm --filter @pptpkit/linux-net run prebuild` (the test command and
// packing run it); it is not in the repository.
const target: AddonTarget = {
  platform: process.platform,
  arch: process.arch,
  libc: libcOfExecutable(head(process.execPath)),
};
const prebuild = join(packageDir, prebuildPath(target));
if (!existsSync(prebuild)) {
  const reason = `no ${prebuildPath(target)} (run \`pnpm --filter @pptpkit/linux-net run prebuild\`)`;
  if (process.env.CI) throw new Error(`the prebuild test cannot run under CI: ${reason}`);
  console.warn(`@pptpkit/linux-net: prebuild test SKIPPED: ${reason}`);
}

describe.skipIf(!existsSync(prebuild))('the prebuilt addon for this machine', () => {
  it('loads from its prebuilds/ path and answers a route lookup over its own netlink socket', () => {
    const addon = createRequire(import.meta.url)(prebuild) as NativeAddon;
    for (const name of [
      'openTun',
      'openRawIp',
      'openNetlink',
      'netlinkSend',
      'netlinkReceive',
      'closeFd',
    ] as const)
      expect(typeof addon[name]).toBe('function');
    expect(typeof addon.PacketChannel).toBe('function');
    // RTM_GETROUTE needs no capability: ask where 127.0.0.1 goes (the loopback, index 1).
    const fd = addon.openNetlink(0);
    try {
      addon.netlinkSend(fd, routeLookupRequest(1, 2, Uint8Array.of(127, 0, 0, 1)));
      const buffer = new Uint8Array(65536);
      const length = addon.netlinkReceive(fd, buffer, 5000);
      const [reply] = decodeMessages(buffer.subarray(0, length)) ?? [];
      expect(reply?.seq).toBe(1);
      expect(decodeRoute(reply!)).toMatchObject({ family: 2, oif: 1, type: 2 }); // RTN_LOCAL
    } finally {
      addon.closeFd(fd);
    }
  });
});
