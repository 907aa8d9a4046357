/**
 * Runs the session shell against a {@link FakeIo} on vitest's fake clock: timers,
 * `performance.now()` and the in-memory pipes all move only when the test advances time.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { defaultPeerSettings, type PeerSettings } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import type { SessionIo } from '../../src/session/io.js';
import {
  Session,
  type SessionOptions,
  type SessionResult,
  type SessionStatus,
} from '../../src/session/session.js';

export function settings(change: Partial<PeerSettings> = {}): PeerSettings {
  return { ...defaultPeerSettings(), name: 'alice', usePeerDns: true, debug: true, ...change };
}

/** A running session and what it logged and reported. */
export interface StartedSession {
  /** The session. */
  readonly session: Session;
  /** Aborting it stops the session (as a signal would). */
  readonly root: AbortController;
  /** `run()`'s promise. */
  readonly done: Promise<SessionResult>;
  /** Its log, one JSON line each. */
  readonly lines: string[];
  /** Its log, parsed. */
  readonly records: () => Record<string, unknown>[];
  /** The status given to `onUp`, once up. */
  readonly up: () => SessionStatus | undefined;
  /** How it ended, once it did. */
  readonly result: () => SessionResult | undefined;
}

/** A session with default settings as alice/Secret-pw1; `change` overrides. */
export function startSession(io: SessionIo, change: Partial<SessionOptions> = {}): StartedSession {
  const lines: string[] = [];
  const root = new AbortController();
  let up: SessionStatus | undefined;
  const session = new Session({
    peer: 'test',
    server: '10.0.0.1',
    settings: settings(),
    credentials: { user: 'alice', password: 'Secret-pw1' },
    io,
    log: createLogger({
      format: 'json',
      level: 'debug',
      write: (l) => lines.push(l),
      clock: () => new Date(),
    }),
    signal: root.signal,
    onUp: (s) => {
      up = s;
    },
    ...change,
  });
  let result: SessionResult | undefined;
  const done = session.run().then((r) => {
    result = r;
    return r;
  });
  return {
    session,
    root,
    done,
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    up: () => up,
    result: () => result,
  };
}

/** Advances the fake clock in steps until `done()` holds (bounded). */
export async function until(done: () => boolean, ms = 30_000): Promise<void> {
  for (let t = 0; t < ms && !done(); t += 10) await vi.advanceTimersByTimeAsync(10);
  if (!done()) throw new Error(`not done after ${ms} ms of simulated time`);
}

/** Every test of the calling file runs on the fake clock. */
export function useFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
