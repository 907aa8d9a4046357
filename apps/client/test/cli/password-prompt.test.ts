import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  isInteractive,
  PromptAbortedError,
  type PromptAbortReason,
  type PromptTerminal,
  promptPassword,
} from '../../src/cli/password-prompt.js';

/** A terminal in memory: records the raw-mode switches and what was written. */
function fakeTerminal() {
  const input = new EventEmitter() as EventEmitter & PromptTerminal['input'] & { modes: boolean[] };
  const modes: boolean[] = [];
  let raw = false;
  let paused = true;
  Object.assign(input, {
    isTTY: true,
    get isRaw() {
      return raw;
    },
    setRawMode: (mode: boolean) => {
      raw = mode;
      modes.push(mode);
    },
    setEncoding: () => {},
    resume: () => {
      paused = false;
    },
    pause: () => {
      paused = true;
    },
  });
  let written = '';
  const signals = new Map<NodeJS.Signals, () => void>();
  const terminal: PromptTerminal = {
    input,
    output: { isTTY: true, write: (s: string) => (written += s) },
    onSignal: (signal, handler) => {
      signals.set(signal, handler);
      return () => signals.delete(signal);
    },
  };
  return {
    terminal,
    type: (...chunks: string[]) => {
      for (const c of chunks) input.emit('data', c);
    },
    end: () => input.emit('end'),
    signal: (s: NodeJS.Signals) => signals.get(s)?.(),
    state: () => ({
      raw,
      paused,
      modes,
      written,
      listeners: input.listenerCount('data'),
      signals: signals.size,
    }),
  };
}

/** The state every prompt must leave behind: cooked mode, paused, no listener, no handler. */
const restored = (written: string) => ({
  raw: false,
  paused: true,
  modes: [true, false],
  written,
  listeners: 0,
  signals: 0,
});

describe('promptPassword: a no-echo prompt in raw mode', () => {
  it('reads up to Enter without echo; backspace, Ctrl-U, arrows and control keys edit or are ignored', async () => {
    const t = fakeTerminal();
    const answer = promptPassword('Password for alice@work: ', t.terminal);
    expect(t.state()).toMatchObject({
      raw: true,
      paused: false,
      written: 'Password for alice@work: ',
    });
    t.type(
      'wrong',
      '\x15',
      'hunx',
      '\x7f',
      'ter',
      '\x1b[D',
      '\x01',
      '2é',
      '\x7f',
      '\x7f',
      '2\r',
      'after',
    );
    await expect(answer).resolves.toBe('hunter2');
    // Nothing typed was echoed: only the prompt and the final newline.
    expect(t.state()).toEqual(restored('Password for alice@work: \n'));
  });

  it('keys pasted in one chunk with a line end count up to it', async () => {
    const t = fakeTerminal();
    const answer = promptPassword('P: ', t.terminal);
    t.type('pa ss\nignored');
    await expect(answer).resolves.toBe('pa ss');
  });

  const aborts: [string, (t: ReturnType<typeof fakeTerminal>) => void, PromptAbortReason][] = [
    ['Ctrl-C', (t) => t.type('half', '\x03'), 'Ctrl-C'],
    ['Ctrl-D', (t) => t.type('\x04'), 'Ctrl-D'],
    ['the end of input', (t) => t.end(), 'end of input'],
    ['SIGTERM', (t) => t.signal('SIGTERM'), 'SIGTERM'],
    ['SIGHUP', (t) => t.signal('SIGHUP'), 'SIGHUP'],
  ];
  it.each(aborts)(
    '%s aborts with PROMPT_ABORTED and restores the terminal',
    async (_, act, reason) => {
      const t = fakeTerminal();
      const answer = promptPassword('P: ', t.terminal);
      act(t);
      const error = await answer.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PromptAbortedError);
      expect(error).toMatchObject({
        code: 'PROMPT_ABORTED',
        reason,
        message: `password prompt aborted (${reason}); no password given`,
      });
      expect(t.state()).toEqual(restored('P: \n'));
    },
  );

  it('prompts only when both stdin and stderr are terminals', () => {
    const t = fakeTerminal().terminal;
    expect(isInteractive(t)).toBe(true);
    expect(isInteractive({ ...t, output: { write: () => {} } })).toBe(false);
    expect(isInteractive({ ...t, input: { ...t.input, isTTY: false } })).toBe(false);
  });
});
