import { createHash } from 'node:crypto';
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
  type ChapAlgorithm,
  ChapAuthenticator,
  type ChapAuthenticatorOptions,
  ChapPeer,
  type ChapPeerOptions,
  type ChapStep,
  decodeChapPacket,
  encodeChapPacket,
  generateNtResponse,
  hashNtPasswordHash,
  lmPasswordHash,
  ntPasswordHash,
  parseMschapFailure,
} from '../src/index.js';
import { loadVectors } from './load-vectors.js';

/** Deterministic randomness: a byte counter, so runs are reproducible. */
function counterRandom(seed = 1): (n: number) => Uint8Array {
  let next = seed;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

const algorithms: ChapAlgorithm[] = ['chap-md5', 'mschapv1', 'mschapv2'];
const users: Record<string, string> = { alice: 'correct horse', 'CORP\\bob': 'hunter2' };

function makePair(
  algorithm: ChapAlgorithm,
  name = 'alice',
  password = users[name] ?? 'x',
  extra: Partial<ChapAuthenticatorOptions> = {},
  peerExtra: Partial<ChapPeerOptions> = {},
): { peer: ChapPeer; auth: ChapAuthenticator } {
  return {
    peer: new ChapPeer({
      algorithm,
      name,
      password,
      randomBytes: counterRandom(100),
      ...peerExtra,
    }),
    auth: new ChapAuthenticator({
      algorithm,
      name: 'pptpd',
      randomBytes: counterRandom(7),
      lookupPassword: (n) => users[n],
      ...extra,
    }),
  };
}

/** Runs start → Challenge → Response → Success/Failure and returns every step. */
function run(algorithm: ChapAlgorithm, name?: string, password?: string) {
  const { peer, auth } = makePair(algorithm, name, password);
  const challenge = auth.start(0);
  const response = peer.receive(challenge.send!, 0);
  const decision = auth.receive(response.send!, 10);
  const result = peer.receive(decision.send!, 10);
  return { peer, auth, challenge, response, decision, result };
}

describe('peer ↔ authenticator back to back', () => {
  for (const algorithm of algorithms) {
    it(`${algorithm}: the right password succeeds on both sides with matching key material`, () => {
      const { peer, auth, challenge, response, decision, result } = run(algorithm);
      expect(challenge.deadline).toBe(3000);
      expect(decodeChapPacket(response.send!)).toMatchObject({ type: 'response' });
      expect(decision.outcome?.type).toBe('success');
      expect(result.outcome?.type).toBe('success');
      expect(peer.state).toBe('succeeded');
      expect(auth.state).toBe('succeeded');
      if (decision.outcome?.type !== 'success' || result.outcome?.type !== 'success') return;
      expect(decision.outcome.peerName).toBe('alice');
      expect(result.outcome.message).toBe('Access granted');
      expect(result.outcome.keys).toEqual(decision.outcome.keys);
      expect(decision.outcome.keys.algorithm).toBe(algorithm);
    });

    it(`${algorithm}: a wrong password surfaces 691 as a typed error on the peer`, () => {
      const { decision, result, peer, auth } = run(algorithm, 'alice', 'wrong');
      expect(decision.outcome?.type).toBe('failure');
      expect(result.outcome?.type).toBe('failure');
      if (result.outcome?.type !== 'failure' || decision.outcome?.type !== 'failure') return;
      expect(result.outcome.error).toBeInstanceOf(AuthenticationError);
      expect(result.outcome.error.code).toBe('MSCHAP_AUTH_FAILED');
      expect(decision.outcome.error.code).toBe('MSCHAP_AUTH_FAILED');
      expect(JSON.stringify(decision.outcome.error.details)).not.toContain('wrong');
      expect(decision.outcome.error.message).not.toContain('correct horse');
      expect(peer.state).toBe('failed');
      expect(auth.state).toBe('failed');
      if (algorithm !== 'chap-md5') {
        expect(result.outcome.error.details.mschapError).toBe(691);
        expect(result.outcome.error.details.retryAllowed).toBe(false);
      }
    });

    it(`${algorithm}: an unknown user is refused like a wrong password`, () => {
      const { decision, result } = run(algorithm, 'mallory', 'correct horse');
      expect(decision.outcome?.type).toBe('failure');
      expect(result.outcome?.type === 'failure' && result.outcome.error.code).toBe(
        'MSCHAP_AUTH_FAILED',
      );
    });

    it(`${algorithm}: a retransmitted Challenge gets the identical Response`, () => {
      const { peer, auth } = makePair(algorithm);
      const first = auth.start(0);
      const r1 = peer.receive(first.send!, 0);
      const again = auth.timeout(3000);
      expect(again.send).toEqual(first.send);
      expect(again.deadline).toBe(6000);
      const r2 = peer.receive(again.send!, 3000);
      expect(toHex(r2.send!)).toBe(toHex(r1.send!));
      // Answering the retransmitted Challenge restarts the peer's own Response timer.
      expect(r2.deadline).toBe(6000);
      // The authenticator answers the first copy and repeats its answer for the second.
      const d1 = auth.receive(r1.send!, 3100);
      expect(d1.outcome?.type).toBe('success');
      const d2 = auth.receive(r2.send!, 3200);
      expect(d2.outcome).toBeUndefined();
      expect(d2.send).toEqual(d1.send);
      expect(peer.receive(d1.send!, 3100).outcome?.type).toBe('success');
      expect(peer.receive(d2.send!, 3200).diagnostic?.reason).toBe('duplicate');
      expect(peer.timeout(6000)).toEqual({});
    });

    it(`${algorithm}: re-authentication with a new Challenge is answered afresh`, () => {
      const { peer, auth } = makePair(algorithm);
      const c1 = auth.start(0);
      const r1 = peer.receive(c1.send!, 0);
      peer.receive(auth.receive(r1.send!, 1).send!, 1);
      const c2 = auth.start(60_000);
      expect(decodeChapPacket(c2.send!).identifier).toBe(
        (decodeChapPacket(c1.send!).identifier + 1) & 0xff,
      );
      const r2 = peer.receive(c2.send!, 60_000);
      expect(toHex(r2.send!)).not.toBe(toHex(r1.send!));
      const d2 = auth.receive(r2.send!, 60_001);
      expect(d2.outcome?.type).toBe('success');
      expect(peer.receive(d2.send!, 60_001).outcome?.type).toBe('success');
    });

    it(`${algorithm}: a lost Success: the peer repeats its Response (same Identifier) and the authenticator its Success (RFC 1994 §4.1)`, () => {
      const { peer, auth } = makePair(algorithm);
      const c = auth.start(0);
      const r = peer.receive(c.send!, 0);
      expect(r.deadline).toBe(3000);
      // The authenticator decides; its Success is lost on the way.
      const lost = auth.receive(r.send!, 10);
      expect(lost.outcome?.type).toBe('success');
      expect(peer.state).toBe('responded');
      // Ignored input keeps the peer's deadline.
      expect(peer.receive(Uint8Array.of(3), 100)).toMatchObject({
        diagnostic: { reason: 'malformed' },
        deadline: 3000,
      });
      expect(peer.timeout(2999)).toEqual({ deadline: 3000 });
      const again = peer.timeout(3000);
      expect(again.deadline).toBe(6000);
      expect(toHex(again.send!)).toBe(toHex(r.send!));
      expect(decodeChapPacket(again.send!)).toMatchObject({
        type: 'response',
        identifier: decodeChapPacket(c.send!).identifier,
      });
      // RFC 1994 §4.1: the repeated Response gets the same reply Code, no second decision.
      const repeated = auth.receive(again.send!, 3001);
      expect(repeated.outcome).toBeUndefined();
      expect(repeated.send).toEqual(lost.send);
      const done = peer.receive(repeated.send!, 3002);
      expect(done.outcome?.type).toBe('success');
      expect(done.deadline).toBeUndefined();
      if (done.outcome?.type !== 'success' || lost.outcome?.type !== 'success') return;
      expect(done.outcome.keys).toEqual(lost.outcome.keys);
      expect(peer.state).toBe('succeeded');
      expect(peer.timeout(6000)).toEqual({});
    });

    it(`${algorithm}: a lost Failure: the repeated Response gets the Failure again, and the peer stops`, () => {
      const { peer, auth } = makePair(algorithm, 'alice', 'wrong');
      const r = peer.receive(auth.start(0).send!, 0);
      const lost = auth.receive(r.send!, 10);
      expect(lost.outcome?.type).toBe('failure');
      const again = peer.timeout(3000);
      expect(toHex(again.send!)).toBe(toHex(r.send!));
      const repeated = auth.receive(again.send!, 3001);
      expect(repeated.send).toEqual(lost.send);
      const done = peer.receive(repeated.send!, 3002);
      expect(done.outcome?.type === 'failure' && done.outcome.error.code).toBe(
        'MSCHAP_AUTH_FAILED',
      );
      expect(done.deadline).toBeUndefined();
      expect(peer.timeout(6000)).toEqual({});
      expect(peer.timeout(60_000)).toEqual({});
    });

    it(`${algorithm}: a new Challenge replaces the Response being repeated`, () => {
      const { peer, auth } = makePair(algorithm);
      const r1 = peer.receive(auth.start(0).send!, 0);
      // The authenticator never heard r1 and starts over with a new Identifier and value.
      const c2 = auth.start(1000);
      const r2 = peer.receive(c2.send!, 1000);
      expect(toHex(r2.send!)).not.toBe(toHex(r1.send!));
      expect(r2.deadline).toBe(4000);
      // The first Response's timer is gone; the second's runs.
      expect(peer.timeout(3000)).toEqual({ deadline: 4000 });
      const again = peer.timeout(4000);
      expect(toHex(again.send!)).toBe(toHex(r2.send!));
      expect(decodeChapPacket(again.send!).identifier).toBe(decodeChapPacket(c2.send!).identifier);
      const d = auth.receive(again.send!, 4001);
      expect(d.outcome?.type).toBe('success');
      expect(peer.receive(d.send!, 4002).outcome?.type).toBe('success');
    });

    it(`${algorithm}: the peer sends maxResponses Responses, then fails with MSCHAP_NO_SUCCESS`, () => {
      const { peer, auth } = makePair(
        algorithm,
        'alice',
        undefined,
        {},
        {
          maxResponses: 3,
          retransmitInterval: 1000,
        },
      );
      const c = auth.start(0);
      const r = peer.receive(c.send!, 0);
      expect(r.deadline).toBe(1000);
      const t1 = peer.timeout(1000);
      expect(t1).toEqual({ send: r.send, deadline: 2000 });
      const t2 = peer.timeout(2000);
      expect(t2).toEqual({ send: r.send, deadline: 3000 });
      const t3 = peer.timeout(3000);
      expect(t3.send).toBeUndefined();
      expect(t3.deadline).toBeUndefined();
      expect(t3.outcome?.type).toBe('failure');
      if (t3.outcome?.type !== 'failure') return;
      expect(t3.outcome.error).toBeInstanceOf(TimeoutError);
      expect(t3.outcome.error.code).toBe('MSCHAP_NO_SUCCESS');
      expect(t3.outcome.error.details.responses).toBe(3);
      expect(peer.state).toBe('failed');
      expect(peer.timeout(9999)).toEqual({});
      // A Success arriving after the peer gave up does not revive the exchange.
      const late = auth.receive(r.send!, 3500);
      expect(late.outcome?.type).toBe('success');
      expect(peer.receive(late.send!, 3501)).toEqual({
        diagnostic: { reason: 'duplicate', message: 'Success after the exchange ended' },
      });
    });

    it(`${algorithm}: property: with no answer, the peer sends maxResponses identical Responses at least retransmitInterval apart, then fails once`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 5000 }),
          fc.array(fc.integer({ min: 0, max: 8000 }), { maxLength: 40 }),
          (maxResponses, interval, gaps) => {
            const { peer, auth } = makePair(
              algorithm,
              'alice',
              undefined,
              {},
              {
                maxResponses,
                retransmitInterval: interval,
              },
            );
            const first = peer.receive(auth.start(0).send!, 0);
            const sentAt = [0];
            let failures = 0;
            let now = 0;
            let deadline = first.deadline!;
            for (const gap of gaps) {
              now += gap;
              const step = peer.timeout(now);
              if (step.send !== undefined) {
                expect(toHex(step.send)).toBe(toHex(first.send!));
                expect(now).toBeGreaterThanOrEqual(deadline);
                sentAt.push(now);
              }
              if (step.outcome !== undefined) {
                expect(step.outcome.type === 'failure' && step.outcome.error.code).toBe(
                  'MSCHAP_NO_SUCCESS',
                );
                failures++;
              }
              if (step.deadline !== undefined) deadline = step.deadline;
            }
            expect(sentAt.length).toBeLessThanOrEqual(maxResponses);
            for (let i = 1; i < sentAt.length; i++) {
              expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(interval);
            }
            expect(failures).toBe(peer.state === 'failed' ? 1 : 0);
            if (failures === 1) expect(sentAt).toHaveLength(maxResponses);
          },
        ),
      );
    });

    it(`${algorithm}: the authenticator retransmits up to maxChallenges, then times out`, () => {
      const { auth } = makePair(algorithm, 'alice', undefined, {
        maxChallenges: 3,
        retransmitInterval: 1000,
      });
      const start = auth.start(0);
      expect(auth.timeout(500)).toEqual({ deadline: 1000 });
      const t1 = auth.timeout(1000);
      expect(t1.send).toEqual(start.send);
      expect(t1.deadline).toBe(2000);
      const t2 = auth.timeout(2000);
      expect(t2.send).toEqual(start.send);
      const t3 = auth.timeout(3000);
      expect(t3.send).toBeUndefined();
      expect(t3.outcome?.type).toBe('failure');
      if (t3.outcome?.type !== 'failure') return;
      expect(t3.outcome.error).toBeInstanceOf(TimeoutError);
      expect(t3.outcome.error.code).toBe('MSCHAP_TIMEOUT');
      expect(t3.outcome.error.details.challenges).toBe(3);
      expect(auth.state).toBe('failed');
      expect(auth.timeout(9999)).toEqual({});
    });

    it(`${algorithm}: property: arbitrary bytes never make either side throw; ignored input has a diagnostic`, () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 20 }), (inputs) => {
          const { peer, auth } = makePair(algorithm);
          auth.start(0);
          for (const input of inputs) {
            const p = peer.receive(input, 0);
            const a = auth.receive(input, 1);
            for (const step of [p, a] as ChapStep[]) {
              if (step.outcome === undefined && step.send === undefined) {
                expect(step.diagnostic).toBeDefined();
              }
            }
          }
        }),
      );
    });
  }

  it('CHAP-MD5 Response equals node:crypto MD5(id ‖ secret ‖ challenge) (RFC 1994 §4.1)', () => {
    const { peer, auth } = makePair('chap-md5');
    const c = decodeChapPacket(auth.start(0).send!);
    const r = decodeChapPacket(peer.receive(encodeChapPacket(c), 0).send!);
    if (c.type !== 'challenge' || r.type !== 'response') throw new Error('unexpected packets');
    const md5 = createHash('md5')
      .update(Uint8Array.of(c.identifier))
      .update('correct horse')
      .update(c.value)
      .digest('hex');
    expect(toHex(r.value)).toBe(md5);
    expect(r.identifier).toBe(c.identifier);
    expect(decodeUtf8(r.name)).toBe('alice');
    expect(decodeUtf8(c.name)).toBe('pptpd');
  });

  it('MS-CHAPv1 Response layout: zero LM response, NT response, UseNT = 1 (RFC 2433 §2)', () => {
    const { peer, auth } = makePair('mschapv1');
    const c = decodeChapPacket(auth.start(0).send!);
    const r = decodeChapPacket(peer.receive(encodeChapPacket(c), 0).send!);
    if (c.type !== 'challenge' || r.type !== 'response') throw new Error('unexpected packets');
    expect(c.value.length).toBe(8);
    expect(r.value.length).toBe(49);
    expect(r.value.subarray(0, 24).every((b) => b === 0)).toBe(true);
    expect(r.value[48]).toBe(1);
  });

  it('MS-CHAPv1 key material holds the RFC 3079 §2 inputs', () => {
    const { decision } = run('mschapv1');
    if (decision.outcome?.type !== 'success' || decision.outcome.keys.algorithm !== 'mschapv1') {
      throw new Error('expected MS-CHAPv1 success');
    }
    const k = decision.outcome.keys;
    expect(toHex(k.passwordHash)).toBe(toHex(ntPasswordHash('correct horse')));
    expect(toHex(k.passwordHashHash)).toBe(toHex(hashNtPasswordHash(k.passwordHash)));
    expect(toHex(k.lmPasswordHash)).toBe(toHex(lmPasswordHash('correct horse')));
    expect(k.challenge.length).toBe(8);
  });

  it('MS-CHAPv2: a peer fed the RFC 2759 §9.2 challenge produces the §9.2 NT-Response and verifies the §9.2 S=', () => {
    const v = loadVectors().rfc2759_9_2;
    const peer = new ChapPeer({
      algorithm: 'mschapv2',
      name: v.userName,
      password: v.password,
      randomBytes: () => fromHex(v.peerChallenge),
    });
    const challenge = encodeChapPacket({
      type: 'challenge',
      identifier: 42,
      value: fromHex(v.authenticatorChallenge),
      name: encodeUtf8('server'),
    });
    const r = decodeChapPacket(peer.receive(challenge, 0).send!);
    if (r.type !== 'response') throw new Error('expected a Response');
    expect(toHex(r.value.subarray(0, 16))).toBe(toHex(fromHex(v.peerChallenge)));
    expect(r.value.subarray(16, 24).every((b) => b === 0)).toBe(true);
    expect(toHex(r.value.subarray(24, 48))).toBe(toHex(fromHex(v.ntResponse)));
    expect(r.value[48]).toBe(0);
    const success = encodeChapPacket({
      type: 'success',
      identifier: 42,
      message: encodeUtf8(`${v.authenticatorResponse} M=Welcome`),
    });
    const done = peer.receive(success, 0);
    expect(done.outcome?.type).toBe('success');
    if (done.outcome?.type !== 'success' || done.outcome.keys.algorithm !== 'mschapv2') return;
    expect(done.outcome.message).toBe('Welcome');
    expect(toHex(done.outcome.keys.passwordHashHash)).toBe(toHex(fromHex(v.passwordHashHash)));
    expect(toHex(done.outcome.keys.ntResponse)).toBe(toHex(fromHex(v.ntResponse)));
  });

  it('MS-CHAPv2: a tampered authenticator response is rejected (mutual authentication)', () => {
    const { peer, auth } = makePair('mschapv2');
    const r = peer.receive(auth.start(0).send!, 0);
    const d = decodeChapPacket(auth.receive(r.send!, 1).send!);
    if (d.type !== 'success') throw new Error('expected Success');
    const text = decodeUtf8(d.message);
    expect(text).toMatch(/^S=[0-9A-F]{40} M=Access granted$/);
    const flipped = text[2] === 'A' ? 'B' : 'A';
    const tampered = encodeChapPacket({
      ...d,
      message: encodeUtf8(`S=${flipped}${text.slice(3)}`),
    });
    const out = peer.receive(tampered, 0);
    expect(out.outcome?.type).toBe('failure');
    if (out.outcome?.type !== 'failure') return;
    expect(out.outcome.error.code).toBe('MSCHAP_BAD_AUTHENTICATOR_RESPONSE');
    expect(out.outcome.error.details.missing).toBe(false);
    expect(peer.state).toBe('failed');
    // The genuine Success arriving afterwards does not revive the exchange.
    expect(peer.receive(encodeChapPacket(d), 0).outcome).toBeUndefined();
  });

  it('MS-CHAPv2: a Success without S= is rejected', () => {
    const { peer, auth } = makePair('mschapv2');
    const r = peer.receive(auth.start(0).send!, 0);
    const id = decodeChapPacket(r.send!).identifier;
    const out = peer.receive(
      encodeChapPacket({ type: 'success', identifier: id, message: encodeUtf8('M=ok') }),
      0,
    );
    expect(out.outcome?.type === 'failure' && out.outcome.error.code).toBe(
      'MSCHAP_BAD_AUTHENTICATOR_RESPONSE',
    );
  });

  it('MS-CHAPv2: the authenticator Failure follows RFC 2759 §6 (E=691 R=0 C=<challenge> V=3 M=)', () => {
    const { peer, auth } = makePair('mschapv2', 'alice', 'bad');
    const c = decodeChapPacket(auth.start(0).send!);
    const d = decodeChapPacket(auth.receive(peer.receive(encodeChapPacket(c), 0).send!, 1).send!);
    if (c.type !== 'challenge' || d.type !== 'failure') throw new Error('unexpected packets');
    const f = parseMschapFailure(decodeUtf8(d.message));
    expect(f).toEqual({
      error: 691,
      retryAllowed: false,
      challenge: c.value,
      version: 3,
      message: 'Access denied',
    });
  });

  it('MS-CHAPv2: a DOMAIN\\user name is sent whole but hashed without the domain (RFC 2759 §4)', () => {
    const { peer, auth } = makePair('mschapv2', 'CORP\\bob');
    const c = decodeChapPacket(auth.start(0).send!);
    const r = decodeChapPacket(peer.receive(encodeChapPacket(c), 0).send!);
    if (c.type !== 'challenge' || r.type !== 'response') throw new Error('unexpected packets');
    expect(decodeUtf8(r.name)).toBe('CORP\\bob');
    const expected = generateNtResponse(
      c.value,
      r.value.subarray(0, 16),
      encodeUtf8('bob'),
      ntPasswordHash('hunter2'),
    );
    expect(toHex(r.value.subarray(24, 48))).toBe(toHex(expected));
    const d = auth.receive(encodeChapPacket(r), 1);
    expect(d.outcome?.type === 'success' && d.outcome.peerName).toBe('CORP\\bob');
    expect(peer.receive(d.send!, 0).outcome?.type).toBe('success');
  });

  it('server failure codes reach the peer as typed errors with retry and challenge details', () => {
    const peer = new ChapPeer({
      algorithm: 'mschapv2',
      name: 'alice',
      password: 'pw',
      randomBytes: counterRandom(),
    });
    peer.receive(
      encodeChapPacket({
        type: 'challenge',
        identifier: 9,
        value: new Uint8Array(16),
        name: new Uint8Array(),
      }),
      0,
    );
    const out = peer.receive(
      encodeChapPacket({
        type: 'failure',
        identifier: 9,
        message: encodeUtf8('E=648 R=1 C=000102030405060708090A0B0C0D0E0F V=3 M=Password expired'),
      }),
      0,
    );
    expect(out.outcome?.type).toBe('failure');
    if (out.outcome?.type !== 'failure') return;
    expect(out.outcome.error.code).toBe('MSCHAP_PASSWORD_EXPIRED');
    expect(out.outcome.error.details).toMatchObject({
      mschapError: 648,
      retryAllowed: true,
      challenge: '000102030405060708090a0b0c0d0e0f',
      version: 3,
      serverMessage: 'Password expired',
    });
  });

  it('the peer ignores packets that do not fit the exchange, with a reason', () => {
    const peer = new ChapPeer({
      algorithm: 'mschapv2',
      name: 'alice',
      password: 'pw',
      randomBytes: counterRandom(),
    });
    const success = (id: number) =>
      encodeChapPacket({ type: 'success', identifier: id, message: new Uint8Array() });
    expect(peer.receive(success(1), 0).diagnostic?.reason).toBe('not-expected');
    expect(peer.receive(Uint8Array.of(1, 2), 0).diagnostic?.reason).toBe('malformed');
    expect(peer.receive(Uint8Array.of(1, 2), 0).diagnostic?.error?.code).toBe('MSCHAP_TRUNCATED');
    const wrongSize = encodeChapPacket({
      type: 'challenge',
      identifier: 1,
      value: new Uint8Array(8),
      name: new Uint8Array(),
    });
    expect(peer.receive(wrongSize, 0).diagnostic?.reason).toBe('bad-value-size');
    const response = encodeChapPacket({
      type: 'response',
      identifier: 1,
      value: new Uint8Array(49),
      name: new Uint8Array(),
    });
    expect(peer.receive(response, 0).diagnostic?.reason).toBe('unexpected-code');
    peer.receive(
      encodeChapPacket({
        type: 'challenge',
        identifier: 5,
        value: new Uint8Array(16),
        name: new Uint8Array(),
      }),
      0,
    );
    expect(peer.receive(success(6), 0).diagnostic?.reason).toBe('unexpected-identifier');
    expect(peer.state).toBe('responded');
  });

  it('the authenticator ignores bad Responses and keeps its deadline', () => {
    const { peer, auth } = makePair('mschapv2');
    expect(auth.receive(Uint8Array.of(2, 0, 0, 6, 1, 0xaa), 0).diagnostic?.reason).toBe(
      'not-expected',
    );
    const c = auth.start(0);
    const id = decodeChapPacket(c.send!).identifier;
    const r = decodeChapPacket(peer.receive(c.send!, 0).send!);
    if (r.type !== 'response') throw new Error('expected a Response');
    const other = auth.receive(encodeChapPacket({ ...r, identifier: (id + 1) & 0xff }), 5);
    expect(other.diagnostic?.reason).toBe('unexpected-identifier');
    expect(other.deadline).toBe(3000);
    const short = auth.receive(encodeChapPacket({ ...r, value: r.value.subarray(0, 48) }), 5);
    expect(short.diagnostic?.reason).toBe('bad-value-size');
    expect(auth.receive(c.send!, 5).diagnostic?.reason).toBe('unexpected-code');
    expect(auth.state).toBe('challenged');
    expect(auth.receive(encodeChapPacket(r), 6).outcome?.type).toBe('success');
  });

  it('the authenticator refuses an MS-CHAPv1 LM-only Response', () => {
    const { peer, auth } = makePair('mschapv1');
    const r = decodeChapPacket(peer.receive(auth.start(0).send!, 0).send!);
    if (r.type !== 'response') throw new Error('expected a Response');
    const value = r.value.slice();
    value[48] = 0;
    const d = auth.receive(encodeChapPacket({ ...r, value }), 1);
    expect(d.outcome?.type).toBe('failure');
    const failure = decodeChapPacket(d.send!);
    if (failure.type !== 'failure') throw new Error('expected Failure');
    // RFC 2433 §3: C= and V= are optional; no retry is offered.
    expect(decodeUtf8(failure.message)).toBe('E=691 R=0');
  });

  it('programmer misuse throws: oversize password, bad options, bad randomBytes', () => {
    expect(
      () =>
        new ChapPeer({
          algorithm: 'mschapv2',
          name: 'a',
          password: 'p'.repeat(257),
          randomBytes: counterRandom(),
        }),
    ).toThrow(AuthenticationError);
    for (const bad of [{ retransmitInterval: 0 }, { maxResponses: 0 }, { maxResponses: 1.5 }]) {
      expect(
        () =>
          new ChapPeer({
            algorithm: 'mschapv2',
            name: 'a',
            password: 'p',
            randomBytes: counterRandom(),
            ...bad,
          }),
      ).toThrow(RangeError);
    }
    expect(
      () =>
        new ChapAuthenticator({
          algorithm: 'chap-md5',
          name: 's',
          randomBytes: counterRandom(),
          lookupPassword: () => undefined,
          challengeLength: 0,
        }),
    ).toThrow(RangeError);
    const peer = new ChapPeer({
      algorithm: 'mschapv2',
      name: 'a',
      password: 'p',
      randomBytes: () => new Uint8Array(3),
    });
    expect(() =>
      peer.receive(
        encodeChapPacket({
          type: 'challenge',
          identifier: 1,
          value: new Uint8Array(16),
          name: new Uint8Array(),
        }),
        0,
      ),
    ).toThrow(TypeError);
  });

  it('an over-long stored password fails the authentication instead of throwing', () => {
    const { peer } = makePair('mschapv2');
    const auth = new ChapAuthenticator({
      algorithm: 'mschapv2',
      name: 's',
      randomBytes: counterRandom(),
      lookupPassword: () => 'p'.repeat(300),
    });
    const d = auth.receive(peer.receive(auth.start(0).send!, 0).send!, 1);
    expect(d.outcome?.type === 'failure' && d.outcome.error.code).toBe('MSCHAP_AUTH_FAILED');
  });
});
