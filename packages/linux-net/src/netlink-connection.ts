/**
 * Request/answer exchanges over a netlink socket: sequence numbers, acknowledgements,
 * multi-part dumps, errors. The socket is a {@link NetlinkTransport} (the addon's, or a test's
 * scripted kernel), used synchronously: the kernel handles an rtnetlink request inside the
 * `sendmsg()` that carries it, so its answer is queued by the time the send returns and the
 * receive only waits for a kernel that holds the routing lock elsewhere.
 *
 * @module
 */
import { constants } from 'node:os';
import {
  decodeMessages,
  decodeStatus,
  NetlinkFlag,
  type NetlinkMessage,
  NetlinkType,
} from './netlink-message.js';

/** A netlink socket, connected to the kernel. Both calls throw an error carrying `errno`. */
export interface NetlinkTransport {
  /** Sends one request datagram. */
  send(request: Uint8Array): void;
  /**
   * Receives one datagram from the kernel into `buffer` and returns its length, waiting at most
   * `timeoutMs` (then throws `ETIMEDOUT`); a datagram larger than `buffer` throws `EMSGSIZE`.
   */
  receive(buffer: Uint8Array, timeoutMs: number): number;
}

/** What a request expects back. */
export type NetlinkAnswer =
  /** An `NLMSG_ERROR` with error 0 (`NLM_F_ACK` was set). */
  | 'ack'
  /** One message (a `GET` without `NLM_F_DUMP`). */
  | 'reply'
  /** Messages up to `NLMSG_DONE`, possibly over several datagrams (`NLM_F_DUMP`). */
  | 'dump';

/** The outcome of an exchange: the messages, or why there are none. */
export type NetlinkResult =
  | { readonly errno: 0; readonly messages: readonly NetlinkMessage[] }
  | {
      readonly errno: number;
      /** The extended ack's text, when the kernel gave one. */
      readonly kernelMessage?: string;
      /** The failing system call, for socket errors (not for the kernel's answers). */
      readonly syscall?: string;
    };

/** Largest datagram accepted; the kernel's dump parts stay within 32 KiB. */
const RECEIVE_BUFFER_SIZE = 65536;
/** Dumps re-run when the kernel flags them inconsistent (`NLM_F_DUMP_INTR`) before giving up. */
const DUMP_ATTEMPTS = 3;

/** Options of {@link NetlinkConnection}. */
export interface NetlinkConnectionOptions {
  /** How long one exchange may wait for its answer, in milliseconds. */
  readonly timeoutMs: number;
  /** A monotonic clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

/** Sends requests with increasing sequence numbers and collects their answers. */
export class NetlinkConnection {
  readonly #transport: NetlinkTransport;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #buffer = new Uint8Array(RECEIVE_BUFFER_SIZE);
  #seq = 0;

  /**
   * @param transport - the socket.
   * @param options - timeout and clock.
   */
  constructor(transport: NetlinkTransport, options: NetlinkConnectionOptions) {
    this.#transport = transport;
    this.#timeoutMs = options.timeoutMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Sends the request `build` makes for the next sequence number and collects the answer.
   * Messages of other sequence numbers (answers to an earlier request that timed out) are
   * skipped. A dump the kernel flags as interrupted is repeated, up to three times.
   */
  exchange(build: (seq: number) => Uint8Array, answer: NetlinkAnswer): NetlinkResult {
    for (let attempt = 1; ; attempt++) {
      const result = this.#exchangeOnce(build, answer);
      if (result !== 'interrupted') return result;
      if (attempt === DUMP_ATTEMPTS) return { errno: constants.errno.EINTR };
    }
  }

  #exchangeOnce(
    build: (seq: number) => Uint8Array,
    answer: NetlinkAnswer,
  ): NetlinkResult | 'interrupted' {
    this.#seq = (this.#seq + 1) >>> 0;
    const seq = this.#seq;
    const failed = (error: unknown): NetlinkResult => {
      const { errno, syscall } = error as { errno?: unknown; syscall?: unknown };
      if (typeof errno !== 'number') throw error;
      return { errno, ...(typeof syscall === 'string' ? { syscall } : {}) };
    };
    try {
      this.#transport.send(build(seq));
    } catch (error) {
      return failed(error);
    }
    const deadline = this.#now() + this.#timeoutMs;
    const collected: NetlinkMessage[] = [];
    let interrupted = false;
    for (;;) {
      // Bounded even if datagrams for other requests kept arriving.
      if (this.#now() > deadline) return { errno: constants.errno.ETIMEDOUT };
      let length: number;
      try {
        length = this.#transport.receive(this.#buffer, Math.max(0, deadline - this.#now()));
      } catch (error) {
        return failed(error);
      }
      // Copied: a dump's messages must outlive the next receive into the same buffer.
      const messages = decodeMessages(this.#buffer.slice(0, length));
      if (messages === undefined) return { errno: constants.errno.EPROTO };
      for (const message of messages) {
        if (message.seq !== seq || message.type === NetlinkType.noop) continue;
        if (message.type === NetlinkType.error || message.type === NetlinkType.done) {
          const status = decodeStatus(message);
          if (status === undefined) return { errno: constants.errno.EPROTO };
          if (status.errno !== 0) return status;
          if (interrupted) return 'interrupted';
          return { errno: 0, messages: collected };
        }
        if ((message.flags & NetlinkFlag.dumpInterrupted) !== 0) interrupted = true;
        collected.push(message);
        if (answer === 'reply') return { errno: 0, messages: collected };
      }
    }
  }
}
