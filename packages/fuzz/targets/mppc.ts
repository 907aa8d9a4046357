/**
 * `mppc-decompress` and `mppc-framed`: the RFC 2118 decompressor (flags + payload, as MPPE hands
 * it over) and the standalone framing with its own coherency count, judged against an
 * independent decoder, with a canary after the MRU in the output buffer.
 *
 * @module
 */
import {
  MPPC_HISTORY_SIZE,
  MPPC_STATUS,
  MppcCompressor,
  MppcDecompressor,
  MppcFramedCompressor,
  MppcFramedDecompressor,
} from '@pptpkit/mppc';
import { encodeUtf8 } from '@pptpkit/wire';
import { encodeTokens, type Token } from '../../mppc/test/reference-encoder.js';
import { concatBytes, readU16, sameBytes } from '../engine/bytes.js';
import { invariant } from '../engine/outcome.js';
import type { Rng } from '../engine/rng.js';
import type { FuzzTarget } from '../engine/target.js';
import { vectorBytes } from '../seeds/vectors.js';
import { ReferenceDecoder } from './mppc-reference.js';
import { buildScript, parseScript, type ScriptStep, step } from './script.js';

/** Octets after the MRU in the output buffer that must never be written. */
const CANARY = 64;
const CANARY_BYTE = 0xa5;

/** The MRU a config word selects: 1 to 8192. */
function mruOf(input: Uint8Array): number {
  return 1 + (readU16(input, 0) % MPPC_HISTORY_SIZE);
}

function checkCanary(output: Uint8Array, mru: number): void {
  for (let i = mru; i < output.length; i++) {
    invariant(
      output[i] === CANARY_BYTE,
      'the decompressor wrote past the MRU (output buffer limit)',
      `index ${i}, mru ${mru}`,
    );
  }
}

/** The name of each drop status, for the outcome labels. */
const STATUS_NAMES = new Map<number, string>(Object.entries(MPPC_STATUS).map(([k, v]) => [v, k]));

/** Runs one packet through both decoders and compares; returns the outcome label. */
function compare(
  real: () => number,
  reference: () => Uint8Array | undefined,
  output: Uint8Array,
  mru: number,
): string {
  const n = real();
  checkCanary(output, mru);
  invariant(
    Number.isInteger(n) && (n >= 0 || STATUS_NAMES.has(n)),
    'decompress returned neither a length nor an MPPC_STATUS',
    String(n),
  );
  const expected = reference();
  if (n < 0) {
    invariant(
      expected === undefined,
      'the decompressor refused a packet the reference decoder accepts',
      STATUS_NAMES.get(n),
    );
    return STATUS_NAMES.get(n)!;
  }
  invariant(n <= mru, 'the decompressor returned more than the MRU', `${n} > ${mru}`);
  invariant(
    expected !== undefined,
    'the decompressor accepted a packet the reference decoder refuses (RFC 2118 §4.2)',
  );
  invariant(
    sameBytes(output.subarray(0, n), expected),
    'the decompressor and the reference decoder disagree on the bytes',
  );
  return 'ok';
}

/** A token stream: literals and copies with any offset (0 and 8192..8511 included) and length. */
function tokenPayload(rng: Rng): Uint8Array {
  const tokens: Token[] = [];
  for (let k = rng.int(1, 24); k > 0; k--) {
    if (rng.chance(0.6)) tokens.push({ kind: 'literal', byte: rng.below(256) });
    else {
      const offset = rng.pick([1, 2, 63, 64, 319, 320, 8191, 8192, 8511, rng.below(8512)]);
      const length = rng.pick([3, 4, 7, 8, 255, 256, 4095, 8191, rng.int(3, 300)]);
      tokens.push({ kind: 'copy', offset, length });
    }
  }
  return encodeTokens(tokens);
}

/** Packets the real compressor makes of text-like data (valid streams, history across packets). */
function compressedPackets(rng: Rng, count: number): { flags: number; payload: Uint8Array }[] {
  const compressor = new MppcCompressor();
  const out: { flags: number; payload: Uint8Array }[] = [];
  const words = ['the ', 'bell ', 'tolls ', 'for ', 'thee ', 'GET / HTTP/1.1\r\n', '\u0000\u0000'];
  for (let k = 0; k < count; k++) {
    let text = '';
    for (let w = rng.int(1, 60); w > 0; w--) text += rng.pick(words);
    const data = rng.chance(0.2) ? rng.bytes(rng.length(1500)) : encodeUtf8(text);
    if (rng.chance(0.1)) compressor.reset();
    const buf = new Uint8Array(data.length + 16);
    const n = compressor.compress(data.subarray(0, MPPC_HISTORY_SIZE), buf);
    out.push({ flags: compressor.flags, payload: buf.subarray(0, n) });
  }
  return out;
}

/** The FreeRDP "bells" vector: flags 0x60, the compressed bytes. */
function bellsStep(): ScriptStep[] {
  // The vector's only hex string is its compressed form.
  const [compressed] = vectorBytes('mppc');
  return compressed === undefined ? [] : [step(0x60, compressed)];
}

