/**
 * Benchmarks of the per-authentication costs. Authentication happens once per session (and on
 * periodic re-challenges), so the target is loose: a whole MS-CHAPv2 exchange, both sides,
 * in at most 1 ms.
 */
import { randomBytes } from 'node:crypto';
import {
  ChapAuthenticator,
  ChapPeer,
  desEncryptBlock,
  generateNtResponse,
  md4,
  ntPasswordHash,
} from '../src/index.js';

/** Runs `fn` repeatedly for about `ms` milliseconds; returns microseconds per call. */
function measure(fn: () => void, ms = 500): number {
  for (let i = 0; i < 50; i++) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 20; i++) fn();
    calls += 20;
    now = performance.now();
  }
  return ((now - start) * 1000) / calls;
}

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const key = random(8);
const block = random(8);
const kib = random(1024);
const user = new TextEncoder().encode('alice');
const hash = ntPasswordHash('correct horse battery staple');
const authChallenge = random(16);
const peerChallenge = random(16);

const desUs = measure(() => desEncryptBlock(key, block));
const md4Us = measure(() => md4(kib));
const ntUs = measure(() => generateNtResponse(authChallenge, peerChallenge, user, hash));
const exchangeUs = measure(() => {
  const peer = new ChapPeer({
    algorithm: 'mschapv2',
    name: 'alice',
    password: 'correct horse battery staple',
    randomBytes: random,
  });
  const auth = new ChapAuthenticator({
    algorithm: 'mschapv2',
    name: 'pptpd',
    randomBytes: random,
    lookupPassword: () => 'correct horse battery staple',
  });
  const response = peer.receive(auth.start(0).send!, 0);
  const outcome = peer.receive(auth.receive(response.send!, 1).send!, 0).outcome;
  if (outcome?.type !== 'success') throw new Error('benchmark exchange failed');
});

const targetUs = 1000;
console.log(`DES block encrypt:            ${desUs.toFixed(2)} µs/block`);
console.log(`MD4:                          ${(1024 / md4Us).toFixed(1)} MB/s (1 KiB messages)`);
console.log(`GenerateNTResponse:           ${ntUs.toFixed(2)} µs`);
console.log(
  `MS-CHAPv2 exchange, both sides: ${exchangeUs.toFixed(1)} µs (target ≤ ${targetUs} µs, ratio ${(targetUs / exchangeUs).toFixed(1)}× better)`,
);
