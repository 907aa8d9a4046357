/**
 * The README's example is this package's front door: `readme-example.ts` is the README's code
 * block byte for byte (checked here), it is typechecked with the package's tests, and it runs
 * here: a client core and a server core come up in memory and pass a packet.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('the README example', () => {
  it('is the file test/readme-example.ts, unchanged', () => {
    const readme = readFileSync(join(here, '../README.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(join(here, 'readme-example.ts'), 'utf8'));
  });

  it('brings a client and a server core up in memory and passes a packet', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('./readme-example.js');
    expect(log).toHaveBeenCalledWith({ keyBits: 128, stateless: true, mppc: false }, 1);
    log.mockRestore();
  });
});
