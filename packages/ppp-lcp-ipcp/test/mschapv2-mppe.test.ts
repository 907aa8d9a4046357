import { DEFAULT_MPPE_POLICY, mppeCcpPolicy } from '@pptpkit/mppe';
import { ChapAuthenticator, ChapPeer } from '@pptpkit/mschapv2';
import { toHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuthMethod, CHAP_ALGORITHM, decodeLcpOption, PPP_PROTOCOL } from '../src/index.js';
import { decodeSent, optionsOf, sentPackets } from './decode-helpers.js';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';

/** A CHAP Success (code 3) frame, with or without the FF 03 header. */
function isChapSuccess(frame: Uint8Array): boolean {
  const h = decodeSent(frame);
  return h.protocol === PPP_PROTOCOL.CHAP && h.code === 3;
}

const USERS: Record<string, string> = { alice: 'correct horse' };

function mschapv2Peer(password: string): AuthMethod {
  return {
    protocol: PPP_PROTOCOL.CHAP,
    algorithm: CHAP_ALGORITHM.MSCHAP_V2,
    create: () =>
      new ChapPeer({
        algorithm: 'mschapv2',
        name: 'alice',
        password,
        randomBytes: seededRandom(99),
      }),
  };
}

const mschapv2Authenticator: AuthMethod = {
  protocol: PPP_PROTOCOL.CHAP,
  algorithm: CHAP_ALGORITHM.MSCHAP_V2,
  create: () =>
    new ChapAuthenticator({
      algorithm: 'mschapv2',
      name: 'pptpd',
      randomBytes: seededRandom(98),
      lookupPassword: (name) => USERS[name],
    }),
};

function scenario(password: string): BackToBack {
  const ccp = mppeCcpPolicy(DEFAULT_MPPE_POLICY);
  return new BackToBack(
    {
      randomBytes: seededRandom(61),
      policy: { acceptAuth: [mschapv2Peer(password)], ccp, requireMppe: true },
      ipcp: { requestDns: true },
    },
    {
      randomBytes: seededRandom(62),
      policy: { requireAuth: [mschapv2Authenticator], ccp, requireMppe: true },
      ipcp: {
        localAddress: ipv4('192.168.100.1'),
        peerAddress: ipv4('192.168.100.10'),
        dns: [ipv4('192.168.100.1')],
      },
    },
  );
}

