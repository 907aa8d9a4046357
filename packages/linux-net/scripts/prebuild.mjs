#!/usr/bin/env node
// Builds the prebuilt binaries the package ships, from the sources in this checkout:
//   prebuilds/linux-<arch>/pptpkit_linux_net.<libc>.node
// for this machine's architecture and C library and, on x64 with Debian's cross toolchain
// installed (`apt-get install g++-aarch64-linux-gnu`), for linux-arm64 glibc too. N-API
// (NAPI_VERSION 8), so one binary serves every Node >= 20 of its platform. Each binary is
// stripped and its ELF machine checked; the native one must also load here. prebuilds/ is
// emptied first, so it holds exactly what this run built. Each target is compiled in a
// temporary copy of binding.gyp and src/native, so the checkout's own build/ is left alone.
// Runs before packing (`prepack`) and in the test command (the tests load the prebuild).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
/** ELF e_machine values (elf.h). */
const machines = { x64: 62, arm64: 183 };

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: packageDir, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

function found(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function head(path) {
  const bytes = new Uint8Array(4096);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** ELF e_machine (little-endian ELF64 header, offset 18). */
function elfMachine(path) {
  const bytes = head(path);
  return bytes[18] | (bytes[19] << 8);
}

const libc = new TextDecoder('latin1').decode(head(process.execPath)).includes('/ld-musl-')
  ? 'musl'
  : 'glibc';
const targets = [];
if (process.arch === 'x64' && found('aarch64-linux-gnu-g++')) {
  targets.push({ arch: 'arm64', libc: 'glibc', cross: 'aarch64-linux-gnu' });
} else if (process.arch === 'x64') {
  console.log(
    'prebuild: no aarch64-linux-gnu-g++ (apt-get install g++-aarch64-linux-gnu): linux-arm64 skipped',
  );
}
targets.push({ arch: process.arch, libc });

rmSync(join(packageDir, 'prebuilds'), { recursive: true, force: true });
for (const target of targets) {
  const work = mkdtempSync(join(tmpdir(), 'pptpkit-prebuild-'));
  cpSync(join(packageDir, 'binding.gyp'), join(work, 'binding.gyp'));
  cpSync(join(packageDir, 'src', 'native'), join(work, 'src', 'native'), { recursive: true });
  // binding.gyp finds node-addon-api's headers with require(), from the copy's directory.
  const nodePath = [join(packageDir, 'node_modules'), process.env.NODE_PATH].filter(Boolean);
  const env = { ...process.env, NODE_PATH: nodePath.join(delimiter) };
  let strip = 'strip';
  if (target.cross) {
    Object.assign(env, {
      CC: `${target.cross}-gcc`,
      CXX: `${target.cross}-g++`,
      LINK: `${target.cross}-g++`,
      AR: `${target.cross}-ar`,
    });
    strip = `${target.cross}-strip`;
  }
  run(
    process.execPath,
    ['scripts/build-addon.mjs', `--arch=${target.arch}`, `--directory=${work}`],
    env,
  );
  const dir = join(packageDir, 'prebuilds', `linux-${target.arch}`);
  const out = join(dir, `pptpkit_linux_net.${target.libc}.node`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(work, 'build', 'Release', 'pptpkit_linux_net.node'), out);
  rmSync(work, { recursive: true, force: true });
  run(strip, ['--strip-unneeded', out]);
  if (elfMachine(out) !== machines[target.arch]) {
    throw new Error(`${out}: ELF machine ${elfMachine(out)}, expected ${target.arch}`);
  }
  if (!target.cross) createRequire(import.meta.url)(out);
  console.log(`prebuild: ${out.slice(packageDir.length + 1)} (${statSync(out).size} bytes)`);
}
