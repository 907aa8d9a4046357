import { appendFileSync } from 'node:fs';
import { APP_CODE } from '../../log/app-codes.js';
import { isJournalStream } from '../../log/journal-stream.js';
import { LogFile } from '../../log/log-file.js';
import { createLogger, type Logger, type LogLevel, teeLogger } from '../../log/logger.js';
import { openSyslog, type SyslogWriter } from '../../log/syslog.js';
import { packageVersion } from '../version.js';
import { runLogLevel, withLogString } from './pty-log-options.js';

/** Where a tunnel (or server) process logs. */
export interface RunLogTarget {
  /** `text` or `json` lines. */
  readonly format: 'text' | 'json';
  /** Write to stderr (not when running detached). */
  readonly stderr: boolean;
  /** Also send every line to syslog (`/dev/log`, facility daemon), as pppd logs. */
  readonly syslog?: boolean;
}

/** What the loaded configuration says about logging. */
export interface RunLogSettings {
  /** pppd's `debug`: log at `debug`. */
  readonly debug?: boolean;
  /** pppd's `logfile`: another file every line is appended to (best effort, as pppd). */
  readonly logfile?: string;
  /** pptp-linux's `--loglevel` and `--logstring` from the `pty` command. */
  readonly pptp?: { readonly logLevel?: number; readonly logString?: string };
}

/** Lines kept until the log file opens; a configuration that loads logs far fewer. */
const BUFFERED_LINES = 1000;

/**
 * A process's log: stderr (with the journal's `<N>` priorities and no timestamp when stderr is
 * the journal's stream) and, once {@link RunLog.open} names it, a log file that keeps earlier
 * runs ({@link LogFile}). Until then the file's lines are held back, so a run that fails before
 * its configuration loads (a mistyped peer) creates and touches no file. The file's lines of a
 * run start with `run started` (version, pid).
 */
export class RunLog {
  readonly #target: RunLogTarget;
  readonly #journal: boolean;
  readonly #syslog: SyslogWriter | undefined;
  #held: string[] | undefined = [];
  #file: LogFile | undefined;
  #extra: string | undefined;
  #log: Logger;

  /** @param target - the format and whether to write to stderr. */
  constructor(target: RunLogTarget) {
    this.#target = target;
    this.#journal = target.stderr && isJournalStream();
    this.#syslog = target.syslog
      ? openSyslog({
          onError: (error) =>
            this.#stderrLogger('warn').warn('cannot write to syslog', {
              code: APP_CODE.syslogUnwritable,
              error,
            }),
        })
      : undefined;
    if (target.syslog && this.#syslog === undefined) {
      this.#stderrLogger('warn').warn('no syslog here (/dev/log): logging without it', {
        code: APP_CODE.syslogUnwritable,
      });
    }
    this.#log = this.#build('info');
    let version = 'unknown';
    try {
      version = packageVersion();
    } catch {
      // A copy without its package.json still logs.
    }
    this.#fileLogger('info').info('run started', { version, pid: process.pid });
  }

  /** The logger to use now (a new one after {@link RunLog.open}: the level may change). */
  get log(): Logger {
    return this.#log;
  }

  /**
   * Starts writing the log file at `path` (appending): the held lines first, then every line.
   * `settings` set the level and pppd's extra `logfile`.
   */
  open(path: string, settings: RunLogSettings = {}): Logger {
    this.#file = new LogFile(path, {
      onError: (error) =>
        this.#stderrLogger('warn').warn('cannot write the log file; logging to stderr only', {
          code: APP_CODE.logFileUnwritable,
          file: path,
          error,
        }),
    });
    this.#extra = settings.logfile;
    for (const line of this.#held ?? []) this.#writeFile(line);
    this.#held = undefined;
    this.#log = withLogString(this.#build(runLogLevel(settings)), settings);
    return this.#log;
  }

  #build(level: LogLevel): Logger {
    const loggers = [this.#stderrLogger(level), this.#fileLogger(level)];
    const syslog = this.#syslog;
    if (syslog !== undefined) {
      loggers.push(
        createLogger({
          format: this.#target.format,
          level,
          clock: () => new Date(),
          stamp: 'none',
          write: (line, lineLevel) => syslog.write(lineLevel, line),
        }),
      );
    }
    return teeLogger(...loggers);
  }

  #stderrLogger(level: LogLevel): Logger {
    const write = this.#target.stderr
      ? (line: string) => process.stderr.write(`${line}\n`)
      : () => {};
    return createLogger({
      format: this.#target.format,
      level,
      write,
      clock: () => new Date(),
      stamp: this.#journal ? 'journal' : 'time',
    });
  }

  #fileLogger(level: LogLevel): Logger {
    return createLogger({
      format: this.#target.format,
      level,
      clock: () => new Date(),
      write: (line) => {
        if (this.#held === undefined) this.#writeFile(line);
        else if (this.#held.length < BUFFERED_LINES) this.#held.push(line);
      },
    });
  }

  #writeFile(line: string): void {
    this.#file?.append(line);
    if (this.#extra === undefined) return;
    try {
      appendFileSync(this.#extra, `${line}\n`);
    } catch {
      // Best effort, as pppd.
    }
  }
}
