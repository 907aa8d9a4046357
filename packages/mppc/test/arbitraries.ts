/** fast-check generators for packet sequences, shared by the MPPC tests. */

import { encodeUtf8 } from '@pptpkit/wire';
import fc from 'fast-check';

const WORDS = [
  'GET ',
  'HTTP/1.1',
  '\r\n',
  'Host: ',
  'example.org',
  'the ',
  'bell ',
  'tolls ',
  '0123',
  '{"id":',
  '"name":',
  ' ',
  '\u00e9t\u00e9 ',
  '\u00ff\u00fe',
];

/** Text-like bytes: words from a small vocabulary (compress well, repeat across packets). */
export function textLike(maxLength: number, minWords = 0): fc.Arbitrary<Uint8Array> {
  return fc
    .array(fc.constantFrom(...WORDS), {
      minLength: minWords,
      maxLength: Math.max(minWords, Math.ceil(maxLength / 3)),
    })
    .map((words) => encodeUtf8(words.join('')).subarray(0, maxLength));
}

/** Bytes from a tiny alphabet: long runs and overlapping matches. */
export function runs(maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc
    .array(fc.tuple(fc.constantFrom(0x00, 0x41, 0x80, 0xff), fc.integer({ min: 1, max: 300 })), {
      maxLength: 12,
    })
    .map((parts) => {
      const out: number[] = [];
      for (const [b, n] of parts) for (let i = 0; i < n; i++) out.push(b);
      return Uint8Array.from(out.slice(0, maxLength));
    });
}

/** Random bytes: incompressible. */
export function noise(maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ maxLength });
}

/** One packet of any of the kinds above, or empty, or exactly `mru` bytes. */
export function packet(mru: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 4, arbitrary: textLike(mru) },
    { weight: 2, arbitrary: runs(mru) },
    { weight: 2, arbitrary: noise(mru) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
    { weight: 1, arbitrary: textLike(mru * 2).map((t) => padTo(t, mru)) },
    { weight: 1, arbitrary: noise(mru).map((t) => padTo(t, mru)) },
  );
}

/** Repeats (or cuts) `bytes` to exactly `length` bytes. */
function padTo(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++)
    out[i] = bytes.length === 0 ? i & 0xff : bytes[i % bytes.length]!;
  return out;
}

/** A step of a session: send a packet, or the peer's CCP Reset-Request. */
export type Step =
  | { readonly kind: 'packet'; readonly data: Uint8Array }
  | { readonly kind: 'reset' };

/** A sequence of steps: packets with occasional Reset-Requests. */
export function session(mru: number, maxSteps: number): fc.Arbitrary<Step[]> {
  return fc.array(
    fc.oneof(
      { weight: 12, arbitrary: packet(mru).map((data): Step => ({ kind: 'packet', data })) },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'reset' }) },
    ),
    { minLength: 1, maxLength: maxSteps },
  );
}