describe('LCP + MS-CHAPv2 (@pptpkit/mschapv2) + CCP MPPE-128 stateless (@pptpkit/mppe) + IPCP', () => {
  it('client and server reach up with matching key material', () => {
    const b = scenario('correct horse');
    b.start();
    b.run(10_000);
    // The server asks for CHAP with algorithm 0x81 as pppd does (`auth chap MS-v2`).
    const req = sentPackets(b.actions('server', 'send')).find(
      (p) => p.protocol === PPP_PROTOCOL.LCP && p.code === 1,
    )!;
    expect(optionsOf(req).map(decodeLcpOption)).toContainEqual({
      type: 'auth',
      protocol: PPP_PROTOCOL.CHAP,
      data: Uint8Array.of(0x81),
    });
    const up = b.actions('client', 'up')[0];
    expect(up).toMatchObject({
      local: '192.168.100.10',
      peer: '192.168.100.1',
      dns: ['192.168.100.1'],
      mppe: { keyBits: 128, stateless: true, mppc: false },
    });
    expect(b.actions('server', 'up')[0]?.mppe).toEqual({
      keyBits: 128,
      stateless: true,
      mppc: false,
    });
    const clientAuth = b.actions('client', 'authenticated')[0];
    const serverAuth = b.actions('server', 'authenticated')[0];
    expect(serverAuth?.peerName).toBe('alice');
    const ck = clientAuth?.keys as {
      algorithm: string;
      passwordHashHash: Uint8Array;
      ntResponse: Uint8Array;
    };
    const sk = serverAuth?.keys as typeof ck;
    expect(ck.algorithm).toBe('mschapv2');
    expect(toHex(ck.passwordHashHash)).toBe(toHex(sk.passwordHashHash));
    expect(toHex(ck.ntResponse)).toBe(toHex(sk.ntResponse));
    // Each side sends network-control traffic only after its authentication is done (RFC 1661 §3.5).
    for (const side of ['client', 'server'] as const) {
      const mine = b.log.filter((l) => l.side === side);
      const authDone = mine.map((l) => l.action.type).lastIndexOf('authenticated');
      const firstNcp = mine.findIndex(
        (l) =>
          l.action.type === 'send' &&
          ([PPP_PROTOCOL.IPCP, PPP_PROTOCOL.CCP] as number[]).includes(
            decodeSent(l.action.frame).protocol,
          ),
      );
      expect(authDone).toBeGreaterThan(0);
      expect(firstNcp).toBeGreaterThan(authDone);
    }
  });

  it('a wrong password ends in PPP_AUTH_FAILED on both sides, never up', () => {
    const b = scenario('wrong');
    b.start();
    b.run(30_000);
    expect(b.actions('client', 'up')).toHaveLength(0);
    const down = b.actions('client', 'down')[0];
    expect(down?.reason.code).toBe('PPP_AUTH_FAILED');
    expect(down?.reason.message).not.toContain('wrong');
    expect(b.actions('server', 'down')[0]?.reason.code).toBe('PPP_AUTH_FAILED');
  });

  it('survives any ≤ 5 lost frames among the first 40, CHAP Success included (fast-check)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(39), { maxLength: 5 }), (lost) => {
        const b = scenario('correct horse');
        let n = 0;
        b.filter = (_from, frame) => (lost.includes(n++) ? [] : [frame]);
        b.start();
        b.run(120_000);
        expect(b.actions('client', 'down')).toHaveLength(0);
        expect(b.actions('client', 'up')).toHaveLength(1);
        expect(b.actions('client', 'up')[0]?.mppe).toEqual({
          keyBits: 128,
          stateless: true,
          mppc: false,
        });
        expect(b.actions('server', 'up')).toHaveLength(1);
      }),
      { numRuns: 60 },
    );
  });

  it('a lost CHAP Success: the client repeats its Response, the server its Success, both up (RFC 1994 §4.1)', () => {
    const b = scenario('correct horse');
    let dropped = 0;
    b.filter = (_from, frame) => {
      if (isChapSuccess(frame) && dropped === 0) {
        dropped++;
        return [];
      }
      return [frame];
    };
    b.start();
    b.run(30_000);
    expect(dropped).toBe(1);
    // The server is in its Network phase at once; the client, still authenticating, discards
    // its CCP and IPCP packets (RFC 1661 §3.5) until the repeated Response brings the Success.
    const lostAt = b.log.find(
      (l) => l.side === 'server' && l.action.type === 'send' && isChapSuccess(l.action.frame),
    )!.at;
    const chap = (side: 'client' | 'server', code: number) =>
      b.log.filter(
        (l) =>
          l.side === side &&
          l.action.type === 'send' &&
          decodeSent(l.action.frame).protocol === PPP_PROTOCOL.CHAP &&
          decodeSent(l.action.frame).code === code,
      );
    const responses = chap('client', 2);
    expect(responses).toHaveLength(2);
    expect(responses[1]!.at - responses[0]!.at).toBe(3000);
    const frames = responses.map((l) => (l.action.type === 'send' ? toHex(l.action.frame) : ''));
    expect(frames[1]).toBe(frames[0]);
    const successes = chap('server', 3);
    expect(successes).toHaveLength(2);
    expect(successes[1]!.at).toBe(responses[1]!.at);
    expect(b.actions('server', 'authenticated')).toHaveLength(1);
    expect(b.actions('client', 'authenticated')).toHaveLength(1);
    expect(b.client.counters.droppedInPhase).toBeGreaterThan(0);
    expect(b.actions('client', 'up')).toHaveLength(1);
    expect(b.actions('server', 'up')).toHaveLength(1);
    expect(b.actions('client', 'up')[0]?.mppe).toMatchObject({ keyBits: 128 });
    expect(b.log.find((l) => l.side === 'client' && l.action.type === 'up')!.at).toBeGreaterThan(
      lostAt + 3000 - 1,
    );
    expect(b.actions('client', 'down')).toHaveLength(0);
    expect(b.actions('server', 'down')).toHaveLength(0);
  });

  it('every CHAP Success lost: the client gives up after 10 Responses with PPP_AUTH_FAILED (MSCHAP_NO_SUCCESS), never up', () => {
    // A peer must not take NCP traffic as an implicit Success (MS-CHAPv2 mutual authentication).
    const b = scenario('correct horse');
    b.filter = (_from, frame) => (isChapSuccess(frame) ? [] : [frame]);
    b.start();
    b.run(120_000);
    expect(b.actions('client', 'up')).toHaveLength(0);
    const responses = sentPackets(b.actions('client', 'send')).filter(
      (p) => p.protocol === PPP_PROTOCOL.CHAP && p.code === 2,
    );
    expect(responses).toHaveLength(10);
    const down = b.actions('client', 'down')[0];
    expect(down?.reason.code).toBe('PPP_AUTH_FAILED');
    expect(down?.reason.message).toContain('no CHAP Success or Failure after 10 Responses');
    expect(b.actions('server', 'down')[0]?.reason.code).toBe('PPP_PEER_TERMINATED');
    expect(b.client.phase).toBe('dead');
  });
});
