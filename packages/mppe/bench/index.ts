/**
 * MPPE-128 throughput on 1400-byte packets: stateful and stateless, encrypt and decrypt.
 * Targets (issue 2, 2-core machine): stateful ≥ 400 MB/s, stateless ≤ 6 µs per packet. Then
 * the cost of forged stateless packets (`forged.ts`, issue 12): ≤ 500 µs per packet.
 * Run with `pnpm --filter @pptpkit/mppe bench`; numbers vary with machine load.
 */
import { MppeDecryptor, MppeEncryptor } from '../src/index.js';
import { forgedPacketReport } from './forged.js';
import { gapRecoveryReport } from './gap-recovery.js';

const PACKET = 1400;
const START_KEY = Uint8Array.from({ length: 16 }, (_, k) => (k * 29 + 7) & 0xff);

interface Result {
  readonly name: string;
  readonly mbPerSecond: number;
  readonly microsPerPacket: number;
}

function measure(name: string, packets: number, run: (count: number) => void): Result {
  run(Math.min(packets, 20_000)); // warm up the JIT
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    run(packets);
    const ns = Number(process.hrtime.bigint() - t0);
    best = Math.min(best, ns);
  }
  const seconds = best / 1e9;
  return {
    name,
    mbPerSecond: (packets * PACKET) / seconds / 1e6,
    microsPerPacket: (seconds * 1e6) / packets,
  };
}

/**
 * Four independent sessions and four buffer pairs used in turn, so that the JIT cannot
 * specialise the hot loop on one constant cipher object or buffer (a real tunnel passes
 * varying receive/send buffers); each session still sees consecutive packets.
 */
const LANES = 4;

function encryptBench(stateless: boolean): (count: number) => void {
  const encs = Array.from(
    { length: LANES },
    () => new MppeEncryptor({ startKey: START_KEY, keyBits: 128, stateless }),
  );
  const srcs = Array.from({ length: LANES }, () => new Uint8Array(PACKET).fill(0x5a));
  const dsts = Array.from({ length: LANES }, () => new Uint8Array(PACKET + 2));
  return (count) => {
    for (let n = 0; n < count; n++) {
      const lane = n % LANES;
      encs[lane]!.encrypt(srcs[lane]!, 0, PACKET, dsts[lane]!, 0);
    }
  };
}

function decryptBench(stateless: boolean): (count: number) => void {
  // Each round stamps the header the sender would have written (next count; FLUSHED when
  // stateless or on flag packets): RC4 speed does not depend on the bytes, and correctness is
  // covered by the tests.
  const decs = Array.from(
    { length: LANES },
    () => new MppeDecryptor({ startKey: START_KEY, keyBits: 128, stateless }),
  );
  const wires = Array.from({ length: LANES }, () => new Uint8Array(PACKET + 2).fill(0x5a));
  const dsts = Array.from({ length: LANES }, () => new Uint8Array(PACKET));
  const counts = new Int32Array(LANES);
  return (n) => {
    for (let k = 0; k < n; k++) {
      const lane = k % LANES;
      const wire = wires[lane]!;
      const count = counts[lane]!;
      const flushed = stateless || (count & 0xff) === 0xff;
      wire[0] = 0x10 | (flushed ? 0x80 : 0) | (count >>> 8);
      wire[1] = count & 0xff;
      const r = decs[lane]!.decrypt(wire, 0, PACKET + 2, dsts[lane]!, 0);
      if (r !== PACKET) throw new Error(`decrypt failed with status ${r}`);
      counts[lane] = (count + 1) & 0xfff;
    }
  };
}

function bytesNow(): number {
  return process.memoryUsage().heapUsed;
}

const stateful = 40_000;
const stateless = 40_000;
const results: { result: Result; stateless: boolean }[] = [];
for (const [name, isStateless, make] of [
  ['MPPE-128 stateful  encrypt', false, encryptBench],
  ['MPPE-128 stateful  decrypt', false, decryptBench],
  ['MPPE-128 stateless encrypt', true, encryptBench],
  ['MPPE-128 stateless decrypt', true, decryptBench],
] as const) {
  const run = make(isStateless);
  results.push({
    result: measure(name, isStateless ? stateless : stateful, run),
    stateless: isStateless,
  });
}

console.log(`MPPE benchmark, ${PACKET}-byte packets, Node ${process.version}, best of 5 rounds`);
for (const { result, stateless: isStateless } of results) {
  const ratio = isStateless
    ? `${(6 / result.microsPerPacket).toFixed(2)}× target (≤ 6 µs/packet)`
    : `${(result.mbPerSecond / 400).toFixed(2)}× target (≥ 400 MB/s)`;
  console.log(
    `${result.name}: ${result.mbPerSecond.toFixed(0).padStart(5)} MB/s  ${result.microsPerPacket.toFixed(2).padStart(6)} µs/packet  ${ratio}`,
  );
}

// Allocation check: a steady-state loop should not grow the heap.
for (const [name, run] of [
  ['encrypts', encryptBench(true)],
  ['decrypts', decryptBench(true)],
] as const) {
  run(10_000);
  const before = bytesNow();
  run(100_000);
  const grown = bytesNow() - before;
  console.log(`heap growth over 100000 stateless ${name}: ${(grown / 1024).toFixed(0)} KiB`);
}

// Forged stateless packets (issue 12): the work one forged packet can cost.
for (const line of forgedPacketReport()) console.log(line);

// Stateful gap recovery (issue 14): a recovered packet, and the worst a hostile one costs.
for (const line of gapRecoveryReport()) console.log(line);
