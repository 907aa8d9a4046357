import { GRE_MAX_HEADER_LENGTH, GreSession } from '@pptpkit/gre';
import { MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import {
  type CompressionAgreement,
  type LinkUp,
  type PppAction,
  PppLink,
} from '@pptpkit/ppp-lcp-ipcp';
import {
  type CallInfo,
  type ControlAction,
  PnsControlConnection,
  PPTP_TCP_PORT,
} from '@pptpkit/pptp-control';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { PeerSettings } from '../config/index.js';
import { addressProblem, limitReached, linkTuning } from '../config/link-settings.js';
import type { Logger } from '../log/logger.js';
import { acceptedAuthMethods, type Credentials, clientStartKeys } from './auth.js';
import { ccpPolicyFromSettings } from './ccp-policy.js';
import { DataPath, type DataPathCounters } from './data-path.js';
import { exitForError, exitForPppDown } from './exit-status.js';
import type { ControlStream, PacketPort, SessionIo, TunnelInterface } from './io.js';
import { authName, describeFrame, encryptionName } from './protocol-names.js';

/** Where a session is. */
export type SessionState =
  | 'connecting'
  | 'control'
  | 'call'
  | 'ppp'
  | 'configuring'
  | 'up'
  | 'stopping'
  | 'ended';

/** Settings of one tunnel attempt. */
export interface SessionOptions {
  /** The peer name (`pptpkit up PEER`), for logs. */
  readonly peer: string;
  /** The server's IPv4 address. */
  readonly server: string;
  /** The peer's settings. */
  readonly settings: PeerSettings;
  /** Who we are. */
  readonly credentials: Credentials;
  /** I/O. */
  readonly io: SessionIo;
  /** Log. */
  readonly log: Logger;
  /** Aborting it tears the tunnel down in order (LCP, call, control connection, host). */
  readonly signal: AbortSignal;
  /** Called once the tunnel is up and the host configured. */
  readonly onUp?: (status: SessionStatus) => void;
  /** Control-plane reply timeout (PPTP replies, teardown steps), ms. Default 10 000. */
  readonly replyTimeoutMs?: number;
}

/** How a session ended. */
export interface SessionResult {
  /** pppd-numbered exit status. */
  readonly exitCode: ExitCode;
  /** Why, for humans. */
  readonly reason: string;
  /** Whether the tunnel reached `up` at some point. */
  readonly wasUp: boolean;
}

/** A snapshot for `pptpkit status`. */
export interface SessionStatus {
  /** The peer name. */
  readonly peer: string;
  /** Where the session is. */
  readonly state: SessionState;
  /** The server. */
  readonly server: string;
  /** The TUN interface, once up. */
  readonly interface?: string;
  /** Our tunnel address. */
  readonly local?: string;
  /** The server's tunnel address. */
  readonly remote?: string;
  /** DNS servers offered. */
  readonly dns?: readonly string[];
  /** TUN MTU. */
  readonly mtu?: number;
  /** Negotiated authentication. */
  readonly auth?: string;
  /** Negotiated MPPE/MPPC (`keyBits` 0: MPPC alone, no encryption). */
  readonly mppe?: CompressionAgreement;
  /** Milliseconds since the tunnel came up. */
  readonly uptimeMs?: number;
  /** Data-path counters. */
  readonly data?: Readonly<DataPathCounters>;
  /** GRE counters. */
  readonly gre?: Readonly<Record<string, number>>;
  /** PPTP call IDs. */
  readonly call?: { readonly callId: number; readonly peerCallId: number };
  /** Round-trip time of the last answered LCP Echo-Request, ms. */
  readonly lcpEchoRttMs?: number;
}

/**
 * One PPTP tunnel: the shell around the sans-I/O cores. It reads the TCP stream, the GRE socket
 * and the TUN, feeds the cores, writes what they send, and arms one timer from the earliest
 * deadline of all of them.
 */
export class Session {
  readonly #o: SessionOptions;
  readonly #log: Logger;
  readonly #io: SessionIo;
  readonly #pns: PnsControlConnection;
  readonly #replyTimeoutMs: number;
  #state: SessionState = 'connecting';
  #stream: ControlStream | undefined;
  #greSocket: PacketPort | undefined;
  #gre: GreSession | undefined;
  #call: CallInfo | undefined;
  #link: PppLink | undefined;
  #data: DataPath | undefined;
  #tun: TunnelInterface | undefined;
  #keys: unknown;
  #up: LinkUp | undefined;
  #upAt: number | undefined;
  #auth: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires; Infinity when none is armed. */
  #timerAt = Number.POSITIVE_INFINITY;
  #result: SessionResult | undefined;
  #finish: ((r: SessionResult) => void) | undefined;
  #pppDown = false;
  #controlDown = false;
  #callDown = false;
  #waiters = new Set<() => void>();
  #preparing: Promise<void> | undefined;
  #mtu: number | undefined;
  /** `idle`/`maxconnect`: when to look next, and when data last moved (packet counts). */
  #limitAt: number | undefined;
  #lastDataAt = 0;
  #lastDataPackets = 0;
  readonly #ack = new Uint8Array(16);
  readonly #ctlTx = new Uint8Array(GRE_MAX_HEADER_LENGTH + 4096);

  /** @param options - the server, settings, credentials, I/O and abort signal. */
  constructor(options: SessionOptions) {
    this.#o = options;
    this.#log = options.log;
    this.#io = options.io;
    this.#replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
    this.#pns = new PnsControlConnection({
      randomBytes: (n) => options.io.randomBytes(n),
      hostName: 'pptpkit',
      vendorString: 'pptpkit',
      replyTimeoutMs: this.#replyTimeoutMs,
    });
  }

  /** Where the session is. */
  get state(): SessionState {
    return this.#state;
  }

  /** A snapshot for status reports. */
  status(): SessionStatus {
    const up = this.#up;
    const echoRtt = this.#link?.lcpEchoRttMs;
    return {
      peer: this.#o.peer,
      state: this.#state,
      server: this.#o.server,
      ...(this.#tun === undefined ? {} : { interface: this.#tun.name }),
      ...(up === undefined
        ? {}
        : { local: up.local, remote: up.peer, dns: up.dns, mtu: this.#mtu }),
      ...(this.#auth === undefined ? {} : { auth: this.#auth }),
      ...(up?.mppe === undefined ? {} : { mppe: up.mppe }),
      ...(this.#upAt === undefined ? {} : { uptimeMs: Math.round(this.#io.now() - this.#upAt) }),
      ...(this.#data === undefined ? {} : { data: { ...this.#data.counters } }),
      ...(this.#gre === undefined ? {} : { gre: { ...this.#gre.counters } }),
      ...(echoRtt === undefined ? {} : { lcpEchoRttMs: Math.round(echoRtt * 10) / 10 }),
      ...(this.#call === undefined
        ? {}
        : { call: { callId: this.#call.callId, peerCallId: this.#call.peerCallId } }),
    };
  }

  /** Runs the tunnel until it ends; never rejects. */
  run(): Promise<SessionResult> {
    return new Promise((resolve) => {
      this.#finish = resolve;
      const signal = this.#o.signal;
      if (signal.aborted) {
        resolve({ exitCode: EXIT.signal, reason: 'aborted before start', wasUp: false });
        return;
      }
      signal.addEventListener('abort', () => this.#stop(EXIT.signal, 'stopped on request'), {
        once: true,
      });
      this.#connect().catch((error: unknown) => {
        this.#stop(exitForError(error), `${(error as Error).message}`);
      });
    });
  }

  async #connect(): Promise<void> {
    const { server } = this.#o;
    this.#log.info('connecting', { peer: this.#o.peer, server });
    this.#preparing = this.#io.host.prepare(server);
    await this.#preparing;
    if (this.#stopping()) return;
    // The GRE socket is open before the call is placed: pppd's first LCP Configure-Request
    // arrives right after the Outgoing-Call-Reply.
    this.#greSocket = this.#io.openGre(server);
    this.#greSocket.startReading(
      (buf, start, end) => {
        try {
          this.#gre?.receive(buf, start, end, this.#io.now());
        } catch (error) {
          this.#internalError('GRE receive', error);
        }
      },
      () => this.#guarded('GRE receive', this.#settleNow),
    );
    let stream: ControlStream;
    try {
      stream = await this.#io.connectControl(server, PPTP_TCP_PORT, this.#replyTimeoutMs);
    } catch (error) {
      throw Object.assign(
        new Error(`cannot reach ${server}:${PPTP_TCP_PORT}: ${(error as Error).message}`),
        {
          exit: EXIT.unreachable,
        },
      );
    }
    if (this.#stopping()) {
      stream.destroy();
      return;
    }
    this.#stream = stream;
    stream.onData((bytes) =>
      this.#guarded('control receive', () =>
        this.#control(this.#pns.receive(bytes, this.#io.now())),
      ),
    );
    stream.onClose((error) =>
      this.#guarded('control close', () => {
        if (error !== undefined) this.#log.debug('control connection error', { error });
        this.#control(this.#pns.closed(this.#io.now()));
      }),
    );
    this.#state = 'control';
    const now = this.#io.now();
    this.#control(this.#pns.start(now));
    this.#control(this.#pns.openCall(now).actions);
  }

  /** True once a stop began (a method, so that TypeScript does not narrow across awaits). */
  #stopping(): boolean {
    return this.#state === 'stopping' || this.#state === 'ended';
  }

  #control(actions: ControlAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          this.#log.debug('pptp send', { message: a.message.type });
          this.#stream?.write(a.bytes);
          break;
        case 'close':
          this.#stream?.end();
          break;
        case 'up':
          this.#log.info('control connection up', {
            hostName: a.peer.hostName,
            vendor: a.peer.vendorString,
          });
          break;
        case 'call-up':
          this.#callUp(a.call);
          break;
        case 'call-down':
          this.#callDown = true;
          if (this.#state !== 'stopping') {
            this.#log.warn('call down', { code: a.reason.code, reason: a.reason.message });
            this.#stop(this.#upAt === undefined ? EXIT.negotiation : EXIT.hangup, a.reason.message);
          } else this.#log.debug('call cleared', { code: a.reason.code });
          break;
        case 'down':
          this.#controlDown = true;
          this.#callDown = true;
          if (this.#state !== 'stopping') {
            this.#log.warn('control connection down', {
              code: a.reason.code,
              reason: a.reason.message,
            });
            this.#stop(this.#upAt === undefined ? EXIT.negotiation : EXIT.hangup, a.reason.message);
          } else this.#log.debug('control connection closed', { code: a.reason.code });
          this.#stream?.end();
          break;
        case 'diagnostic':
          this.#log.debug('pptp', { code: a.code, detail: a.message });
          break;
        default:
          this.#log.debug('pptp event', { event: a.type });
      }
    }
    this.#settle();
  }

  #callUp(call: CallInfo): void {
    this.#call = call;
    this.#state = 'call';
    this.#log.info('call established', {
      callId: call.callId,
      peerCallId: call.peerCallId,
      window: call.peerReceiveWindow,
    });
    this.#gre = new GreSession({
      localCallId: call.callId,
      peerCallId: call.peerCallId,
      peerReceiveWindow: call.peerReceiveWindow,
      deliver: (bytes, start, end) => this.#frame(bytes, start, end),
    });
    const s = this.#o.settings;
    const random = (n: number): Uint8Array => this.#io.randomBytes(n);
    const requireMppe = s.mppe.required;
    const mppeAllowed = s.mppe.allow128 || s.mppe.allow40;
    const tuning = linkTuning(s);
    // `noccp`: no CCP at all (the option table refuses it while MPPE is required).
    const ccp = tuning.ccp ? ccpPolicyFromSettings(s.mppe, s.mppc) : undefined;
    this.#link = new PppLink({
      role: 'client',
      randomBytes: random,
      policy: {
        acceptAuth: acceptedAuthMethods(s, this.#o.credentials, random, (error) => {
          // The server's own words (MS-CHAP `E=`/`M=`), kept in the error's details.
          const d = (error as { code?: string; details?: Record<string, unknown> }).details ?? {};
          this.#log.error('authentication failed', {
            code: (error as { code?: string }).code,
            detail: error.message,
            serverError: d['mschapError'],
            serverMessage: d['serverMessage'],
          });
        }),
        ...(ccp === undefined ? {} : { ccp }),
        requireMppe,
        // pppd (as server) Terminate-Acks an IPCP that arrives before its CCP is up when MPPE is
        // required, which costs a Restart timeout: start IPCP once CCP has opened, as pppd does.
        startNcpsAfterCcp: requireMppe && mppeAllowed,
        ipv6: false,
      },
      lcp: tuning.lcp,
      ipcp: tuning.ipcp,
      automaton: tuning.automaton,
    });
    this.#state = 'ppp';
    this.#ppp(this.#link.start(this.#io.now()));
  }

  /** One in-order GRE payload. */
  #frame(bytes: Uint8Array, start: number, end: number): void {
    if (this.#data?.receiveFrame(bytes, start, end)) return;
    const link = this.#link;
    if (link === undefined) return;
    if (this.#o.settings.debug) {
      this.#log.debug('ppp rcvd', { frame: describeFrame(bytes.subarray(start, end)) });
    }
    // The link copies the frame: it may keep views of options across calls.
    this.#ppp(link.receiveRange(bytes, start, end, this.#io.now()));
  }

  #sendFrame(frame: Uint8Array): void {
    const gre = this.#gre;
    const sock = this.#greSocket;
    if (gre === undefined || sock === undefined || frame.length > this.#ctlTx.length - 16) return;
    if (this.#o.settings.debug) this.#log.debug('ppp sent', { frame: describeFrame(frame) });
    this.#ctlTx.set(frame, GRE_MAX_HEADER_LENGTH);
    const at = gre.writeData(this.#ctlTx, GRE_MAX_HEADER_LENGTH, frame.length, this.#io.now());
    if (at >= 0) sock.write(this.#ctlTx, at, GRE_MAX_HEADER_LENGTH + frame.length - at);
  }

  #ppp(actions: PppAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          this.#sendFrame(a.frame);
          break;
        case 'phase':
          this.#log.debug('ppp phase', { phase: a.phase });
          break;
        case 'authenticated':
          if (a.side === 'peer') {
            this.#keys = a.keys;
            this.#auth = authName(a.method.protocol, a.method.algorithm);
            this.#log.info('authenticated', { method: this.#auth });
          }
          break;
        case 'up':
          this.#pppUp(a);
          break;
        case 'down':
          this.#pppDown = true;
          if (this.#state !== 'stopping') {
            this.#log.warn('link down', { code: a.reason.code, reason: a.reason.message });
            this.#stop(exitForPppDown(a.reason), a.reason.message);
          } else this.#log.debug('link terminated', { code: a.reason.code });
          break;
        case 'data':
          // IPv4 without MPPE is handled by the data path; anything else here is dropped.
          break;
        case 'ccp-reset-request':
          this.#data?.resetRequested();
          break;
        case 'ccp-reset-ack':
          this.#log.debug('ccp reset-ack', { identifier: a.identifier });
          break;
        case 'diagnostic':
          this.#log.debug('ppp', { protocol: a.protocol, detail: a.message });
          break;
      }
    }
    this.#settle();
  }

  #pppUp(up: LinkUp): void {
    const gre = this.#gre;
    const sock = this.#greSocket;
    if (gre === undefined || sock === undefined) return;
    const s = this.#o.settings;
    const problem = addressProblem(s, up.local, up.peer);
    if (problem !== undefined) {
      this.#stop(EXIT.negotiation, problem);
      return;
    }
    let ciphers: { encryptor: MppeEncryptor; decryptor: MppeDecryptor } | undefined;
    // keyBits 0: MPPC alone (`nomppe mppc`), no encryption.
    if (up.mppe !== undefined && up.mppe.keyBits > 0) {
      const keyBits = up.mppe.keyBits as 40 | 56 | 128;
      const start = clientStartKeys(this.#keys, keyBits);
      if (start === undefined) {
        this.#stop(EXIT.negotiation, 'MPPE negotiated without MS-CHAP keys');
        return;
      }
      ciphers = {
        encryptor: new MppeEncryptor({
          startKey: start.send,
          keyBits,
          stateless: up.mppe.stateless,
        }),
        decryptor: new MppeDecryptor({
          startKey: start.receive,
          keyBits,
          stateless: up.mppe.stateless,
        }),
      };
    } else if (s.mppe.required) {
      this.#stop(EXIT.negotiation, 'MPPE is required but was not negotiated');
      return;
    }
    this.#up = up;
    this.#data = new DataPath({
      gre,
      toNetwork: (buf, offset, length) => sock.write(buf, offset, length),
      toTun: (buf, offset, length) => this.#tun?.port.write(buf, offset, length) ?? false,
      framing: up.framing,
      peerMru: up.mtu,
      mppe: ciphers,
      // We decompress whenever we offered C (RFC 1962 §2: our request is what we receive);
      // we compress only when both Acked requests carry it.
      mppc: { compress: up.mppe?.mppc === true, decompress: s.mppc },
      onResetNeeded: () => this.#ppp(this.#link?.ccpResetRequest(this.#io.now()) ?? []),
    });
    const mtu = Math.min(s.mtu ?? 1500, this.#data.maxIpPacket);
    this.#mtu = mtu;
    this.#log.info('network layer up', {
      local: up.local,
      remote: up.peer,
      encryption: encryptionName(up.mppe),
    });
    this.#state = 'configuring';
    this.#io.host
      .bringUp({ local: up.local, peer: up.peer, dns: up.dns, mtu })
      .then((tun) => {
        if (this.#state !== 'configuring') {
          return;
        }
        this.#tun = tun;
        tun.port.startReading(
          (buf, start, end) => {
            try {
              this.#data?.sendIp(buf, start, end, this.#io.now());
            } catch (error) {
              this.#internalError('TUN receive', error);
            }
          },
          () => this.#guarded('TUN receive', this.#settleNow),
        );
        this.#state = 'up';
        this.#upAt = this.#io.now();
        this.#lastDataAt = this.#upAt;
        this.#checkLimits(this.#upAt);
        this.#log.info('up', { interface: tun.name, local: up.local, remote: up.peer, mtu });
        // The caller's reaction to `up` (state file, scripts, telling a parent) is not part
        // of the tunnel: its failure is logged, the tunnel stays.
        try {
          this.#o.onUp?.(this.status());
        } catch (error) {
          this.#log.error('after-up step failed', { error });
        }
        this.#settle();
      })
      .catch((error: unknown) =>
        this.#stop(exitForError(error), `host configuration failed: ${(error as Error).message}`),
      );
  }

  /** After every event: wake teardown waiters and re-arm the one timer. */
  #settle(): void {
    for (const w of this.#waiters) w();
    if (this.#state === 'ended') return;
    // Every core's nextDeadline() is monotonic ms, Infinity when it waits for nothing.
    const at = Math.min(
      this.#pns.nextDeadline(),
      this.#link?.nextDeadline() ?? Number.POSITIVE_INFINITY,
      this.#gre?.nextDeadline() ?? Number.POSITIVE_INFINITY,
      this.#limitAt ?? Number.POSITIVE_INFINITY,
    );
    if (at === this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(
      () => this.#guarded('timer', this.#tickNow),
      Math.max(0, Math.ceil(at - this.#io.now())),
    );
  }

  readonly #settleNow = (): void => this.#settle();
  readonly #tickNow = (): void => this.#tick();

  /**
   * Runs an I/O callback's work. An exception there is a bug (peer misbehaviour never throws
   * out of the cores): it ends the session in order, exit 1, instead of reaching the event loop.
   */
  #guarded(where: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#internalError(where, error);
    }
  }

  #internalError(where: string, error: unknown): void {
    this.#log.error('internal error', { where, error });
    this.#stop(EXIT.fatal, `internal error in ${where}: ${(error as Error)?.message ?? error}`);
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#io.now();
    const gre = this.#gre;
    if (gre !== undefined && now >= gre.nextDeadline()) {
      const n = gre.timeout(now, this.#ack);
      if (n > 0) this.#greSocket?.write(this.#ack, 0, n);
    }
    const link = this.#link;
    if (link !== undefined && now >= link.nextDeadline()) this.#ppp(link.timeout(now));
    if (now >= this.#pns.nextDeadline()) this.#control(this.#pns.timeout(now));
    if (this.#limitAt !== undefined && now >= this.#limitAt) this.#checkLimits(now);
    this.#settle();
  }

  /**
   * `idle` and `maxconnect` (pppd exit 12 and 13). Data activity is sampled from the packet
   * counters every quarter of `idle` (at least 1 s), so an idle link ends between `idle` and
   * 1.25 × `idle` seconds after its last packet.
   */
  #checkLimits(now: number): void {
    const s = this.#o.settings;
    const upAt = this.#upAt;
    this.#limitAt = undefined;
    if (upAt === undefined || this.#state !== 'up') return;
    const c = this.#data?.counters;
    const packets = c === undefined ? 0 : c.txPackets + c.rxPackets;
    if (packets !== this.#lastDataPackets) {
      this.#lastDataPackets = packets;
      this.#lastDataAt = now;
    }
    const limit = limitReached(s, upAt, this.#lastDataAt, now);
    if (limit !== undefined) {
      const seconds = limit === 'idle' ? s.idle : s.maxConnect;
      this.#stop(
        limit === 'idle' ? EXIT.idle : EXIT.connectTime,
        limit === 'idle' ? `idle for ${seconds} s` : `connect time limit of ${seconds} s reached`,
      );
      return;
    }
    let next = Number.POSITIVE_INFINITY;
    if (s.idle !== undefined) next = now + Math.max(1000, s.idle * 250);
    if (s.maxConnect !== undefined) next = Math.min(next, upAt + s.maxConnect * 1000);
    this.#limitAt = Number.isFinite(next) ? next : undefined;
  }

  /** Resolves when `done()` holds, or after `ms`. */
  #waitFor(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve();
    const waiters = this.#waiters;
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (done()) finish();
      };
      timer = setTimeout(finish, ms);
      waiters.add(check);
    });
  }

  /** Tears down in order and resolves `run()`. The first reason wins. */
  #stop(exitCode: ExitCode, reason: string): void {
    if (this.#state === 'stopping' || this.#state === 'ended') return;
    const wasUp = this.#upAt !== undefined;
    this.#result = { exitCode, reason, wasUp };
    this.#state = 'stopping';
    this.#log.info('stopping', { reason });
    void this.#teardown().then(() => this.#end());
  }

  /**
   * The stop, step by step. A step that fails is logged and the next one runs: whatever the
   * peer or the I/O does, the host is restored and `run()` resolves.
   */
  async #teardown(): Promise<void> {
    const t = this.#replyTimeoutMs;
    // No more data: the TUN stays open (its undo comes last) but nothing enters the tunnel.
    this.#data = undefined;
    const link = this.#link;
    if (link !== undefined && !this.#pppDown && !this.#controlDown) {
      // LCP Terminate-Request, wait for the Terminate-Ack (or the restart timer to give up).
      await this.#stopStep('LCP terminate', async () => {
        this.#ppp(link.close(this.#io.now(), 'stopped locally'));
        await this.#waitFor(() => link.phase === 'dead' || this.#controlDown, Math.min(t, 4000));
      });
    }
    const call = this.#call;
    if (call !== undefined && !this.#callDown && !this.#controlDown) {
      await this.#stopStep('call clear', async () => {
        this.#control(this.#pns.clearCall(this.#io.now(), call.callId));
        // pptpd answers with a TCP close rather than a Call-Disconnect-Notify.
        await this.#waitFor(() => this.#callDown || this.#controlDown, t);
      });
    }
    if (this.#stream !== undefined && !this.#controlDown) {
      await this.#stopStep('control stop', async () => {
        this.#control(this.#pns.stop(this.#io.now()));
        await this.#waitFor(() => this.#controlDown, t);
      });
    }
    await this.#stopStep('control close', () => this.#stream?.destroy());
    await this.#stopStep('GRE close', () => this.#greSocket?.close());
    // A stop during `prepare` must not undo the host before `prepare` has finished changing it.
    await this.#preparing?.catch(() => undefined);
    await this.#stopStep('host restore', () => this.#io.host.restore());
  }

  /** One step of the stop: its failure is logged and the stop goes on. */
  async #stopStep(step: string, work: () => unknown): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#log.error('stop step failed', { step, error });
    }
  }

  #end(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const result = this.#result ?? { exitCode: EXIT.fatal, reason: 'ended', wasUp: false };
    this.#state = 'ended';
    this.#log.info('ended', { reason: result.reason, exitCode: result.exitCode });
    this.#finish?.(result);
  }
}
