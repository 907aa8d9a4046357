/**
 * Memory shared between the fuzzing worker and the runner: the worker writes every input
 * there before running it, so that when an input hangs the runner can terminate the worker and
 * still save the input as a reproducer.
 *
 * @module
 */

/** Header words: progress counter, target index, input length, inputs of the current target. */
const HEADER_WORDS = 4;
/** Most octets of one input kept (inputs are far shorter; longer ones are cut). */
const MAX_INPUT = 1 << 20;

/** The worker's side and the runner's side of the shared memory. */
export class ProgressBoard {
  /** The shared memory, to hand to a worker. */
  readonly buffer: SharedArrayBuffer;
  readonly #header: Int32Array;
  readonly #data: Uint8Array;

  /** @param buffer - the memory of an existing board, or none to create one. */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(HEADER_WORDS * 4 + MAX_INPUT)) {
    this.buffer = buffer;
    this.#header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.#data = new Uint8Array(buffer, HEADER_WORDS * 4);
  }

  /** Worker: about to run `input` of the target at `targetIndex` (its `inputs`-th input). */
  record(targetIndex: number, inputs: number, input: Uint8Array): void {
    const n = Math.min(input.length, MAX_INPUT);
    this.#data.set(n === input.length ? input : input.subarray(0, n));
    this.#header[1] = targetIndex;
    this.#header[2] = n;
    this.#header[3] = inputs;
    Atomics.add(this.#header, 0, 1);
  }

  /** Runner: the progress counter (changes with every input). */
  get progress(): number {
    return Atomics.load(this.#header, 0);
  }

  /** Runner: the input running now, its target's index and how many inputs that target ran. */
  current(): { readonly targetIndex: number; readonly inputs: number; readonly input: Uint8Array } {
    const n = this.#header[2]!;
    return {
      targetIndex: this.#header[1]!,
      inputs: this.#header[3]!,
      input: this.#data.slice(0, n),
    };
  }
}
