import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTextFile } from '../../src/cli/read-text-file.js';

describe('readTextFile: configuration text from regular files only, bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pptpkit-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file', () => {
    writeFileSync(join(dir, 'peer'), 'pty "pptp 10.0.0.1 --nolaunchpppd"\n');
    expect(readTextFile(join(dir, 'peer'))).toBe('pty "pptp 10.0.0.1 --nolaunchpppd"\n');
  });

  it('a missing file, a directory, /dev/zero and a FIFO without writer are unreadable, at once', () => {
    expect(readTextFile(join(dir, 'nope'))).toBeUndefined();
    expect(readTextFile(dir)).toBeUndefined();
    expect(readTextFile('/dev/zero')).toBeUndefined();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readTextFile(fifo)).toBeUndefined();
  });

  it('a file longer than the limit comes back cut at the limit', () => {
    writeFileSync(join(dir, 'big'), 'x'.repeat(5000));
    expect(readTextFile(join(dir, 'big'), 1000)).toHaveLength(1000);
  });
});
