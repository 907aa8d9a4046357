// Builds the published CLI: ESM files in dist/ (or the directory given as the one argument), the
// program pptpkit.js and the chunk it loads for `pptpkit up` only, with every workspace package
// compiled in from its TypeScript source except @pptpkit/linux-net (a native addon, a real
// dependency). The chunks stay beside the program: src/cli/version.ts finds package.json one
// level up from any of them. Why a bundle and not tsc: docs/ARCHITECTURE.md, "The published CLI".
import { chmodSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;
const outdir = resolve(process.argv[2] ?? join(here, 'dist'));

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: here,
  entryPoints: { pptpkit: 'src/cli/run.ts' },
  outdir,
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  conditions: ['@pptpkit/source'],
  external: ['@pptpkit/linux-net'],
  banner: { js: '#!/usr/bin/env node' },
  legalComments: 'eof',
  logLevel: 'warning',
});
chmodSync(join(outdir, 'pptpkit.js'), 0o755);
