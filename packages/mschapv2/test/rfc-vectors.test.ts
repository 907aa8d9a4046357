import { AuthenticationError, encodeUtf8, fromHex, toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  challengeHash,
  challengeResponse,
  checkAuthenticatorResponse,
  desEncrypt7,
  expandDesKey,
  generateAuthenticatorResponse,
  generateNtResponse,
  hashNtPasswordHash,
  lmPasswordHash,
  MAX_PASSWORD_LENGTH,
  md4,
  ntChallengeResponse,
  ntPasswordHash,
  passwordToUtf16le,
} from '../src/index.js';
import { loadVectors } from './load-vectors.js';

const v = loadVectors();
const hex = (s: string): string => toHex(fromHex(s));

describe('MD4 test suite (RFC 1320 §A.5)', () => {
  for (const c of v.rfc1320_a_5.cases) {
    it(`RFC 1320 §A.5: MD4("${c.input.length > 20 ? `${c.input.slice(0, 16)}...` : c.input}")`, () => {
      expect(toHex(md4(encodeUtf8(c.input)))).toBe(c.md4);
    });
  }
});

describe('MS-CHAPv2 hash example (RFC 2759 §9.2)', () => {
  const x = v.rfc2759_9_2;
  const user = encodeUtf8(x.userName);
  const authChallenge = fromHex(x.authenticatorChallenge);
  const peerChallenge = fromHex(x.peerChallenge);

  it('RFC 2759 §9.2: UserName and Password (UTF-16LE) encodings', () => {
    expect(toHex(user)).toBe(hex(x.userNameHex));
    expect(toHex(passwordToUtf16le(x.password))).toBe(hex(x.passwordUtf16leHex));
  });

  it('RFC 2759 §9.2: ChallengeHash', () => {
    expect(toHex(challengeHash(peerChallenge, authChallenge, user))).toBe(hex(x.challenge));
  });

  it('RFC 2759 §9.2: NtPasswordHash and HashNtPasswordHash', () => {
    const hash = ntPasswordHash(x.password);
    expect(toHex(hash)).toBe(hex(x.passwordHash));
    expect(toHex(hashNtPasswordHash(hash))).toBe(hex(x.passwordHashHash));
  });

  it('RFC 2759 §9.2: GenerateNTResponse', () => {
    const nt = generateNtResponse(authChallenge, peerChallenge, user, ntPasswordHash(x.password));
    expect(toHex(nt)).toBe(hex(x.ntResponse));
    expect(toHex(challengeResponse(fromHex(x.challenge), fromHex(x.passwordHash)))).toBe(
      hex(x.ntResponse),
    );
  });

  it('RFC 2759 §9.2: GenerateAuthenticatorResponse', () => {
    const s = generateAuthenticatorResponse(
      fromHex(x.passwordHash),
      fromHex(x.ntResponse),
      peerChallenge,
      authChallenge,
      user,
    );
    expect(s).toBe(x.authenticatorResponse);
  });

  it('RFC 2759 §8.8/§9.2: CheckAuthenticatorResponse accepts the vector, lower-case hex too, and rejects any change', () => {
    const args = [
      fromHex(x.passwordHash),
      fromHex(x.ntResponse),
      peerChallenge,
      authChallenge,
      user,
    ] as const;
    expect(checkAuthenticatorResponse(...args, x.authenticatorResponse)).toBe(true);
    expect(
      checkAuthenticatorResponse(...args, `S=${x.authenticatorResponse.slice(2).toLowerCase()}`),
    ).toBe(true);
    for (let i = 2; i < x.authenticatorResponse.length; i++) {
      const c = x.authenticatorResponse[i] === '0' ? '1' : '0';
      const tampered =
        x.authenticatorResponse.slice(0, i) + c + x.authenticatorResponse.slice(i + 1);
      expect(checkAuthenticatorResponse(...args, tampered)).toBe(false);
    }
    expect(checkAuthenticatorResponse(...args, x.authenticatorResponse.slice(0, 41))).toBe(false);
    expect(checkAuthenticatorResponse(...args, `${x.authenticatorResponse}0`)).toBe(false);
    expect(checkAuthenticatorResponse(...args, x.authenticatorResponse.replace('S=', 's='))).toBe(
      false,
    );
  });
});

