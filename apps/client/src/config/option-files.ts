import { type ConfigLocation, configError } from './config-error.js';
import {
  cannotRead,
  isMissing,
  isReadFailure,
  type ReadConfigFile,
  type ReadFailure,
} from './read-failure.js';
import { type TokenizeWarning, tokenizeOptions, type Word } from './tokenize.js';

/**
 * Bounds on the work of reading one peer's options. pppd itself has none but the descriptor
 * limit (every nesting level keeps its file open), so a file that includes another twice, which
 * includes another twice, ..., costs it exponential time; real configurations use two to four
 * files, a few kilobytes in all.
 */
export const INCLUDE_LIMITS: {
  /** Files open at once: the peer or global options file and the includes nested in it. */
  readonly depth: number;
  /** Files applied in one load, counting a file again each time it is included. */
  readonly includes: number;
  /** Characters of option text applied in one load, counting a file again each time. */
  readonly text: number;
} = { depth: 16, includes: 256, text: 1 << 20 };

/** One file as read and split into words. */
interface ParsedFile {
  readonly words: readonly Word[];
  readonly length: number;
}

/**
 * Opens the options files of one load, within {@link INCLUDE_LIMITS}: each path is read once
 * (pppd applies a file again each time it is included, which the caller does, but the text is
 * the same), an include of a file already open is a loop.
 */
export class OptionFiles {
  /** Every file read, once each, in the order first read. */
  readonly files: string[] = [];
  readonly #reader: ReadConfigFile;
  readonly #warnings: TokenizeWarning[];
  readonly #cache = new Map<string, ParsedFile | ReadFailure>();
  readonly #open: string[] = [];
  #includes = 0;
  #text = 0;

  /**
   * @param reader - reads a file, or says why it cannot.
   * @param warnings - receives the tokenizer's warnings, once per file.
   */
  constructor(reader: ReadConfigFile, warnings: TokenizeWarning[]) {
    this.#reader = reader;
    this.#warnings = warnings;
  }

  /**
   * Applies the words of `path` with `apply`, the file counting as open meanwhile.
   *
   * @param path - the file.
   * @param from - where the option asking for it is (for errors).
   * @param option - that option's name.
   * @param optional - a file that does not exist is skipped instead of an error (pppd's global
   *   options; as in pppd, one that exists but cannot be read is still an error).
   * @param apply - applies the file's words; it may include further files.
   * @throws PptpkitError `CONFIG_INCLUDE_LOOP` for a file already open, `CONFIG_INCLUDE_LIMIT`
   *   past a limit, `CONFIG_UNREADABLE` for a file that cannot be read, naming why.
   */
  include(
    path: string,
    from: ConfigLocation,
    option: string,
    optional: boolean,
    apply: (words: readonly Word[]) => void,
  ): void {
    if (this.#open.includes(path)) {
      throw configError('CONFIG_INCLUDE_LOOP', from, option, `'${path}' includes itself`);
    }
    if (this.#open.length >= INCLUDE_LIMITS.depth) {
      throw configError(
        'CONFIG_INCLUDE_LIMIT',
        from,
        option,
        `'${path}' would be nested more than ${INCLUDE_LIMITS.depth} files deep`,
      );
    }
    const file = this.#parse(path);
    if (!('words' in file)) {
      if (optional && isMissing(file)) return;
      throw configError('CONFIG_UNREADABLE', from, option, cannotRead(path, file), {
        path,
        ...(file.errno === undefined ? {} : { errno: file.errno }),
      });
    }
    this.#includes++;
    this.#text += file.length;
    if (this.#includes > INCLUDE_LIMITS.includes) {
      throw configError(
        'CONFIG_INCLUDE_LIMIT',
        from,
        option,
        `'${path}' would be file number ${this.#includes} of this configuration; at most ${INCLUDE_LIMITS.includes} are applied (each include counts)`,
      );
    }
    if (this.#text > INCLUDE_LIMITS.text) {
      throw configError(
        'CONFIG_INCLUDE_LIMIT',
        from,
        option,
        `'${path}' takes the options past ${INCLUDE_LIMITS.text} characters (each include counts)`,
      );
    }
    this.#open.push(path);
    apply(file.words);
    this.#open.pop();
  }

  /** Reads and splits `path` (or says why it cannot), or recalls it from an earlier include. */
  #parse(path: string): ParsedFile | ReadFailure {
    const known = this.#cache.get(path);
    if (known !== undefined) return known;
    const text = this.#reader(path);
    if (isReadFailure(text)) {
      this.#cache.set(path, text);
      return text;
    }
    this.files.push(path);
    // A file too long ever to be applied is refused by its length alone: no need to split it.
    const tooLong = text.length > INCLUDE_LIMITS.text;
    const tokens = tooLong ? { words: [], warnings: [] } : tokenizeOptions(text, path);
    this.#warnings.push(...tokens.warnings);
    const file = { words: tokens.words, length: text.length };
    this.#cache.set(path, file);
    return file;
  }
}
