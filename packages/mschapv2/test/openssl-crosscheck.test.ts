/**
 * Cross-checks our MD4 and DES against OpenSSL, reached through `node --openssl-legacy-provider`
 * in one child process for the whole file (OpenSSL 3 refuses md4/des-ecb without it).
 *
 * Without a Node whose OpenSSL has the legacy provider the suite is skipped with a warning,
 * except under CI, where it fails.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { desEncrypt7, desEncryptBlock, md4 } from '../src/index.js';

/** The child: reads a JSON batch on stdin, answers with OpenSSL's results. */
const childScript = `
const crypto = require('node:crypto');
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const batch = JSON.parse(input);
  const ecb = (alg, key, block) => {
    const c = crypto.createCipheriv(alg, Buffer.from(key, 'hex'), null);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(Buffer.from(block, 'hex')), c.final()]).toString('hex');
  };
  process.stdout.write(JSON.stringify({
    md4: batch.md4.map((m) => crypto.createHash('md4').update(Buffer.from(m, 'hex')).digest('hex')),
    des: batch.des.map(([k, b]) => ecb('des-ecb', k, b)),
    ede3: batch.des.map(([k, b]) => ecb('des-ede3', k + k + k, b)),
    des7: batch.des7.map(([k7, b]) => {
      // 56 key bits in 7-bit groups, each shifted left one (DES ignores the parity bit).
      const k = BigInt('0x' + k7);
      let key = '';
      for (let i = 0; i < 8; i++) {
        const group = Number((k >> BigInt(49 - 7 * i)) & 0x7fn);
        key += (group << 1).toString(16).padStart(2, '0');
      }
      return ecb('des-ecb', key, b);
    }),
  }));
});
`;

/** Message lengths around the MD4 padding boundaries, then random ones. */
const md4Lengths = [0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000];
for (let i = 0; i < 150; i++) md4Lengths.push(randomBytes(2).readUInt16BE(0) % 600);
const md4Inputs = md4Lengths.map((n) => new Uint8Array(randomBytes(n)));
const desInputs = Array.from({ length: 300 }, () => [
  new Uint8Array(randomBytes(8)),
  new Uint8Array(randomBytes(8)),
]) as [Uint8Array, Uint8Array][];

const child = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', childScript], {
  input: JSON.stringify({
    md4: md4Inputs.map(toHex),
    des: desInputs.map(([k, b]) => [toHex(k), toHex(b)]),
    des7: desInputs.map(([k, b]) => [toHex(k.subarray(0, 7)), toHex(b)]),
  }),
  encoding: 'utf8',
  timeout: 15_000,
});
const skipReason =
  child.error !== undefined
    ? `cannot run node: ${child.error.message}`
    : child.status !== 0
      ? `node --openssl-legacy-provider is unavailable: ${child.stderr.trim().split('\n')[0]}`
      : undefined;
if (skipReason !== undefined) {
  // Under CI (which has the legacy provider) a cross-check that cannot run fails, never skips.
  if (process.env.CI) throw new Error(`OpenSSL cross-check cannot run under CI: ${skipReason}`);
  console.warn(`@pptpkit/mschapv2: OpenSSL cross-check SKIPPED: ${skipReason}`);
}
const openssl =
  skipReason === undefined
    ? (JSON.parse(child.stdout) as { md4: string[]; des: string[]; ede3: string[]; des7: string[] })
    : undefined;

describe.skipIf(skipReason !== undefined)('cross-check against OpenSSL legacy provider', () => {
  it(`MD4 of ${md4Inputs.length} random messages (lengths 0..1000) equals OpenSSL md4`, () => {
    expect(openssl!.md4).toHaveLength(md4Inputs.length);
    md4Inputs.forEach((m, i) => {
      expect(toHex(md4(m)), `length ${m.length}`).toBe(openssl!.md4[i]);
    });
  });

  it(`DES of ${desInputs.length} random key/block pairs equals OpenSSL des-ecb`, () => {
    desInputs.forEach(([k, b], i) => {
      expect(toHex(desEncryptBlock(k, b))).toBe(openssl!.des[i]);
    });
  });

  it('des-ede3 with the key repeated three times equals single DES (the legal shortcut)', () => {
    expect(openssl!.ede3).toEqual(openssl!.des);
  });

  it("desEncrypt7 (RFC 2759 §8.6, 7-byte key) equals des-ecb under the child's own key expansion", () => {
    desInputs.forEach(([k, b], i) => {
      expect(toHex(desEncrypt7(b, k.subarray(0, 7)))).toBe(openssl!.des7[i]);
    });
  });
});
