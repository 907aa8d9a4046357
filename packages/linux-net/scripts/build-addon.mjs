#!/usr/bin/env node
// Builds the native addon with node-gyp (`node-gyp rebuild`). When no `nodedir` is configured
// and the running Node ships its own headers (Debian's nodejs package in /usr/include/node,
// nodejs.org tarballs in <prefix>/include/node), node-gyp is pointed at them, so the build
// works offline instead of downloading a headers tarball.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const args = ['rebuild'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const result = spawnSync('node-gyp', args, { stdio: 'inherit', shell: false });
if (result.error) {
  console.error(`@pptpkit/linux-net: could not run node-gyp: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
