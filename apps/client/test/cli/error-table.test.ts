/**
 * The README's error table against the code: every code the configuration, the password prompt
 * and `status`/`down` can print is in the table, and every code in the table is produced
 * somewhere in the source.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PromptAbortedError } from '../../src/cli/password-prompt.js';
import { CONTROL_PERMISSION_DENIED } from '../../src/control/control-client.js';

const client = join(dirname(fileURLToPath(import.meta.url)), '../..');
const repo = join(client, '../..');

/** The codes in the first column of the README's `## Errors` table. */
function tableCodes(): string[] {
  const readme = readFileSync(join(client, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Tests'));
  return [...section.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]!);
}

/** Every TypeScript source text of the app and the packages. */
function sources(): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.ts')) texts.push(readFileSync(join(dir, e.name), 'utf8'));
    }
  };
  walk(join(client, 'src'));
  for (const pkg of readdirSync(join(repo, 'packages'))) {
    try {
      walk(join(repo, 'packages', pkg, 'src'));
    } catch {
      // A package without src.
    }
  }
  return texts.join('\n');
}

describe("the README's error table", () => {
  it('lists every configuration code, the prompt and the control-socket codes', () => {
    const configCodes = [
      ...readFileSync(join(client, 'src/config/config-error.ts'), 'utf8').matchAll(
        /\| '(CONFIG_[A-Z_]+)'/g,
      ),
    ].map((m) => m[1]!);
    expect(configCodes.length).toBeGreaterThan(5);
    const printed = [
      ...configCodes,
      new PromptAbortedError('Ctrl-C').code,
      CONTROL_PERMISSION_DENIED,
      'MSCHAP_PASSWORD_EXPIRED',
    ];
    expect(printed.filter((c) => !tableCodes().includes(c))).toEqual([]);
  });

  it('names no code the source never produces', () => {
    const text = sources();
    expect(tableCodes().filter((c) => !text.includes(`'${c}'`))).toEqual([]);
  });
});
