/**
 * A deliberately naive second MPPE sender written from the RFC text for cross-checking the
 * optimised one: SHA-1 from node:crypto, RC4 on plain number arrays, fresh arrays everywhere.
 * RFC 3078 §7.3 key change; RFC 3079 initial key; Linux `ppp_mppe` counting (first count 0).
 */
import { createHash } from 'node:crypto';

class NaiveRc4 {
  private readonly s: number[] = [];
  private i = 0;
  private j = 0;
  constructor(key: Uint8Array) {
    for (let k = 0; k < 256; k++) this.s.push(k);
    let j = 0;
    for (let i = 0; i < 256; i++) {
      j = (j + this.s[i]! + key[i % key.length]!) % 256;
      [this.s[i], this.s[j]] = [this.s[j]!, this.s[i]!];
    }
  }
  crypt(data: Uint8Array): Uint8Array {
    return data.map((byte) => {
      this.i = (this.i + 1) % 256;
      this.j = (this.j + this.s[this.i]!) % 256;
      [this.s[this.i], this.s[this.j]] = [this.s[this.j]!, this.s[this.i]!];
      return byte ^ this.s[(this.s[this.i]! + this.s[this.j]!) % 256]!;
    });
  }
}

function sha(start: Uint8Array, session: Uint8Array): Uint8Array {
  const digest = createHash('sha1')
    .update(start)
    .update(Buffer.alloc(40, 0))
    .update(session)
    .update(Buffer.alloc(40, 0xf2))
    .digest();
  return new Uint8Array(digest.subarray(0, start.length));
}

function reduce(key: Uint8Array, keyBits: number): Uint8Array {
  const out = key.slice();
  if (keyBits === 40) out.set([0xd1, 0x26, 0x9e]);
  if (keyBits === 56) out[0] = 0xd1;
  return out;
}

/** Reference sender: returns whole MPPE packets (header + ciphertext). */
export class ReferenceSender {
  private session: Uint8Array;
  private rc4: NaiveRc4;
  private count = 0xfff;
  private reset = false;

  constructor(
    private readonly start: Uint8Array,
    private readonly keyBits: 40 | 56 | 128,
    private readonly stateless: boolean,
  ) {
    this.session = reduce(sha(start, start), keyBits);
    this.rc4 = new NaiveRc4(this.session);
  }

  private rekey(): void {
    const interim = sha(this.start, this.session);
    this.session = reduce(new NaiveRc4(interim).crypt(interim), this.keyBits);
    this.rc4 = new NaiveRc4(this.session);
  }

  resetRequested(): void {
    this.reset = true;
  }

  send(plain: Uint8Array, mppcFlags = 0): Uint8Array {
    this.count = (this.count + 1) % 4096;
    const flushed =
      this.stateless || this.reset || this.count % 256 === 255 || (mppcFlags & 0x80) !== 0;
    if (flushed) {
      this.rekey();
      this.reset = false;
    }
    const header = [mppcFlags | 0x10 | (flushed ? 0x80 : 0) | (this.count >> 8), this.count & 0xff];
    return Uint8Array.from([...header, ...this.rc4.crypt(plain)]);
  }
}
