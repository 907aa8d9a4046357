import { type ConfigLocation, configError } from './config-error.js';
import type { ReadConfigFile } from './load-peer.js';
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
  readonly #cache = new Map<string, ParsedFile | undefined>();
  readonly #open: string[] = [];
  #includes = 0;
  #text = 0;

  /**
   * @param reader - reads a file (`undefined`: it does not exist).
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
   * @param optional - a missing file is skipped instead of an error (pppd's global options).
   * @param apply - applies the file's words; it may include further files.
   * @throws PptpkitError `CONFIG_INCLUDE_LOOP` for a file already open, `CONFIG_INCLUDE_LIMIT`
   *   past a limit, `CONFIG_UNREADABLE` for a missing file that is not optional.
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
    if (file === undefined) {
      if (optional) return;
      throw configError('CONFIG_UNREADABLE', from, option, `cannot read '${path}'`);
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

  /** Reads and splits `path`, or recalls it from an earlier include. */
  #parse(path: string): ParsedFile | undefined {
    if (this.#cache.has(path)) return this.#cache.get(path);
    const text = this.#reader(path);
    let file: ParsedFile | undefined;
    if (text !== undefined) {
      this.files.push(path);
      // A file too long ever to be applied is refused by its length alone: no need to split it.
      const tooLong = text.length > INCLUDE_LIMITS.text;
      const tokens = tooLong ? { words: [], warnings: [] } : tokenizeOptions(text, path);
      this.#warnings.push(...tokens.warnings);
      file = { words: tokens.words, length: text.length };
    }
    this.#cache.set(path, file);
    return file;
  }
}
