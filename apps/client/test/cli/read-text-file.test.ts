import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTextFile } from '../../src/cli/read-text-file.js';

describe('readTextFile: configuration text from regular files only, bounded, or why not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pptpkit-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file', () => {
    writeFileSync(join(dir, 'peer'), 'pty "pptp 10.0.0.1 --nolaunchpppd"\n');
    expect(readTextFile(join(dir, 'peer'))).toBe('pty "pptp 10.0.0.1 --nolaunchpppd"\n');
  });

  it('says why a file cannot be read, with the errno, at once (never blocking on a FIFO)', () => {
    expect(readTextFile(join(dir, 'nope'))).toEqual({ reason: 'no such file', errno: 'ENOENT' });
    expect(readTextFile(dir)).toEqual({
      reason: 'a directory, not a regular file',
      errno: 'EISDIR',
    });
    expect(readTextFile('/dev/zero')).toEqual({ reason: 'not a regular file (a device)' });
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readTextFile(fifo)).toEqual({ reason: 'not a regular file (a FIFO)' });
    writeFileSync(join(dir, 'plain'), 'x\n');
    expect(readTextFile(join(dir, 'plain', 'below'))).toEqual({
      reason: 'a component of the path is not a directory',
      errno: 'ENOTDIR',
    });
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    expect(readTextFile(join(dir, 'loop-a'))).toEqual({
      reason: 'too many levels of symbolic links',
      errno: 'ELOOP',
    });
  });

  it('a file longer than the limit is refused as too large, not cut', () => {
    writeFileSync(join(dir, 'big'), 'x'.repeat(5000));
    expect(readTextFile(join(dir, 'big'), 1000)).toEqual({
      reason: 'too large (5000 bytes; at most 1000 are read)',
    });
    expect(readTextFile(join(dir, 'big'), 5000)).toHaveLength(5000);
  });
});
