/**
 * One client tunnel of the load generator: the `@pptpkit/tunnel` core in the client role, set
 * up as `pptpkit up` sets it up for a peer with pppd's defaults (`tunnelOptionsFromSettings`:
 * MS-CHAPv2, MPPE-128 required, stateless), its own TCP connection to port 1723, and GRE
 * through the generator's shared raw socket. Its Call ID is chosen by the generator (pinned
 * through the core's randomness) so that the shared socket can hand each received GRE packet
 * to the tunnel its key names.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Tunnel, type TunnelDown } from '@pptpkit/tunnel';
import { defaultPeerSettings } from '../../src/config/index.js';
import { tunnelOptionsFromSettings } from '../../src/session/tunnel-options.js';
import { echoReplyId, echoRequest } from './icmp.js';

/** Most GRE packets kept from before the call is up. */
const MAX_EARLY_GRE = 4;

/** PPTP's control port (RFC 2637 §2). */
const PPTP_PORT = 1723;

/** What a load tunnel needs from the generator. */
export interface LoadTunnelShell {
  /** The monotonic clock, ms. */
  now(): number;
  /** Sends one GRE packet through the shared socket. */
  gre(buf: Uint8Array, start: number, end: number): void;
  /** The tunnel's deadline may have moved. */
  touch(tunnel: LoadTunnel): void;
  /** The tunnel reached `up`, or ended (`down` set). */
  settled(tunnel: LoadTunnel): void;
}

/** Where a load tunnel is. */
export type LoadTunnelPhase = 'idle' | 'connecting' | 'negotiating' | 'up' | 'down';

/** One client tunnel of the load generator. */
export class LoadTunnel {
  /** Our Call ID: the low 16 bits of the key of every GRE packet the server sends us. */
  readonly callId: number;
  readonly core: Tunnel;
  readonly #shell: LoadTunnelShell;
  readonly #server: string;
  #socket: Socket | undefined;
  #pin: number | undefined;
  phase: LoadTunnelPhase = 'idle';
  /** Our and the server's tunnel addresses, once up. */
  local: string | undefined;
  remote: string | undefined;
  /** When `connect` was called, and when the tunnel came up (monotonic ms). */
  startedAt: number = Number.NaN;
  upAt: number = Number.NaN;
  /** Why it ended, once it did. */
  down: TunnelDown | undefined;
  /** A TCP error, when there was one. */
  tcpError: string | undefined;
  /** The Call ID the core reported differs from the pinned one (the demultiplexing breaks). */
  callIdMismatch = false;
  /** ICMP echo requests sent, and replies received through the tunnel. */
  echoSent = 0;
  echoReplies = 0;
  /**
   * GRE packets that arrived before the core had the call (the server's first LCP request read
   * from the shared socket before its Outgoing-Call-Reply from TCP), held and replayed.
   */
  greBeforeCall = 0;
  #echo: Uint8Array | undefined;
  /** GRE packets that came before the call was up, replayed once it is. */
  #early: Uint8Array[] = [];

  /**
   * @param callId - the Call ID to use (unique among the generator's tunnels).
   * @param user - the name to authenticate as; `password` its chap-secrets secret.
   */
  constructor(
    callId: number,
    user: string,
    password: string,
    server: string,
    shell: LoadTunnelShell,
  ) {
    this.callId = callId;
    this.#shell = shell;
    this.#server = server;
    const random = (n: number): Uint8Array => {
      const pin = this.#pin;
      if (pin !== undefined && n === 2) {
        this.#pin = undefined;
        return Uint8Array.of(pin >> 8, pin & 0xff);
      }
      return new Uint8Array(randomBytes(n));
    };
    this.core = new Tunnel(
      tunnelOptionsFromSettings(
        defaultPeerSettings(),
        { user, chapPassword: password },
        random,
        {
          control: (bytes) => {
            if (this.#socket?.destroyed === false) this.#socket.write(bytes);
          },
          endControl: () => this.#socket?.end(),
          gre: (buf, start, end) => shell.gre(buf, start, end),
          ip: (buf, start, end) => {
            if (echoReplyId(buf, start, end) === this.callId) this.echoReplies++;
            return true;
          },
          event: (event) => {
            if (event.type === 'call-up') {
              if (event.callId !== this.callId) this.callIdMismatch = true;
              // Not from inside the core's own call: replay once it has returned.
              if (this.#early.length > 0) queueMicrotask(() => this.#replayEarly());
            } else if (event.type === 'up') {
              this.phase = 'up';
              this.local = event.local;
              this.remote = event.remote;
              this.upAt = shell.now();
              shell.settled(this);
            } else if (event.type === 'down') {
              const wasSettled = this.phase === 'up';
              this.phase = 'down';
              this.down = event;
              if (!wasSettled) shell.settled(this);
            }
          },
        },
        10_000,
      ),
    );
  }

  /** Opens the TCP connection and starts the core once it is established. */
  connect(): void {
    this.phase = 'connecting';
    this.startedAt = this.#shell.now();
    const socket = connect({ host: this.#server, port: PPTP_PORT });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.phase = 'negotiating';
      this.#pin = this.callId;
      this.core.start(this.#shell.now());
      this.#pin = undefined;
      this.#shell.touch(this);
    });
    socket.on('data', (chunk: Buffer) => {
      this.core.receiveControl(chunk, this.#shell.now());
      this.#shell.touch(this);
    });
    socket.on('error', (error) => {
      this.tcpError = error.message;
    });
    socket.on('close', () => {
      if (this.core.state === 'idle') {
        // Never connected: the core was not started, so it reports nothing.
        this.phase = 'down';
        this.#shell.settled(this);
        return;
      }
      this.core.controlClosed(this.#shell.now());
      this.#shell.touch(this);
    });
  }

  /** A GRE packet the server sent to our Call ID. */
  receiveGre(buf: Uint8Array, start: number, end: number, now: number): void {
    const state = this.core.state;
    if (state === 'control' || state === 'call') {
      // The core would drop it (it has no GRE session before the call is up), and the server's
      // LCP would only come again after its 3 s restart timer: keep a few until `call-up`.
      this.greBeforeCall++;
      if (this.#early.length < MAX_EARLY_GRE) this.#early.push(buf.slice(start, end));
      return;
    }
    this.core.receiveGre(buf, start, end, now);
  }

  #replayEarly(): void {
    const early = this.#early;
    this.#early = [];
    for (const packet of early) this.core.receiveGre(packet, 0, packet.length, this.#shell.now());
    this.#shell.touch(this);
  }

  /** Sends one ICMP echo request to the server's tunnel address (identifier = our Call ID). */
  sendEcho(now: number): void {
    if (this.phase !== 'up' || this.local === undefined || this.remote === undefined) return;
    this.#echo ??= echoRequest(this.local, this.remote, this.callId, 1);
    this.echoSent++;
    this.core.sendIp(this.#echo, 0, this.#echo.length, now);
    this.#shell.touch(this);
  }

  /** Ends the tunnel in order (LCP Terminate, Call-Clear, Stop-Control-Connection). */
  close(now: number): void {
    if (this.core.state === 'idle') {
      this.#socket?.destroy();
      return;
    }
    this.core.close('load bench done', now);
    this.#shell.touch(this);
  }

  /** Drops the TCP connection at once (after a close that did not finish). */
  destroy(): void {
    this.#socket?.destroy();
  }
}
