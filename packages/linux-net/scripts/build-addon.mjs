#!/usr/bin/env node
// Compiles the native addon from source with node-gyp (`node-gyp rebuild`, extra arguments
// passed on, e.g. `--arch=arm64`) into build/Release/pptpkit_linux_net.node.
// node-gyp is the package manager's own when it provides one (npm and pnpm set
// npm_config_node_gyp for lifecycle scripts), else the one on the PATH (this workspace's
// devDependency). When no `nodedir` is configured and the running Node ships its own headers
// (Debian's nodejs package in /usr/include/node, nodejs.org tarballs in <prefix>/include/node),
// node-gyp is pointed at them, so the build works offline instead of downloading headers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const args = ['rebuild', ...process.argv.slice(2)];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const bundled = process.env.npm_config_node_gyp;
const [command, commandArgs] =
  bundled && existsSync(bundled) ? [process.execPath, [bundled, ...args]] : ['node-gyp', args];
const result = spawnSync(command, commandArgs, { cwd: packageDir, stdio: 'inherit', shell: false });
if (result.error) {
  console.error(`@pptpkit/linux-net: could not run node-gyp: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
