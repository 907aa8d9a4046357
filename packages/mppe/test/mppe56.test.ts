/**
 * 56-bit MPPE against an independent computation written in this file from the RFC text: SHA-1
 * from node:crypto, RC4 on plain arrays, and the steps of RFC 3079 §3.2 (initial key) and RFC
 * 3078 §7.3 (key change: GetNewKeyFromSHA, RC4 of the interim key under itself, then for 56-bit
 * keys the first octet set to 0xD1). The reduction is also the one FreeBSD's netgraph MPPE node
 * (ng_mppc.c) applies at both places: for MPPE_56 only the first octet of its "weaken" pattern
 * D1 26 9E, for MPPE_40 all three; the Linux kernel's ppp_mppe knows 40 and 128 only.
 */
import { createHash } from 'node:crypto';
import { fromHex, toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MPPE_POLICY,
  deriveMsChapV2StartKeys,
  formatMppeBits,
  MppeDecryptor,
  MppeEncryptor,
  type MppePolicy,
  mppeHandleNak,
  mppeInitialRequest,
  mppeJudgePeerRequest,
  mppeNegotiated,
} from '../src/index.js';

/** RC4 (key schedule and keystream) over plain number arrays. */
function rc4(key: readonly number[], data: readonly number[]): number[] {
  const s = Array.from({ length: 256 }, (_, k) => k);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  let i = 0;
  let j = 0;
  return data.map((byte) => {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    return byte ^ s[(s[i]! + s[j]!) & 0xff]!;
  });
}

/** RFC 3078 §7.3 GetNewKeyFromSHA, 8-octet keys. */
function getNewKeyFromSha(start: readonly number[], session: readonly number[]): number[] {
  const digest = createHash('sha1')
    .update(Uint8Array.from(start))
    .update(new Uint8Array(40))
    .update(Uint8Array.from(session))
    .update(new Uint8Array(40).fill(0xf2))
    .digest();
  return [...digest.subarray(0, 8)];
}

/** The 56-bit session keys of one direction: the initial one, then each key change. */
function keys56(start: readonly number[], changes: number): number[][] {
  const initial = getNewKeyFromSha(start, start);
  initial[0] = 0xd1; // RFC 3079 §3.2
  const out = [initial];
  for (let n = 0; n < changes; n++) {
    const interim = getNewKeyFromSha(start, out[n]!);
    const next = rc4(interim, interim);
    next[0] = 0xd1; // RFC 3078 §7.3: "for 56-bit keys, the most significant octet is set to 0xD1"
    out.push(next);
  }
  return out;
}

/** RFC 3079 §3.5.2: SendStartKey56 (the server's send key, erratum a). */
const START56 = [...fromHex('8B 7C DC 14 9B 99 3A 1B')];

const payload = (n: number, length: number): Uint8Array =>
  Uint8Array.from({ length }, (_, k) => (k < 2 ? [0x00, 0x21][k]! : (n * 13 + k * 5) & 0xff));

function encrypt(enc: MppeEncryptor, plain: Uint8Array): Uint8Array {
  const out = new Uint8Array(plain.length + 2);
  expect(enc.encrypt(plain, 0, plain.length, out, 0)).toBe(out.length);
  return out;
}

