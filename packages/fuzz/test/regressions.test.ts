/**
 * Every saved reproducer (regressions/<target>/*.json) replayed: each must now give a value or
 * a typed error within the target's invariants. Timing is not asserted (the 10 ms rule is the
 * runner's); a reproducer saved for a hang runs in a child process with a time limit.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../engine/bytes.js';
import { runInput, WorstStep } from '../engine/outcome.js';
import { loadReproducers, REGRESSIONS_DIR } from '../engine/reproducer.js';
import { targetNamed } from '../targets/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const saved = loadReproducers();

describe('saved reproducers', () => {
  it('name targets that exist and hold hex inputs', () => {
    for (const { file, reproducer } of saved) {
      expect(targetNamed(reproducer.target), file).toBeDefined();
      expect(file.startsWith(`${reproducer.target}/`), file).toBe(true);
      expect(reproducer.inputHex, file).toMatch(/^([0-9a-f]{2})*$/);
    }
  });

  for (const { file, reproducer } of saved) {
    it(`${file} (${reproducer.kind}: ${reproducer.message.slice(0, 80)})`, () => {
      if (reproducer.kind === 'hang') {
        const child = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            '--conditions=@pptpkit/source',
            'replay.ts',
            join(REGRESSIONS_DIR, file),
          ],
          { cwd: packageDir, timeout: 15_000, encoding: 'utf8' },
        );
        expect(child.error, 'the replay still hangs').toBeUndefined();
        expect(child.status, child.stdout + child.stderr).toBe(0);
        return;
      }
      const { outcome } = runInput(
        targetNamed(reproducer.target)!,
        hexToBytes(reproducer.inputHex),
        new WorstStep(),
      );
      const what =
        outcome.kind === 'exception' || outcome.kind === 'invariant' ? outcome.message : '';
      expect(['value', 'typed'], what).toContain(outcome.kind);
    });
  }
});
