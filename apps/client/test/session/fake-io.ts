/**
 * The session shell's I/O against a fake pptpd: the `@pptpkit/tunnel` core in the server role
 * (`@pptpkit/testkit`), joined to the session by in-memory pipes that deliver through
 * `setTimeout(0)`, so that vitest's fake timers drive the whole exchange: no test sleeps or polls.
 */
import { createGreHeader, decodeGreHeader, encodeGreHeader } from '@pptpkit/gre';
import { type FakePptpdOptions, fakePptpd, SeededRandom, udpPacket } from '@pptpkit/testkit';
import { Tunnel, type TunnelEvent } from '@pptpkit/tunnel';
import type {
  ControlStream,
  PacketPort,
  SessionIo,
  SocketBinding,
  TunnelAddresses,
  TunnelHost,
  TunnelInterface,
} from '../../src/session/io.js';

type Reader = (buf: Uint8Array, start: number, end: number) => void;

/** Options of {@link FakeIo}. */
export interface FakeIoOptions extends FakePptpdOptions {
  /** Never answer the TCP connect. */
  readonly unreachable?: boolean;
  /** Seed of the server's randomness. */
  readonly seed?: number;
  /** Edits each datagram of the server on its way to the client (a copy; e.g. a Failure's `E=`). */
  readonly editServerGre?: (datagram: Uint8Array) => void;
}

/** A {@link SessionIo} whose far end is a fake pptpd, with what it saw recorded. */
export class FakeIo implements SessionIo {
  /** The server's core. */
  readonly server: Tunnel;
  /** The server's events. */
  readonly serverEvents: TunnelEvent[] = [];
  /** IP packets the server received through the tunnel. */
  readonly received: Uint8Array[] = [];
  /** IP packets written to the client's TUN. */
  readonly tunWrites: Uint8Array[] = [];
  prepared: string | undefined;
  broughtUp: TunnelAddresses | undefined;
  restored = false;
  /** What `host.pathMtu` answers; tests change it to move the path MTU. */
  pathMtu: number | undefined = 1500;
  /** The MTUs `host.setMtu` was given. */
  readonly mtuChanges: number[] = [];
  /** The bindings `connectControl` and `openGre` were given, in order. */
  readonly bindings: { readonly socket: 'tcp' | 'gre'; readonly binding?: SocketBinding }[] = [];
  greClosed = false;
  tunClosed = false;
  tcpClosed = false;
  readonly #options: FakeIoOptions;
  #toClient: ((bytes: Uint8Array) => void) | undefined;
  #clientClosed: ((error: Error | undefined) => void) | undefined;
  #greReader: Reader | undefined;
  #greAfter: (() => void) | undefined;
  #tunReader: Reader | undefined;
  #tunAfter: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A PPP frame waiting to take the place of the payload of the server's next data packet. */
  #hostileFrame: Uint8Array | undefined;
  #carriers = 0;
  readonly #greHeader = createGreHeader();

