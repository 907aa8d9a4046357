/**
 * A streaming framer that cuts the TCP byte stream of a control connection into messages.
 *
 * @module
 */
import type { DecodeError } from '@pptpkit/wire';
import { checkControlHeader } from './codec.js';
import { MAX_CONTROL_MESSAGE_LENGTH } from './constants.js';
import type { PptpDecodeErrorCode } from './errors.js';

/** What {@link ControlFramer.push} returns. */
export interface FramerResult {
  /** Complete messages, in stream order. */
  readonly messages: Uint8Array[];
  /** Why the stream cannot be framed any further, if it cannot. */
  readonly error: DecodeError<PptpDecodeErrorCode> | undefined;
}

/**
 * Cuts a control connection's TCP byte stream into whole control messages, whatever the
 * chunking. It never holds more than one partial message (at most 220 octets): the header is
 * checked as soon as its bytes arrive, so a declared length outside the valid range, a wrong
 * PPTP Message Type, a wrong Magic Cookie or an unknown control type fails at once instead of
 * buffering (RFC 2637 §1.4: loss of synchronisation closes the connection). It never throws:
 * a failure is returned, and after one the framer stays failed and returns the same error on
 * every push.
 */
export class ControlFramer {
  readonly #partial = new Uint8Array(MAX_CONTROL_MESSAGE_LENGTH);
  #have = 0;
  #failed: DecodeError<PptpDecodeErrorCode> | undefined;

  /** Octets of an incomplete message held back, between 0 and 219. */
  get buffered(): number {
    return this.#have;
  }

  /** The error that stopped the framer, if any. */
  get failure(): DecodeError<PptpDecodeErrorCode> | undefined {
    return this.#failed;
  }

  /**
   * Feeds the next chunk of the stream. Returns the messages it completes, each a fresh copy of
   * exactly one message's octets, in stream order, and the error (`PPTP_BAD_LENGTH`,
   * `PPTP_BAD_MESSAGE_TYPE`, `PPTP_BAD_MAGIC`, `PPTP_UNKNOWN_CONTROL_TYPE`) that ended the
   * stream, if it ended: messages before the bad header are still returned.
   */
  push(chunk: Uint8Array): FramerResult {
    const out: Uint8Array[] = [];
    if (this.#failed !== undefined) return { messages: out, error: this.#failed };
    const partial = this.#partial;
    let at = 0;
    while (at < chunk.length) {
      // Fill the header first (10 octets decide the length), then up to the message length.
      const want = this.#have < 10 ? 10 : (partial[0]! << 8) | partial[1]!;
      const take = Math.min(want - this.#have, chunk.length - at);
      partial.set(chunk.subarray(at, at + take), this.#have);
      const before = this.#have;
      this.#have += take;
      at += take;
      if (before < 10) {
        try {
          checkControlHeader(partial, this.#have);
        } catch (error) {
          this.#failed = error as DecodeError<PptpDecodeErrorCode>;
          this.#have = 0;
          return { messages: out, error: this.#failed };
        }
        continue;
      }
      if (this.#have === want) {
        out.push(partial.slice(0, want));
        this.#have = 0;
      }
    }
    return { messages: out, error: undefined };
  }
}
