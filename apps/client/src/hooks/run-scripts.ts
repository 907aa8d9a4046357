import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type HookContext, type HookResult, runHook } from './run-hook.js';

/** One script run for an event. */
export interface ScriptRun {
  /** The script's path. */
  readonly script: string;
  /** How it ended. */
  readonly result: HookResult;
}

/** Options of {@link runEventScripts}. */
export interface EventScriptOptions {
  /** Limit for each script, in ms. */
  readonly timeoutMs: number;
  /** Receives each output line with the script that wrote it. */
  readonly onOutput: (script: string, line: string) => void;
}

/** run-parts' default name rule (without `--lsbsysinit`): letters, digits, `_` and `-` only. */
const RUN_PARTS_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The scripts `run-parts DIR` would run, in its order: names matching its rule, sorted
 * bytewise (the C locale pppd's scripts run in), regular files (through links) that are
 * executable. A missing directory has none.
 */
export function runPartsScripts(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const bytewise = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
  return names
    .filter((n) => RUN_PARTS_NAME.test(n))
    .sort(bytewise)
    .map((n) => join(dir, n))
    .filter((path) => {
      try {
        const s = statSync(path);
        return s.isFile() && (s.mode & 0o111) !== 0;
      } catch {
        return false;
      }
    });
}

/**
 * Runs what pppd would for an event whose script is `script` (e.g. `/etc/ppp/ip-up`): that
 * script when it exists (on Debian it runs `run-parts /etc/ppp/ip-up.d` itself), otherwise the
 * scripts of `SCRIPT.d/` one after the other in run-parts order, with the same arguments and
 * environment. Never both.
 */
export async function runEventScripts(
  script: string,
  ctx: HookContext,
  options: EventScriptOptions,
): Promise<ScriptRun[]> {
  let scripts: string[];
  try {
    statSync(script);
    scripts = [script];
  } catch {
    scripts = runPartsScripts(`${script}.d`);
  }
  const runs: ScriptRun[] = [];
  for (const each of scripts) {
    const result = await runHook(each, ctx, {
      timeoutMs: options.timeoutMs,
      onOutput: (line) => options.onOutput(each, line),
    });
    runs.push({ script: each, result });
  }
  return runs;
}
