/**
 * `control-framer`: the PPTP control connection's stream framer, fed the same bytes whole, cut
 * at random points and one octet at a time; then every framed message through the decoder.
 *
 * @module
 */
import {
  ControlFramer,
  decodeControlMessage,
  encodeControlMessage,
  MAGIC_COOKIE,
} from '@pptpkit/pptp-control';
import { type DecodeError, encodeUtf8 } from '@pptpkit/wire';
import { concatBytes, sameBytes } from '../engine/bytes.js';
import { invariant } from '../engine/outcome.js';
import { hashBytes, Rng } from '../engine/rng.js';
import type { FuzzTarget } from '../engine/target.js';
import { controlStream, goldenCaptures } from '../seeds/golden.js';
import { vectorBytes } from '../seeds/vectors.js';
import { anyMessageBytes, pacMessage, pnsMessage } from './control-messages.js';

interface Framed {
  readonly messages: Uint8Array[];
  readonly error: DecodeError | undefined;
  readonly buffered: number;
}

/** Frames `bytes` pushed in the given pieces. */
function frame(pieces: readonly Uint8Array[]): Framed {
  const framer = new ControlFramer();
  const messages: Uint8Array[] = [];
  let error: DecodeError | undefined;
  for (const piece of pieces) {
    const r = framer.push(piece);
    messages.push(...r.messages);
    error ??= r.error;
  }
  return { messages, error, buffered: framer.buffered };
}

/** Cuts `bytes` at up to 8 points chosen from the input's own hash (so a replay cuts alike). */
function cut(bytes: Uint8Array): Uint8Array[] {
  const rng = new Rng(hashBytes(bytes));
  const points = Array.from({ length: rng.below(9) }, () => rng.below(bytes.length + 1)).sort(
    (a, b) => a - b,
  );
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

function sameFraming(a: Framed, b: Framed, how: string): void {
  invariant(
    a.messages.length === b.messages.length,
    `framing depends on chunking (${how}): message count`,
    `${a.messages.length} vs ${b.messages.length}`,
  );
  for (let i = 0; i < a.messages.length; i++) {
    invariant(
      sameBytes(a.messages[i]!, b.messages[i]!),
      `framing depends on chunking (${how}): message bytes`,
      `message ${i}`,
    );
  }
  invariant(
    a.error?.code === b.error?.code,
    `framing depends on chunking (${how}): error`,
    `${a.error?.code} vs ${b.error?.code}`,
  );
  invariant(
    a.buffered === b.buffered,
    `framing depends on chunking (${how}): bytes held back`,
    `${a.buffered} vs ${b.buffered}`,
  );
}

function be32(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** The stream framer and the message decoder of `@pptpkit/pptp-control`. */
export const controlFramerTarget: FuzzTarget = {
  name: 'control-framer',
  packageName: '@pptpkit/pptp-control',
  entry: 'ControlFramer.push (whole, random cuts, 1-octet pieces) + decodeControlMessage',
  invariants: [
    'the messages, the error and the octets held back do not depend on how the stream is cut',
    'each framed message decodes to a value or a DecodeError',
  ],
  maxLength: 4096,
  timing: 'input',
  dictionary: [be32(MAGIC_COOKIE), Uint8Array.of(0, 1), encodeUtf8('linux')],
  seeds() {
    const streams = goldenCaptures().flatMap((c) => [
      controlStream(c, 'client-to-server'),
      controlStream(c, 'server-to-client'),
    ]);
    return [...streams, ...vectorBytes('pptp-control')];
  },
  generate(rng) {
    const ids = { ours: rng.below(0x10000), theirs: rng.below(0x10000) };
    const parts = Array.from({ length: rng.int(1, 6) }, () => {
      const roll = rng.below(3);
      if (roll === 0) return anyMessageBytes(rng);
      return encodeControlMessage(roll === 1 ? pacMessage(rng, ids) : pnsMessage(rng, ids));
    });
    return concatBytes(parts);
  },
  run(input) {
    const whole = frame([input]);
    sameFraming(whole, frame(cut(input)), 'random cuts');
    sameFraming(whole, frame(Array.from(input, (b) => Uint8Array.of(b))), 'one octet at a time');
    let last = 'none';
    for (const message of whole.messages) last = decodeControlMessage(message).type;
    if (whole.error !== undefined) throw whole.error;
    return last;
  },
};
