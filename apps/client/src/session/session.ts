import { PPTP_TCP_PORT } from '@pptpkit/pptp-control';
import { Tunnel, type TunnelEvent, type TunnelStatus, type TunnelUp } from '@pptpkit/tunnel';
import type { Credentials, PeerSettings } from '../config/index.js';
import { linkLocal } from '../config/ipv6-settings.js';
import { addressProblem } from '../config/link-settings.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { APP_CODE, codeField, errorCode } from '../log/app-codes.js';
import type { Logger } from '../log/logger.js';
import { exitForDown, exitForError } from './exit-status.js';
import type { ControlStream, PacketPort, SessionIo, SocketBinding, TunnelInterface } from './io.js';
import { describeFrame, encryptionName } from './protocol-names.js';
import { tunnelOptionsFromSettings } from './tunnel-options.js';

/**
 * What to do about MS-CHAPv2's E=648 (RFC 2759 §6): a right password that expired. pptpkit does
 * not implement Change-Password (RFC 2759 §7), so it can only say so.
 */
const PASSWORD_EXPIRED_HINT =
  'the password has expired: put a new one in a file named by the new-password-file option (or run pptpkit up on a terminal to be asked for one) and pptpkit changes it, or have it changed elsewhere';

/** How often the path MTU to the server is measured again while the tunnel is up, ms. */
const PATH_MTU_CHECK_MS = 5_000;

/** The sockets' local address and mark: pptp-linux `--localbind` and `--rtmark` of the `pty`. */
export function socketBinding(settings: PeerSettings): SocketBinding {
  const p = settings.pptp;
  return {
    ...(p?.localBind === undefined ? {} : { localAddress: p.localBind }),
    ...(p?.rtMark === undefined ? {} : { mark: p.rtMark }),
  };
}

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
  /** Called at every change of {@link Session.state} after `connecting` (for a supervisor). */
  readonly onState?: (state: SessionState) => void;
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
  /** The code of the authentication failure, when authentication failed (`MSCHAP_...`). */
  readonly authCode?: string;
}

/** A snapshot for `pptpkit status`: the tunnel core's, with the shell's peer and interface. */
/**
 * The schema tag of a tunnel's `status --json` (documented in the README): fields may be added
 * under the same tag; a rename, removal or change of meaning changes it.
 */
export const TUNNEL_STATUS_SCHEMA = 'pptpkit.status/1';

/** One tunnel's status, as `pptpkit status --json` prints it (schema `pptpkit.status/1`). */
export interface SessionStatus extends Omit<TunnelStatus, 'state' | 'role' | 'down'> {
  /** {@link TUNNEL_STATUS_SCHEMA}. */
  readonly schema: typeof TUNNEL_STATUS_SCHEMA;
  /** The peer name. */
  readonly peer: string;
  /** Where the session is. */
  readonly state: SessionState;
  /** The server. */
  readonly server: string;
  /** The TUN interface, once up. */
  readonly interface?: string;
}

/**
 * One PPTP tunnel: the I/O shell around the `@pptpkit/tunnel` core. It connects the sockets,
 * feeds the core what they read, writes what the core sends, arms one timer from the core's
 * `nextDeadline()`, configures the host when the core is up and restores it when it closed.
 */
export class Session {
  readonly #o: SessionOptions;
  readonly #log: Logger;
  readonly #io: SessionIo;
  readonly #tunnel: Tunnel;
  #state: SessionState = 'connecting';
  #stream: ControlStream | undefined;
  #gre: PacketPort | undefined;
  #tun: TunnelInterface | undefined;
  #preparing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Re-measures the path MTU while up. */
  #pathMtuTimer: ReturnType<typeof setInterval> | undefined;
  /** The path MTU last measured. */
  #pathMtu: number | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** Set by the shell's own reasons to stop (signal, address check, host failure, bug). */
  #override: { exitCode: ExitCode; reason: string } | undefined;
  /** The code of the last `auth-failed` event. */
  #authCode: string | undefined;
  #result: SessionResult | undefined;
  #finish: ((r: SessionResult) => void) | undefined;
  #upAt: number | undefined;
  #ending = false;

