/** Severity of a log record, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured context of a log record. */
export type LogFields = Readonly<Record<string, unknown>>;

/** What the client logs through. */
export interface Logger {
  /** Detail for `debug` mode. */
  debug(message: string, fields?: LogFields): void;
  /** Normal progress. */
  info(message: string, fields?: LogFields): void;
  /** Something odd that the tunnel survives. */
  warn(message: string, fields?: LogFields): void;
  /** Something that ends or prevents the tunnel. */
  error(message: string, fields?: LogFields): void;
}

/** How records are written. */
export interface LoggerOptions {
  /** `text`: `2026-01-01T00:00:00.000Z info message key=value`; `json`: one object per line. */
  readonly format: 'text' | 'json';
  /** Lowest level written. */
  readonly level: LogLevel;
  /** Receives each formatted line (without the newline). */
  readonly write: (line: string) => void;
  /** Wall-clock time for the record's timestamp. */
  readonly clock: () => Date;
}

const order: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

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
    const time = options.clock().toISOString();
    const safe = redactFields(fields);
    if (options.format === 'json') {
      options.write(JSON.stringify({ time, level, message, ...safe }));
      return;
    }
    const tail = Object.entries(safe)
      .map(([k, v]) => ` ${k}=${textValue(v)}`)
      .join('');
    options.write(`${time} ${level} ${message}${tail}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