describe('DES key parity example (RFC 2759 §9.3)', () => {
  const x = v.rfc2759_9_3;
  it('RFC 2759 §9.3: NtPasswordHash("MyPw")', () => {
    expect(toHex(ntPasswordHash(x.password))).toBe(hex(x.passwordHash));
  });
  for (const k of x.keys) {
    it(`RFC 2759 §9.3: ${k.raw} expands to ${k.parity}`, () => {
      expect(toHex(expandDesKey(fromHex(k.raw)))).toBe(hex(k.parity));
    });
  }
});

describe('MS-CHAPv1 example (RFC 2433 §B.2)', () => {
  const x = v.rfc2433_b_2;
  it('RFC 2433 §B.2: NtPassword is UTF-16LE', () => {
    expect(toHex(passwordToUtf16le(x.password))).toBe(hex(x.passwordUtf16leHex));
  });
  it('RFC 2433 §B.2: NtPasswordHash', () => {
    expect(toHex(ntPasswordHash(x.password))).toBe(hex(x.passwordHash));
  });
  it('RFC 2433 §B.2: NtChallengeResponse', () => {
    expect(toHex(ntChallengeResponse(fromHex(x.challenge), ntPasswordHash(x.password)))).toBe(
      hex(x.ntChallengeResponse),
    );
  });
});

describe('LmPasswordHash (RFC 2433 §A.1, value from RFC 3079 §2.5)', () => {
  it('RFC 3079 §2.5: LmPasswordHash("clientPass")', () => {
    expect(toHex(lmPasswordHash(v.rfc3079_2_5.password))).toBe(v.rfc3079_2_5.lmPasswordHash);
  });
  it('RFC 2433 §A.1: upper-cases the password and uses 14 bytes only', () => {
    const base = lmPasswordHash('CLIENTPASS');
    expect(toHex(lmPasswordHash('clientpass'))).toBe(toHex(base));
    expect(toHex(lmPasswordHash('abcdefghijklmnXYZ'))).toBe(
      toHex(lmPasswordHash('ABCDEFGHIJKLMN')),
    );
    expect(toHex(lmPasswordHash('abcdefghijklm'))).not.toBe(
      toHex(lmPasswordHash('ABCDEFGHIJKLMN')),
    );
  });
  it('RFC 2433 §A.1: each half is DesHash of KGS!@#$% under 7 password bytes', () => {
    const first = desEncrypt7(encodeUtf8('KGS!@#$%'), encodeUtf8('CLIENTP'));
    const second = desEncrypt7(encodeUtf8('KGS!@#$%'), Uint8Array.of(0x41, 0x53, 0x53, 0, 0, 0, 0));
    expect(toHex(lmPasswordHash('clientPass'))).toBe(toHex(first) + toHex(second));
  });
});

describe('password limits (RFC 2759 §8.3: 0 to 256 Unicode characters)', () => {
  it('accepts 0 and 256 characters', () => {
    expect(passwordToUtf16le('').length).toBe(0);
    expect(passwordToUtf16le('x'.repeat(MAX_PASSWORD_LENGTH)).length).toBe(512);
    expect(toHex(passwordToUtf16le('é€'))).toBe('e900ac20');
  });
  it('rejects 257 characters with MSCHAP_PASSWORD_TOO_LONG and no password text', () => {
    const secret = `S3cr3t-${'q'.repeat(250)}`;
    let caught: unknown;
    try {
      ntPasswordHash(secret);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AuthenticationError);
    const err = caught as AuthenticationError;
    expect(err.code).toBe('MSCHAP_PASSWORD_TOO_LONG');
    expect(err.message).not.toContain('S3cr3t');
    expect(JSON.stringify(err.details)).not.toContain('S3cr3t');
  });
});