describe('56-bit session keys (RFC 3079 §3.2, RFC 3078 §7.3)', () => {
  it('the initial key is RFC 3079 §3.5.2 SendSessionKey56: only the first octet reduced', () => {
    const [initial] = keys56(START56, 0);
    expect(toHex(Uint8Array.from(initial!))).toBe('d15c00c49fa62e3e');
    const start = deriveMsChapV2StartKeys({
      passwordHashHash: fromHex('41C00C584BD2D91C4017A2A12FA59F3F'),
      ntResponse: fromHex('82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF'),
      role: 'server',
      keyBits: 56,
    });
    expect([...start.send]).toEqual(START56);
  });

  it('every key change keeps the reduction: octet 0 is D1, octets 1 and 2 are not pinned', () => {
    const keys = keys56(START56, 300);
    expect(keys.every((k) => k[0] === 0xd1)).toBe(true);
    // A 40-bit reduction would pin 26 9E too; the 56-bit keys vary there.
    expect(new Set(keys.map((k) => `${k[1]},${k[2]}`)).size).toBeGreaterThan(250);
  });

  it('stateless: packet n is RC4 under the key after n + 1 key changes, fresh each time', () => {
    const keys = keys56(START56, 301);
    const enc = new MppeEncryptor({
      startKey: Uint8Array.from(START56),
      keyBits: 56,
      stateless: true,
    });
    for (let n = 0; n < 300; n++) {
      const plain = payload(n, 20 + (n % 50));
      const wire = encrypt(enc, plain);
      // Header: FLUSHED (A) and encrypted (D), coherency count n (RFC 3078 §3).
      expect([wire[0]! & 0xf0, ((wire[0]! & 0x0f) << 8) | wire[1]!]).toEqual([0x90, n]);
      expect([...wire.subarray(2)]).toEqual(rc4(keys[n + 1]!, [...plain]));
    }
  });

  it('stateful: one RC4 stream under the initial key, a key change at the flag packet 255', () => {
    const keys = keys56(START56, 2);
    const enc = new MppeEncryptor({
      startKey: Uint8Array.from(START56),
      keyBits: 56,
      stateless: false,
    });
    const plains = Array.from({ length: 300 }, (_, n) => payload(n, 30));
    const wires = plains.map((p) => encrypt(enc, p));
    const first = plains.slice(0, 255).flatMap((p) => [...p]);
    expect(wires.slice(0, 255).flatMap((w) => [...w.subarray(2)])).toEqual(rc4(keys[0]!, first));
    expect(wires[254]![0]! & 0x80).toBe(0);
    // Count 255 (low byte 0xFF): FLUSHED, the next key, a fresh RC4 stream (RFC 3078 §7.2).
    expect(wires[255]![0]! & 0x80).toBe(0x80);
    const second = plains.slice(255).flatMap((p) => [...p]);
    expect(wires.slice(255).flatMap((w) => [...w.subarray(2)])).toEqual(rc4(keys[1]!, second));
  });

  it('the decryptor takes the 56-bit stream back, with a stateless jump over lost packets', () => {
    const enc = new MppeEncryptor({
      startKey: Uint8Array.from(START56),
      keyBits: 56,
      stateless: true,
    });
    const dec = new MppeDecryptor({
      startKey: Uint8Array.from(START56),
      keyBits: 56,
      stateless: true,
    });
    const out = new Uint8Array(100);
    for (let n = 0; n < 40; n++) {
      const plain = payload(n, 60);
      const wire = encrypt(enc, plain);
      if (n % 7 === 3) continue; // lost
      const m = dec.decrypt(wire, 0, wire.length, out, 0);
      expect(m).toBe(60);
      expect(out.subarray(0, m)).toEqual(plain);
    }
    // The same start key under the 40-bit reduction decrypts to something else.
    const as40 = new MppeDecryptor({
      startKey: Uint8Array.from(START56),
      keyBits: 40,
      stateless: true,
    });
    const fresh = new MppeEncryptor({
      startKey: Uint8Array.from(START56),
      keyBits: 56,
      stateless: true,
    });
    const wire = encrypt(fresh, payload(0, 60));
    expect(as40.decrypt(wire, 0, wire.length, out, 0)).toBe(60);
    expect(out.subarray(0, 60)).not.toEqual(payload(0, 60));
  });
});

