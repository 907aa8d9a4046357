import { readFileSync } from 'node:fs';

/**
 * The version of the `pptpkit` package, read from its package.json when asked: the nearest one
 * above this module, `../../package.json` from the TypeScript source (src/cli/) and
 * `../package.json` from the published bundle (dist/), whichever exists first.
 */
export function packageVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    let text: string;
    try {
      text = readFileSync(new URL(path, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    const { name, version } = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (name === 'pptpkit' && typeof version === 'string') return version;
  }
  throw new Error('the package.json of pptpkit is not beside this program');
}
