import type { ConfigLocation } from './config-error.js';

/** One word of a pppd options file, with where it started. */
export interface Word extends ConfigLocation {
  /** The word after quote removal and escape processing. */
  readonly text: string;
}

/** A problem the tokenizer noticed but, like pppd, tolerated. */
export interface TokenizeWarning extends ConfigLocation {
  /** What was wrong. */
  readonly message: string;
}

/** pppd's limit on the length of one word (MAXWORDLEN); longer words are cut, with a warning. */
export const MAX_WORD_LENGTH = 1023;

const simpleEscapes: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  s: ' ',
  t: '\t',
};

const isSpace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
const isOctal = (c: string | undefined): c is string => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined): c is string => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * Splits a pppd options file into words, following pppd's rules: whitespace separates words;
 * `#` at the start of a word comments out the rest of the line; `"` and `'` quote (and may
 * appear mid-word); backslash escapes `\a \b \f \n \r \s \t`, up to three octal digits, `\x`
 * with up to two hex digits, and any other character literally; a backslash before a newline
 * joins lines.
 */
export function tokenizeOptions(
  text: string,
  file: string,
): { words: Word[]; warnings: TokenizeWarning[] } {
  const words: Word[] = [];
  const warnings: TokenizeWarning[] = [];
  let i = 0;
  let line = 1;

  const next = (): string | undefined => {
    const c = text[i++];
    if (c === '\n') line++;
    return c;
  };

  for (;;) {
    // Skip whitespace, comments and escaped newlines between words.
    let c = next();
    while (c !== undefined) {
      if (c === '#') {
        while (c !== undefined && c !== '\n') c = next();
        continue;
      }
      if (c === '\\' && text[i] === '\n') {
        next();
        c = next();
        continue;
      }
      if (!isSpace(c)) break;
      c = next();
    }
    if (c === undefined) break;

    const startLine = line;
    let word = '';
    let quote: string | undefined;
    while (c !== undefined) {
      if (c === '\\') {
        const e = next();
        if (e === undefined) break;
        if (e === '\n') {
          c = next();
          continue;
        }
        const simple = simpleEscapes[e];
        if (simple !== undefined) word += simple;
        else if (isOctal(e)) {
          let value = Number(e);
          for (let n = 1; n < 3 && isOctal(text[i]); n++) value = value * 8 + Number(next());
          word += String.fromCharCode(value & 0xff);
        } else if (e === 'x') {
          let value = 0;
          for (let n = 0; n < 2 && isHex(text[i]); n++)
            value = value * 16 + Number.parseInt(next()!, 16);
          word += String.fromCharCode(value);
        } else word += e;
        c = next();
        continue;
      }
      if (quote !== undefined) {
        if (c === quote) quote = undefined;
        else word += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (isSpace(c) || c === '#') {
        i--; // leave the delimiter (and any comment) for the next round
        if (c === '\n') line--;
        break;
      } else word += c;
      c = next();
    }
    if (quote !== undefined) {
      warnings.push({ file, line: startLine, message: 'quoted word runs to end of file' });
    }
    if (word.length > MAX_WORD_LENGTH) {
      warnings.push({
        file,
        line: startLine,
        // Never quote the word: in a secrets file it may be a password.
        message: `word too long (${word.length} characters, at most ${MAX_WORD_LENGTH}), cut`,
      });
      word = word.slice(0, MAX_WORD_LENGTH);
    }
    words.push({ text: word, file, line: startLine });
  }
  return { words, warnings };
}
