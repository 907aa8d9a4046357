/**
 * Every published library's README opens with an example: its first ```ts block. That block is
 * the file examples/<dir>.ts byte for byte (checked here), which `pnpm typecheck` typechecks
 * and this test runs. The examples check their own claims with node:assert, so running one is
 * checking what its README says. scripts/install-check.sh runs the same blocks again, taken
 * from the READMEs of the installed tarballs. @pptpkit/linux-net is left out: its example needs
 * root and a TUN device.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const packages = join(here, '../..');

/** The directories of the published libraries whose README example runs anywhere. */
const libraries = readdirSync(packages).filter((dir) => {
  const manifest = join(packages, dir, 'package.json');
  if (dir === 'linux-net' || !existsSync(manifest)) return false;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { private?: boolean }).private !== true;
});

/** The first ```ts block of a README. */
function firstTsBlock(readme: string): string | undefined {
  return /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
}

it('there is one example file per published library, and no other', () => {
  expect(libraries.length).toBeGreaterThanOrEqual(8);
  const files = readdirSync(join(here, '../examples')).map((f) => f.replace(/\.ts$/, ''));
  expect(files.sort()).toEqual([...libraries].sort());
});

describe.each(libraries)('the README example of @pptpkit/%s', (dir) => {
  it('is examples/<dir>.ts, unchanged', () => {
    const readme = readFileSync(join(packages, dir, 'README.md'), 'utf8');
    const example = readFileSync(join(here, `../examples/${dir}.ts`), 'utf8');
    expect(firstTsBlock(readme)).toBe(example);
  });

  it('runs to its end, its assertions holding, and prints what it shows', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(`../examples/${dir}.ts`);
      expect(log).toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});
