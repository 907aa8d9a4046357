import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Export condition under which every workspace package exposes its TypeScript source. */
const sourceCondition = '@pptpkit/source';

/** The repository root, whatever directory vitest was started from. */
const repoRoot = dirname(fileURLToPath(import.meta.url));

/** One vitest project per workspace package that has a `test/` folder. */
function workspaceProjects(): { extends: true; test: { name: string; root: string } }[] {
  const projects = [];
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(join(repoRoot, group))) {
      const root = join(repoRoot, group, dir);
      if (!existsSync(join(root, 'test'))) continue;
      const { name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        name: string;
      };
      projects.push({ extends: true as const, test: { name, root } });
    }
  }
  return projects;
}

export default defineConfig({
  resolve: { conditions: [sourceCondition, 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: [sourceCondition, 'module', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts'],
    projects: workspaceProjects(),
    reporters: ['default', 'json'],
    outputFile: { json: join(repoRoot, '.reports/vitest.json') },
    testTimeout: 20_000,
  },
});
