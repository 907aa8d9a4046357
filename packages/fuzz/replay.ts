/**
 * `pnpm --filter @pptpkit/fuzz replay regressions/<target>/<file>.json`: runs one saved
 * reproducer once and prints its outcome as JSON (`{ file, target, outcome, ms }`, a failure
 * with its message, signature and stack); exits 1
 * when it still fails (an exception or a broken invariant).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { hexToBytes } from './engine/bytes.js';
import { runInput, WorstStep } from './engine/outcome.js';
import type { Reproducer } from './engine/reproducer.js';
import { targetNamed } from './targets/index.js';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: replay.ts regressions/<target>/<file>.json');
  process.exit(2);
}
const reproducer = JSON.parse(readFileSync(file, 'utf8')) as Reproducer;
const target = targetNamed(reproducer.target);
if (target === undefined) {
  console.error(`no target named ${reproducer.target}`);
  process.exit(2);
}
const { outcome, ms } = runInput(target, hexToBytes(reproducer.inputHex), new WorstStep());
const failed = outcome.kind === 'exception' || outcome.kind === 'invariant';
console.log(
  JSON.stringify({
    file,
    target: target.name,
    outcome: failed
      ? {
          kind: outcome.kind,
          message: outcome.message,
          signature: outcome.signature,
          stack: outcome.stack,
        }
      : outcome,
    ms,
  }),
);
process.exitCode = failed ? 1 : 0;
