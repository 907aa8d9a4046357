import { packageInfo } from './package-dir.js';

/** The version of the `pptpkit` package, read from its package.json when asked. */
export function packageVersion(): string {
  return packageInfo().version;
}
