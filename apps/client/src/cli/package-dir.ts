import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The `pptpkit` package.json fields this program reads about itself. */
export interface PackageInfo {
  /** The package's directory (holds package.json, dist/, systemd/, man/, completion/). */
  readonly dir: string;
  /** Its version. */
  readonly version: string;
}

/**
 * Finds the `pptpkit` package this program belongs to: the nearest package.json above this
 * module, `../../package.json` from the TypeScript source (src/cli/) and `../package.json` from
 * the published bundle (dist/), whichever exists first and names `pptpkit`.
 */
export function packageInfo(): PackageInfo {
  for (const path of ['../', '../../']) {
    const dir = new URL(path, import.meta.url);
    let text: string;
    try {
      text = readFileSync(new URL('package.json', dir), 'utf8');
    } catch {
      continue;
    }
    const { name, version } = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (name === 'pptpkit' && typeof version === 'string') {
      return { dir: fileURLToPath(dir).replace(/\/$/, ''), version };
    }
  }
  throw new Error('the package.json of pptpkit is not beside this program');
}
