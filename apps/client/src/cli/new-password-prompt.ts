/**
 * The new password for an MS-CHAPv2 password change (RFC 2759 §7), typed twice at a terminal
 * when the server reports the password expired and no `new-password-file` gives one.
 *
 * @module
 */
import { PptpkitError } from '@pptpkit/wire';
import { type PromptTerminal, promptPassword } from './password-prompt.js';

/** Asks for one password on a terminal (the no-echo prompt, or a stand-in in tests). */
export type AskPassword = (prompt: string, terminal: PromptTerminal) => Promise<string>;

/**
 * Asks `Password for USER@PEER has expired. New password: ` and then `Confirm new password: `,
 * both without echo.
 *
 * @returns the new password, or `undefined` when it was left empty.
 * @throws PptpkitError `PROMPT_MISMATCH` when the two differ (never showing either);
 *   `PromptAbortedError` when a prompt is given up.
 */
export async function promptNewPassword(
  user: string,
  peer: string,
  terminal: PromptTerminal,
  ask: AskPassword = promptPassword,
): Promise<string | undefined> {
  const first = await ask(`Password for ${user}@${peer} has expired. New password: `, terminal);
  if (first === '') return undefined;
  const again = await ask('Confirm new password: ', terminal);
  if (again !== first) {
    throw new PptpkitError(
      'PROMPT_MISMATCH',
      'the two new passwords differ; the password was not changed',
    );
  }
  return first;
}
