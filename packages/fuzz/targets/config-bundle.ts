/**
 * The input format of the configuration targets: several text files in one input. The text
 * before the first `%% PATH` line is the main file; each `%% PATH` line starts the file PATH.
 *
 * @module
 */
import { decodeUtf8, encodeUtf8 } from '@pptpkit/wire';
import { NO_SUCH_FILE, type ReadConfigFile } from '../../../apps/client/src/config/read-failure.js';

/** A set of files and the main one's path. */
export interface Bundle {
  /** Contents by path. */
  readonly files: ReadonlyMap<string, string>;
  /** Reads a file; `undefined` when absent. Counts reads. */
  readonly read: (path: string) => string | undefined;
  /** {@link Bundle.read} as the configuration readers take it: an absent file is ENOENT. */
  readonly readConfig: ReadConfigFile;
  /** Files read so far. */
  reads: number;
}

/** Splits an input into files; the main file is `main`. */
export function parseBundle(input: Uint8Array, main: string): Bundle {
  const files = new Map<string, string>();
  const parts = decodeUtf8(input).split(/^%% /m);
  files.set(main, parts[0] ?? '');
  for (const part of parts.slice(1)) {
    const newline = part.indexOf('\n');
    const path = (newline < 0 ? part : part.slice(0, newline)).trim();
    if (!files.has(path)) files.set(path, newline < 0 ? '' : part.slice(newline + 1));
  }
  const bundle: Bundle = {
    files,
    reads: 0,
    read: (path) => {
      bundle.reads++;
      return files.get(path);
    },
    readConfig: (path) => bundle.read(path) ?? NO_SUCH_FILE,
  };
  return bundle;
}

/** Builds an input from a main file and other files. */
export function buildBundle(
  main: string,
  others: readonly (readonly [string, string])[],
): Uint8Array {
  return encodeUtf8([main, ...others.map(([path, text]) => `%% ${path}\n${text}`)].join('\n'));
}
