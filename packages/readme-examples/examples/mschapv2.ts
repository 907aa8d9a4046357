import assert from 'node:assert/strict';
import { ChapAuthenticator, ChapPeer } from '@pptpkit/mschapv2';

const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));

// The client: feed it every CHAP payload (PPP protocol 0xC223) the server sends.
const peer = new ChapPeer({
  algorithm: 'mschapv2',
  name: 'alice',
  password: 's3cret',
  randomBytes,
});

// A server (in tests, or a pptpkit-based server).
const server = new ChapAuthenticator({
  algorithm: 'mschapv2',
  name: 'pptpd',
  randomBytes,
  lookupPassword: (user) => (user === 'alice' ? 's3cret' : undefined),
});

const challenge = server.start(performance.now()); // { send: Challenge, deadline }
const response = peer.receive(challenge.send!, performance.now()); // { send: Response, deadline }
const decision = server.receive(response.send!, performance.now()); // { send: Success "S=… M=…", outcome }
const result = peer.receive(decision.send!, performance.now()); // { outcome: { type: 'success', keys } }

if (result.outcome?.type === 'success' && result.outcome.keys.algorithm === 'mschapv2') {
  // RFC 3079 §3.4 inputs for @pptpkit/mppe:
  const { passwordHashHash, ntResponse } = result.outcome.keys;
  console.log(passwordHashHash.length, ntResponse.length); // 16 24
} else if (result.outcome?.type === 'failure') {
  console.error(result.outcome.error.code, result.outcome.error.details); // e.g. MSCHAP_AUTH_FAILED
}
assert.equal(result.outcome?.type, 'success'); // and the peer checked the server's proof
