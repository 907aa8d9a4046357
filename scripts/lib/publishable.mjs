// Prints the directory of every publishable workspace package (packages/* and apps/* whose
// package.json is not "private"), one a line, relative to the repository root.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
for (const group of ['packages', 'apps']) {
  for (const dir of readdirSync(join(root, group)).sort()) {
    const manifest = join(root, group, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    if (JSON.parse(readFileSync(manifest, 'utf8')).private === true) continue;
    console.log(`${group}/${dir}`);
  }
}
