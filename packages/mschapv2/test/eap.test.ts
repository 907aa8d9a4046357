import { createHash } from 'node:crypto';
import { encodeUtf8, fromHex, toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  decodeEapMd5,
  decodeEapMschapv2,
  decodeEapPacket,
  EapAuthenticator,
  type EapMethod,
  EapPeer,
  type EapStep,
  encodeEapMd5,
  encodeEapMschapv2,
  encodeEapPacket,
} from '../src/index.js';
import { loadVectors } from './load-vectors.js';

const v = loadVectors().rfc2759_9_2;

/** randomBytes that hands out the given buffers in order, then zeros. */
function scripted(...chunks: Uint8Array[]): (n: number) => Uint8Array {
  return (n) => {
    const next = chunks.shift();
    if (next === undefined) return new Uint8Array(n);
    expect(next.length).toBe(n);
    return next;
  };
}

function request(identifier: number, type: number, data: Uint8Array): Uint8Array {
  return encodeEapPacket({ code: 'request', identifier, type, data });
}

function message(step: EapStep) {
  const packet = decodeEapPacket(step.send!);
  if (packet.code === 'success' || packet.code === 'failure') throw new Error('no message');
  return packet as Extract<ReturnType<typeof decodeEapPacket>, { type: number }>;
}

describe('EAP codec (RFC 3748 §4)', () => {
  it('round-trips Request, Response, Success and Failure with the exact layout', () => {
    const req = request(7, 1, new Uint8Array(0));
    expect(toHex(req)).toBe('0107000501');
    expect(decodeEapPacket(req)).toEqual({
      code: 'request',
      identifier: 7,
      type: 1,
      data: new Uint8Array(0),
    });
    const res = encodeEapPacket({
      code: 'response',
      identifier: 7,
      type: 1,
      data: encodeUtf8('u'),
    });
    expect(toHex(res)).toBe('010700060175'.replace(/^01/, '02'));
    expect(toHex(encodeEapPacket({ code: 'success', identifier: 9 }))).toBe('03090004');
    expect(decodeEapPacket(fromHex('04090004'))).toEqual({ code: 'failure', identifier: 9 });
    // Octets past Length are padding.
    expect(decodeEapPacket(fromHex('03090004ffff'))).toEqual({ code: 'success', identifier: 9 });
  });

  it.each([
    ['010700', 'EAP_TRUNCATED'],
    ['01070009010203', 'EAP_TRUNCATED'],
    ['01070003', 'EAP_BAD_LENGTH'],
    ['01070004', 'EAP_BAD_LENGTH'],
    ['05070004', 'EAP_BAD_CODE'],
  ])('rejects %s with %s', (hex, code) => {
    expect(() => decodeEapPacket(fromHex(hex))).toThrow(expect.objectContaining({ code }));
  });

  it('MD5-Challenge and MS-CHAP-V2 Type-Data round-trip; MS-Length is checked', () => {
    const md5 = encodeEapMd5(fromHex('00112233'), encodeUtf8('srv'));
    expect(toHex(md5)).toBe('0400112233737276');
    expect(decodeEapMd5(md5)).toEqual({ value: fromHex('00112233'), name: encodeUtf8('srv') });
    expect(() => decodeEapMd5(fromHex('05aabb'))).toThrow(
      expect.objectContaining({ code: 'EAP_BAD_VALUE_SIZE' }),
    );
    const challenge = encodeEapMschapv2({
      op: 'challenge',
      msId: 3,
      value: fromHex(v.authenticatorChallenge),
      name: encodeUtf8('S'),
    });
    // OpCode 1, MS-CHAPv2-ID 3, MS-Length 22 (= 4 + 1 + 16 + 1), Value-Size 16.
    expect(toHex(challenge.subarray(0, 5))).toBe('0103001610');
    expect(decodeEapMschapv2('request', challenge)).toMatchObject({ op: 'challenge', msId: 3 });
    expect(toHex(encodeEapMschapv2({ op: 'success-ack' }))).toBe('03');
    expect(decodeEapMschapv2('response', fromHex('04'))).toEqual({ op: 'failure-ack' });
    const bad = challenge.slice();
    bad[3] = 21;
    expect(() => decodeEapMschapv2('request', bad)).toThrow(
      expect.objectContaining({ code: 'EAP_BAD_MS_LENGTH' }),
    );
    expect(() => decodeEapMschapv2('request', fromHex('02'))).toThrow(
      expect.objectContaining({ code: 'EAP_BAD_OPCODE' }),
    );
  });
});

