import { describe, expect, it } from 'vitest';
import { promptNewPassword } from '../../src/cli/new-password-prompt.js';
import { PromptAbortedError, type PromptTerminal } from '../../src/cli/password-prompt.js';

const terminal = {} as PromptTerminal;

/** A stand-in prompt answering from a list and recording the prompts. */
function answers(...typed: (string | Error)[]) {
  const prompts: string[] = [];
  const ask = async (prompt: string): Promise<string> => {
    prompts.push(prompt);
    const next = typed.shift();
    if (next instanceof Error) throw next;
    return next ?? '';
  };
  return { prompts, ask };
}

describe('promptNewPassword', () => {
  it('asks for the new password and its confirmation, naming the user and peer', async () => {
    const a = answers('New-pw-x2', 'New-pw-x2');
    await expect(promptNewPassword('alice', 'work', terminal, a.ask)).resolves.toBe('New-pw-x2');
    expect(a.prompts).toEqual([
      'Password for alice@work has expired. New password: ',
      'Confirm new password: ',
    ]);
  });

  it('two different entries are PROMPT_MISMATCH, without either password in the message', async () => {
    const a = answers('New-pw-x2', 'New-pw-x3');
    const error = await promptNewPassword('alice', 'work', terminal, a.ask).catch((e) => e);
    expect(error).toMatchObject({ code: 'PROMPT_MISMATCH' });
    expect(String(error.message)).not.toMatch(/New-pw/);
  });

  it('an empty entry means no new password; an aborted prompt stays an abort', async () => {
    const empty = answers('');
    await expect(promptNewPassword('alice', 'work', terminal, empty.ask)).resolves.toBeUndefined();
    expect(empty.prompts).toHaveLength(1);
    const aborted = answers(new PromptAbortedError('Ctrl-C'));
    await expect(promptNewPassword('alice', 'work', terminal, aborted.ask)).rejects.toBeInstanceOf(
      PromptAbortedError,
    );
  });
});
