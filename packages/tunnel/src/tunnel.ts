/**
 * The whole PPTP stack assembled once, sans-I/O: control connection, call, GRE, PPP link,
 * authentication and MPPE/MPPC, for either role.
 *
 * @module
 */
import { GRE_MAX_HEADER_LENGTH, GreSession, SEND_QUEUE_LIMIT } from '@pptpkit/gre';
import { MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import type { ChapKeyMaterial } from '@pptpkit/mschapv2';
import {
  type AuthMethod,
  type LinkUp,
  PPP_PROTOCOL,
  type PppAction,
  PppLink,
  type PppLinkOptions,
} from '@pptpkit/ppp-lcp-ipcp';
import {
  type CallInfo,
  type ControlAction,
  PacControlConnection,
  PnsControlConnection,
} from '@pptpkit/pptp-control';
import { authName, type KeyedAuthMethod, type KeyedAuthStep, mppeStartKeys } from './auth.js';
import { DataPath, type MppeCiphers } from './data-path.js';
import type { TunnelDown, TunnelEvent, TunnelLayer, TunnelUp } from './events.js';
import { interfaceIdText } from './interface-id.js';
import type { TunnelOptions, TunnelSink } from './options.js';
import { tunnelSizesForPath } from './path-mtu.js';

/**
 * Room for a GRE packet the tunnel builds itself: a control frame (up to 4 KiB), or a resent or
 * held data packet (the header and the largest frame kept, 2 KiB).
 */
const OUT_ROOM = GRE_MAX_HEADER_LENGTH + 4096;

/**
 * That buffer, shared by every tunnel of the process (a server holds thousands): a packet built
 * in it is handed to `sink.gre` and done with before the next (the sink copies what it keeps).
 */
const SHARED_OUT = { buf: new Uint8Array(OUT_ROOM), lent: false };

import type { TunnelStatus } from './status.js';

/** Where a tunnel is. */
export type TunnelState =
  /** Created; `start` not called yet. */
  | 'idle'
  /** The control connection is being established. */
  | 'control'
  /** The call is being placed or answered. */
  | 'call'
  /** PPP is negotiating (LCP, authentication, CCP, IPCP). */
  | 'ppp'
  /** IP packets pass. */
  | 'up'
  /** Ending in order: LCP Terminate, call clear, Stop-Control-Connection. */
  | 'closing'
  /** Finished: nothing more is sent or received. */
  | 'closed';

/** Stateless MPPE keys a decryptor computes at creation (`@pptpkit/mppe`'s `initialKeys`). */
const INITIAL_MPPE_KEYS = 64;

/**
 * The GRE receive window we advertise (RFC 2637 §2.7/§2.8 "Packet Recv. Window Size"): a peer
 * that follows windows (pptpkit does) may have this many packets unacknowledged. 64 caps a
 * fast link at 64 packets per acknowledgment round trip (about 360 Mbit/s at 2 ms); we deliver
 * without holding beyond the reorder buffer, so a larger window costs us nothing.
 */
const RECEIVE_WINDOW = 256;

/** GRE packets kept when they arrive before the call is up. */
const EARLY_GRE_LIMIT = 4;

/** Longest wait for the peer's LCP Terminate-Ack during a close, ms. */
const TERMINATE_WAIT_MS = 4000;

/** A step of the orderly close: starts its exchange and says what to wait for, if anything. */
type CloseStep = (now: number) => (() => boolean) | undefined;

/**
 * One PPTP tunnel, either role, as a sans-I/O core. The shell feeds it the TCP stream
 * ({@link Tunnel.receiveControl}), GRE datagrams ({@link Tunnel.receiveGre}) and IP packets from
 * the host ({@link Tunnel.sendIp}), calls {@link Tunnel.timeout} at {@link Tunnel.nextDeadline},
 * and carries out what the {@link TunnelSink} receives. Peer input never throws.
 */
export class Tunnel {
  readonly #o: TunnelOptions;
  readonly #sink: TunnelSink;
  readonly #role: 'client' | 'server';
  readonly #pns: PnsControlConnection | undefined;
  readonly #pac: PacControlConnection | undefined;
  readonly #replyTimeoutMs: number;
  #state: TunnelState = 'idle';
  #now = 0;
  #call: CallInfo | undefined;
  #gre: GreSession | undefined;
  #link: PppLink | undefined;
  #data: DataPath | undefined;
  #keys: ChapKeyMaterial | undefined;
  /** The exchange that just succeeded changed the password; told with `authenticated`. */
  #passwordChanged = false;
  #auth: string | undefined;
  #peerName: string | undefined;
  #up: TunnelUp | undefined;
  #upAt: number | undefined;
  #down: TunnelDown | undefined;
  #controlDown = false;
  #callDown = false;
  #pppDown = false;
  #closeSteps: CloseStep[] = [];
  #closeWaiting: (() => boolean) | undefined;
  #closeUntil = Number.POSITIVE_INFINITY;
  #advancing = false;
  #limitAt = Number.POSITIVE_INFINITY;
  #lastDataPackets = 0;
  #lastDataAt = 0;
  /** IP packets from the host before the tunnel was up (or after it closed). */
  #ipDroppedNotUp = 0;
  /** GRE packets that arrived before the call was up (at most {@link EARLY_GRE_LIMIT}). */
  #early: Uint8Array[] = [];
  /** The path MTU to the server the shell measured, when it did. */
  #pathMtu: number | undefined;
  /** What the GRE session's timer sends: a lone acknowledgment or a resent data packet. */
  /** This tunnel's own output buffer, made only when the shared one is lent out (re-entry). */
  #ownOut: Uint8Array | undefined;

  /** @param options - role, randomness, sink and settings. */
  constructor(options: TunnelOptions) {
    this.#o = options;
    this.#sink = options.sink;
    this.#role = options.role.role;
    this.#replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
    const control = {
      randomBytes: options.randomBytes,
      hostName: options.hostName ?? 'pptpkit',
      vendorString: 'pptpkit',
      replyTimeoutMs: this.#replyTimeoutMs,
      receiveWindow: RECEIVE_WINDOW,
      ...(options.controlEcho?.intervalMs === undefined
        ? {}
        : { echoIntervalMs: options.controlEcho.intervalMs }),
      ...(options.controlEcho?.timeoutMs === undefined
        ? {}
        : { echoTimeoutMs: options.controlEcho.timeoutMs }),
    };
    if (this.#role === 'client') this.#pns = new PnsControlConnection(control);
    else {
      const allocateCallId =
        options.role.role === 'server' ? options.role.allocateCallId : undefined;
      this.#pac = new PacControlConnection({
        ...control,
        onCallClear: 'notify',
        ...(allocateCallId === undefined ? {} : { allocateCallId }),
      });
    }
  }

  /** Where the tunnel is. */
  get state(): TunnelState {
    return this.#state;
  }

  /** Why the tunnel ended, once it did. */
  get down(): TunnelDown | undefined {
    return this.#down;
  }

  /**
   * Starts the control connection: the client sends Start-Control-Connection-Request and its
   * Outgoing-Call-Request; the server waits for the client's request. Call once the TCP
   * connection is established (and the GRE socket open: the peer's first LCP packet follows the
   * call's reply at once).
   *
   * @throws RangeError when called twice.
   */
  start(now: number): void {
    if (this.#state !== 'idle') throw new RangeError(`start() in state ${this.#state}`);
    this.#now = now;
    this.#state = 'control';
    if (this.#pns !== undefined) {
      this.#controlActions(this.#pns.start(now));
      const role = this.#o.role;
      const phoneNumber = role.role === 'client' ? role.phoneNumber : undefined;
      this.#controlActions(
        this.#pns.openCall(now, phoneNumber === undefined ? {} : { phoneNumber }).actions,
      );
    } else this.#controlActions(this.#pac!.start(now));
    this.#settle(now);
  }

  /** Bytes from the TCP control connection, in any chunking. */
  receiveControl(bytes: Uint8Array, now: number): void {
    if (this.#state === 'closed' || this.#controlDown) return;
    this.#now = now;
    this.#controlActions(this.#control().receive(bytes, now));
    this.#settle(now);
  }

  /** The TCP control connection closed (by the peer, or failed). */
  controlClosed(now: number): void {
    if (this.#state === 'closed' || this.#controlDown) return;
    this.#now = now;
    this.#controlActions(this.#control().closed(now));
    this.#settle(now);
  }

  /** One GRE datagram from the raw socket (IP header removed): `buf[start, end)`. */
  receiveGre(buf: Uint8Array, start: number, end: number, now: number): void {
    const gre = this.#gre;
    const early = this.#state === 'control' || this.#state === 'call';
    if (gre === undefined && early && this.#early.length < EARLY_GRE_LIMIT) {
      // The peer's first LCP packet can overtake its Outgoing-Call-Reply (GRE is not ordered
      // with TCP): kept, and handed over once the call is up, instead of costing a restart.
      this.#early.push(buf.slice(start, end));
      return;
    }
    if (gre === undefined || this.#state === 'closed') return;
    this.#now = now;
    gre.receive(buf, start, end, now);
    // An acknowledgment may have opened the peer's window for packets held until it did.
    if (gre.queued > 0) this.#sendQueued(gre, now);
    this.#settle(now);
  }

  #sendQueued(gre: GreSession, now: number): void {
    const out = this.#takeOut();
    try {
      for (let i = 0; i < SEND_QUEUE_LIMIT; i++) {
        const n = gre.sendQueued(out, now);
        if (n === 0) return;
        this.#sink.gre(out, 0, n);
      }
    } finally {
      this.#giveOut(out);
    }
  }

  /**
   * The buffer for a GRE packet the tunnel builds itself (a control frame, a resend, a held
   * packet): the one every tunnel shares, or this tunnel's own when a sink fed another tunnel
   * synchronously while the shared one was lent. Give it back with {@link Tunnel.#giveOut}.
   */
  #takeOut(): Uint8Array {
    if (!SHARED_OUT.lent) {
      SHARED_OUT.lent = true;
      return SHARED_OUT.buf;
    }
    this.#ownOut ??= new Uint8Array(OUT_ROOM);
    return this.#ownOut;
  }

  #giveOut(out: Uint8Array): void {
    if (out === SHARED_OUT.buf) SHARED_OUT.lent = false;
  }

  /**
   * The path MTU to the server (the route's device MTU, or the kernel's learned path MTU): the
   * tunnel sizes itself so that no GRE packet needs fragmenting ({@link tunnelSizesForPath}),
   * unless the settings say otherwise (`link.mtu`, `link.lcp.mru`). Before the call is up it
   * sets the MRU asked for and the MTU to come; once up, a change moves the MTU (never above
   * what the peer's MRU allows) and is reported with an `mtu` event for the shell to apply to
   * the TUN. Harmless when nothing changes.
   *
   * @throws RangeError when `pathMtu` is not an integer in 68..65535.
   */
  setPathMtu(pathMtu: number, now: number): void {
    tunnelSizesForPath(pathMtu);
    this.#pathMtu = pathMtu;
    const data = this.#data;
    const up = this.#up;
    if (data === undefined || up === undefined || this.#state !== 'up') return;
    this.#now = now;
    const mtu = this.#tunnelMtu(data);
    if (mtu === up.mtu) return;
    this.#up = { ...up, mtu };
    data.setMtu(mtu);
    this.#emit({ type: 'mtu', mtu, pathMtu });
  }

  /** The TUN MTU: `mtu` if set, else the path's (1500 when unknown), within the peer's MRU. */
  #tunnelMtu(data: DataPath): number {
    const wanted =
      this.#o.link?.mtu ??
      (this.#pathMtu === undefined ? 1500 : tunnelSizesForPath(this.#pathMtu).mtu);
    return Math.min(wanted, data.maxIpPacket);
  }

  /** One IP packet from the host for the peer: `buf[start, end)`. Dropped unless up. */
  sendIp(buf: Uint8Array, start: number, end: number, now: number): void {
    const data = this.#data;
    if (data === undefined) {
      this.#ipDroppedNotUp++;
      return;
    }
    data.sendIp(buf, start, end, now);
  }

  /** Runs whatever was due at {@link Tunnel.nextDeadline}. Harmless when nothing is. */
  timeout(now: number): void {
    if (this.#state === 'closed') return;
    this.#now = now;
    const gre = this.#gre;
    if (gre !== undefined && gre.queued > 0) this.#sendQueued(gre, now);
    // At most a held packet, a resend and an acknowledgment are due at once; each call moves the
    // deadline on.
    if (gre !== undefined && now >= gre.nextDeadline()) {
      const out = this.#takeOut();
      try {
        for (let i = 0; i < 3 && now >= gre.nextDeadline(); i++) {
          const n = gre.timeout(now, out);
          if (n > 0) this.#sink.gre(out, 0, n);
        }
      } finally {
        this.#giveOut(out);
      }
    }
    // A resend may have started loss recovery, which lets held packets go.
    if (gre !== undefined && gre.queued > 0) this.#sendQueued(gre, now);
    const link = this.#link;
    if (link !== undefined && !this.#pppDown && now >= link.nextDeadline()) {
      this.#pppActions(link.timeout(now));
    }
    const control = this.#control();
    if (!this.#controlDown && now >= control.nextDeadline()) {
      this.#controlActions(control.timeout(now));
    }
    this.#data?.timeout(now);
    if (now >= this.#limitAt) this.#checkLimits(now);
    this.#settle(now);
  }

  /** When {@link Tunnel.timeout} is next due (monotonic ms); `Infinity` when nothing is. */
  nextDeadline(): number {
    if (this.#state === 'closed') return Number.POSITIVE_INFINITY;
    let at = this.#closeUntil;
    if (!this.#controlDown) at = Math.min(at, this.#control().nextDeadline());
    if (this.#gre !== undefined) at = Math.min(at, this.#gre.nextDeadline());
    if (this.#link !== undefined && !this.#pppDown) at = Math.min(at, this.#link.nextDeadline());
    if (this.#data !== undefined) at = Math.min(at, this.#data.nextDeadline());
    return Math.min(at, this.#limitAt);
  }

  /**
   * Ends the tunnel in order: LCP Terminate (waiting up to 4 s for the Ack), then the call is
   * cleared and the control connection stopped (each waiting up to the reply timeout), then
   * `closed`. The `down` event carries `TUNNEL_LOCAL_CLOSE` and `reason`. Idempotent.
   */
  close(reason: string, now: number): void {
    if (this.#state === 'closed') return;
    this.#now = now;
    this.#finish('tunnel', 'TUNNEL_LOCAL_CLOSE', reason, now);
    this.#settle(now);
  }

  /**
   * A CCP Reset-Request for the peer now (our decryptor or decompressor lost step). The data
   * path asks for this by itself; this is for shells that detect loss some other way.
   */
  requestReset(now: number): void {
    const link = this.#link;
    if (link === undefined || this.#pppDown) return;
    this.#now = now;
    this.#pppActions(link.ccpResetRequest(now));
    this.#settle(now);
  }

  /** A snapshot for status displays. */
  status(now: number): TunnelStatus {
    const up = this.#up;
    const call = this.#call;
    const echoRtt = this.#link?.lcpEchoRttMs;
    return {
      role: this.#role,
      state: this.#state,
      ...(call === undefined ? {} : { call: { callId: call.callId, peerCallId: call.peerCallId } }),
      ...(this.#auth === undefined ? {} : { auth: this.#auth }),
      ...(this.#peerName === undefined ? {} : { peerName: this.#peerName }),
      ...(up === undefined
        ? {}
        : {
            local: up.local,
            remote: up.remote,
            dns: up.dns,
            mtu: up.mtu,
            ...(up.mppe === undefined ? {} : { mppe: up.mppe }),
          }),
      ...(this.#upAt === undefined ? {} : { uptimeMs: Math.max(0, now - this.#upAt) }),
      ...(this.#data === undefined ? {} : { data: { ...this.#data.counters } }),
      ...(this.#gre === undefined
        ? {}
        : {
            gre: { ...this.#gre.counters },
            reorder: { policy: this.#gre.reorderPolicy, ...this.#gre.reorderHold },
          }),
      ...this.#ipv6cpStatus(),
      ...(echoRtt === undefined ? {} : { lcpEchoRttMs: echoRtt }),
      ipDroppedNotUp: this.#ipDroppedNotUp,
      ...(this.#down === undefined ? {} : { down: this.#down }),
    };
  }

  /** The `ipv6cp` part of the status, when IPv6CP is enabled. */
  #ipv6cpStatus(): Pick<TunnelStatus, 'ipv6cp'> {
    const state = this.#link?.status().ipv6cp;
    if (state === undefined) return {};
    const ids = state === 'Opened' ? this.#up?.ipv6 : undefined;
    return {
      ipv6cp: {
        state,
        ...(ids === undefined
          ? {}
          : { local: interfaceIdText(ids.local), remote: interfaceIdText(ids.remote) }),
      },
    };
  }

  #control(): PnsControlConnection | PacControlConnection {
    return (this.#pns ?? this.#pac)!;
  }

  #emit(event: TunnelEvent): void {
    this.#sink.event(event);
  }

  #controlActions(actions: readonly ControlAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          this.#sink.control(a.bytes);
          break;
        case 'close':
          this.#sink.endControl();
          break;
        case 'up':
          this.#emit({ type: 'control-up', peer: a.peer });
          if (this.#state === 'control') this.#state = 'call';
          break;
        case 'call-up':
          this.#callUp(a.call);
          break;
        case 'call-down':
          this.#callDown = true;
          this.#finish('call', a.reason.code, a.reason.message, this.#now);
          break;
        case 'down':
          this.#controlDown = true;
          this.#callDown = true;
          this.#finish('control', a.reason.code, a.reason.message, this.#now);
          this.#sink.endControl();
          break;
        case 'diagnostic':
          this.#emit({ type: 'diagnostic', layer: 'control', code: a.code, message: a.message });
          break;
        default:
          this.#emit({ type: 'diagnostic', layer: 'control', message: `event ${a.type}` });
      }
    }
  }

  #callUp(call: CallInfo): void {
    if (this.#state === 'closing' || this.#gre !== undefined) return;
    this.#call = call;
    this.#emit({
      type: 'call-up',
      callId: call.callId,
      peerCallId: call.peerCallId,
      window: call.peerReceiveWindow,
    });
    this.#gre = new GreSession({
      localCallId: call.callId,
      peerCallId: call.peerCallId,
      peerReceiveWindow: call.peerReceiveWindow,
      deliver: (bytes, start, end) => this.#frame(bytes, start, end),
      // Until the data path says otherwise, nothing needs order: PPP's control protocols match
      // replies by Identifier and never wait behind a lost frame.
      reorder: { ...this.#o.greReorder, policy: 'arrival' },
      // pptpd holds everything behind a packet of ours that was lost until its own timeout:
      // resend the packet its acknowledgments stop at instead.
      retransmit: this.#o.greRetransmit ?? true,
      // pptpd and pptp-linux advertise a window of 3 and pass each packet through a pty: a
      // burst sent at once overflows them, paced by their acknowledgments it does not.
      sendWindowPolicy: this.#o.greSendWindow ?? 'queue',
    });
    this.#link = new PppLink(this.#linkOptions());
    this.#state = 'ppp';
    this.#pppActions(this.#link.start(this.#now));
    const early = this.#early;
    this.#early = [];
    for (const packet of early) this.receiveGre(packet, 0, packet.length, this.#now);
  }

  #linkOptions(): PppLinkOptions {
    const link = this.#o.link ?? {};
    const auth = this.#o.role.auth.map((m) => this.#watchAuth(m));
    const ccp = link.ccp;
    const requireMppe = link.requireMppe ?? false;
    // Without an `mru` setting, ask for what crosses the path unfragmented.
    const lcp =
      link.lcp?.mru !== undefined || this.#pathMtu === undefined
        ? link.lcp
        : { ...link.lcp, mru: tunnelSizesForPath(this.#pathMtu).mru };
    return {
      role: this.#role,
      randomBytes: this.#o.randomBytes,
      policy: {
        ...(this.#role === 'client' ? { acceptAuth: auth } : { requireAuth: auth }),
        ...(ccp === undefined ? {} : { ccp }),
        requireMppe,
        // pppd as a server Terminate-Acks an IPCP that arrives before its CCP is up when MPPE
        // is required, which costs a Restart timeout: start IPCP once CCP opened, as pppd does.
        startNcpsAfterCcp: requireMppe && ccp !== undefined,
        ipv6: link.ipv6 !== undefined,
      },
      ...(lcp === undefined ? {} : { lcp }),
      ...(link.ipcp === undefined ? {} : { ipcp: link.ipcp }),
      ...(link.ipv6 === undefined ? {} : { ipv6cp: link.ipv6 }),
      // A client Acks the server's Configure-Requests only once its own was Acked: were our
      // request's Ack lost, a pppd server would be Opened already and take our retransmitted
      // request for a renegotiation ("MPPE disabled", hang-up).
      automaton: { ...(this.#role === 'client' ? { deferAck: true } : {}), ...link.automaton },
      ...(this.#o.role.role === 'server' && this.#o.role.authorize !== undefined
        ? { authorizePeer: this.#o.role.authorize }
        : {}),
    };
  }

  /** Hands the link a machine whose outcome the tunnel reads first: typed keys, failures. */
  #watchAuth(method: KeyedAuthMethod): AuthMethod {
    const seen = (step: KeyedAuthStep): KeyedAuthStep => {
      const outcome = step.outcome;
      if (outcome?.type === 'success' && outcome.keys !== undefined) this.#keys = outcome.keys;
      if (outcome?.type === 'success' && outcome.passwordChanged === true) {
        this.#passwordChanged = true;
      }
      if (outcome?.type === 'failure') {
        const e = outcome.error as Error & {
          code?: string;
          details?: Readonly<Record<string, unknown>>;
        };
        this.#emit({
          type: 'auth-failed',
          code: e.code ?? 'AUTH_FAILED',
          message: e.message,
          ...(e.details === undefined ? {} : { details: e.details }),
        });
      }
      return step;
    };
    return {
      protocol: method.protocol,
      ...(method.algorithm === undefined ? {} : { algorithm: method.algorithm }),
      create: () => {
        const machine = method.create();
        const { start, timeout } = machine;
        return {
          receive: (payload, now) => seen(machine.receive(payload, now)),
          ...(start === undefined
            ? {}
            : { start: (now: number) => seen(start.call(machine, now)) }),
          ...(timeout === undefined
            ? {}
            : { timeout: (now: number) => seen(timeout.call(machine, now)) }),
        };
      },
    };
  }

  /** One in-order GRE payload: data to the data path, the rest to the PPP link. */
  #frame(bytes: Uint8Array, start: number, end: number): void {
    if (this.#data?.receiveFrame(bytes, start, end, this.#now)) return;
    const link = this.#link;
    if (link === undefined || this.#pppDown) return;
    // Control frames are copied: the link may keep views of options across calls.
    const frame = bytes.slice(start, end);
    this.#sink.frame?.('received', frame);
    this.#pppActions(link.receive(frame, this.#now));
  }

  #sendFrame(frame: Uint8Array): void {
    const gre = this.#gre;
    if (gre === undefined || frame.length > OUT_ROOM - GRE_MAX_HEADER_LENGTH) return;
    this.#sink.frame?.('sent', frame);
    const out = this.#takeOut();
    try {
      out.set(frame, GRE_MAX_HEADER_LENGTH);
      const at = gre.writeData(out, GRE_MAX_HEADER_LENGTH, frame.length, this.#now);
      if (at >= 0) this.#sink.gre(out, at, GRE_MAX_HEADER_LENGTH + frame.length);
    } finally {
      this.#giveOut(out);
    }
  }

  #pppActions(actions: readonly PppAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          this.#sendFrame(a.frame);
          break;
        case 'phase':
          this.#emit({ type: 'diagnostic', layer: 'ppp', message: `phase ${a.phase}` });
          break;
        case 'authenticated':
          if (a.side === (this.#role === 'client' ? 'peer' : 'authenticator')) {
            this.#auth = authName(a.method);
            if (a.peerName !== undefined) this.#peerName = a.peerName;
          }
          this.#emit({
            type: 'authenticated',
            side: a.side,
            method: authName(a.method),
            ...(a.peerName === undefined ? {} : { peerName: a.peerName }),
            ...(this.#passwordChanged ? { passwordChanged: true as const } : {}),
          });
          this.#passwordChanged = false;
          break;
        case 'up':
          this.#pppUp(a);
          break;
        case 'down':
          this.#pppDown = true;
          this.#data = undefined;
          this.#finish('ppp', a.reason.code, a.reason.message, this.#now);
          break;
        case 'ccp-reset-request':
          this.#data?.resetRequested();
          break;
        case 'ccp-reset-ack':
          this.#emit({ type: 'diagnostic', layer: 'ppp', message: 'CCP Reset-Ack' });
          break;
        case 'diagnostic':
          this.#emit({ type: 'diagnostic', layer: 'ppp', message: a.message });
          break;
        case 'data':
          // A data frame the data path did not take (none yet, or IPv6 while IPv6CP is not
          // open): nothing to deliver.
          break;
      }
    }
    // IPv6CP may close (or open again) while the link stays up: IPv6 crosses only while open.
    this.#data?.setIpv6(this.#link?.acceptsData(PPP_PROTOCOL.IPV6) === true);
  }

  #pppUp(up: LinkUp): void {
    const gre = this.#gre;
    if (gre === undefined || this.#state === 'closing') return;
    const link = this.#o.link ?? {};
    let mppe: MppeCiphers | undefined;
    // keyBits 0: MPPC alone (`nomppe mppc`), no encryption.
    if (up.mppe !== undefined && up.mppe.keyBits > 0) {
      const keyBits = up.mppe.keyBits as 40 | 56 | 128;
      const start = mppeStartKeys(this.#keys, this.#role, keyBits);
      if (start === undefined) {
        this.#finish('tunnel', 'TUNNEL_NO_KEYS', 'MPPE negotiated without MS-CHAP keys', this.#now);
        return;
      }
      const stateless = up.mppe.stateless;
      mppe = {
        encryptor: new MppeEncryptor({ startKey: start.send, keyBits, stateless }),
        // Stateful: cross short gaps (the data path checks every plaintext), except with MPPC,
        // whose history lacks the lost packets too.
        decryptor: new MppeDecryptor({
          startKey: start.receive,
          keyBits,
          stateless,
          recoverGaps: link.mppcOffered !== true,
          // Each tunnel computes the keys its peer uses as it goes, not a whole cycle (4,096
          // keys, about 6 ms) up front: a server (or a load generator) brings many up at once.
          initialKeys: INITIAL_MPPE_KEYS,
        }),
      };
    } else if (link.requireMppe) {
      this.#finish(
        'tunnel',
        'TUNNEL_MPPE_REQUIRED',
        'MPPE is required but was not negotiated',
        this.#now,
      );
      return;
    }
    const data = new DataPath({
      gre,
      toNetwork: (buf, offset, length) => {
        this.#sink.gre(buf, offset, offset + length);
        return true;
      },
      toTun: (buf, offset, length) => this.#sink.ip(buf, offset, offset + length),
      framing: up.framing,
      peerMru: up.mtu,
      mppe,
      // We decompress whenever we offered C (RFC 1962 §2: our request is what we receive); we
      // compress only when both Acked requests carry it.
      mppc: { compress: up.mppe?.mppc === true, decompress: link.mppcOffered === true },
      onResetNeeded: () => {
        const l = this.#link;
        if (l !== undefined && !this.#pppDown) this.#pppActions(l.ccpResetRequest(this.#now));
      },
      ipv6: up.ipv6 !== undefined,
    });
    this.#data = data;
    data.setMtu(this.#tunnelMtu(data));
    gre.setReorderPolicy(data.needsOrder ? 'sequence' : 'arrival');
    const tunnelUp: TunnelUp = {
      type: 'up',
      local: up.local,
      remote: up.peer,
      dns: up.dns,
      mtu: this.#tunnelMtu(data),
      ...(up.mppe === undefined ? {} : { mppe: up.mppe }),
      ...(up.ipv6 === undefined
        ? {}
        : { ipv6: { local: up.ipv6.local.slice(), remote: up.ipv6.peer.slice() } }),
    };
    this.#up = tunnelUp;
    this.#state = 'up';
    this.#upAt = this.#now;
    this.#lastDataAt = this.#now;
    this.#checkLimits(this.#now);
    this.#emit(tunnelUp);
  }

  /**
   * `idle` and `maxconnect`: data activity is sampled from the packet counters every quarter of
   * the idle limit (at least 1 s), so an idle tunnel ends between 1 and 1.25 × the limit after
   * its last packet.
   */
  #checkLimits(now: number): void {
    this.#limitAt = Number.POSITIVE_INFINITY;
    const upAt = this.#upAt;
    const { idleMs, maxConnectMs } = this.#o;
    if (upAt === undefined || this.#state !== 'up') return;
    const c = this.#data?.counters;
    const packets = c === undefined ? 0 : c.txPackets + c.rxPackets;
    if (packets !== this.#lastDataPackets) {
      this.#lastDataPackets = packets;
      this.#lastDataAt = now;
    }
    if (maxConnectMs !== undefined && now - upAt >= maxConnectMs) {
      this.#finish(
        'tunnel',
        'TUNNEL_MAX_CONNECT',
        `connect time limit of ${maxConnectMs / 1000} s reached`,
        now,
      );
      return;
    }
    if (idleMs !== undefined && now - this.#lastDataAt >= idleMs) {
      this.#finish('tunnel', 'TUNNEL_IDLE', `idle for ${idleMs / 1000} s`, now);
      return;
    }
    let next = Number.POSITIVE_INFINITY;
    if (idleMs !== undefined) next = now + Math.max(1000, idleMs / 4);
    if (maxConnectMs !== undefined) next = Math.min(next, upAt + maxConnectMs);
    this.#limitAt = next;
  }

  /** Decides the ending (the first reason wins) and starts the orderly close. */
  #finish(layer: TunnelLayer, code: string, message: string, now: number): void {
    if (this.#down !== undefined) return;
    const down: TunnelDown = {
      type: 'down',
      layer,
      code,
      message,
      wasUp: this.#upAt !== undefined,
    };
    this.#down = down;
    this.#state = 'closing';
    this.#data = undefined;
    this.#limitAt = Number.POSITIVE_INFINITY;
    this.#closeSteps = [
      (t) => this.#closeLink(t),
      (t) => this.#closeCall(t),
      (t) => this.#closeControl(t),
    ];
    this.#emit(down);
    this.#advanceClose(now);
  }

  #closeLink(now: number): (() => boolean) | undefined {
    const link = this.#link;
    if (link === undefined || this.#pppDown || this.#controlDown) return undefined;
    this.#closeUntil = now + Math.min(this.#replyTimeoutMs, TERMINATE_WAIT_MS);
    this.#pppActions(link.close(now, 'stopped locally'));
    return () => this.#pppDown || link.phase === 'dead' || this.#controlDown;
  }

  #closeCall(now: number): (() => boolean) | undefined {
    const call = this.#call;
    if (call === undefined || this.#callDown || this.#controlDown) return undefined;
    this.#closeUntil = now + this.#replyTimeoutMs;
    // pptpd answers a Call-Clear-Request with a TCP close rather than a Call-Disconnect-Notify.
    if (this.#pns !== undefined) this.#controlActions(this.#pns.clearCall(now, call.callId));
    else if (this.#pac!.calls.has(call.callId)) {
      this.#controlActions(this.#pac!.disconnectCall(now, call.callId));
    }
    return () => this.#callDown || this.#controlDown;
  }

  #closeControl(now: number): (() => boolean) | undefined {
    if (this.#controlDown) return undefined;
    this.#closeUntil = now + this.#replyTimeoutMs;
    this.#controlActions(this.#control().stop(now));
    return () => this.#controlDown;
  }

  /** Runs the close's steps as far as their exchanges allow (each bounded in time). */
  #advanceClose(now: number): void {
    if (this.#state !== 'closing' || this.#advancing) return;
    this.#advancing = true;
    try {
      for (;;) {
        const waiting = this.#closeWaiting;
        if (waiting !== undefined && !waiting() && now < this.#closeUntil) return;
        this.#closeWaiting = undefined;
        this.#closeUntil = Number.POSITIVE_INFINITY;
        const step = this.#closeSteps.shift();
        if (step === undefined) break;
        this.#closeWaiting = step(now);
      }
      this.#state = 'closed';
      if (!this.#controlDown) this.#sink.endControl();
      this.#emit({ type: 'closed' });
    } finally {
      this.#advancing = false;
    }
  }

  /** After every input: the close moves on when what it waited for happened. */
  #settle(now: number): void {
    if (this.#state === 'closing') this.#advanceClose(now);
  }
}
