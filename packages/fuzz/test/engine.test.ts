/**
 * The runner's machinery: determinism for a seed, outcome classes, mutation bounds, the script
 * and bundle formats, minimisation, reproducer files, the command line, and the reference MPPC
 * decoder against the FreeRDP vector.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecodeError, encodeUtf8 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { parseRunArgs, selectTargets } from '../engine/args.js';
import { bytesToHex, hexToBytes } from '../engine/bytes.js';
import { type FailureRecord, fuzzTarget } from '../engine/loop.js';
import { minimizeInput } from '../engine/minimize.js';
import { mutate } from '../engine/mutate.js';
import { invariant, runInput, WorstStep } from '../engine/outcome.js';
import { loadReproducers, reproducerFile, saveReproducer } from '../engine/reproducer.js';
import { Rng } from '../engine/rng.js';
import type { FuzzTarget } from '../engine/target.js';
import { vectorBytes } from '../seeds/vectors.js';
import { parseBundle } from '../targets/config-bundle.js';
import { ReferenceDecoder } from '../targets/mppc-reference.js';
import { buildScript, parseScript, step } from '../targets/script.js';

/** A target whose outcome depends on the first octet: value, typed error, TypeError, invariant. */
const toy: FuzzTarget = {
  name: 'toy',
  packageName: 'none',
  entry: 'first octet',
  invariants: [],
  maxLength: 64,
  timing: 'input',
  dictionary: [],
  seeds: () => [Uint8Array.of(0)],
  generate: (rng) => rng.bytes(rng.int(1, 8)),
  run(input) {
    const b = input[0] ?? 0;
    if (b % 4 === 1) throw new DecodeError('TOY_BAD', 'bad', { offset: 0, field: 'b' });
    if (b === 0xee && input.length > 3) throw new TypeError('boom');
    invariant(b !== 0xaa || input.length < 5, 'no 0xaa in long inputs');
    return b % 4 === 0 ? 'zero' : 'other';
  },
};

describe('the fuzzing loop', () => {
  it('gives the same inputs for the same seed and runs, other inputs for another seed', () => {
    const inputs = (seed: number): string[] => {
      const seen: string[] = [];
      fuzzTarget(toy, { seed, runs: 300, onInput: (i) => seen.push(bytesToHex(i)) });
      return seen;
    };
    expect(inputs(5)).toEqual(inputs(5));
    expect(inputs(6)).not.toEqual(inputs(5));
  });

  it('counts values and typed errors, and keeps one record per failure signature', () => {
    const found: FailureRecord[] = [];
    const stats = fuzzTarget(toy, { seed: 1, runs: 20_000, onFailure: (f) => found.push(f) });
    expect(stats.inputs).toBe(20_000);
    expect(stats.codes['TOY_BAD']).toBeGreaterThan(0);
    expect(stats.labels['zero']).toBeGreaterThan(0);
    expect(stats.values + stats.typed + stats.failures).toBe(stats.inputs);
    const kinds = found.map((f) => f.kind).sort();
    expect(kinds).toEqual(['exception', 'invariant']);
    expect(found.find((f) => f.kind === 'exception')!.signature).toMatch(/^TypeError: boom @ /);
    expect(found.reduce((n, f) => n + f.count, 0)).toBe(stats.failures);
  });

  it('classifies single inputs', () => {
    const timer = new WorstStep();
    expect(runInput(toy, Uint8Array.of(4), timer).outcome).toEqual({
      kind: 'value',
      label: 'zero',
    });
    expect(runInput(toy, Uint8Array.of(5), timer).outcome).toEqual({
      kind: 'typed',
      code: 'TOY_BAD',
    });
    expect(runInput(toy, Uint8Array.of(0xee, 0, 0, 0), timer).outcome.kind).toBe('exception');
    expect(runInput(toy, Uint8Array.of(0xaa, 0, 0, 0, 0), timer).outcome.kind).toBe('invariant');
  });

  it('minimises a failing input while it fails the same way', () => {
    const long = Uint8Array.of(0xaa, ...new Uint8Array(40).fill(7));
    const { outcome } = runInput(toy, long, new WorstStep());
    if (outcome.kind !== 'invariant') throw new Error(outcome.kind);
    const small = minimizeInput(toy, long, outcome.signature, { runs: 10_000, ms: 5_000 });
    expect(bytesToHex(small)).toBe('aa00000000');
  });
});

describe('mutation', () => {
  it('never exceeds the maximum length and changes inputs', () => {
    const rng = new Rng(3);
    const base = Uint8Array.from({ length: 40 }, (_, i) => i);
    let changed = 0;
    for (let i = 0; i < 2000; i++) {
      const out = mutate(base, rng, {
        maxLength: 48,
        dictionary: [encodeUtf8('tok')],
        other: () => base,
      });
      expect(out.length).toBeLessThanOrEqual(48);
      if (bytesToHex(out) !== bytesToHex(base)) changed++;
    }
    expect(changed).toBeGreaterThan(1800);
  });
});

