/**
 * The input format of the state-machine targets: a script of steps, each `op (1 octet),
 * length (2 octets, big-endian), payload`. A truncated last step keeps what is there. The
 * target gives the op its meaning (`op % number of ops`): deliver bytes, let time pass, call
 * an API... Byte-level mutation keeps most of the structure, and the seeds are scripts that
 * replay captured traffic.
 *
 * @module
 */
import { concatBytes, writeU16 } from '../engine/bytes.js';

/** One step of a script. */
export interface ScriptStep {
  /** The raw op octet. */
  readonly op: number;
  /** The payload (a view into the input). */
  readonly payload: Uint8Array;
}

/** Most steps read from one input. */
const MAX_STEPS = 512;

/** Splits an input into steps. */
export function parseScript(input: Uint8Array): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let at = 0;
  while (at < input.length && steps.length < MAX_STEPS) {
    const op = input[at]!;
    const length = ((input[at + 1] ?? 0) << 8) | (input[at + 2] ?? 0);
    const start = Math.min(at + 3, input.length);
    const end = Math.min(start + length, input.length);
    steps.push({ op, payload: input.subarray(start, end) });
    at = end;
  }
  return steps;
}

/** Builds an input from steps. */
export function buildScript(steps: readonly ScriptStep[]): Uint8Array {
  return concatBytes(
    steps.map((s) => {
      const head = new Uint8Array(3);
      head[0] = s.op;
      writeU16(head, 1, s.payload.length);
      return concatBytes([head, s.payload]);
    }),
  );
}

/** A step with a payload built from numbers or bytes. */
export function step(op: number, payload: Uint8Array | readonly number[] = []): ScriptStep {
  return { op, payload: payload instanceof Uint8Array ? payload : Uint8Array.from(payload) };
}

/** A step whose payload is a big-endian 32-bit number (a time step, a count). */
export function numberStep(op: number, value: number): ScriptStep {
  return step(op, [
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  ]);
}

/** The payload as an unsigned big-endian number of up to 4 octets (0 when empty). */
export function payloadNumber(payload: Uint8Array): number {
  let v = 0;
  for (let i = 0; i < Math.min(4, payload.length); i++) v = v * 256 + payload[i]!;
  return v;
}
