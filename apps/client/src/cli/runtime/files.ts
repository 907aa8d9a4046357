import { rmSync, writeFileSync } from 'node:fs';
import type { ReadConfigFile } from '../../config/read-failure.js';
import type { FileAccess } from '../../host/host-changes.js';
import { readTextFile } from '../read-text-file.js';

/** Reads configuration text (regular files only, bounded), or says why it cannot. */
export const readConfig: ReadConfigFile = (path) => readTextFile(path);

/** Reads text (regular files only, bounded); `undefined` when unreadable. */
export const readText = (path: string): string | undefined => {
  const text = readTextFile(path);
  return typeof text === 'string' ? text : undefined;
};

/** Whole-file access for the host changes (resolv.conf). */
export const files: FileAccess = {
  read: (path) => readText(path) ?? null,
  write: (path, content) => {
    if (content === null) rmSync(path, { force: true });
    else writeFileSync(path, content);
  },
};
