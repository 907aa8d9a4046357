import assert from 'node:assert/strict';
import {
  DEFAULT_MPPE_POLICY,
  deriveMsChapV2StartKeys,
  formatMppeBits,
  MppeDecryptor,
  MppeEncryptor,
  mppeInitialRequest,
  mppeJudgePeerRequest,
  mppeNegotiated,
} from '@pptpkit/mppe';

// CCP (RFC 3078 §2.1): each side requests option 18 and judges the other's request.
const ours = mppeInitialRequest(DEFAULT_MPPE_POLICY); // MPPE-128, stateless, no MPPC
const theirs = { ...ours }; // what a stock pppd server requests: the same
assert.deepEqual(mppeJudgePeerRequest(theirs, DEFAULT_MPPE_POLICY), { verdict: 'ack' });
// Once both requests are Acked: the mode, or undefined when the two do not agree (close the link).
const mode = mppeNegotiated(ours, theirs);
if (mode === undefined) throw new Error('no common MPPE mode');
assert.deepEqual(mode, { keyBits: 128, stateless: true, mppc: false });

// Start keys (RFC 3079 §3) from the MS-CHAPv2 exchange, whose key material @pptpkit/mschapv2
// hands over; here the inputs of RFC 3079 §3.5.
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const passwordHashHash = hex('41c00c584bd2d91c4017a2a12fa59f3f');
const ntResponse = hex('82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df');
const { keyBits, stateless } = mode;
const client = deriveMsChapV2StartKeys({ passwordHashHash, ntResponse, role: 'client', keyBits });
const server = deriveMsChapV2StartKeys({ passwordHashHash, ntResponse, role: 'server', keyBits });
assert.deepEqual(server.send, hex('8b7cdc149b993a1ba118cb153f56dccb')); // §3.5.3 SendStartKey128
const encryptor = new MppeEncryptor({ startKey: client.send, keyBits, stateless });
const decryptor = new MppeDecryptor({ startKey: server.receive, keyBits, stateless });

// Sending: the plaintext (PPP protocol field + payload) 2 bytes into the buffer; encrypt writes
// the MPPE header + ciphertext from offset 0, in place, and returns its length.
const plain = new Uint8Array([0x00, 0x21, ...new TextEncoder().encode('an IPv4 datagram')]);
const buf = new Uint8Array(2 + plain.length);
buf.set(plain, 2);
const n = encryptor.encrypt(buf, 2, plain.length, buf, 0);

// Receiving: the information field of a PPP frame of protocol 0x00FD. A negative result is an
// MPPE_STATUS: the packet is dropped (RESET_NEEDED: stateful and out of sync, send a CCP
// Reset-Request).
const out = new Uint8Array(1500);
const m = decryptor.decrypt(buf, 0, n, out, 0);
assert.deepEqual(out.subarray(0, m), plain);
console.log(formatMppeBits(ours), mode, `${n} bytes on the wire, ${m} decrypted`);
