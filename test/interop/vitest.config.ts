import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Export condition under which every workspace package exposes its TypeScript source. */
const sourceCondition = '@pptpkit/source';

/**
 * The interop project: tests against the real Debian pptpd + pppd in the user-mode-linux lab
 * (`tools/lab/lab.sh`). Run with `pnpm test:interop` (as root). The lab is started once by
 * `lab-setup.ts` and torn down after the last file; files run one after the other.
 */
export default defineConfig({
  resolve: { conditions: [sourceCondition, 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: [sourceCondition, 'module', 'node', 'development|production'] } },
  test: {
    name: 'interop',
    root: dirname(fileURLToPath(import.meta.url)),
    include: ['**/*.test.ts'],
    globalSetup: ['./lab-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
