/**
 * Reproducers: one JSON file per distinct failure, `regressions/<target>/<kind>-<slug>-<hash>.json`,
 * holding the input as hex, what broke and how it was found. `test/regressions.test.ts` replays
 * every one of them.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FailureRecord } from './loop.js';
import type { FailureKind } from './outcome.js';
import { hashText } from './rng.js';

/** The folder holding every reproducer. */
export const REGRESSIONS_DIR: string = fileURLToPath(new URL('../regressions', import.meta.url));

/** A saved failing input. */
export interface Reproducer {
  /** The target to replay it with. */
  readonly target: string;
  /** The failure class it had when found. */
  readonly kind: FailureKind;
  /** Its signature (error class, normalised message and throw site, or the invariant). */
  readonly signature: string;
  /** The message when found. */
  readonly message: string;
  /** The run's seed. */
  readonly seed: number;
  /** Index of the input in that run. */
  readonly iteration: number;
  /** The input. */
  readonly inputHex: string;
}

/** A reproducer and the file it lives in. */
export interface SavedReproducer {
  /** Path relative to the regressions folder, `<target>/<file>.json`. */
  readonly file: string;
  /** Its content. */
  readonly reproducer: Reproducer;
}

/** A file-name-safe summary of a message: its first words, lower case. */
function slug(message: string): string {
  return (
    message
      .toLowerCase()
      .replace(/[^a-z]+/g, '-')
      .split('-')
      .filter((w) => w.length > 1)
      .slice(0, 6)
      .join('-')
      .slice(0, 48)
      .replace(/-$/, '') || 'failure'
  );
}

/** The reproducer's file name: derived from the signature, so one bug gives one file. */
export function reproducerFile(target: string, kind: FailureKind, signature: string): string {
  const hash = hashText(`${target}\n${signature}`).toString(16).padStart(8, '0');
  return `${target}/${kind}-${slug(signature.replace(/^(invariant|slow|hang): /, ''))}-${hash}.json`;
}

/**
 * Saves a failure as a reproducer unless a saved one with the same signature still fails
 * (`stillFails`); a fixed one stays (it is a regression test) and the new input is saved beside
 * it with a `-2`, `-3`... suffix. Returns the file (relative to `dir`) and whether it existed.
 */
export function saveReproducer(
  target: string,
  seed: number,
  failure: FailureRecord,
  stillFails: (saved: Reproducer) => boolean,
  dir: string = REGRESSIONS_DIR,
): { readonly file: string; readonly existed: boolean } {
  const base = reproducerFile(target, failure.kind, failure.signature).replace(/\.json$/, '');
  for (let n = 1; ; n++) {
    const file = n === 1 ? `${base}.json` : `${base}-${n}.json`;
    const path = join(dir, file);
    if (existsSync(path)) {
      if (stillFails(JSON.parse(readFileSync(path, 'utf8')) as Reproducer))
        return { file, existed: true };
      continue;
    }
    mkdirSync(join(dir, target), { recursive: true });
    const reproducer: Reproducer = {
      target,
      kind: failure.kind,
      signature: failure.signature,
      message: failure.message,
      seed,
      iteration: failure.iteration,
      inputHex: failure.inputHex,
    };
    writeFileSync(path, `${JSON.stringify(reproducer, null, 2)}\n`);
    return { file, existed: false };
  }
}

/** Every saved reproducer, sorted by file. */
export function loadReproducers(dir: string = REGRESSIONS_DIR): SavedReproducer[] {
  if (!existsSync(dir)) return [];
  const out: SavedReproducer[] = [];
  for (const target of readdirSync(dir, { withFileTypes: true })) {
    if (!target.isDirectory()) continue;
    for (const name of readdirSync(join(dir, target.name)).sort()) {
      if (!name.endsWith('.json')) continue;
      const file = `${target.name}/${name}`;
      const reproducer = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Reproducer;
      out.push({ file, reproducer });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}
