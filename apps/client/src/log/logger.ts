/** Severity of a log record, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured context of a log record. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Context of an error record: its stable `code` is required (a `PptpkitError`'s, or one of
 * {@link APP_CODE}'s), so every error line can be searched for by what went wrong.
 */
export type ErrorFields = LogFields & { readonly code: string };

/** What the client logs through. */
export interface Logger {
  /** Detail for `debug` mode. */
  debug(message: string, fields?: LogFields): void;
  /** Normal progress. */
  info(message: string, fields?: LogFields): void;
  /** Something odd that the tunnel survives; with a `code` where one exists. */
  warn(message: string, fields?: LogFields): void;
  /** Something that ends or prevents the tunnel, with its stable code. */
  error(message: string, fields: ErrorFields): void;
}

/** How records are written. */
export interface LoggerOptions {
  /** `text`: `2026-01-01T00:00:00.000Z info message key=value`; `json`: one object per line. */
  readonly format: 'text' | 'json';
  /** Lowest level written. */
  readonly level: LogLevel;
  /** Receives each formatted line (without the newline) and its level. */
  readonly write: (line: string, level: LogLevel) => void;
  /** Wall-clock time for the record's timestamp. */
  readonly clock: () => Date;
  /**
   * What starts a line: `time`, an ISO timestamp (the default); `journal`, for the systemd
   * journal's stream, the priority as `<N>` (sd-daemon.h: error 3, warn 4, info 6, debug 7) and
   * no timestamp (the journal keeps its own); `none`, nothing (syslog stamps and ranks lines
   * itself).
   */
  readonly stamp?: 'time' | 'journal' | 'none';
}

const order: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The syslog priority of each level, as sd-daemon.h's `SD_ERR`, `SD_WARNING`... */
const priority: Readonly<Record<LogLevel, number>> = { debug: 7, info: 6, warn: 4, error: 3 };

/** Field names whose values are secrets: passwords, keys, hashes, challenge responses. */
const secretName = /pass(word)?|secret|key|hash|response|token|credential/i;

/** Replaces secrets and raw bytes in log fields; bytes are never logged, only their length. */
export function redactFields(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (secretName.test(name)) out[name] = '[redacted]';
    else if (value instanceof Uint8Array) out[name] = `<${value.length} bytes>`;
    else if (value instanceof Error) out[name] = `${value.name}: ${value.message}`;
    else out[name] = value;
  }
  return out;
}

const textValue = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[\s"=]/.test(s ?? '') ? JSON.stringify(s) : String(s);
};

/** Creates a logger that redacts secrets before anything is formatted. */
export function createLogger(options: LoggerOptions): Logger {
  const emit = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (order[level] < order[options.level]) return;
    // The code first: `error message code=X key=value...`.
    const { code, ...rest } = redactFields(fields);
    const safe = code === undefined ? rest : { code, ...rest };
    const stamp = options.stamp ?? 'time';
    const prefix = stamp === 'journal' ? `<${priority[level]}>` : '';
    const time = stamp === 'time' ? options.clock().toISOString() : undefined;
    if (options.format === 'json') {
      const record = time === undefined ? { level, message } : { time, level, message };
      options.write(`${prefix}${JSON.stringify({ ...record, ...safe })}`, level);
      return;
    }
    const tail = Object.entries(safe)
      .map(([k, v]) => ` ${k}=${textValue(v)}`)
      .join('');
    const head = time === undefined ? prefix : `${time} `;
    options.write(`${head}${level} ${message}${tail}`, level);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** One logger that writes each record through every one of `loggers`. */
export function teeLogger(...loggers: readonly Logger[]): Logger {
  return {
    debug: (m, f) => {
      for (const l of loggers) l.debug(m, f);
    },
    info: (m, f) => {
      for (const l of loggers) l.info(m, f);
    },
    warn: (m, f) => {
      for (const l of loggers) l.warn(m, f);
    },
    error: (m, f) => {
      for (const l of loggers) l.error(m, f);
    },
  };
}
