/**
 * MS-CHAPv2 Change-Password (RFC 2759 §7, §8.9–8.13). Expected values are computed
 * independently in a child `node --openssl-legacy-provider` (OpenSSL's md4, rc4, des-ecb and
 * sha1), from the RFC's pseudocode, with the RFC 2759 §9.2 known values as the anchor; the
 * child's own DES/ChallengeResponse is first checked against §9.2's NT-Response.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  AuthenticationError,
  decodeUtf8,
  encodeUtf8,
  fromHex,
  TimeoutError,
  toHex,
} from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANGE_PASSWORD_LENGTH,
  ChapAuthenticator,
  type ChapAuthenticatorOptions,
  ChapPeer,
  type ChapStep,
  decodeChapPacket,
  decryptPwBlockWithPasswordHash,
  encodeChapPacket,
  encryptPwBlockWithPasswordHash,
  ntPasswordHash,
  PW_BLOCK_SIZE,
  parseMschapFailure,
  passwordToUtf16le,
  utf16leToPassword,
} from '../src/index.js';
import { rc4 } from '../src/rc4.js';
import { loadVectors } from './load-vectors.js';

const rfc = loadVectors().rfc2759_9_2;

/** The child: the RFC 2759 §8 pseudocode over OpenSSL primitives, one JSON batch in, one out. */
const childScript = `
const crypto = require('node:crypto');
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const q = JSON.parse(input);
  const hex = (s) => Buffer.from(s, 'hex');
  const md4 = (b) => crypto.createHash('md4').update(b).digest();
  const sha1 = (...b) => { const h = crypto.createHash('sha1'); for (const x of b) h.update(x); return h.digest(); };
  const cipher = (alg, key, data) => {
    const c = crypto.createCipheriv(alg, key, null);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(data), c.final()]);
  };
  // RFC 2759 §8.6 DesEncrypt: 7 key bytes spread over 8, parity bit ignored.
  const des = (clear, key7) => {
    const k = BigInt('0x' + key7.toString('hex'));
    const key = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) key[i] = Number((k >> BigInt(49 - 7 * i)) & 0x7fn) << 1;
    return cipher('des-ecb', key, clear);
  };
  const challengeResponse = (ch, hash) => {
    const z = Buffer.concat([hash, Buffer.alloc(5)]);
    return Buffer.concat([des(ch, z.subarray(0, 7)), des(ch, z.subarray(7, 14)), des(ch, z.subarray(14, 21))]);
  };
  const challengeHash = (peer, auth, user) => sha1(peer, auth, user).subarray(0, 8);
  const user = Buffer.from(q.user, 'utf8');
  const out = {};
  out.rfcNtResponse = challengeResponse(challengeHash(hex(q.rfcPeerChallenge), hex(q.rfcAuthChallenge), user), hex(q.oldHash)).toString('hex');
  const newPw = Buffer.from(q.newPassword, 'utf16le');
  const newHash = md4(newPw);
  const oldHash = hex(q.oldHash);
  // §8.10: fill, password right-aligned in the 512-byte area, length as a little-endian DWORD.
  const clear = Buffer.from(hex(q.fill));
  newPw.copy(clear, 512 - newPw.length);
  clear.writeUInt32LE(newPw.length, 512);
  out.encryptedPassword = cipher('rc4', oldHash, clear).toString('hex');
  // §8.12/§8.13: the old hash's halves DES-encrypted with 7-byte pieces of the new hash.
  out.encryptedHash = Buffer.concat([des(oldHash.subarray(0, 8), newHash.subarray(0, 7)), des(oldHash.subarray(8, 16), newHash.subarray(7, 14))]).toString('hex');
  const ch = challengeHash(hex(q.peerChallenge), hex(q.failureChallenge), user);
  const ntResponse = challengeResponse(ch, newHash);
  out.ntResponse = ntResponse.toString('hex');
  // §8.7 with the new password.
  const digest = sha1(md4(newHash), ntResponse, Buffer.from('Magic server to client signing constant'));
  out.authenticatorResponse = 'S=' + sha1(digest, ch, Buffer.from('Pad to make it do more than one iteration')).toString('hex').toUpperCase();
  out.passwordHashHash = md4(newHash).toString('hex');
  out.rc4 = q.rc4.map(([k, d]) => cipher('rc4', hex(k), hex(d)).toString('hex'));
  process.stdout.write(JSON.stringify(out));
});
`;