/** The decompressor, given flags and payload as MPPE hands them over. */
export const mppcDecompressTarget: FuzzTarget = {
  name: 'mppc-decompress',
  packageName: '@pptpkit/mppc',
  entry:
    'MppcDecompressor.decompress(flags, payload, output) for a script of packets (MRU 1..8192)',
  invariants: [
    'never writes past the MRU: a canary after it in the output buffer stays untouched; returns at most the MRU',
    'returns a length or an MPPC_STATUS',
    'accepts exactly what an independent RFC 2118 decoder accepts (copy offsets 1..8191), with the same bytes',
  ],
  maxLength: 16_384,
  timing: 'input',
  dictionary: [Uint8Array.of(0xff), Uint8Array.of(0xc0, 0x00), Uint8Array.of(0xdf, 0xff)],
  seeds() {
    return [
      Uint8Array.of(0x05, 0xdb, ...buildScript(bellsStep())),
      Uint8Array.of(0x1f, 0xff, ...buildScript(bellsStep())),
    ];
  },
  generate(rng) {
    const steps: ScriptStep[] = [];
    if (rng.chance(0.5)) {
      for (const p of compressedPackets(rng, rng.int(1, 6))) steps.push(step(p.flags, p.payload));
    }
    for (let k = rng.int(0, 6); k > 0; k--) {
      const flags = rng.pick([0x20, 0x60, 0xa0, 0xe0, 0x00, 0x80, rng.below(256)]);
      steps.push(step(flags, tokenPayload(rng)));
    }
    const mru = rng.pick([1, 3, 1500, 1500, 8191, 8192, rng.below(8192)]) - 1;
    return Uint8Array.of(mru >> 8, mru & 0xff, ...buildScript(steps));
  },
  run(input) {
    const mru = mruOf(input);
    const decompressor = new MppcDecompressor({ mru });
    const reference = new ReferenceDecoder(mru);
    const output = new Uint8Array(mru + CANARY);
    let last = 'none';
    for (const { op: flags, payload } of parseScript(input.subarray(2))) {
      output.fill(CANARY_BYTE);
      last = compare(
        () => decompressor.decompress(flags & 0xe0, payload, output),
        () => reference.decode(flags & 0xe0, payload),
        output,
        mru,
      );
    }
    return last;
  },
};

/** Standalone MPPC framing (header with its own coherency count). */
export const mppcFramedTarget: FuzzTarget = {
  name: 'mppc-framed',
  packageName: '@pptpkit/mppc',
  entry: 'MppcFramedDecompressor.decompressRange(packet, ...) for a script of framed packets',
  invariants: [
    'never writes past the MRU (canary); returns at most the MRU',
    'the same outcome and bytes as the reference decoder behind the RFC 2118 §3.1 coherency-count rule',
  ],
  maxLength: 16_384,
  timing: 'input',
  dictionary: [Uint8Array.of(0x20, 0x00), Uint8Array.of(0xa0, 0x00), Uint8Array.of(0x3f, 0xff)],
  seeds() {
    const bells = bellsStep()[0];
    return bells === undefined
      ? []
      : [
          Uint8Array.of(
            0x05,
            0xdb,
            ...buildScript([step(0, concatBytes([Uint8Array.of(0x60, 0), bells.payload]))]),
          ),
        ];
  },
  generate(rng) {
    const compressor = new MppcFramedCompressor();
    const steps: ScriptStep[] = [];
    for (let k = rng.int(1, 8); k > 0; k--) {
      if (rng.chance(0.6)) {
        const data = rng.chance(0.5)
          ? encodeUtf8('for whom the bell tolls '.repeat(rng.int(1, 20)))
          : rng.bytes(rng.length(1500));
        const out = new Uint8Array(data.length + 2);
        if (rng.chance(0.1)) compressor.reset();
        const n = compressor.compressRange(data, 0, data.length, out, 0);
        const packet = out.subarray(0, n);
        if (rng.chance(0.2)) {
          const at = rng.below(n);
          packet[at] = packet[at]! ^ (1 << rng.below(8));
        }
        if (!rng.chance(0.1)) steps.push(step(0, packet));
      } else {
        const count = rng.below(4096);
        steps.push(
          step(
            0,
            concatBytes([
              Uint8Array.of(rng.pick([0x20, 0xa0, 0x60, 0x30, 0x00]) | (count >> 8), count & 0xff),
              tokenPayload(rng),
            ]),
          ),
        );
      }
    }
    return Uint8Array.of(0x05, 0xdb, ...buildScript(steps));
  },
  run(input) {
    const mru = mruOf(input);
    const decompressor = new MppcFramedDecompressor({ mru });
    const reference = new ReferenceDecoder(mru);
    const output = new Uint8Array(mru + CANARY);
    let expected = 0;
    let last = 'none';
    for (const { payload: packet } of parseScript(input.subarray(2))) {
      output.fill(CANARY_BYTE);
      last = compare(
        () => decompressor.decompressRange(packet, 0, packet.length, output, 0),
        () => {
          // RFC 2118 §3.1: the header, then the count; D belongs to MPPE.
          if (packet.length < 2 || (packet[0]! & 0x10) !== 0) return undefined;
          const flags = packet[0]! & 0xe0;
          const count = ((packet[0]! & 0x0f) << 8) | packet[1]!;
          const inOrder = count === expected || (flags & 0x80) !== 0;
          expected = (count + 1) & 0xfff;
          if (!inOrder) {
            reference.loseSync();
            return undefined;
          }
          return reference.decode(flags, packet.subarray(2));
        },
        output,
        mru,
      );
    }
    return last;
  },
};