describe('input formats', () => {
  it('a script round-trips, and a truncated last step keeps its bytes', () => {
    const steps = [step(1, [1, 2, 3]), step(0xee), step(7, new Uint8Array(300).fill(9))];
    const bytes = buildScript(steps);
    expect(parseScript(bytes)).toEqual(steps);
    expect(parseScript(bytes.subarray(0, 6))).toEqual([step(1, [1, 2, 3])]);
    expect(parseScript(Uint8Array.of(4, 0, 9, 1, 2))).toEqual([step(4, [1, 2])]);
  });

  it('a bundle splits into files at %% lines', () => {
    const b = parseBundle(encodeUtf8('main\n%% /a\nA\n%% /b\nB'), '/m');
    expect([...b.files]).toEqual([
      ['/m', 'main\n'],
      ['/a', 'A\n'],
      ['/b', 'B'],
    ]);
    expect(b.read('/a')).toBe('A\n');
    expect(b.read('/none')).toBeUndefined();
    expect(b.reads).toBe(2);
  });
});

describe('reproducers', () => {
  it('are saved once per signature and load back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-repro-'));
    try {
      const failure: FailureRecord = {
        kind: 'invariant',
        signature: 'invariant: no 0xaa in long inputs',
        message: 'no 0xaa in long inputs',
        iteration: 3,
        inputHex: 'aa00000000',
        ms: 0.1,
        count: 1,
      };
      const file = reproducerFile('toy', 'invariant', failure.signature);
      expect(saveReproducer('toy', 9, failure, () => true, dir)).toEqual({ file, existed: false });
      // Still failing: the same bug, no new file.
      expect(saveReproducer('toy', 9, { ...failure, inputHex: '00' }, () => true, dir)).toEqual({
        file,
        existed: true,
      });
      // Fixed: a new input with the same signature is another bug, saved beside it.
      const second = saveReproducer('toy', 9, { ...failure, inputHex: 'aa01' }, () => false, dir);
      expect(second).toEqual({ file: file.replace(/\.json$/, '-2.json'), existed: false });
      expect(loadReproducers(dir).map((r) => r.file)).toEqual([file, second.file].sort());
      const loaded = loadReproducers(dir).find((r) => r.file === file);
      expect(loaded?.reproducer).toEqual({
        target: 'toy',
        kind: 'invariant',
        signature: failure.signature,
        message: failure.message,
        seed: 9,
        iteration: 3,
        inputHex: 'aa00000000',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the command line', () => {
  it('parses options and selects targets', () => {
    const a = parseRunArgs(['--target', 'a,b*', '--seed=7', '--runs', '10', '--json'], 99);
    expect(a).toMatchObject({
      targets: ['a', 'b*'],
      seed: 7,
      runs: 10,
      seconds: undefined,
      json: true,
    });
    expect(parseRunArgs([], 99)).toMatchObject({ seconds: 60, seed: 99 });
    expect(() => parseRunArgs(['--runs', '-1'])).toThrow(RangeError);
    expect(() => parseRunArgs(['--bogus'])).toThrow(/usage/);
    expect(selectTargets(['a', 'bx', 'by', 'c'], ['c', 'b*'])).toEqual(['bx', 'by', 'c']);
    expect(() => selectTargets(['a'], ['z'])).toThrow(/no target/);
  });
});

describe('the reference MPPC decoder', () => {
  it("decodes FreeRDP's bells vector (RFC 2118 §4, flags C|B) to its plaintext", () => {
    // The vector's only hex string is its compressed form.
    const [compressed] = vectorBytes('mppc');
    const out = new ReferenceDecoder(1500).decode(0x60, compressed!);
    expect(new TextDecoder().decode(out)).toBe('for.whom.the.bell.tolls,.the.bell.tolls.for.thee!');
  });

  it('refuses copy offsets 0 and 8192..8511 (outside the history), as RFC 2118 §4.2.1 allows', () => {
    // '1111' + 000000: offset 0; '110' + 13 ones: offset 8511; each with length 3 ('0').
    const offset0 = hexToBytes('0f00'); // 0000 1111 | 0000 00 0 + padding: literal 0x07, then copy
    const d = new ReferenceDecoder(1500);
    expect(d.decode(0xa0, Uint8Array.of(0x41, 0xf0, 0x00))).toBeUndefined();
    expect(d.decode(0xa0, Uint8Array.of(0x41, 0xdf, 0xff, 0x00))).toBeUndefined();
    expect(d.decode(0xa0, offset0)).toBeDefined();
  });
});
