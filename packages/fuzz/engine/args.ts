/**
 * The runner's command line: `[--target NAME[,NAME...]] [--seconds N] [--seed S] [--runs N]
 * [--json] [--slow-ms MS] [--hang-seconds N] [--list]`.
 *
 * @module
 */

/** Parsed options. */
export interface RunArgs {
  /** Targets to run (names or `prefix*`); all when empty. */
  readonly targets: readonly string[];
  /** Wall-clock budget of the whole pass, split evenly among the targets. */
  readonly seconds: number | undefined;
  /** Inputs per target at most. */
  readonly runs: number | undefined;
  /** The seed; the same seed and runs give the same inputs. */
  readonly seed: number;
  /** Print a JSON summary on stdout (the human report goes to stderr). */
  readonly json: boolean;
  /** The slow-input limit in ms. */
  readonly slowMs: number;
  /** Seconds without progress after which an input counts as a hang. */
  readonly hangSeconds: number;
  /** Only list the targets. */
  readonly list: boolean;
}

/** Default budget when neither `--seconds` nor `--runs` is given. */
const DEFAULT_SECONDS = 60;

const usage =
  'usage: pnpm fuzz [--target NAME[,NAME...]] [--seconds N] [--seed S] [--runs N] [--json] [--slow-ms MS] [--hang-seconds N] [--list]';

function number(flag: string, value: string | undefined, integer: boolean): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new RangeError(
      `${flag} needs a ${integer ? 'non-negative integer' : 'number'}\n${usage}`,
    );
  }
  return n;
}

/**
 * Parses the command line (without `node` and the script).
 *
 * @throws RangeError with the usage on a bad option.
 */
export function parseRunArgs(argv: readonly string[], now: number = Date.now()): RunArgs {
  const targets: string[] = [];
  let seconds: number | undefined;
  let runs: number | undefined;
  let seed: number | undefined;
  let json = false;
  let slowMs = 10;
  let hangSeconds = 30;
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--target':
      case '-t':
        targets.push(...(value() ?? '').split(',').filter((t) => t !== ''));
        break;
      case '--seconds':
        seconds = number(flag, value(), false);
        break;
      case '--runs':
        runs = number(flag, value(), true);
        break;
      case '--seed':
        seed = number(flag, value(), true) >>> 0;
        break;
      case '--slow-ms':
        slowMs = number(flag, value(), false);
        break;
      case '--hang-seconds':
        hangSeconds = number(flag, value(), false);
        break;
      case '--json':
        json = true;
        break;
      case '--list':
        list = true;
        break;
      case '--':
        break;
      default:
        throw new RangeError(`unknown option ${argv[i]}\n${usage}`);
    }
  }
  return {
    targets,
    seconds: seconds ?? (runs === undefined ? DEFAULT_SECONDS : undefined),
    runs,
    seed: seed ?? now >>> 0,
    json,
    slowMs,
    hangSeconds,
    list,
  };
}

/** The names `patterns` select among `names` (exact names, or `prefix*`), in `names` order. */
export function selectTargets(names: readonly string[], patterns: readonly string[]): string[] {
  if (patterns.length === 0) return [...names];
  for (const p of patterns) {
    const hit = p.endsWith('*')
      ? names.some((n) => n.startsWith(p.slice(0, -1)))
      : names.includes(p);
    if (!hit) throw new RangeError(`no target matches '${p}'; targets: ${names.join(', ')}`);
  }
  return names.filter((n) =>
    patterns.some((p) => (p.endsWith('*') ? n.startsWith(p.slice(0, -1)) : n === p)),
  );
}
