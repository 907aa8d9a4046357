import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WORD_LENGTH, tokenizeOptions } from '../../src/config/index.js';

const texts = (src: string) => tokenizeOptions(src, 'f').words.map((w) => w.text);

describe('tokenizeOptions (pppd options.c getword rules)', () => {
  it('splits on whitespace and skips # comments', () => {
    expect(texts('lock  noauth\n# a comment require-mppe\n\tdebug # trailing\n')).toEqual([
      'lock',
      'noauth',
      'debug',
    ]);
  });

  it('removes quotes, keeps quoted whitespace and joins quoted parts of one word', () => {
    expect(texts(`pty "pptp 10.1.1.14 --nolaunchpppd" name 'a b'c"d"`)).toEqual([
      'pty',
      'pptp 10.1.1.14 --nolaunchpppd',
      'name',
      'a bcd',
    ]);
    expect(texts('x#y')).toEqual(['x']);
    expect(texts('"#not a comment"')).toEqual(['#not a comment']);
  });

  it('processes backslash escapes', () => {
    expect(texts('a\\sb \\t\\n \\101\\x41\\x4 \\q \\\\ \\"')).toEqual([
      'a b',
      '\t\n',
      'AA\x04',
      'q',
      '\\',
      '"',
    ]);
  });

  it('joins lines at a backslash-newline and reports the line a word started on', () => {
    const { words } = tokenizeOptions('one\ntw\\\no\n\n  three', 'peers/x');
    expect(words.map((w) => [w.text, w.line, w.file])).toEqual([
      ['one', 1, 'peers/x'],
      ['two', 2, 'peers/x'],
      ['three', 5, 'peers/x'],
    ]);
  });

  it('warns about an unterminated quote and cuts over-long words, as pppd does', () => {
    const open = tokenizeOptions('name "unterminated', 'f');
    expect(open.words.map((w) => w.text)).toEqual(['name', 'unterminated']);
    expect(open.warnings[0]?.message).toMatch(/quoted word/);
    const long = tokenizeOptions('x'.repeat(2000), 'f');
    expect(long.words[0]?.text.length).toBe(MAX_WORD_LENGTH);
    expect(long.warnings).toHaveLength(1);
  });

  it('recovers any list of words written with quotes and escapes', () => {
    const quote = (w: string) => `"${w.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 })), (words) => {
        expect(texts(words.map(quote).join(' \n'))).toEqual(words);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const { words } = tokenizeOptions(s, 'f');
        for (const w of words) expect(w.line).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
