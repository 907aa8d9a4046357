import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { GRE_MAX_HEADER_LENGTH, GreSession } from '@pptpkit/gre';
import {
  MppcCompressor,
  MppcDecompressor,
  MppcFramedCompressor,
  MppcFramedDecompressor,
} from '@pptpkit/mppc';
import {
  DEFAULT_MPPE_POLICY,
  decodeMppeOption,
  deriveMsChapV2StartKeys,
  formatMppeBits,
  MppeDecryptor,
  MppeEncryptor,
  type MppePolicy,
} from '@pptpkit/mppe';
import { ChapAuthenticator, type Mschapv2Keys } from '@pptpkit/mschapv2';
import {
  type CcpPolicy,
  CHAP_ALGORITHM,
  PPP_PROTOCOL,
  type PppAction,
  type PppHeader,
  PppLink,
  readPppHeader,
} from '@pptpkit/ppp-lcp-ipcp';
import { type ControlAction, PacControlConnection } from '@pptpkit/pptp-control';
import { parseIpv4 } from '@pptpkit/wire';
import { mppcOnlyCcpPolicy, mppeCcpPolicy } from '../../src/session/ccp-policy.js';
import type {
  ControlStream,
  PacketPort,
  SessionIo,
  TunnelAddresses,
  TunnelHost,
  TunnelInterface,
} from '../../src/session/io.js';

const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const later = (f: () => void): void => void setImmediate(f);

/** Options of the in-memory PPTP server. */
export interface FakeServerOptions {
  readonly user: string;
  readonly password: string;
  readonly mppe?: MppePolicy;
  /** Run `nomppe mppc`: MPPC alone (option 18 with only C). */
  readonly mppcAlone?: boolean;
  /** Replaces the server's CCP policy (to play a misbehaving server). */
  readonly ccp?: CcpPolicy;
  /** Never answer the TCP connect (a server that does not answer). */
  readonly unreachable?: boolean;
  /** Drop every GRE packet from the client whose index (from 0) this returns true for. */
  readonly dropClientGre?: (index: number) => boolean;
}

/**
 * A PPTP server built from the packages' server roles (PAC control connection, PPP link in the
 * server role with the MS-CHAPv2 authenticator, MPPE), connected to the client session through
 * in-memory pipes that deliver asynchronously, like sockets.
 */
export class FakeServer implements SessionIo {
  readonly pac: PacControlConnection = new PacControlConnection({
    randomBytes: rnd,
    hostName: 'fake-pptpd',
    onCallClear: 'close',
  });
  link: PppLink | undefined;
  gre: GreSession | undefined;
  encryptor: MppeEncryptor | undefined;
  decryptor: MppeDecryptor | undefined;
  keys: Mschapv2Keys | undefined;
  /** MPPC with MPPE (shared header), once CCP agreed on C. */
  compressor: MppcCompressor | undefined;
  decompressor: MppcDecompressor | undefined;
  /** MPPC alone (own header), once CCP agreed on C without MPPE. */
  framedCompressor: MppcFramedCompressor | undefined;
  framedDecompressor: MppcFramedDecompressor | undefined;
  /** The client's CCP packets: code name and option 18, e.g. `ConfReq <mppe +H ... +C>`. */
  readonly clientCcp: string[] = [];
  /** IP packets the server received through the tunnel (decrypted). */
  readonly received: Uint8Array[] = [];
  /** IP packets written to the client's TUN. */
  readonly tunWrites: Uint8Array[] = [];
  readonly pppLog: PppAction['type'][] = [];
  tcpClosed = false;
  restored = false;
  prepared: string | undefined;
  broughtUp: TunnelAddresses | undefined;
  greClosed = false;
  tunClosed = false;
  #clientGreHandler: ((buf: Uint8Array, start: number, end: number) => void) | undefined;
  #clientGreAfter: (() => void) | undefined;
  #tunHandler: ((buf: Uint8Array, start: number, end: number) => void) | undefined;
  #tunAfter: (() => void) | undefined;
  #toClient: ((bytes: Uint8Array) => void) | undefined;
  #clientClose: ((error: Error | undefined) => void) | undefined;
  #greIndex = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #o: FakeServerOptions;

  constructor(options: FakeServerOptions) {
    this.#o = options;
  }

  now(): number {
    return performance.now();
  }

  randomBytes(n: number): Uint8Array {
    return rnd(n);
  }

  readonly host: TunnelHost = {
    prepare: async (server) => {
      this.prepared = server;
    },
    bringUp: async (addresses): Promise<TunnelInterface> => {
      this.broughtUp = addresses;
      const port: PacketPort = {
        write: (buf, offset, length) => {
          this.tunWrites.push(buf.slice(offset, offset + length));
          return true;
        },
        startReading: (handler, afterBatch) => {
          this.#tunHandler = handler;
          this.#tunAfter = afterBatch;
        },
        close: () => {
          this.tunClosed = true;
        },
      };
      return { name: 'ppp0', port };
    },
    restore: async () => {
      this.restored = true;
    },
  };