  /** @param options - the server, settings, credentials, I/O and abort signal. */
  constructor(options: SessionOptions) {
    this.#o = options;
    this.#log = options.log;
    this.#io = options.io;
    const debug = options.settings.debug;
    this.#tunnel = new Tunnel(
      tunnelOptionsFromSettings(
        options.settings,
        options.credentials,
        (n) => options.io.randomBytes(n),
        {
          // A failing write is the shell's problem, never the core's: it is logged and the
          // core goes on (a lost packet, or a stop that finishes without the peer's answer).
          control: (bytes) => {
            try {
              this.#stream?.write(bytes);
            } catch (error) {
              this.#log.error('control write failed', { code: APP_CODE.writeFailed, error });
            }
          },
          endControl: () => {
            try {
              this.#stream?.end();
            } catch (error) {
              this.#log.error('control close failed', { code: APP_CODE.writeFailed, error });
            }
          },
          gre: (buf, start, end) => {
            try {
              this.#gre?.write(buf, start, end - start);
            } catch (error) {
              this.#log.error('GRE write failed', { code: APP_CODE.writeFailed, error });
            }
          },
          ip: (buf, start, end) => this.#tun?.port.write(buf, start, end - start) ?? false,
          event: (event) => this.#event(event),
          ...(debug
            ? {
                frame: (direction, frame) =>
                  this.#log.debug(direction === 'sent' ? 'ppp sent' : 'ppp rcvd', {
                    frame: describeFrame(frame),
                  }),
              }
            : {}),
        },
        options.replyTimeoutMs ?? 10_000,
      ),
    );
  }

  /** Where the session is. */
  get state(): SessionState {
    return this.#state;
  }

  /** A snapshot for status reports. */
  status(): SessionStatus {
    const {
      state: _state,
      role: _role,
      down: _down,
      ...core
    } = this.#tunnel.status(this.#io.now());
    return {
      schema: TUNNEL_STATUS_SCHEMA,
      peer: this.#o.peer,
      state: this.#state,
      server: this.#o.server,
      ...(this.#tun === undefined ? {} : { interface: this.#tun.name }),
      ...core,
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
      this.#connect().catch((error: unknown) =>
        this.#stop(exitForError(error), (error as Error).message),
      );
    });
  }

  async #connect(): Promise<void> {
    const { server } = this.#o;
    this.#log.info('connecting', { peer: this.#o.peer, server });
    this.#preparing = this.#io.host.prepare(server);
    await this.#preparing;
    if (this.#stopping()) return;
    // Measured while the control connection is made; the core needs it before it starts.
    const measured = this.#checkPathMtu();
    // The GRE socket is open before the call is placed: pppd's first LCP Configure-Request
    // arrives right after the Outgoing-Call-Reply.
    const binding = socketBinding(this.#o.settings);
    const gre = this.#io.openGre(server, binding);
    this.#gre = gre;
    gre.startReading(
      (buf, start, end) => {
        try {
          this.#tunnel.receiveGre(buf, start, end, this.#io.now());
        } catch (error) {
          this.#internalError('GRE receive', error);
        }
      },
      () => this.#guarded('GRE receive', this.#settleNow),
      (error) => this.#portFailed('GRE socket', error),
    );
    let stream: ControlStream;
    try {
      stream = await this.#io.connectControl(
        server,
        PPTP_TCP_PORT,
        this.#o.replyTimeoutMs ?? 10_000,
        binding,
      );
    } catch (error) {
      this.#stop(
        EXIT.unreachable,
        `cannot reach ${server}:${PPTP_TCP_PORT}: ${(error as Error).message}`,
      );
      return;
    }
    if (this.#stopping()) {
      stream.destroy();
      return;
    }
    this.#stream = stream;
    stream.onData((bytes) =>
      this.#guarded('control receive', () => {
        this.#tunnel.receiveControl(bytes, this.#io.now());
        this.#settle();
      }),
    );
    stream.onClose((error) =>
      this.#guarded('control close', () => {
        if (error !== undefined) this.#log.debug('control connection error', { error });
        this.#tunnel.controlClosed(this.#io.now());
        this.#settle();
      }),
    );
    await measured;
    if (this.#stopping()) {
      stream.destroy();
      return;
    }
    this.#enter('control');
    this.#tunnel.start(this.#io.now());
    this.#settle();
  }

  #enter(state: SessionState): void {
    if (state === this.#state) return;
    this.#state = state;
    try {
      this.#o.onState?.(state);
    } catch (error) {
      this.#log.error('state listener failed', { code: APP_CODE.internal, state, error });
    }
  }

  #stopping(): boolean {
    return this.#state === 'stopping' || this.#state === 'ended';
  }

  #event(event: TunnelEvent): void {
    const log = this.#log;
    switch (event.type) {
      case 'control-up':
        log.info('control connection up', {
          hostName: event.peer.hostName,
          vendor: event.peer.vendorString,
        });
        if (this.#state === 'control') this.#enter('call');
        break;
      case 'call-up':
        log.info('call established', {
          callId: event.callId,
          peerCallId: event.peerCallId,
          window: event.window,
        });
        if (this.#state === 'call') this.#enter('ppp');
        break;
      case 'authenticated':
        if (event.side === 'peer') {
          log.info('authenticated', { method: event.method });
          if (event.passwordChanged === true) {
            log.info(`password changed for ${this.#o.credentials.user}`, {
              user: this.#o.credentials.user,
            });
          }
        }
        break;
      case 'auth-failed':
        this.#authCode = event.code;
        // The server's own words (MS-CHAP `E=`/`M=`), kept in the error's details.
        log.error('authentication failed', {
          code: event.code,
          detail: event.message,
          serverError: event.details?.['mschapError'],
          serverMessage: event.details?.['serverMessage'],
          ...(event.code === 'MSCHAP_PASSWORD_EXPIRED' ? { hint: PASSWORD_EXPIRED_HINT } : {}),
        });
        break;
      case 'up':
        this.#networkUp(event);
        break;
      case 'mtu':
        this.#mtuChanged(event.mtu, event.pathMtu);
        break;
      case 'down':
        if (this.#override === undefined) {
          const what =
            event.layer === 'ppp'
              ? 'link down'
              : event.layer === 'call'
                ? 'call down'
                : event.layer === 'control'
                  ? 'control connection down'
                  : 'tunnel down';
          log.warn(what, { code: event.code, reason: event.message });
        }
        this.#result = this.#override
          ? { ...this.#override, wasUp: event.wasUp }
          : { exitCode: exitForDown(event), reason: event.message, wasUp: event.wasUp };
        if (this.#authCode !== undefined) {
          this.#result = { ...this.#result, authCode: this.#authCode };
        }
        this.#enter('stopping');
        log.info('stopping', { reason: this.#result.reason });
        break;
      case 'closed':
        void this.#end();
        break;
      case 'diagnostic':
        log.debug(event.layer, {
          ...(event.code === undefined ? {} : { code: event.code }),
          detail: event.message,
        });
        break;
    }
  }

  /**
   * Measures the path MTU to the server and hands it to the core, which sizes the tunnel from
   * it; a failure leaves the sizes as they are (logged).
   */
  async #checkPathMtu(): Promise<void> {
    let pathMtu: number | undefined;
    try {
      pathMtu = await this.#io.host.pathMtu(this.#o.server);
    } catch (error) {
      this.#log.debug('path MTU unknown', { error });
      return;
    }
    if (pathMtu === undefined || this.#stopping()) return;
    if (pathMtu !== this.#pathMtu) this.#log.debug('path MTU', { server: this.#o.server, pathMtu });
    this.#pathMtu = pathMtu;
    this.#guarded('path MTU', () => {
      this.#tunnel.setPathMtu(pathMtu, this.#io.now());
      this.#settle();
    });
  }

  /** Resizes the TUN after the core followed a new path MTU. */
  #mtuChanged(mtu: number, pathMtu: number): void {
    this.#log.info('path MTU changed', { pathMtu, mtu });
    this.#io.host
      .setMtu(mtu)
      .catch((error: unknown) =>
        this.#log.warn('cannot change the MTU', { ...codeField(error), mtu, error }),
      );
  }

  #networkUp(up: TunnelUp): void {
    const problem = addressProblem(this.#o.settings, up.local, up.remote);
    if (problem !== undefined) {
      this.#stop(EXIT.negotiation, problem);
      return;
    }
    this.#log.info('network layer up', {
      local: up.local,
      remote: up.remote,
      encryption: encryptionName(up.mppe),
    });
    this.#enter('configuring');
    this.#io.host
      .bringUp({
        local: up.local,
        peer: up.remote,
        dns: up.dns,
        mtu: up.mtu,
        ...(up.ipv6 === undefined
          ? {}
          : { ipv6: { local: linkLocal(up.ipv6.local), peer: linkLocal(up.ipv6.remote) } }),
      })
      .then((tun) => {
        if (this.#state !== 'configuring') return;
        this.#tun = tun;
        tun.port.startReading(
          (buf, start, end) => {
            try {
              this.#tunnel.sendIp(buf, start, end, this.#io.now());
            } catch (error) {
              this.#internalError('TUN receive', error);
            }
          },
          () => this.#guarded('TUN receive', this.#settleNow),
          (error) => this.#portFailed('TUN device', error),
        );
        this.#enter('up');
        this.#upAt = this.#io.now();
        // ICMP "fragmentation needed" lowers the kernel's path MTU for the server; follow it.
        this.#pathMtuTimer = setInterval(() => void this.#checkPathMtu(), PATH_MTU_CHECK_MS);
        this.#pathMtuTimer.unref?.();
        this.#log.info('up', {
          interface: tun.name,
          local: up.local,
          remote: up.remote,
          mtu: up.mtu,
        });
        // The caller's reaction to `up` (state file, scripts, telling a parent) is not part of
        // the tunnel: its failure is logged, the tunnel stays.
        try {
          this.#o.onUp?.(this.status());
        } catch (error) {
          this.#log.error('after-up step failed', { code: APP_CODE.afterUpFailed, error });
        }
      })
      .catch((error: unknown) =>
        this.#stop(exitForError(error), `host configuration failed: ${(error as Error).message}`),
      );
  }

  /** Arms the one timer from the core's next deadline. */
  #settle(): void {
    if (this.#state === 'ended') return;
    const at = this.#tunnel.nextDeadline();
    if (at === this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (!Number.isFinite(at)) return;
    this.#timer = setTimeout(
      () => this.#guarded('timer', this.#tickNow),
      Math.max(0, Math.ceil(at - this.#io.now())),
    );
  }

  readonly #settleNow = (): void => this.#settle();
  readonly #tickNow = (): void => {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#tunnel.timeout(this.#io.now());
    this.#settle();
  };

  /**
   * Runs an I/O callback's work. An exception there is a bug (peer input never throws out of
   * the core): it ends the session in order, exit 1, instead of reaching the event loop.
   */
  #guarded(where: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#internalError(where, error);
    }
  }

  #internalError(where: string, error: unknown): void {
    this.#log.error('internal error', { code: APP_CODE.internal, where, error });
    this.#stop(EXIT.fatal, `internal error in ${where}: ${(error as Error)?.message ?? error}`);
  }

  /** A descriptor failed (read error): the session ends in order, exit 1. */
  #portFailed(what: string, error: Error): void {
    this.#log.error(`${what} failed`, { code: errorCode(error, APP_CODE.portFailed), error });
    this.#stop(EXIT.fatal, `${what} failed: ${error.message}`);
  }

  /**
   * Stops for the shell's own reason: the core closes in order (its `down` carries this status
   * and reason); before the core started there is nothing to close but the host.
   */
  #stop(exitCode: ExitCode, reason: string): void {
    if (this.#override !== undefined || this.#ending) return;
    this.#override = { exitCode, reason };
    if (this.#tunnel.state === 'idle') {
      this.#result = { exitCode, reason, wasUp: false };
      this.#enter('stopping');
      this.#log.info('stopping', { reason });
      void this.#end();
      return;
    }
    try {
      this.#tunnel.close(reason, this.#io.now());
    } catch (error) {
      this.#log.error('internal error', { code: APP_CODE.internal, where: 'close', error });
      void this.#end();
    }
    this.#settle();
  }

  /**
   * The I/O side of the end, step by step: a step that fails is logged and the next one runs,
   * so the host is restored and `run()` resolves whatever happens.
   */
  async #end(): Promise<void> {
    if (this.#ending) return;
    this.#ending = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pathMtuTimer !== undefined) clearInterval(this.#pathMtuTimer);
    this.#pathMtuTimer = undefined;
    await this.#stopStep('control close', () => this.#stream?.destroy());
    await this.#stopStep('GRE close', () => this.#gre?.close());
    // A stop during `prepare` must not undo the host before `prepare` has finished changing it.
    await this.#preparing?.catch(() => undefined);
    await this.#stopStep('host restore', () => this.#io.host.restore());
    const result = this.#result ?? {
      exitCode: EXIT.fatal,
      reason: 'ended',
      wasUp: this.#upAt !== undefined,
    };
    this.#enter('ended');
    this.#log.info('ended', { reason: result.reason, exitCode: result.exitCode });
    this.#finish?.(result);
  }

  async #stopStep(step: string, work: () => unknown): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#log.error('stop step failed', { code: APP_CODE.stopStepFailed, step, error });
    }
  }
}
