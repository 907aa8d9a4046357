/**
 * EAP over PPP (RFC 2284): LCP negotiates Authentication-Protocol 0xC227 with no data, the link
 * routes EAP Requests/Success/Failure to the peer machine and Responses to the authenticator
 * (`@pptpkit/mschapv2`'s EAP machines), and MS-CHAP-V2 inside EAP keys MPPE.
 */
import { DEFAULT_MPPE_POLICY, mppeCcpPolicy } from '@pptpkit/mppe';
import { ChapPeer, EapAuthenticator, type EapMethod, EapPeer } from '@pptpkit/mschapv2';
import { toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { type AuthMethod, CHAP_ALGORITHM, decodeLcpOption, PPP_PROTOCOL } from '../src/index.js';
import { decodeSent, optionsOf, sentPackets } from './decode-helpers.js';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';

const USERS: Record<string, string> = { alice: 'correct horse' };

function eapPeer(password: string, methods?: readonly EapMethod[]): AuthMethod {
  return {
    protocol: PPP_PROTOCOL.EAP,
    create: () =>
      new EapPeer({
        name: 'alice',
        password,
        randomBytes: seededRandom(99),
        ...(methods === undefined ? {} : { methods }),
      }),
  };
}

function eapAuthenticator(methods: readonly EapMethod[]): AuthMethod {
  return {
    protocol: PPP_PROTOCOL.EAP,
    create: () =>
      new EapAuthenticator({
        methods,
        name: 'pptpd',
        randomBytes: seededRandom(98),
        lookupPassword: (name) => USERS[name],
      }),
  };
}

const chapPeer: AuthMethod = {
  protocol: PPP_PROTOCOL.CHAP,
  algorithm: CHAP_ALGORITHM.MSCHAP_V2,
  create: () =>
    new ChapPeer({
      algorithm: 'mschapv2',
      name: 'alice',
      password: 'correct horse',
      randomBytes: seededRandom(97),
    }),
};

function scenario(accept: AuthMethod[], require: AuthMethod[], mppe: boolean): BackToBack {
  const ccp = mppe ? mppeCcpPolicy(DEFAULT_MPPE_POLICY) : undefined;
  return new BackToBack(
    {
      randomBytes: seededRandom(61),
      policy: { acceptAuth: accept, ...(ccp ? { ccp, requireMppe: true } : {}) },
      ipcp: {},
    },
    {
      randomBytes: seededRandom(62),
      policy: { requireAuth: require, ...(ccp ? { ccp, requireMppe: true } : {}) },
      ipcp: { localAddress: ipv4('192.168.100.1'), peerAddress: ipv4('192.168.100.10') },
    },
  );
}

describe('EAP over PPP (RFC 2284)', () => {
  it('EAP-MS-CHAP-V2 + MPPE-128: LCP asks for 0xC227 without data; both sides get the same keys', () => {
    const b = scenario([eapPeer('correct horse')], [eapAuthenticator(['mschapv2'])], true);
    b.start();
    b.run(10_000);
    const req = sentPackets(b.actions('server', 'send')).find(
      (p) => p.protocol === PPP_PROTOCOL.LCP && p.code === 1,
    )!;
    expect(optionsOf(req).map(decodeLcpOption)).toContainEqual({
      type: 'auth',
      protocol: 0xc227,
      data: new Uint8Array(0),
    });
    expect(b.actions('client', 'up')[0]?.mppe).toEqual({
      keyBits: 128,
      stateless: true,
      mppc: false,
    });
    const clientAuth = b.actions('client', 'authenticated')[0];
    const serverAuth = b.actions('server', 'authenticated')[0];
    expect(serverAuth).toMatchObject({ peerName: 'alice', method: { protocol: 0xc227 } });
    const ck = clientAuth?.keys as { algorithm: string; ntResponse: Uint8Array };
    const sk = serverAuth?.keys as typeof ck;
    expect(ck.algorithm).toBe('mschapv2');
    expect(toHex(ck.ntResponse)).toBe(toHex(sk.ntResponse));
    const eapFrames = b.log.filter(
      (l) => l.action.type === 'send' && decodeSent(l.action.frame).protocol === PPP_PROTOCOL.EAP,
    );
    // Identity Request/Response, Challenge/Response, MS-CHAP-V2 Success/ack, EAP Success.
    expect(eapFrames).toHaveLength(7);
  });

  it('EAP-MD5 without MPPE reaches up; a wrong password ends in PPP_AUTH_FAILED', () => {
    const ok = scenario([eapPeer('correct horse', ['md5'])], [eapAuthenticator(['md5'])], false);
    ok.start();
    ok.run(10_000);
    expect(ok.actions('client', 'up')).toHaveLength(1);
    const bad = scenario([eapPeer('wrong', ['md5'])], [eapAuthenticator(['md5'])], false);
    bad.start();
    bad.run(30_000);
    expect(bad.actions('client', 'up')).toHaveLength(0);
    expect(bad.actions('client', 'down')[0]?.reason.code).toBe('PPP_AUTH_FAILED');
    expect(bad.actions('server', 'down')[0]?.reason.code).toBe('PPP_AUTH_FAILED');
  });

  it('a client that accepts only EAP Naks MS-CHAPv2 towards EAP (RFC 1661 §6.2)', () => {
    const b = scenario(
      [eapPeer('correct horse')],
      [
        {
          protocol: PPP_PROTOCOL.CHAP,
          algorithm: CHAP_ALGORITHM.MSCHAP_V2,
          create: () => {
            throw new Error('not chosen');
          },
        },
        eapAuthenticator(['mschapv2']),
      ],
      false,
    );
    b.start();
    b.run(10_000);
    expect(b.actions('server', 'authenticated')[0]?.method).toEqual({ protocol: 0xc227 });
    expect(b.actions('client', 'up')).toHaveLength(1);
  });

  it('a server requiring EAP from a client that refuses it: PPP_AUTH_REFUSED', () => {
    const b = scenario([chapPeer], [eapAuthenticator(['mschapv2'])], false);
    b.start();
    b.run(30_000);
    expect(b.actions('client', 'up')).toHaveLength(0);
    expect(b.actions('client', 'down')[0]?.reason.code).toBe('PPP_AUTH_REFUSED');
  });
});
