import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_FILE_CAP, LOG_FILES_KEPT, LogFile, logFiles } from '../../src/log/log-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pptpkit-logfile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sizes = (path: string): number[] =>
  logFiles(path)
    .filter((f) => existsSync(f))
    .map((f) => statSync(f).size);

describe('LogFile', () => {
  it('is capped at 1 MiB with 3 rotated files: 5 MiB written leave 4 files of at most 1 MiB, the newest lines', () => {
    expect(LOG_FILE_CAP).toBe(1024 * 1024);
    expect(LOG_FILES_KEPT).toBe(3);
    const path = join(dir, 'work.log');
    const file = new LogFile(path);
    const filler = 'x'.repeat(1000);
    const count = 5 * 1024; // 5 × 1024 lines of 1011 bytes: about 5 MiB
    for (let i = 0; i < count; i++) file.append(`${String(i).padStart(10, '0')}${filler}`);
    expect(logFiles(path)).toEqual([path, `${path}.1`, `${path}.2`, `${path}.3`]);
    expect(existsSync(`${path}.4`)).toBe(false);
    const s = sizes(path);
    expect(s).toHaveLength(4);
    for (const size of s) expect(size).toBeLessThanOrEqual(LOG_FILE_CAP);
    // The rotated files are full (within one line of the cap).
    for (const size of s.slice(1)) expect(size).toBeGreaterThan(LOG_FILE_CAP - 1011);
    // The newest line is last in the current file; the oldest kept starts .3; the first are gone.
    const current = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(current.at(-1)!.slice(0, 10)).toBe(String(count - 1).padStart(10, '0'));
    const oldest = readFileSync(`${path}.3`, 'utf8').split('\n')[0]!;
    const firstKept = Number(oldest.slice(0, 10));
    const kept = s.reduce((a, b) => a + b, 0) / 1011;
    expect(firstKept).toBe(count - kept);
    expect(firstKept).toBeGreaterThan(0);
  });

  it('appends to what earlier runs left, and rotates at the first line when already full', () => {
    const path = join(dir, 'p.log');
    writeFileSync(path, 'earlier run\n');
    new LogFile(path, { cap: 100 }).append('second run');
    expect(readFileSync(path, 'utf8')).toBe('earlier run\nsecond run\n');
    writeFileSync(path, `${'y'.repeat(150)}\n`);
    new LogFile(path, { cap: 100 }).append('third run');
    expect(readFileSync(path, 'utf8')).toBe('third run\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${'y'.repeat(150)}\n`);
    expect(existsSync(`${path}.2`)).toBe(false);
  });

  it('makes its files mode 0640, whatever the umask or an older file said', () => {
    const path = join(dir, 'm.log');
    writeFileSync(path, 'old\n', { mode: 0o644 });
    chmodSync(path, 0o644);
    const file = new LogFile(path, { cap: 10 });
    file.append('one');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    file.append('two, rotated');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(statSync(`${path}.1`).mode & 0o777).toBe(0o640);
  });

  it('never throws: a file it cannot write is reported once', () => {
    writeFileSync(join(dir, 'a-file'), '');
    const errors: Error[] = [];
    const file = new LogFile(join(dir, 'a-file', 'x.log'), { onError: (e) => errors.push(e) });
    file.append('one');
    file.append('two');
    expect(errors).toHaveLength(1);
    // mkdir -p of a path through a regular file: EEXIST (Node's recursive mkdir) or ENOTDIR.
    expect(['EEXIST', 'ENOTDIR']).toContain((errors[0] as NodeJS.ErrnoException).code);
  });
});
