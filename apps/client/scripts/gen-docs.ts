/**
 * Writes the files made from the command table (src/cli/spec/): the man page man/pptpkit.8 and
 * the bash completion completion/pptpkit.bash. Run it (`pnpm run gen:docs`) after changing the
 * table; test/cli/generated-docs.test.ts fails while they differ.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles } from '../src/cli/spec/generated-files.js';

const root = join(import.meta.dirname, '..');
for (const [path, text] of Object.entries(generatedFiles())) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
}
