import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isJournalStream } from '../../src/log/journal-stream.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pptpkit-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `device:inode` of `path` as coreutils' stat(1) prints them (st_dev, st_ino in decimal). */
const devIno = (path: string): string =>
  execFileSync('stat', ['-L', '-c', '%d:%i', path], { encoding: 'utf8' }).trim();

describe('isJournalStream', () => {
  it("is true only when JOURNAL_STREAM is the descriptor's own device:inode", () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, '');
    writeFileSync(b, '');
    const fd = openSync(a, 'a');
    try {
      expect(isJournalStream({ JOURNAL_STREAM: devIno(a) }, fd)).toBe(true);
      // Inherited by a process whose stderr was redirected elsewhere: not the journal.
      expect(isJournalStream({ JOURNAL_STREAM: devIno(b) }, fd)).toBe(false);
      expect(isJournalStream({}, fd)).toBe(false);
      expect(isJournalStream({ JOURNAL_STREAM: 'garbage' }, fd)).toBe(false);
      expect(isJournalStream({ JOURNAL_STREAM: `${devIno(a)}:1` }, fd)).toBe(false);
    } finally {
      closeSync(fd);
    }
    // A closed descriptor is no stream.
    expect(isJournalStream({ JOURNAL_STREAM: devIno(a) }, fd)).toBe(false);
  });
});
