import { createHash, randomBytes } from 'node:crypto';
import { toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getNewKeyFromSha } from '../src/index.js';
import { getNewKeyFromShaInto, SHA1_SMALL_MAX, sha1Small } from '../src/sha1-rekey.js';

describe('allocation-free SHA-1 against node:crypto', () => {
  it('every length 0..119 on random data', () => {
    for (let length = 0; length <= SHA1_SMALL_MAX; length++) {
      const data = randomBytes(length);
      const out = new Uint8Array(20);
      sha1Small(data, length, out);
      expect(toHex(out), `length ${length}`).toBe(createHash('sha1').update(data).digest('hex'));
    }
  });

  it('FIPS 180-1 "abc"', () => {
    const out = new Uint8Array(20);
    sha1Small(Uint8Array.of(0x61, 0x62, 0x63), 3, out);
    expect(toHex(out)).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('refuses messages longer than two blocks allow', () => {
    expect(() => sha1Small(new Uint8Array(120), 120, new Uint8Array(20))).toThrow(RangeError);
  });

  it('GetNewKeyFromSHA into a buffer equals the @noble/hashes version and node:crypto', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8 as const, 16 as const),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (length, start, session) => {
          const reference = createHash('sha1')
            .update(start.subarray(0, length))
            .update(new Uint8Array(40))
            .update(session.subarray(0, length))
            .update(new Uint8Array(40).fill(0xf2))
            .digest()
            .subarray(0, length);
          const into = session.slice();
          getNewKeyFromShaInto(start, into, length, into);
          expect(toHex(into.subarray(0, length))).toBe(toHex(reference));
          expect(toHex(getNewKeyFromSha(start, session, length))).toBe(toHex(reference));
        },
      ),
      { numRuns: 200 },
    );
  });
});