  /** @param options - the fake pptpd's settings. */
  constructor(options: FakeIoOptions = {}) {
    this.#options = options;
    const random = new SeededRandom(options.seed ?? 99);
    this.server = new Tunnel({
      // Sends go out at once, past the client's window (injected frames replace their payload).
      greSendWindow: 'ignore',
      ...fakePptpd(
        {
          control: (bytes) => {
            const copy = bytes.slice();
            setTimeout(() => this.#toClient?.(copy), 0);
          },
          endControl: () => {
            this.tcpClosed = true;
            setTimeout(() => this.#clientClosed?.(undefined), 0);
          },
          gre: (buf, start, end) => {
            const copy = this.#fromServer(buf.subarray(start, end));
            options.editServerGre?.(copy);
            setTimeout(() => {
              this.#greReader?.(copy, 0, copy.length);
              this.#greAfter?.();
            }, 0);
          },
          ip: (buf, start, end) => {
            this.received.push(buf.slice(start, end));
            return true;
          },
          event: (event) => this.serverEvents.push(event),
        },
        (n) => random.bytes(n),
        options,
      ),
    });
  }

  now(): number {
    return performance.now();
  }

  randomBytes(n: number): Uint8Array {
    return crypto.getRandomValues(new Uint8Array(n));
  }

  readonly host: TunnelHost = {
    prepare: async (server) => {
      this.prepared = server;
    },
    bringUp: async (addresses): Promise<TunnelInterface> => {
      this.broughtUp = addresses;
      return {
        name: 'ppp0',
        port: {
          write: (buf, offset, length) => {
            this.tunWrites.push(buf.slice(offset, offset + length));
            return true;
          },
          startReading: (reader, after) => {
            this.#tunReader = reader;
            this.#tunAfter = after;
          },
          close: () => {
            this.tunClosed = true;
          },
        },
      };
    },
    pathMtu: async () => this.pathMtu,
    setMtu: async (mtu) => {
      this.mtuChanges.push(mtu);
    },
    restore: async () => {
      this.restored = true;
    },
  };

  connectControl(
    _host?: string,
    _port?: number,
    _timeoutMs?: number,
    binding?: SocketBinding,
  ): Promise<ControlStream> {
    this.bindings.push({ socket: 'tcp', ...(binding === undefined ? {} : { binding }) });
    if (this.#options.unreachable) return new Promise(() => undefined);
    this.server.start(this.now());
    this.#arm();
    return Promise.resolve({
      write: (bytes) => {
        const copy = bytes.slice();
        setTimeout(() => this.#serverInput(() => this.server.receiveControl(copy, this.now())), 0);
      },
      end: () =>
        setTimeout(() => this.#serverInput(() => this.server.controlClosed(this.now())), 0),
      destroy: () => undefined,
      onData: (handler) => {
        this.#toClient = handler;
      },
      onClose: (handler) => {
        this.#clientClosed = handler;
      },
    });
  }

  openGre(_server?: string, binding?: SocketBinding): PacketPort {
    this.bindings.push({ socket: 'gre', ...(binding === undefined ? {} : { binding }) });
    return {
      write: (buf, offset, length) => {
        const copy = buf.slice(offset, offset + length);
        setTimeout(
          () => this.#serverInput(() => this.server.receiveGre(copy, 0, copy.length, this.now())),
          0,
        );
        return true;
      },
      startReading: (reader, after) => {
        this.#greReader = reader;
        this.#greAfter = after;
      },
      close: () => {
        this.greClosed = true;
      },
    };
  }

  /** An IP packet the kernel routes into the client's TUN. */
  tunRead(packet: Uint8Array): void {
    this.#tunReader?.(packet, 0, packet.length);
    this.#tunAfter?.();
  }

  /** An IP packet the server sends into the tunnel. */
  sendIp(packet: Uint8Array): void {
    this.#serverInput(() => this.server.sendIp(packet, 0, packet.length, this.now()));
  }

  /** Raw bytes into the client's control stream (a hostile server). */
  injectControl(bytes: Uint8Array): void {
    const copy = bytes.slice();
    setTimeout(() => this.#toClient?.(copy), 0);
  }

  /** A raw datagram into the client's GRE socket (a hostile network). */
  injectGre(bytes: Uint8Array): void {
    this.#greReader?.(bytes, 0, bytes.length);
    this.#greAfter?.();
  }

  /**
   * A hostile server: `frame` as the PPP payload of valid GRE from the server's call.
   *
   * The frame rides in place of a genuine packet of the server's own stream: the server core is
   * made to send one data packet (an IP packet into the tunnel) and, on its way to the client,
   * that datagram's payload is replaced by `frame` and its header's payload length fixed; call
   * ID, sequence and acknowledgment numbers stay the server's. A datagram crafted beside the
   * server's stream could not do this: whatever sequence number it took, the server would send
   * its next genuine packet with the same number, which the client's GRE receiver then drops as
   * a duplicate (RFC 2637 §4.3).
   *
   * @returns whether the frame went out (false when the server's link is not up to send).
   */
  injectPpp(frame: Uint8Array): boolean {
    this.#hostileFrame = frame;
    const carrier = udpPacket(
      this.#options.local ?? '192.168.77.1',
      this.#options.remote ?? '192.168.77.10',
      this.#carriers++,
    );
    this.sendIp(carrier);
    const sent = this.#hostileFrame === undefined;
    this.#hostileFrame = undefined;
    return sent;
  }

  /** Stops the server's timer. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** A copy of a server datagram, its payload replaced when a hostile frame is waiting. */
  #fromServer(datagram: Uint8Array): Uint8Array {
    const frame = this.#hostileFrame;
    if (frame === undefined) return datagram.slice();
    const h = decodeGreHeader(datagram, this.#greHeader);
    // An acknowledgment-only packet (S clear) carries no payload to replace (RFC 2637 §4.1).
    if (!h.hasSequence) return datagram.slice();
    this.#hostileFrame = undefined;
    h.payloadLength = frame.length;
    const out = new Uint8Array(h.headerLength + frame.length);
    out.set(frame, encodeGreHeader(h, out, 0));
    return out;
  }

  #serverInput(work: () => void): void {
    work();
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const at = this.server.nextDeadline();
    if (!Number.isFinite(at)) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#serverInput(() => this.server.timeout(this.now()));
      },
      Math.max(0, at - this.now()),
    );
  }
}
