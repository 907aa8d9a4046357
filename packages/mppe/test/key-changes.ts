import { vi } from 'vitest';
import { getNewKeyFromShaInto } from '../src/sha1-rekey.js';

/**
 * Key changes computed since the last call, counted through the SHA-1 re-key function (the test
 * file must `vi.mock('../src/sha1-rekey.js', { spy: true })`): work counted, not timed.
 */
export function keyChanges(): number {
  const n = vi.mocked(getNewKeyFromShaInto).mock.calls.length;
  vi.mocked(getNewKeyFromShaInto).mockClear();
  return n;
}
