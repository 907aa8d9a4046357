import { APP_CODE } from '../log/app-codes.js';
import type { Logger } from '../log/logger.js';

/** One step of a tunnel process's final clean-up. */
export interface StopStep {
  /** What it cleans up, for the log (`control socket`, `state file`...). */
  readonly name: string;
  /** The work; may return a promise. */
  run(): unknown;
}

/** How long one clean-up step may take before the next one runs anyway, ms. */
export const STOP_STEP_TIMEOUT_MS = 5000;

/**
 * Runs every step in order, whatever the others do: a step that throws, rejects or does not
 * finish within `timeoutMs` is logged (`stop step failed`, with the step's name) and the next
 * one runs. Resolves with the names of the steps that failed; never rejects.
 */
export async function runStopSteps(
  steps: readonly StopStep[],
  log: Logger,
  timeoutMs: number = STOP_STEP_TIMEOUT_MS,
): Promise<string[]> {
  const failed: string[] = [];
  for (const step of steps) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => step.run()),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`did not finish within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      failed.push(step.name);
      log.error('stop step failed', { code: APP_CODE.stopStepFailed, step: step.name, error });
    } finally {
      clearTimeout(timer);
    }
  }
  return failed;
}
