#!/usr/bin/env node
// The package's install script. When the prebuilt addon shipped for this platform loads, it is
// used and nothing is compiled (no compiler, Python or node-gyp needed). Otherwise, or when a
// build from source is asked for (`npm install|rebuild --build-from-source`), the addon is
// compiled with node-gyp (scripts/build-addon.mjs). Under pnpm, which skips dependencies'
// install scripts unless approved, this never runs: the prebuild loads at run time all the same.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const say = (text) => console.log(`@pptpkit/linux-net: ${text}`);

/** The prebuild for this platform, when the compiled loader (dist/) is present to name it. */
async function prebuild() {
  const loaderPath = join(packageDir, 'dist', 'addon-loader.js');
  if (!existsSync(loaderPath)) return undefined;
  const { libcOfExecutable, prebuildPath } = await import(pathToFileURL(loaderPath).href);
  const head = new Uint8Array(4096);
  const fd = openSync(process.execPath, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const target = { platform: process.platform, arch: process.arch, libc: libcOfExecutable(head) };
  return prebuildPath(target);
}

if (process.env.npm_config_build_from_source === 'true') {
  say('building from source as asked (--build-from-source)');
} else {
  const relative = await prebuild();
  if (relative === undefined) {
    say('no compiled loader (dist/) to find a prebuild with: building from source');
  } else {
    try {
      createRequire(import.meta.url)(join(packageDir, relative));
      say(`using the prebuilt addon ${relative}`);
      process.exit(0);
    } catch (error) {
      const reason =
        error?.code === 'MODULE_NOT_FOUND' ? 'not shipped' : String(error?.message).split('\n')[0];
      say(`prebuilt addon ${relative}: ${reason}; building from source`);
    }
  }
}
const result = spawnSync(process.execPath, [join(packageDir, 'scripts', 'build-addon.mjs')], {
  stdio: 'inherit',
});
if (result.status !== 0) {
  say(
    'building the addon from source failed: it needs Python 3, make and a C++ compiler (Debian/Ubuntu: apt-get install build-essential python3; Alpine: apk add build-base python3 linux-headers).',
  );
}
process.exit(result.status ?? 1);