  /** Injects an IP packet as if the kernel routed it into the client's TUN. */
  tunRead(packet: Uint8Array): void {
    this.#tunHandler?.(packet, 0, packet.length);
    this.#tunAfter?.();
  }

  connectControl(): Promise<ControlStream> {
    if (this.#o.unreachable) return new Promise(() => undefined);
    this.#control(this.pac.start(this.now()));
    return Promise.resolve({
      write: (bytes) => {
        const copy = bytes.slice();
        later(() => this.#control(this.pac.receive(copy, this.now())));
      },
      end: () => later(() => this.#control(this.pac.closed(this.now()))),
      destroy: () => undefined,
      onData: (handler) => {
        this.#toClient = handler;
      },
      onClose: (handler) => {
        this.#clientClose = handler;
      },
    });
  }

  openGre(): PacketPort {
    return {
      write: (buf, offset, length) => {
        const copy = buf.slice(offset, offset + length);
        if (this.#o.dropClientGre?.(this.#greIndex++)) return true;
        later(() => {
          this.gre?.receive(copy, 0, copy.length, this.now());
          this.#arm();
        });
        return true;
      },
      startReading: (handler, afterBatch) => {
        this.#clientGreHandler = handler;
        this.#clientGreAfter = afterBatch;
      },
      close: () => {
        this.greClosed = true;
      },
    };
  }

  /** Sends an IP packet from the server side into the tunnel (compressed, encrypted as agreed). */
  sendIp(packet: Uint8Array): void {
    const plain = new Uint8Array(2 + packet.length);
    plain[1] = 0x21;
    plain.set(packet, 2);
    const frame = new Uint8Array(4 + 2 + plain.length);
    frame.set([0xff, 0x03, 0x00, 0xfd]);
    if (this.framedCompressor !== undefined) {
      const n = this.framedCompressor.compressRange(plain, 0, plain.length, frame, 4);
      this.#sendFrame(frame.subarray(0, 4 + n));
      return;
    }
    const c = this.compressor;
    let flags = 0;
    let src = plain;
    let length = plain.length;
    if (c !== undefined) {
      if (this.encryptor!.nextPacketFlushed) c.reset();
      src = new Uint8Array(plain.length);
      length = c.compress(plain, src);
      flags = c.flags;
    }
    const n = this.encryptor!.encrypt(src, 0, length, frame, 4, flags);
    this.#sendFrame(frame.subarray(0, 4 + n));
  }

  /** Hostile-server tests: raw bytes into the client's TCP control stream. */
  injectControl(bytes: Uint8Array): void {
    const copy = bytes.slice();
    later(() => this.#toClient?.(copy));
  }

  /** Hostile-server tests: a raw datagram into the client's GRE socket (no GRE framing added). */
  injectGre(bytes: Uint8Array): void {
    this.#clientGreHandler?.(bytes, 0, bytes.length);
    this.#clientGreAfter?.();
  }

  /** Hostile-server tests: a PPP frame sent through the server's GRE session (valid GRE). */
  injectPpp(frame: Uint8Array): void {
    this.#sendFrame(frame);
  }

  /** The client sent a CCP Reset-Request: flush and re-key the next packet. */
  #resetRequested(): void {
    this.encryptor?.resetRequested();
    this.compressor?.reset();
    this.framedCompressor?.reset();
  }

  #sendFrame(frame: Uint8Array): void {
    const gre = this.gre;
    if (gre === undefined) return;
    const buf = new Uint8Array(GRE_MAX_HEADER_LENGTH + frame.length);
    buf.set(frame, GRE_MAX_HEADER_LENGTH);
    const at = gre.writeData(buf, GRE_MAX_HEADER_LENGTH, frame.length, this.now());
    const packet = buf.slice(at);
    later(() => {
      this.#clientGreHandler?.(packet, 0, packet.length);
      this.#clientGreAfter?.();
    });
  }

  #control(actions: ControlAction[]): void {
    for (const a of actions) {
      if (a.type === 'send') {
        const bytes = a.bytes;
        later(() => this.#toClient?.(bytes));
      } else if (a.type === 'close') {
        this.tcpClosed = true;
        later(() => this.#clientClose?.(undefined));
      } else if (a.type === 'call-up') {
        this.#callUp(a.call.callId, a.call.peerCallId);
      }
    }
  }

  #callUp(callId: number, peerCallId: number): void {
    this.gre = new GreSession({
      localCallId: callId,
      peerCallId,
      deliver: (bytes, start, end) => this.#frame(bytes.slice(start, end)),
    });
    const { user, password } = this.#o;
    this.link = new PppLink({
      role: 'server',
      randomBytes: rnd,
      policy: {
        requireAuth: [
          {
            protocol: PPP_PROTOCOL.CHAP,
            algorithm: CHAP_ALGORITHM.MSCHAP_V2,
            create: () =>
              new ChapAuthenticator({
                algorithm: 'mschapv2',
                name: 'fake-pptpd',
                randomBytes: rnd,
                lookupPassword: (name) => (name === user ? password : undefined),
              }),
          },
        ],
        ccp:
          this.#o.ccp ??
          (this.#o.mppcAlone
            ? mppcOnlyCcpPolicy()
            : mppeCcpPolicy(this.#o.mppe ?? DEFAULT_MPPE_POLICY)),
        requireMppe: !this.#o.mppcAlone && (this.#o.mppe ?? DEFAULT_MPPE_POLICY).required,
      },
      ipcp: {
        localAddress: address('192.168.77.1'),
        peerAddress: address('192.168.77.10'),
        dns: [address('192.168.77.53')],
      },
    });
    // pppd sends its LCP Configure-Request right after the Outgoing-Call-Reply.
    this.#ppp(this.link.start(this.now()));
  }

  #frame(frame: Uint8Array): void {
    const h: PppHeader = { protocol: 0, offset: 0 };
    if (!readPppHeader(frame, 0, frame.length, h)) throw new Error('the client sent a bad frame');
    if (this.framedDecompressor !== undefined && h.protocol === PPP_PROTOCOL.COMPRESSED) {
      const out = new Uint8Array(8192);
      const n = this.framedDecompressor.decompressRange(frame, h.offset, frame.length, out, 0);
      if (n >= 2) this.received.push(out.slice(2, n));
      return;
    }
    if (this.decryptor !== undefined && h.protocol === PPP_PROTOCOL.COMPRESSED) {
      const plain = new Uint8Array(frame.length);
      let n = this.decryptor.decrypt(frame, h.offset, frame.length - h.offset, plain, 0);
      let out = plain;
      if (n >= 0 && this.decompressor !== undefined) {
        out = new Uint8Array(8192);
        n = this.decompressor.decompress(this.decryptor.flags, plain, out, 0, n);
      }
      if (n >= 2) this.received.push(out.slice(2, n));
      return;
    }
    if (h.protocol === PPP_PROTOCOL.CCP) this.#recordCcp(frame.subarray(h.offset));
    if (this.link !== undefined) this.#ppp(this.link.receive(frame, this.now()));
  }

  #recordCcp(packet: Uint8Array): void {
    const code =
      ['', 'ConfReq', 'ConfAck', 'ConfNak', 'ConfRej'][packet[0]!] ?? `code ${packet[0]}`;
    let option = '';
    for (let at = 4; at + 2 <= packet.length && packet[at + 1]! >= 2; at += packet[at + 1]!) {
      if (packet[at] === 18 && packet[at + 1] === 6) {
        option = ` ${formatMppeBits(decodeMppeOption(packet.subarray(at + 2, at + 6)))}`;
      }
    }
    this.clientCcp.push(`${code}${option}`);
  }

  #ppp(actions: PppAction[]): void {
    for (const a of actions) {
      this.pppLog.push(a.type);
      if (a.type === 'send') this.#sendFrame(a.frame);
      else if (a.type === 'ccp-reset-request') this.#resetRequested();
      else if (a.type === 'up' && a.mppe?.keyBits === 0) {
        this.framedCompressor = new MppcFramedCompressor();
        this.framedDecompressor = new MppcFramedDecompressor({ mru: 8192 });
      } else if (a.type === 'authenticated' && a.side === 'authenticator') {
        this.keys = a.keys as Mschapv2Keys;
      } else if (a.type === 'up' && a.mppe !== undefined && this.keys !== undefined) {
        const keyBits = a.mppe.keyBits as 40 | 128;
        const k = deriveMsChapV2StartKeys({ role: 'server', ...this.keys, keyBits });
        this.encryptor = new MppeEncryptor({
          startKey: k.send,
          keyBits,
          stateless: a.mppe.stateless,
        });
        this.decryptor = new MppeDecryptor({
          startKey: k.receive,
          keyBits,
          stateless: a.mppe.stateless,
        });
        if (a.mppe.mppc) {
          this.compressor = new MppcCompressor();
          this.decompressor = new MppcDecompressor({ mru: 8192 });
        }
      }
    }
    this.#arm();
  }

  /** One timer for the server's PPP link, from its `nextDeadline()`. */
  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const at = this.link?.nextDeadline() ?? Number.POSITIVE_INFINITY;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (this.link !== undefined) this.#ppp(this.link.timeout(this.now()));
      },
      Math.max(0, at - this.now()),
    );
    this.#timer.unref();
  }

  /** Stops the server's timers. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}

/** A minimal IPv4 packet (ICMP echo request shape) with a recognisable payload. */
export function ipv4Packet(
  payload: number[],
  src = '192.168.77.10',
  dst = '192.168.77.1',
): Uint8Array {
  const p = new Uint8Array(20 + payload.length);
  p[0] = 0x45;
  p[2] = p.length >> 8;
  p[3] = p.length & 0xff;
  p[8] = 64;
  p[9] = 1;
  const view = new DataView(p.buffer);
  view.setUint32(12, address(src));
  view.setUint32(16, address(dst));
  p.set(payload, 20);
  return p;
}

/** A dotted quad written in a test, as a 32-bit number; a typo throws. */
function address(text: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw new RangeError(`not an IPv4 address: ${text}`);
  return value;
}