const newPassword = 'n3w Pässwort€';
const fill = new Uint8Array(randomBytes(PW_BLOCK_SIZE));
const failureChallenge = new Uint8Array(randomBytes(16));
const peerChallenge = new Uint8Array(randomBytes(16));
const rc4Inputs = Array.from({ length: 50 }, (_, i) => [
  new Uint8Array(randomBytes(1 + (i % 32))),
  new Uint8Array(randomBytes(i * 7)),
]) as [Uint8Array, Uint8Array][];

const child = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', childScript], {
  input: JSON.stringify({
    user: rfc.userName,
    oldHash: rfc.passwordHash,
    rfcPeerChallenge: rfc.peerChallenge,
    rfcAuthChallenge: rfc.authenticatorChallenge,
    newPassword,
    fill: toHex(fill),
    failureChallenge: toHex(failureChallenge),
    peerChallenge: toHex(peerChallenge),
    rc4: rc4Inputs.map(([k, d]) => [toHex(k), toHex(d)]),
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
  if (process.env.CI) throw new Error(`OpenSSL cross-check cannot run under CI: ${skipReason}`);
  console.warn(`@pptpkit/mschapv2: Change-Password OpenSSL cross-check SKIPPED: ${skipReason}`);
}
const expected =
  skipReason === undefined
    ? (JSON.parse(child.stdout) as {
        rfcNtResponse: string;
        encryptedPassword: string;
        encryptedHash: string;
        ntResponse: string;
        authenticatorResponse: string;
        passwordHashHash: string;
        rc4: string[];
      })
    : undefined;

/** Randomness served from a queue of exact-size chunks, so the test knows every random input. */
function queuedRandom(...chunks: Uint8Array[]): (n: number) => Uint8Array {
  return (n) => {
    const next = chunks.shift();
    if (next === undefined || next.length !== n) throw new Error(`unexpected randomBytes(${n})`);
    return next;
  };
}

/** A Failure packet as an authenticator would send it after a Response. */
function failure(identifier: number, text: string): Uint8Array {
  return encodeChapPacket({ type: 'failure', identifier, message: encodeUtf8(text) });
}

describe('RC4 (RFC 2759 §8.11)', () => {
  it('RFC 6229 §2 key 0x0102030405, keystream octets 0-15', () => {
    expect(toHex(rc4(fromHex('0102030405'), new Uint8Array(16)))).toBe(
      'b2396305f03dc027ccc3524a0a1118a8',
    );
  });
  it.skipIf(skipReason !== undefined)('equals OpenSSL rc4 on 50 random key/data pairs', () => {
    rc4Inputs.forEach(([k, d], i) => {
      expect(toHex(rc4(k, d))).toBe(expected!.rc4[i]);
    });
  });
});

describe.skipIf(skipReason !== undefined)(
  'Change-Password vectors (RFC 2759 §7, §8.9–8.13)',
  () => {
    it("the child's ChallengeResponse reproduces RFC 2759 §9.2's NT-Response", () => {
      expect(expected!.rfcNtResponse).toBe(toHex(fromHex(rfc.ntResponse)));
    });

    it('EncryptPwBlockWithPasswordHash equals the independent computation; decrypting recovers it', () => {
      const oldHash = fromHex(rfc.passwordHash);
      const block = encryptPwBlockWithPasswordHash(passwordToUtf16le(newPassword), oldHash, fill);
      expect(toHex(block)).toBe(expected!.encryptedPassword);
      const back = decryptPwBlockWithPasswordHash(block, oldHash);
      expect(utf16leToPassword(back!)).toBe(newPassword);
      // With another key the length field decrypts to garbage: almost surely over 512 or odd.
      expect(decryptPwBlockWithPasswordHash(block, ntPasswordHash('wrong'))).toBeUndefined();
    });

    it('the peer answers Failure E=648 with a Change-Password whose every field is as computed', () => {
      const peer = new ChapPeer({
        algorithm: 'mschapv2',
        name: rfc.userName,
        password: rfc.password,
        newPassword: () => newPassword,
        randomBytes: queuedRandom(new Uint8Array(16), peerChallenge, fill),
      });
      const challenge = encodeChapPacket({
        type: 'challenge',
        identifier: 9,
        value: new Uint8Array(16),
        name: encodeUtf8('srv'),
      });
      peer.receive(challenge, 0);
      const text = `E=648 R=0 C=${toHex(failureChallenge).toUpperCase()} V=3 M=Password expired`;
      const step = peer.receive(failure(9, text), 1);
      expect(step.outcome).toBeUndefined();
      const bytes = step.send!;
      expect(bytes.length).toBe(586);
      expect([bytes[0], bytes[1], (bytes[2]! << 8) | bytes[3]!]).toEqual([7, 10, 586]);
      expect(toHex(bytes.subarray(4, 520))).toBe(expected!.encryptedPassword);
      expect(toHex(bytes.subarray(520, 536))).toBe(expected!.encryptedHash);
      expect(toHex(bytes.subarray(536, 552))).toBe(toHex(peerChallenge));
      expect(toHex(bytes.subarray(552, 560))).toBe('00'.repeat(8));
      expect(toHex(bytes.subarray(560, 584))).toBe(expected!.ntResponse);
      expect(toHex(bytes.subarray(584, 586))).toBe('0000');
      // The authenticator response is checked against the NEW password.
      const success = encodeChapPacket({
        type: 'success',
        identifier: 10,
        message: encodeUtf8(`${expected!.authenticatorResponse} M=changed`),
      });
      const done = peer.receive(success, 2);
      expect(done.outcome).toMatchObject({
        type: 'success',
        passwordChanged: true,
        message: 'changed',
      });
      if (done.outcome?.type !== 'success' || done.outcome.keys.algorithm !== 'mschapv2') {
        throw new Error('expected MS-CHAPv2 keys');
      }
      expect(toHex(done.outcome.keys.passwordHashHash)).toBe(expected!.passwordHashHash);
      expect(toHex(done.outcome.keys.ntResponse)).toBe(expected!.ntResponse);
    });

    it('the authenticator decrypts and verifies that packet and answers with the S= for the new password', () => {
      let stored: string | undefined;
      const auth = new ChapAuthenticator({
        algorithm: 'mschapv2',
        name: 'srv',
        lookupPassword: () => rfc.password,
        passwordExpired: () => stored === undefined,
        changePassword: (user, pw) => {
          expect(user).toBe(rfc.userName);
          stored = pw;
          return true;
        },
        randomBytes: queuedRandom(
          Uint8Array.of(41),
          fromHex(rfc.authenticatorChallenge),
          failureChallenge,
        ),
      });
      auth.start(0);
      const response = encodeChapPacket({
        type: 'response',
        identifier: 41,
        value: Uint8Array.from([
          ...fromHex(rfc.peerChallenge),
          ...new Uint8Array(8),
          ...fromHex(rfc.ntResponse),
          0,
        ]),
        name: encodeUtf8(rfc.userName),
      });
      const expiredStep = auth.receive(response, 1);
      expect(auth.state).toBe('password-expired');
      const f = decodeChapPacket(expiredStep.send!);
      expect(f).toMatchObject({ type: 'failure', identifier: 41 });
      const parsed = parseMschapFailure(decodeUtf8((f as { message: Uint8Array }).message));
      expect(parsed).toMatchObject({ error: 648, retryAllowed: false, version: 3 });
      expect(toHex(parsed.challenge!)).toBe(toHex(failureChallenge));
      const cpw = encodeChapPacket({
        type: 'change-password',
        identifier: 42,
        encryptedPassword: fromHex(expected!.encryptedPassword),
        encryptedHash: fromHex(expected!.encryptedHash),
        peerChallenge,
        ntResponse: fromHex(expected!.ntResponse),
        flags: 0,
      });
      const step = auth.receive(cpw, 2);
      expect(stored).toBe(newPassword);
      expect(step.outcome).toMatchObject({
        type: 'success',
        passwordChanged: true,
        peerName: 'User',
      });
      const s = decodeChapPacket(step.send!);
      expect(s).toMatchObject({ type: 'success', identifier: 42 });
      expect(decodeUtf8((s as { message: Uint8Array }).message)).toBe(
        `${expected!.authenticatorResponse} M=Access granted`,
      );
    });
  },
);

describe('Change-Password packet codec (RFC 2759 §7)', () => {
  const packet = {
    type: 'change-password' as const,
    identifier: 200,
    encryptedPassword: new Uint8Array(randomBytes(516)),
    encryptedHash: new Uint8Array(randomBytes(16)),
    peerChallenge: new Uint8Array(randomBytes(16)),
    ntResponse: new Uint8Array(randomBytes(24)),
    flags: 0,
  };

  it('round-trips, Length 586, Reserved zero', () => {
    const bytes = encodeChapPacket(packet);
    expect(bytes.length).toBe(CHANGE_PASSWORD_LENGTH);
    expect(decodeChapPacket(bytes)).toEqual(packet);
  });

  it('a Length other than 586 is MSCHAP_BAD_LENGTH; a short buffer MSCHAP_TRUNCATED', () => {
    const bytes = encodeChapPacket(packet);
    const short = bytes.slice(0, 585);
    short[3] = 585 & 0xff;
    short[2] = 585 >> 8;
    expect(() => decodeChapPacket(short)).toThrow(
      expect.objectContaining({ code: 'MSCHAP_BAD_LENGTH' }),
    );
    expect(() => decodeChapPacket(bytes.subarray(0, 300))).toThrow(
      expect.objectContaining({ code: 'MSCHAP_TRUNCATED' }),
    );
  });

  it('refuses to encode wrong field sizes', () => {
    expect(() => encodeChapPacket({ ...packet, encryptedHash: new Uint8Array(15) })).toThrow(
      RangeError,
    );
  });
});

/** Runs one exchange between a peer and an authenticator until both settle. */
function run(
  peerOptions: { password: string; newPassword?: () => string | undefined },
  authOptions: Partial<ChapAuthenticatorOptions>,
  tamper: (bytes: Uint8Array) => Uint8Array = (b) => b,
): { peerSteps: ChapStep[]; authSteps: ChapStep[]; peer: ChapPeer; auth: ChapAuthenticator } {
  const peer = new ChapPeer({
    algorithm: 'mschapv2',
    name: 'alice',
    password: peerOptions.password,
    ...(peerOptions.newPassword === undefined ? {} : { newPassword: peerOptions.newPassword }),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
  const auth = new ChapAuthenticator({
    algorithm: 'mschapv2',
    name: 'srv',
    lookupPassword: () => 'old secret',
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    ...authOptions,
  });
  const peerSteps: ChapStep[] = [];
  const authSteps: ChapStep[] = [];
  let toPeer = auth.start(0).send;
  for (let i = 0; i < 10 && toPeer !== undefined; i++) {
    const p = peer.receive(toPeer, i);
    peerSteps.push(p);
    toPeer = undefined;
    if (p.send === undefined) break;
    const a = auth.receive(p.send[0] === 7 ? tamper(p.send) : p.send, i);
    authSteps.push(a);
    toPeer = a.send;
  }
  return { peerSteps, authSteps, peer, auth };
}

const outcomeOf = (steps: ChapStep[]) => steps.find((s) => s.outcome !== undefined)?.outcome;

describe('password change between ChapPeer and ChapAuthenticator', () => {
  it('expired + accepted: both succeed with keys of the new password; re-authentication uses it', () => {
    let current = 'old secret';
    const r = run(
      { password: 'old secret', newPassword: () => 'new secret' },
      {
        lookupPassword: () => current,
        passwordExpired: () => current === 'old secret',
        changePassword: (_u, pw) => {
          current = pw;
          return true;
        },
      },
    );
    const p = outcomeOf(r.peerSteps);
    const a = outcomeOf(r.authSteps);
    expect(p).toMatchObject({ type: 'success', passwordChanged: true });
    expect(a).toMatchObject({ type: 'success', passwordChanged: true, peerName: 'alice' });
    expect(current).toBe('new secret');
    if (p?.type !== 'success' || a?.type !== 'success') throw new Error('no success');
    expect(p.keys).toEqual(a.keys);
    const hashHash = (p.keys as { passwordHashHash: Uint8Array }).passwordHashHash;
    expect(toHex(hashHash)).not.toBe(toHex(ntPasswordHash('old secret')));
    // Periodic re-authentication: the peer now answers with the new password.
    const again = r.auth.start(100);
    const resp = r.peer.receive(again.send!, 100);
    expect(r.auth.receive(resp.send!, 100).outcome).toMatchObject({ type: 'success' });
  });

  it('expired + application refuses: Failure E=709, MSCHAP_CHANGING_PASSWORD on both sides', () => {
    const r = run(
      { password: 'old secret', newPassword: () => 'new secret' },
      { passwordExpired: () => true, changePassword: () => false },
    );
    expect(outcomeOf(r.peerSteps)).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_CHANGING_PASSWORD' },
    });
    expect(outcomeOf(r.authSteps)).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_CHANGING_PASSWORD' },
    });
  });

  it('expired, server cannot change: MSCHAP_PASSWORD_EXPIRED there, E=709 to a Change-Password', () => {
    const r = run(
      { password: 'old secret', newPassword: () => 'new secret' },
      { passwordExpired: () => true },
    );
    expect(outcomeOf(r.authSteps)).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_PASSWORD_EXPIRED' },
    });
    expect(r.auth.state).toBe('failed');
    // The peer tried anyway and got a definite Failure, not silence.
    expect(r.peerSteps[1]!.send![0]).toBe(7);
    expect(outcomeOf(r.peerSteps)).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_CHANGING_PASSWORD' },
    });
  });

  it('expired, peer has no new password: MSCHAP_PASSWORD_EXPIRED, as before this feature', () => {
    for (const newPassword of [undefined, () => undefined]) {
      const r = run(
        { password: 'old secret', ...(newPassword === undefined ? {} : { newPassword }) },
        { passwordExpired: () => true, changePassword: () => true },
      );
      const p = outcomeOf(r.peerSteps);
      expect(p).toMatchObject({ type: 'failure', error: { code: 'MSCHAP_PASSWORD_EXPIRED' } });
      expect(p?.type === 'failure' && p.error).toBeInstanceOf(AuthenticationError);
      expect(r.auth.state).toBe('password-expired');
    }
  });

  it.each([
    ['Encrypted-Hash', 530],
    ['NT-Response', 570],
    ['Encrypted-Password length', 520 - 2],
  ])('a Change-Password with a flipped %s octet is refused with E=691', (_what, offset) => {
    let changed = false;
    const r = run(
      { password: 'old secret', newPassword: () => 'new secret' },
      {
        passwordExpired: () => true,
        changePassword: () => {
          changed = true;
          return true;
        },
      },
      (b) => {
        const c = b.slice();
        c[offset]! ^= 0x40;
        return c;
      },
    );
    expect(changed).toBe(false);
    expect(outcomeOf(r.authSteps)).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_AUTH_FAILED' },
    });
    expect(outcomeOf(r.peerSteps)).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_AUTH_FAILED' },
    });
  });

  it('bad input is a diagnostic, never a throw: malformed, unexpected, wrong Identifier', () => {
    const auth = new ChapAuthenticator({
      algorithm: 'mschapv2',
      name: 'srv',
      lookupPassword: () => 'old secret',
      passwordExpired: () => true,
      changePassword: () => true,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    const c = decodeChapPacket(auth.start(0).send!);
    const cpw = encodeChapPacket({
      type: 'change-password',
      identifier: (c.identifier + 1) & 0xff,
      encryptedPassword: new Uint8Array(516),
      encryptedHash: new Uint8Array(16),
      peerChallenge: new Uint8Array(16),
      ntResponse: new Uint8Array(24),
      flags: 0,
    });
    expect(auth.receive(cpw, 1).diagnostic?.reason).toBe('not-expected');
    const truncated = cpw.slice(0, 100);
    expect(auth.receive(truncated, 1).diagnostic?.reason).toBe('malformed');
    const peer = new ChapPeer({
      algorithm: 'mschapv2',
      name: 'alice',
      password: 'old secret',
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    const resp = peer.receive(encodeChapPacket(c), 1).send!;
    auth.receive(resp, 1);
    expect(auth.state).toBe('password-expired');
    const wrongId = cpw.slice();
    wrongId[1] = (wrongId[1]! + 5) & 0xff;
    expect(auth.receive(wrongId, 2).diagnostic?.reason).toBe('unexpected-identifier');
    expect(peer.receive(cpw, 2).diagnostic?.reason).toBe('unexpected-code');
    // A retransmitted Response after E=648 gets the same Failure again.
    const first = auth.receive(resp, 3).send!;
    expect(decodeUtf8(first)).toContain('E=648');
  });

  it('property: arbitrary bytes and random Change-Password packets never throw nor change the password', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 700 }),
            fc
              .record({
                id: fc.integer({ min: 0, max: 255 }),
                encryptedPassword: fc.uint8Array({ minLength: 516, maxLength: 516 }),
                encryptedHash: fc.uint8Array({ minLength: 16, maxLength: 16 }),
                peerChallenge: fc.uint8Array({ minLength: 16, maxLength: 16 }),
                ntResponse: fc.uint8Array({ minLength: 24, maxLength: 24 }),
                flags: fc.integer({ min: 0, max: 0xffff }),
              })
              .map(({ id, ...f }) =>
                encodeChapPacket({ type: 'change-password', identifier: id, ...f }),
              ),
          ),
          { maxLength: 8 },
        ),
        (inputs) => {
          let changed = 0;
          const auth = new ChapAuthenticator({
            algorithm: 'mschapv2',
            name: 'srv',
            lookupPassword: () => 'old secret',
            passwordExpired: () => true,
            changePassword: () => {
              changed++;
              return true;
            },
            randomBytes: (n) => new Uint8Array(randomBytes(n)),
          });
          const peer = new ChapPeer({
            algorithm: 'mschapv2',
            name: 'alice',
            password: 'old secret',
            newPassword: () => 'new secret',
            randomBytes: (n) => new Uint8Array(randomBytes(n)),
          });
          auth.receive(peer.receive(auth.start(0).send!, 0).send!, 0);
          for (const bytes of inputs) {
            auth.receive(bytes, 1);
            peer.receive(bytes, 1);
          }
          expect(changed).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a new password MS-CHAP cannot use (over 256 characters) fails with MSCHAP_PASSWORD_TOO_LONG', () => {
    const r = run(
      { password: 'old secret', newPassword: () => 'x'.repeat(257) },
      { passwordExpired: () => true, changePassword: () => true },
    );
    expect(outcomeOf(r.peerSteps)).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_PASSWORD_TOO_LONG' },
    });
  });

  it('no Change-Password within changePasswordTimeout: MSCHAP_TIMEOUT', () => {
    const auth = new ChapAuthenticator({
      algorithm: 'mschapv2',
      name: 'srv',
      lookupPassword: () => 'old secret',
      passwordExpired: () => true,
      changePassword: () => true,
      changePasswordTimeout: 5000,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    const peer = new ChapPeer({
      algorithm: 'mschapv2',
      name: 'alice',
      password: 'old secret',
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    const resp = peer.receive(auth.start(0).send!, 0).send!;
    const step = auth.receive(resp, 10);
    expect(step.deadline).toBe(5010);
    expect(auth.timeout(5009)).toEqual({ deadline: 5010 });
    const out = auth.timeout(5010).outcome;
    expect(out?.type === 'failure' && out.error).toBeInstanceOf(TimeoutError);
    expect(out).toMatchObject({ error: { code: 'MSCHAP_TIMEOUT' } });
  });
});
