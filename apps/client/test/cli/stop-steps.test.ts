import { describe, expect, it } from 'vitest';
import { runStopSteps, type StopStep } from '../../src/cli/stop-steps.js';
import { createLogger } from '../../src/log/logger.js';

function logger(lines: string[]) {
  return createLogger({
    format: 'json',
    level: 'debug',
    write: (l) => lines.push(l),
    clock: () => new Date(),
  });
}

const names = ['control socket', 'state file', 'host journal', 'rtnetlink'];
type Failure = 'throws' | 'rejects' | 'hangs';

describe('runStopSteps: the last clean-up of a tunnel process always runs to the end', () => {
  for (const failing of names) {
    for (const how of ['throws', 'rejects', 'hangs'] as Failure[]) {
      it(`'${failing}' ${how}: every other step still runs, the failure is logged by name`, async () => {
        const ran: string[] = [];
        const steps: StopStep[] = names.map((name) => ({
          name,
          run: () => {
            ran.push(name);
            if (name !== failing) return undefined;
            if (how === 'throws') throw new Error('EISDIR: illegal operation');
            if (how === 'rejects') return Promise.reject(new Error('ECONNRESET'));
            return new Promise(() => undefined);
          },
        }));
        const lines: string[] = [];
        const failed = await runStopSteps(steps, logger(lines), 50);
        expect(ran).toEqual(names);
        expect(failed).toEqual([failing]);
        const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({
          level: 'error',
          message: 'stop step failed',
          step: failing,
        });
      });
    }
  }

  it('all steps succeeding log nothing and report no failure', async () => {
    const lines: string[] = [];
    const failed = await runStopSteps(
      names.map((name) => ({ name, run: () => Promise.resolve() })),
      logger(lines),
    );
    expect(failed).toEqual([]);
    expect(lines).toEqual([]);
  });
});
