import { CHAP_ALGORITHM, PPP_PROTOCOL } from '@pptpkit/ppp-lcp-ipcp';
import { fromHex, toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  type Credentials,
  defaultPeerSettings,
  type PeerSettings,
} from '../../src/config/index.js';
import { secretFor, tunnelOptionsFromSettings } from '../../src/session/tunnel-options.js';

// RFC 2759 §9.2 example.
const authenticatorChallenge = fromHex('5B5D7C7D7B3F2F3E3C2C602132262628');
const peerChallenge = fromHex('21402324255E262A28295F2B3A337C7E');
const ntResponse = '82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df';

/** A CHAP Challenge packet (RFC 1994 §4.1) with the given value and server name. */
function challenge(value: Uint8Array, name: string): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const length = 5 + value.length + nameBytes.length;
  return Uint8Array.from([1, 7, length >> 8, length & 0xff, value.length, ...value, ...nameBytes]);
}

const openSettings = (): PeerSettings => {
  const s = defaultPeerSettings();
  s.mppe.required = false;
  return s;
};

/** The methods the session gives the tunnel core for these settings and credentials. */
function methods(settings: PeerSettings, credentials: Credentials) {
  const sink = {
    control: () => {},
    endControl: () => {},
    gre: () => {},
    ip: () => true,
    event: () => {},
  };
  const list = tunnelOptionsFromSettings(settings, credentials, () => peerChallenge, sink, 1000)
    .role.auth;
  const find = (protocol: number, algorithm?: number) =>
    list.find(
      (m) => m.protocol === protocol && (algorithm === undefined || m.algorithm === algorithm),
    );
  return { list, find };
}

describe('auth methods use the secret of their kind (pppd: chap-secrets vs pap-secrets)', () => {
  it('secretFor: the password option wins, else the method’s own secret', () => {
    expect(
      secretFor({ user: 'u', password: 'p', chapPassword: 'c', papPassword: 'a' }, 'pap'),
    ).toBe('p');
    expect(secretFor({ user: 'u', chapPassword: 'c', papPassword: 'a' }, 'pap')).toBe('a');
    expect(secretFor({ user: 'u', chapPassword: 'c', papPassword: 'a' }, 'chap')).toBe('c');
    expect(secretFor({ user: 'u', papPassword: 'a' }, 'chap')).toBeUndefined();
  });

  it('MS-CHAPv2 answers with the CHAP secret (RFC 2759 §9.2 NT-Response)', () => {
    const { find } = methods(openSettings(), {
      user: 'User',
      chapPassword: 'clientPass',
      papPassword: 'not this one',
    });
    const machine = find(PPP_PROTOCOL.CHAP, CHAP_ALGORITHM.MSCHAP_V2)!.create();
    const step = machine.receive(challenge(authenticatorChallenge, 'server'), 0);
    expect(step.outcome).toBeUndefined();
    // Response: header 4, value-size 1, peer challenge 16, 8 reserved, NT-Response 24, flags 1.
    expect(toHex(step.send!.subarray(5 + 24, 5 + 48))).toBe(ntResponse);
  });

  it('PAP sends the PAP secret, retransmitting as pap-restart/pap-max-authreq say', () => {
    const s = openSettings();
    s.papRestart = 2;
    s.papMaxAuthreq = 2;
    const { find } = methods(s, {
      user: 'alice',
      chapPassword: 'chap',
      papPassword: 'papPW',
    });
    const pap = find(PPP_PROTOCOL.PAP)!.create();
    const first = pap.start!(1000);
    // RFC 1334 §2.2.1: code 1, id, length, Peer-ID length, Peer-ID, Passwd length, Passwd.
    expect([...first.send!.subarray(4)]).toEqual([
      5,
      ...Buffer.from('alice'),
      5,
      ...Buffer.from('papPW'),
    ]);
    expect(first.deadline).toBe(3000);
    // The retransmission carries the same request under a new Identifier (RFC 1334 §2.2.1).
    const again = pap.timeout!(3000).send!;
    expect(again[1]).not.toBe(first.send![1]);
    expect([...again.subarray(2)]).toEqual([...first.send!.subarray(2)]);
    expect(pap.timeout!(5000).outcome?.type).toBe('failure');
  });

  it('a method the server picks without a secret fails at once with AUTH_NO_SECRET', () => {
    const { find } = methods(openSettings(), { user: 'alice', chapPassword: 'chap' });
    const step = find(PPP_PROTOCOL.PAP)!.create().start!(0);
    expect(step.send).toBeUndefined();
    expect(step.outcome).toMatchObject({
      type: 'failure',
      error: {
        code: 'AUTH_NO_SECRET',
        message:
          "the server asked for PAP, but there is no secret for 'alice' in pap-secrets (or a password option)",
      },
    });

    const papOnly = methods(openSettings(), { user: 'alice', papPassword: 'pap' });
    const chap = papOnly.find(PPP_PROTOCOL.CHAP, CHAP_ALGORITHM.MSCHAP_V2)!.create();
    const started = chap.start!(0);
    expect(started.outcome?.type).toBe('failure');
    expect(chap.receive(challenge(authenticatorChallenge, 's'), 0).outcome).toMatchObject({
      error: { code: 'AUTH_NO_SECRET', message: expect.stringMatching(/MS-CHAPv2.*chap-secrets/) },
    });
  });

  it('still offers only MS-CHAP methods (EAP included) while MPPE is required', () => {
    const { list } = methods(defaultPeerSettings(), {
      user: 'a',
      chapPassword: 'c',
      papPassword: 'p',
    });
    expect(list.map((m) => [m.protocol, m.algorithm])).toEqual([
      [PPP_PROTOCOL.CHAP, CHAP_ALGORITHM.MSCHAP_V2],
      [PPP_PROTOCOL.CHAP, CHAP_ALGORITHM.MSCHAP_V1],
      [PPP_PROTOCOL.EAP, undefined],
    ]);
  });
});