describe('EapPeer', () => {
  it('answers Identity with our name and Notification with an empty Response', () => {
    const peer = new EapPeer({ name: 'alice', password: 'pw', randomBytes: scripted() });
    expect(toHex(peer.receive(request(1, 1, new Uint8Array(0))).send!)).toBe(
      toHex(
        encodeEapPacket({ code: 'response', identifier: 1, type: 1, data: encodeUtf8('alice') }),
      ),
    );
    expect(toHex(peer.receive(request(2, 2, encodeUtf8('hello'))).send!)).toBe('0202000502');
  });

  it('answers MD5-Challenge with MD5(Identifier ‖ secret ‖ Challenge) (RFC 3748 §5.4, RFC 1994 §4.1)', () => {
    const peer = new EapPeer({ name: 'alice', password: 's3cret', randomBytes: scripted() });
    const challenge = fromHex('0123456789abcdeffedcba9876543210');
    const step = peer.receive(request(0x42, 4, encodeEapMd5(challenge, encodeUtf8('srv'))));
    const expected = createHash('md5')
      .update(Uint8Array.of(0x42))
      .update('s3cret')
      .update(challenge)
      .digest();
    const answer = message(step);
    expect(answer).toMatchObject({ code: 'response', identifier: 0x42, type: 4 });
    expect(decodeEapMd5(answer.data)).toEqual({
      value: new Uint8Array(expected),
      name: encodeUtf8('alice'),
    });
    expect(peer.receive(fromHex('03420004')).outcome).toEqual({
      type: 'success',
      keys: { algorithm: 'chap-md5' },
    });
  });

  it('carries the RFC 2759 §9.2 vectors inside EAP-MS-CHAP-V2 and yields its MPPE inputs', () => {
    const peer = new EapPeer({
      name: v.userName,
      password: v.password,
      randomBytes: scripted(fromHex(v.peerChallenge)),
    });
    const challenge = encodeEapMschapv2({
      op: 'challenge',
      msId: 9,
      value: fromHex(v.authenticatorChallenge),
      name: encodeUtf8('server'),
    });
    const answer = message(peer.receive(request(9, 26, challenge)));
    const response = decodeEapMschapv2('response', answer.data);
    expect(response).toMatchObject({ op: 'response', msId: 9, name: encodeUtf8('User') });
    if (response.op !== 'response') throw new Error('not a response');
    expect(toHex(response.value.subarray(0, 16)).toUpperCase()).toBe(v.peerChallenge);
    expect(toHex(response.value.subarray(24, 48)).toUpperCase()).toBe(v.ntResponse);
    const success = encodeEapMschapv2({
      op: 'success',
      msId: 9,
      message: encodeUtf8(`${v.authenticatorResponse} M=welcome`),
    });
    const ack = peer.receive(request(10, 26, success));
    expect(toHex(ack.send!)).toBe('020a00061a03');
    expect(ack.outcome).toBeUndefined();
    const done = peer.receive(fromHex('030a0004'));
    expect(done.outcome).toMatchObject({ type: 'success', message: 'welcome' });
    const keys = done.outcome?.type === 'success' ? done.outcome.keys : undefined;
    if (keys?.algorithm !== 'mschapv2') throw new Error('no MS-CHAPv2 keys');
    expect(toHex(keys.passwordHashHash).toUpperCase()).toBe(v.passwordHashHash);
    expect(toHex(keys.ntResponse).toUpperCase()).toBe(v.ntResponse);
  });

  it('fails on a wrong authenticator response and on Success before any method', () => {
    const peer = new EapPeer({
      name: v.userName,
      password: v.password,
      randomBytes: scripted(fromHex(v.peerChallenge)),
    });
    const challenge = encodeEapMschapv2({
      op: 'challenge',
      msId: 1,
      value: fromHex(v.authenticatorChallenge),
      name: new Uint8Array(0),
    });
    peer.receive(request(1, 26, challenge));
    const wrong = `S=${'0'.repeat(40)}`;
    const step = peer.receive(
      request(2, 26, encodeEapMschapv2({ op: 'success', msId: 1, message: encodeUtf8(wrong) })),
    );
    expect(step.outcome).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_BAD_AUTHENTICATOR_RESPONSE' },
    });
    const early = new EapPeer({ name: 'a', password: 'b', randomBytes: scripted() });
    early.receive(request(1, 1, new Uint8Array(0)));
    expect(early.receive(fromHex('03010004')).outcome).toMatchObject({
      type: 'failure',
      error: { code: 'EAP_UNAUTHENTICATED_SUCCESS' },
    });
  });

  it('acknowledges an MS-CHAP-V2 Failure and reports its E= code at EAP Failure', () => {
    const peer = new EapPeer({ name: 'u', password: 'p', randomBytes: scripted() });
    peer.receive(
      request(
        1,
        26,
        encodeEapMschapv2({
          op: 'challenge',
          msId: 1,
          value: new Uint8Array(16),
          name: new Uint8Array(0),
        }),
      ),
    );
    const text = `E=691 R=0 C=${'00'.repeat(16)} V=3 M=bad`;
    const ack = peer.receive(
      request(2, 26, encodeEapMschapv2({ op: 'failure', msId: 1, message: encodeUtf8(text) })),
    );
    expect(toHex(ack.send!)).toBe('020200061a04');
    expect(peer.receive(fromHex('04020004')).outcome).toMatchObject({
      type: 'failure',
      error: { code: 'MSCHAP_AUTH_FAILED' },
    });
  });

  it('Naks a Type it does not do with its methods, preferred first (RFC 3748 §5.3.1)', () => {
    const peer = new EapPeer({
      name: 'u',
      password: 'p',
      methods: ['mschapv2'],
      randomBytes: scripted(),
    });
    expect(
      toHex(peer.receive(request(5, 4, encodeEapMd5(new Uint8Array(16), new Uint8Array(0)))).send!),
    ).toBe('02050006031a');
    expect(toHex(peer.receive(request(6, 13, new Uint8Array(1))).send!)).toBe('02060006031a');
  });

  it('repeats its Response to a retransmitted Request, and counts and drops malformed packets', () => {
    const peer = new EapPeer({ name: 'u', password: 'p', randomBytes: scripted() });
    const first = peer.receive(request(3, 1, new Uint8Array(0))).send!;
    expect(peer.receive(request(3, 1, new Uint8Array(0))).send).toEqual(first);
    for (const hex of ['01', '0104000a01', '09040004', '010400060403', '0105000a1a01050005']) {
      const step = peer.receive(fromHex(hex));
      expect(step.send).toBeUndefined();
      expect(step.diagnostic?.reason).toBe('malformed');
    }
    expect(peer.receive(fromHex('02030005 01'.replace(' ', ''))).diagnostic?.reason).toBe(
      'unexpected-code',
    );
    expect(peer.dropped).toBe(6);
  });
});

