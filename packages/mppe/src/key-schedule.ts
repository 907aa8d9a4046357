/**
 * The per-direction MPPE key state: start key, current session key and the RFC 3078 §7.3 key
 * change, allocation-free. Internal to the package.
 */
import {
  getNewKeyFromSha,
  type MppeKeyBits,
  mppeKeyLength,
  reduceSessionKey,
} from './key-derivation.js';
import { type Rc4, rc4SelfEncrypt } from './rc4.js';
import { getNewKeyFromShaInto } from './sha1-rekey.js';

/** Start key plus current session key of one direction. */
export class KeySchedule {
  /** Key strength. */
  readonly keyBits: MppeKeyBits;
  /** Key length in octets (8 or 16). */
  readonly length: 8 | 16;
  /** The start ("master session") key; never used to encrypt. */
  readonly start: Uint8Array;
  /** The current session key. */
  readonly session: Uint8Array;

  /**
   * @param startKey - 8 bytes for 40/56 bits, 16 for 128 (copied).
   * @param keyBits - strength.
   */
  constructor(startKey: Uint8Array, keyBits: MppeKeyBits) {
    this.keyBits = keyBits;
    this.length = mppeKeyLength(keyBits);
    if (!(startKey instanceof Uint8Array) || startKey.length !== this.length) {
      throw new TypeError(`startKey must be ${this.length} bytes for ${keyBits}-bit MPPE`);
    }
    this.start = startKey.slice();
    // RFC 3079 §3.1–3.3: the initial session key is GetNewKeyFromSHA(start, start), reduced.
    this.session = getNewKeyFromSha(this.start, this.start, this.length);
    reduceSessionKey(this.session, keyBits);
  }

  /**
   * RFC 3078 §7.3 key change of `session` in place: interim = GetNewKeyFromSHA(start, session);
   * rc4-key the tables with it and encrypt it to get the new session key; reduce.
   */
  advance(): void {
    const s = this.session;
    const len = this.length;
    getNewKeyFromShaInto(this.start, s, len, s);
    rc4SelfEncrypt(s, len);
    reduceSessionKey(s, this.keyBits);
  }

  /** A key change ({@link advance}) that leaves `rc4` ready to encrypt with the new key. */
  rekey(rc4: Rc4): void {
    this.advance();
    rc4.setKey(this.session, 0, this.length);
  }
}
