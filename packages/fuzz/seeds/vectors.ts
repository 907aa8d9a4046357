/**
 * Seeds from the packages' test vectors (`packages/<dir>/test/vectors/*.json`): every hex string
 * in them, whatever its key.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexToBytes } from '../engine/bytes.js';

const packagesDir = fileURLToPath(new URL('../..', import.meta.url));

function collect(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (value.length >= 4 && value.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(value)) {
      out.push(value);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) collect(v, out);
  }
}

/** Every hex string (at least 2 octets) in the JSON vectors of `packages/<dir>/test/vectors`. */
export function vectorBytes(dir: string): Uint8Array[] {
  const folder = join(packagesDir, dir, 'test', 'vectors');
  if (!existsSync(folder)) return [];
  const hex: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (!name.endsWith('.json')) continue;
    collect(JSON.parse(readFileSync(join(folder, name), 'utf8')), hex);
  }
  return hex.map(hexToBytes);
}