/** Runs a peer and an authenticator against each other until both have an outcome. */
function pair(
  serverMethods: readonly EapMethod[],
  peerMethods: readonly EapMethod[],
  peerPassword: string,
) {
  const server = new EapAuthenticator({
    methods: serverMethods,
    name: 'srv',
    lookupPassword: (user) => (user === 'alice' ? 'right' : undefined),
    randomBytes: (n) => new Uint8Array(n).fill(0x5a),
  });
  const peer = new EapPeer({
    name: 'alice',
    password: peerPassword,
    methods: peerMethods,
    randomBytes: (n) => new Uint8Array(n).fill(0xa5),
  });
  let toPeer = server.start(0).send;
  let serverOutcome: EapStep['outcome'];
  let peerOutcome: EapStep['outcome'];
  const types: number[] = [];
  for (let i = 0; i < 20 && toPeer !== undefined; i++) {
    const packet = decodeEapPacket(toPeer);
    if ('type' in packet) types.push(packet.type);
    const p = peer.receive(toPeer);
    peerOutcome ??= p.outcome;
    if (p.send === undefined) break;
    const s = server.receive(p.send, i);
    serverOutcome ??= s.outcome;
    toPeer = s.send;
  }
  return { serverOutcome, peerOutcome, types };
}

describe('EapPeer ↔ EapAuthenticator', () => {
  it('MS-CHAP-V2: both succeed with the same MPPE inputs', () => {
    const { serverOutcome, peerOutcome, types } = pair(['mschapv2'], ['mschapv2', 'md5'], 'right');
    expect(types).toEqual([1, 26, 26]);
    expect(serverOutcome).toMatchObject({ type: 'success', peerName: 'alice' });
    expect(peerOutcome).toMatchObject({ type: 'success', message: 'Access granted' });
    expect(serverOutcome?.type === 'success' && serverOutcome.keys).toEqual(
      peerOutcome?.type === 'success' && peerOutcome.keys,
    );
  });

  it('MD5 after a Nak from MS-CHAP-V2', () => {
    const { serverOutcome, peerOutcome, types } = pair(['mschapv2', 'md5'], ['md5'], 'right');
    expect(types).toEqual([1, 26, 4]);
    expect(serverOutcome).toMatchObject({ type: 'success', peerName: 'alice' });
    expect(peerOutcome).toEqual({ type: 'success', keys: { algorithm: 'chap-md5' } });
  });

  it.each([['mschapv2'], ['md5']] as const)('%s: a wrong password fails both sides', (method) => {
    const { serverOutcome, peerOutcome } = pair([method], [method], 'wrong');
    expect(serverOutcome).toMatchObject({ type: 'failure', error: { code: 'EAP_AUTH_FAILED' } });
    expect(peerOutcome).toMatchObject({
      type: 'failure',
      error: { code: method === 'md5' ? 'EAP_AUTH_FAILED' : 'MSCHAP_AUTH_FAILED' },
    });
  });

  it('no common method: EAP_NO_COMMON_TYPE', () => {
    const { serverOutcome, peerOutcome } = pair(['md5'], ['mschapv2'], 'right');
    expect(serverOutcome).toMatchObject({ error: { code: 'EAP_NO_COMMON_TYPE' } });
    expect(peerOutcome).toMatchObject({ error: { code: 'EAP_AUTH_FAILED' } });
  });

  it('the authenticator retransmits its Request, then gives up with EAP_TIMEOUT', () => {
    const server = new EapAuthenticator({
      methods: ['md5'],
      name: 's',
      lookupPassword: () => undefined,
      randomBytes: (n) => new Uint8Array(n),
      retransmitInterval: 100,
      maxRequests: 3,
    });
    const first = server.start(0);
    expect(first.deadline).toBe(100);
    expect(server.timeout(50)).toEqual({ deadline: 100 });
    expect(server.timeout(100).send).toEqual(first.send);
    expect(server.timeout(200).send).toEqual(first.send);
    expect(server.timeout(300).outcome).toMatchObject({ error: { code: 'EAP_TIMEOUT' } });
    expect(server.receive(fromHex('0201'), 301).diagnostic?.reason).toBe('malformed');
    expect(server.dropped).toBe(1);
  });
});

