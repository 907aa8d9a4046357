import { AuthenticationError, toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMschapFailure,
  mschapFailureToError,
  parseMschapFailure,
  parseMschapv2Success,
} from '../src/index.js';

describe('MS-CHAP Failure message (RFC 2759 §6, RFC 2433 §3)', () => {
  it('parses a Windows-style MS-CHAPv2 failure with a spaced M= text', () => {
    const f = parseMschapFailure(
      'E=691 R=1 C=0123456789ABCDEF0123456789abcdef V=3 M=The user name or password is incorrect.',
    );
    expect(f.error).toBe(691);
    expect(f.retryAllowed).toBe(true);
    expect(toHex(f.challenge!)).toBe('0123456789abcdef0123456789abcdef');
    expect(f.version).toBe(3);
    expect(f.message).toBe('The user name or password is incorrect.');
  });

  it('parses an MS-CHAPv1 failure without M= and with an 8-byte challenge (RFC 2433 §3)', () => {
    const f = parseMschapFailure('E=648 R=0 C=102DB5DF085D3041 V=2');
    expect(f).toEqual({
      error: 648,
      retryAllowed: false,
      challenge: Uint8Array.of(0x10, 0x2d, 0xb5, 0xdf, 0x08, 0x5d, 0x30, 0x41),
      version: 2,
      message: undefined,
    });
  });

  it('tolerates missing and odd fields', () => {
    expect(parseMschapFailure('E=691')).toEqual({
      error: 691,
      retryAllowed: false,
      challenge: undefined,
      version: undefined,
      message: undefined,
    });
    expect(parseMschapFailure('')).toMatchObject({ error: undefined, retryAllowed: false });
    expect(parseMschapFailure('Authentication failed').error).toBeUndefined();
    expect(parseMschapFailure('E=abc R=yes').error).toBeUndefined();
    expect(parseMschapFailure('E=691 R=yes').retryAllowed).toBe(false);
    expect(parseMschapFailure('E=691 C=XYZ').challenge).toBeUndefined();
    expect(parseMschapFailure('E=691 C=ABC').challenge).toBeUndefined();
    expect(parseMschapFailure('E=99999999999 V=').error).toBeUndefined();
    const spaced = parseMschapFailure('  E=649   R=1  X=5 M=');
    expect(spaced).toMatchObject({ error: 649, retryAllowed: true, message: '' });
    expect(parseMschapFailure('M=E=647 R=1').error).toBeUndefined();
    expect(parseMschapFailure('M=E=647 R=1').message).toBe('E=647 R=1');
  });

  it('property: never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const f = parseMschapFailure(text);
        expect(typeof f.retryAllowed).toBe('boolean');
      }),
    );
  });

  it('property: format then parse returns the fields', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_999_999 }),
        fc.boolean(),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 16 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        (error, retryAllowed, challenge, version, message) => {
          const f = { error, retryAllowed, challenge, version, message };
          expect(parseMschapFailure(formatMschapFailure(f))).toEqual(f);
        },
      ),
    );
  });

  const table: [number, string][] = [
    [646, 'MSCHAP_RESTRICTED_LOGON_HOURS'],
    [647, 'MSCHAP_ACCOUNT_DISABLED'],
    [648, 'MSCHAP_PASSWORD_EXPIRED'],
    [649, 'MSCHAP_NO_DIALIN_PERMISSION'],
    [691, 'MSCHAP_AUTH_FAILED'],
    [709, 'MSCHAP_CHANGING_PASSWORD'],
    [733, 'MSCHAP_UNKNOWN_FAILURE'],
  ];
  for (const [e, code] of table) {
    it(`E=${e} becomes AuthenticationError ${code} with its details`, () => {
      const err = mschapFailureToError(
        parseMschapFailure(`E=${e} R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=nope`),
      );
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(err.code).toBe(code);
      expect(err.details).toEqual({
        mschapError: e,
        retryAllowed: true,
        challenge: '00112233445566778899aabbccddeeff',
        version: 3,
        serverMessage: 'nope',
      });
      expect(err.message).toContain(String(e));
    });
  }

  it('a Failure without E= is MSCHAP_UNKNOWN_FAILURE', () => {
    const err = mschapFailureToError(parseMschapFailure('go away'));
    expect(err.code).toBe('MSCHAP_UNKNOWN_FAILURE');
    expect(err.details.mschapError).toBeUndefined();
  });
});

describe('MS-CHAPv2 Success message (RFC 2759 §5)', () => {
  const s = 'S=407A5589115FD0D6209F510FE9C04566932CDA56';
  it('splits S= and M=', () => {
    expect(parseMschapv2Success(`${s} M=Welcome`)).toEqual({
      authenticatorResponse: s,
      message: 'Welcome',
    });
    expect(parseMschapv2Success(s)).toEqual({ authenticatorResponse: s, message: undefined });
  });
  it('reports a missing or malformed S=', () => {
    expect(parseMschapv2Success('M=Welcome').authenticatorResponse).toBeUndefined();
    expect(parseMschapv2Success('M=Welcome').message).toBe('Welcome');
    expect(parseMschapv2Success(`${s}0 M=x`).authenticatorResponse).toBeUndefined();
    expect(parseMschapv2Success(s.slice(0, 30)).authenticatorResponse).toBeUndefined();
    expect(parseMschapv2Success('').authenticatorResponse).toBeUndefined();
  });
});