describe('EAP on the client (refuse-eap, eap-timeout, eap-max-rreq)', () => {
  /** An EAP MD5-Challenge Request (RFC 3748 §5.4), Identifier 3, 16-byte value, no name. */
  const md5Request = Uint8Array.from([1, 3, 0, 22, 4, 16, ...new Uint8Array(16)]);

  it('with MPPE required, EAP-MD5 is Naked towards MS-CHAP-V2 (type 26); without, answered', () => {
    const keyed = methods(defaultPeerSettings(), { user: 'u', chapPassword: 'c' })
      .find(PPP_PROTOCOL.EAP)!
      .create();
    expect(toHex(keyed.receive(md5Request, 0).send!)).toBe('02030006031a');
    const open = methods(openSettings(), { user: 'u', chapPassword: 'c' })
      .find(PPP_PROTOCOL.EAP)!
      .create();
    const answer = open.receive(md5Request, 0).send!;
    expect([answer[0], answer[4], answer[5]]).toEqual([2, 4, 16]);
  });

  it('refuse-eap drops EAP; eap-timeout and eap-max-rreq reach the machine', () => {
    const refused = defaultPeerSettings();
    refused.refuse.add('eap');
    expect(methods(refused, { user: 'u', chapPassword: 'c' }).find(PPP_PROTOCOL.EAP)).toBe(
      undefined,
    );
    const timed = defaultPeerSettings();
    timed.eapTimeout = 5;
    timed.eapMaxRreq = 1;
    const machine = methods(timed, { user: 'u', chapPassword: 'c' })
      .find(PPP_PROTOCOL.EAP)!
      .create();
    expect(machine.start!(100).deadline).toBe(5100);
    const identity = Uint8Array.from([1, 1, 0, 5, 1]);
    expect(machine.receive(identity, 200).send).toBeDefined();
    const again = Uint8Array.from([1, 2, 0, 5, 1]);
    expect(machine.receive(again, 300).outcome).toMatchObject({ error: { code: 'EAP_TIMEOUT' } });
  });
});
