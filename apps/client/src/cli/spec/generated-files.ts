/**
 * The files made from the command table and committed, by path in the package.
 *
 * @module
 */
import { bashCompletion } from './bash-completion.js';
import { manPage } from './man-page.js';

/** Each generated file's path (relative to apps/client) and its text. */
export function generatedFiles(): Record<string, string> {
  return {
    'man/pptpkit.8': manPage(),
    'completion/pptpkit.bash': bashCompletion(),
  };
}
