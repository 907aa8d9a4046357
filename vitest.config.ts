import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** Export condition under which every workspace package exposes its TypeScript source. */
const sourceCondition = '@pptpkit/source';

/** One vitest project per workspace package that has a `test/` folder. */
function workspaceProjects(): { extends: true; test: { name: string; root: string } }[] {
  const projects = [];
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(group)) {
      const root = join(group, dir);
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
    outputFile: { json: '.reports/vitest.json' },
    testTimeout: 20_000,
  },
});
