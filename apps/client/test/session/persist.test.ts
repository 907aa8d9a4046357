import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { createLogger } from '../../src/log/logger.js';
import { runPersistent } from '../../src/session/persist.js';
import type { SessionResult } from '../../src/session/session.js';

const log = createLogger({
  format: 'text',
  level: 'error',
  write: () => undefined,
  clock: () => new Date(0),
});
const failed: SessionResult = { exitCode: EXIT.unreachable, reason: 'no route', wasUp: false };
const hungUp: SessionResult = { exitCode: EXIT.hangup, reason: 'peer hung up', wasUp: true };

function script(results: SessionResult[], stopAfter = Infinity) {
  const sleeps: number[] = [];
  let attempts = 0;
  return {
    sleeps,
    attempts: () => attempts,
    options: {
      attempt: async () => results[attempts++] ?? failed,
      stopped: () => attempts >= stopAfter,
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      log,
    },
  };
}

describe('runPersistent (pppd persist / maxfail / holdoff)', () => {
  it('without persist: one attempt, its result', async () => {
    const s = script([hungUp]);
    expect(
      await runPersistent({ ...s.options, persist: false, maxfail: 10, holdoffMs: 5000 }),
    ).toBe(hungUp);
    expect(s.attempts()).toBe(1);
  });

  it('gives up after maxfail attempts in a row that never came up, waiting holdoff between', async () => {
    const s = script([failed, failed, failed, failed]);
    const r = await runPersistent({ ...s.options, persist: true, maxfail: 3, holdoffMs: 2000 });
    expect(r).toBe(failed);
    expect(s.attempts()).toBe(3);
    expect(s.sleeps).toEqual([2000, 2000]);
  });

  it('a tunnel that came up resets the failure count', async () => {
    const s = script([failed, hungUp, failed, failed]);
    await runPersistent({ ...s.options, persist: true, maxfail: 2, holdoffMs: 0 });
    expect(s.attempts()).toBe(4);
  });

  it('stops reconnecting once the user stopped it', async () => {
    const s = script([hungUp, hungUp, hungUp], 2);
    await runPersistent({ ...s.options, persist: true, maxfail: 0, holdoffMs: 0 });
    expect(s.attempts()).toBe(2);
  });

  it('tells onReconnect the number of the next attempt toward maxfail before each wait', async () => {
    const s = script([failed, failed, hungUp, failed, failed]);
    const told: Array<{ attempt: number; sleptBefore: number }> = [];
    await runPersistent({
      ...s.options,
      persist: true,
      maxfail: 3,
      holdoffMs: 1000,
      onReconnect: (attempt) => told.push({ attempt, sleptBefore: s.sleeps.length }),
    });
    // failed, failed (attempts 2, 3 next), up (count reset: 1 next), failed (2 next), failed.
    expect(told.map((t) => t.attempt)).toEqual([2, 3, 1, 2, 3]);
    expect(told.map((t) => t.sleptBefore)).toEqual([0, 1, 2, 3, 4]);
  });
});
