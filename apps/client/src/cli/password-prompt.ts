/**
 * The last way to give the password: typed at a terminal, without echo.
 *
 * @module
 */
import { PptpkitError } from '@pptpkit/wire';

/** The terminal the prompt reads from (stdin) and writes to (stderr). */
export interface PromptTerminal {
  /** Where keys come from; a TTY, put in raw mode while the prompt runs. */
  readonly input: {
    readonly isTTY?: boolean;
    readonly isRaw?: boolean;
    setRawMode(raw: boolean): unknown;
    setEncoding(encoding: 'utf8'): unknown;
    on(event: 'data', listener: (chunk: string) => void): unknown;
    on(event: 'end', listener: () => void): unknown;
    removeListener(event: 'data' | 'end', listener: (...args: never[]) => void): unknown;
    resume(): unknown;
    pause(): unknown;
  };
  /** Where the prompt is written. */
  readonly output: { readonly isTTY?: boolean; write(text: string): unknown };
  /** Adds a handler for a signal that ends the prompt (default: the process's). */
  readonly onSignal?: (signal: NodeJS.Signals, handler: () => void) => () => void;
}

/** Why the prompt ended without a password. */
export type PromptAbortReason = 'Ctrl-C' | 'Ctrl-D' | 'end of input' | NodeJS.Signals;

/** The prompt was given up: `PROMPT_ABORTED`, `details.reason` saying how. */
export class PromptAbortedError extends PptpkitError<'PROMPT_ABORTED'> {
  /** How it was aborted. */
  readonly reason: PromptAbortReason;

  /** @param reason - the key, the end of input, or the signal that ended it. */
  constructor(reason: PromptAbortReason) {
    super('PROMPT_ABORTED', `password prompt aborted (${reason}); no password given`, {
      details: { reason },
    });
    this.reason = reason;
  }
}

/** Signals that end the prompt (with the terminal restored first). */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const processSignal = (signal: NodeJS.Signals, handler: () => void): (() => void) => {
  process.once(signal, handler);
  return () => process.removeListener(signal, handler);
};

/** Whether both ends of `terminal` are terminals, the condition for prompting at all. */
export function isInteractive(terminal: PromptTerminal): boolean {
  return terminal.input.isTTY === true && terminal.output.isTTY === true;
}

/**
 * Asks for a password on `terminal`: writes `prompt`, reads keys in raw mode without echoing
 * them, until Enter. Backspace removes the last character, Ctrl-U the whole line; other control
 * keys and escape sequences (arrows) are ignored. Ctrl-C, Ctrl-D, the end of input or SIGINT,
 * SIGTERM, SIGHUP abort it. The terminal's mode is restored however it ends.
 *
 * @throws PromptAbortedError when aborted.
 */
export function promptPassword(prompt: string, terminal: PromptTerminal): Promise<string> {
  const { input, output } = terminal;
  const onSignal = terminal.onSignal ?? processSignal;
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw === true;
    let typed: string[] = [];
    const finish = (error?: PromptAbortedError): void => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      for (const off of signalHandlers) off();
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      const password = typed.join('');
      typed = [];
      if (error === undefined) resolve(password);
      else reject(error);
    };
    const onData = (chunk: string): void => {
      // An escape sequence (arrow keys and the like) arrives as one chunk: none of it is typed.
      if (chunk.startsWith('\x1b')) return;
      for (const ch of chunk) {
        const abort = ch === '\x03' ? 'Ctrl-C' : ch === '\x04' ? 'Ctrl-D' : undefined;
        if (ch === '\r' || ch === '\n' || abort !== undefined) {
          finish(abort === undefined ? undefined : new PromptAbortedError(abort));
          return;
        }
        if (ch === '\x7f' || ch === '\b') typed.pop();
        else if (ch === '\x15') typed = [];
        else if (ch >= ' ') typed.push(ch);
      }
    };
    const onEnd = (): void => finish(new PromptAbortedError('end of input'));
    const signalHandlers = ENDING_SIGNALS.map((signal) =>
      onSignal(signal, () => finish(new PromptAbortedError(signal))),
    );
    input.setEncoding('utf8');
    input.setRawMode(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
    output.write(prompt);
  });
}