describe('EapPeer limits (pppd eap-timeout, eap-max-rreq)', () => {
  it('gives up when no Request comes within firstRequestTimeout', () => {
    const peer = new EapPeer({
      name: 'u',
      password: 'p',
      randomBytes: scripted(),
      firstRequestTimeout: 500,
    });
    expect(peer.start(1000)).toEqual({ deadline: 1500 });
    expect(peer.timeout(1499)).toEqual({ deadline: 1500 });
    expect(peer.timeout(1500).outcome).toMatchObject({ error: { code: 'EAP_TIMEOUT' } });
  });

  it('a Request cancels the wait; more than maxRequests new Requests end with EAP_TIMEOUT', () => {
    const peer = new EapPeer({ name: 'u', password: 'p', randomBytes: scripted(), maxRequests: 2 });
    peer.start(0);
    expect(peer.receive(request(1, 2, new Uint8Array(0))).send).toBeDefined();
    expect(peer.timeout(60_000)).toEqual({});
    // A retransmission is answered again and not counted.
    expect(peer.receive(request(1, 2, new Uint8Array(0))).send).toBeDefined();
    expect(peer.receive(request(2, 2, new Uint8Array(0))).send).toBeDefined();
    expect(peer.receive(request(3, 2, new Uint8Array(0))).outcome).toMatchObject({
      error: { code: 'EAP_TIMEOUT' },
    });
  });
});
