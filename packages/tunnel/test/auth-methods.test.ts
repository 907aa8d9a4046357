import { CHAP_ALGORITHM, PPP_PROTOCOL } from '@pptpkit/ppp-lcp-ipcp';
import { describe, expect, it } from 'vitest';
import { clientAuthMethods } from '../src/auth-methods.js';

const random = (n: number) => new Uint8Array(n).fill(7);

describe('clientAuthMethods', () => {
  it('a secret MS-CHAP cannot use (over 256 characters, RFC 2759 §9.1) fails the exchange with a typed error, never throws', () => {
    const [v2] = clientAuthMethods(
      ['mschap-v2'],
      { user: 'u', chapSecret: 'x'.repeat(257) },
      random,
    );
    expect(v2).toMatchObject({ protocol: PPP_PROTOCOL.CHAP, algorithm: CHAP_ALGORITHM.MSCHAP_V2 });
    const machine = v2!.create();
    expect(machine.start?.(0).outcome).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_PASSWORD_TOO_LONG' },
    });
    expect(machine.receive(new Uint8Array(4), 0).outcome?.type).toBe('failure');
  });

  it('a method without its secret fails with AUTH_NO_SECRET', () => {
    const [pap] = clientAuthMethods(['pap'], { user: 'u' }, random);
    expect(pap!.create().start?.(0).outcome).toMatchObject({ error: { code: 'AUTH_NO_SECRET' } });
  });
});
