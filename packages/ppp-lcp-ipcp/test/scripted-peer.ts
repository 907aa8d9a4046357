import {
  CP_CODE,
  PPP_PROTOCOL,
  type PppAction,
  PppLink,
  type PppLinkOptions,
} from '../src/index.js';
import { controlFrame, decodeSent, type SentPacket } from './decode-helpers.js';
import { seededRandom } from './harness.js';

/**
 * One `PppLink` (the client) against a peer scripted frame by frame, as a foreign server
 * (Windows RRAS, MikroTik, Cisco, mpd5) would send them.
 */
export class ScriptedPeer {
  readonly link: PppLink;
  now = 0;
  /** Every action the link returned, in order. */
  readonly log: PppAction[] = [];
  /** Actions of the last call only. */
  last: PppAction[] = [];

  constructor(options: Omit<PppLinkOptions, 'role' | 'randomBytes'>, seed = 3) {
    this.link = new PppLink({ ...options, role: 'client', randomBytes: seededRandom(seed) });
  }

  #record(actions: PppAction[]): PppAction[] {
    this.last = actions;
    this.log.push(...actions);
    return actions;
  }

  start(): PppAction[] {
    return this.#record(this.link.start(this.now));
  }

  /** Delivers a control packet from the peer. */
  send(
    protocol: number,
    code: number,
    identifier: number,
    data: number[] | Uint8Array = [],
  ): PppAction[] {
    return this.#record(
      this.link.receive(controlFrame(protocol, code, identifier, data), this.now),
    );
  }

  /** Delivers raw frame bytes from the peer. */
  frame(bytes: Uint8Array): PppAction[] {
    return this.#record(this.link.receive(bytes, this.now));
  }

  /** Advances the clock to `at` and runs the link's timers. */
  timeout(at: number): PppAction[] {
    this.now = at;
    return this.#record(this.link.timeout(at));
  }

  close(message?: string): PppAction[] {
    return this.#record(this.link.close(this.now, message));
  }

  /** Every control packet the link sent, decoded. */
  sent(): SentPacket[] {
    return this.log.flatMap((a) => (a.type === 'send' ? [decodeSent(a.frame)] : []));
  }

  /** Control packets of the last call. */
  lastSent(): SentPacket[] {
    return this.last.flatMap((a) => (a.type === 'send' ? [decodeSent(a.frame)] : []));
  }

  /** The link's most recent Configure-Request of `protocol`. */
  request(protocol: number): SentPacket | undefined {
    return this.sent()
      .filter((p) => p.protocol === protocol && p.code === CP_CODE.CONFIGURE_REQUEST)
      .at(-1);
  }

  /** Acks the link's most recent Configure-Request of `protocol`. */
  ack(protocol: number): PppAction[] {
    const r = this.request(protocol);
    if (r === undefined) throw new Error(`no Configure-Request of 0x${protocol.toString(16)}`);
    return this.send(protocol, CP_CODE.CONFIGURE_ACK, r.identifier, r.data);
  }

  /** Opens LCP with the peer requesting `options` (default: a magic number only). */
  openLcp(options: number[] = [5, 6, 0x11, 0x22, 0x33, 0x44]): void {
    this.start();
    this.send(PPP_PROTOCOL.LCP, CP_CODE.CONFIGURE_REQUEST, 1, options);
    this.ack(PPP_PROTOCOL.LCP);
  }

  actions<T extends PppAction['type']>(type: T): Extract<PppAction, { type: T }>[] {
    return this.log.filter((a) => a.type === type) as Extract<PppAction, { type: T }>[];
  }
}