describe('negotiating 56-bit keys (RFC 3078 §2.1)', () => {
  const p = (change: Partial<MppePolicy>): MppePolicy => ({ ...DEFAULT_MPPE_POLICY, ...change });
  const all = p({ allow40: true, allow56: true });

  it('the M bit is offered only when the policy allows 56', () => {
    expect(formatMppeBits(mppeInitialRequest(all))).toBe('<mppe +H +M +S +L -D -C>');
    expect(formatMppeBits(mppeInitialRequest(DEFAULT_MPPE_POLICY))).toBe(
      '<mppe +H -M +S -L -D -C>',
    );
  });

  it('the responder Naks with the strongest strength both allow', () => {
    const offer = mppeInitialRequest(all);
    const nak = (policy: MppePolicy): string => {
      const v = mppeJudgePeerRequest(offer, policy);
      return v.verdict === 'nak' ? formatMppeBits(v.bits) : v.verdict;
    };
    expect(nak(all)).toBe('<mppe +H -M +S -L -D -C>');
    expect(nak(p({ allow128: false, allow56: true, allow40: true }))).toBe(
      '<mppe +H +M -S -L -D -C>',
    );
    expect(nak(p({ allow128: false, allow40: true }))).toBe('<mppe +H -M -S +L -D -C>');
  });

  it('the initiator follows a Nak to the strongest strength in its request, the Nak and its policy', () => {
    const offer = mppeInitialRequest(all);
    // A Windows server set to 56 and 40 Naks with both: take 56.
    const both = { ...offer, mppe128: false };
    expect(formatMppeBits(mppeHandleNak(offer, both, all))).toBe('<mppe +H +M -S -L -D -C>');
    // pppd's ccp.c clears M (MPPE_OPT_56 is in its unsupported set) and picks S of S and L.
    const pppd = { ...offer, mppe56: false, mppe40: false };
    expect(formatMppeBits(mppeHandleNak(offer, pppd, all))).toBe('<mppe +H -M +S -L -D -C>');
  });

  it('a request of M alone: an Ack when 56 is allowed, else a Nak to ours; both on M: 56-bit', () => {
    const m = { ...mppeInitialRequest(all), mppe128: false, mppe40: false };
    expect(mppeJudgePeerRequest(m, all)).toEqual({ verdict: 'ack' });
    expect(mppeJudgePeerRequest(m, DEFAULT_MPPE_POLICY)).toEqual({
      verdict: 'nak',
      bits: { ...m, mppe56: false, mppe128: true },
    });
    expect(mppeNegotiated(m, m)).toEqual({ keyBits: 56, stateless: true, mppc: false });
  });

  it("the README's 56-bit example, statement for statement", () => {
    const all = { ...DEFAULT_MPPE_POLICY, allow40: true, allow56: true };
    const offer = mppeInitialRequest(all);
    expect(formatMppeBits(offer)).toBe('<mppe +H +M +S +L -D -C>');
    const rras = { ...DEFAULT_MPPE_POLICY, allow128: false, allow40: true, allow56: true };
    const verdict = mppeJudgePeerRequest(offer, rras);
    if (verdict.verdict !== 'nak') throw new Error('expected a Nak');
    expect(formatMppeBits(verdict.bits)).toBe('<mppe +H +M -S -L -D -C>');
    const next = mppeHandleNak(offer, verdict.bits, all);
    expect(mppeNegotiated(next, next)).toEqual({ keyBits: 56, stateless: true, mppc: false });
  });

  it('M alone offered to a pppd-like responder (128 only): Nak to S, no common strength left', () => {
    const only56 = { ...DEFAULT_MPPE_POLICY, allow128: false, allow56: true };
    const offer = mppeInitialRequest(only56);
    const verdict = mppeJudgePeerRequest(offer, DEFAULT_MPPE_POLICY);
    if (verdict.verdict !== 'nak') throw new Error('expected a Nak');
    expect(formatMppeBits(verdict.bits)).toBe('<mppe +H -M +S -L -D -C>');
    expect(() => mppeHandleNak(offer, verdict.bits, only56)).toThrow(
      expect.objectContaining({ code: 'MPPE_NO_COMMON_MODE' }),
    );
  });
});
