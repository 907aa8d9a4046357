/**
 * `pptpkit serve`'s shell: the TCP listener on port 1723, the shared GRE socket, the TUN,
 * the timer, hook scripts, the control socket and signals around a {@link ServerCore}.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TunnelEvent } from '@pptpkit/tunnel';
import { formatIpv4, parseIpv4 } from '@pptpkit/wire';
import { type ControlServer, startControlServer } from '../control/control-server.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { HookContext } from '../hooks/run-hook.js';
import { runEventScripts } from '../hooks/run-scripts.js';
import { APP_CODE, codeField, errorCode } from '../log/app-codes.js';
import type { Logger } from '../log/logger.js';
import { type SdNotifier, StatusThrottle } from '../service/sd-notify.js';
import { AddressPool } from './address-pool.js';
import type { AdmissionLimits } from './admission.js';
import type { ServerConfig } from './config/server-config.js';
import { ServerCore } from './server-core.js';
import type { ServerHost } from './server-host.js';
import type { ServerSession } from './server-session.js';
import { SERVE_STATUS_SCHEMA, type ServeStatus, sessionStatus } from './server-status.js';
import { type SecretLookup, serverTunnelOptions } from './server-tunnel-options.js';
import type { SharedGrePort } from './shared-gre.js';

/** PPTP's control port (RFC 2637 §2.1). */
export const PPTP_PORT = 1723;

/** Bytes queued to a peer that does not read before its connection is dropped. */
const MAX_QUEUED_CONTROL = 256 * 1024;
/** Longest wait for every session to close in order at shutdown, ms. */
const STOP_WAIT_MS = 10_000;
/** Limit for each ip-up/ip-down script, ms. */
const SCRIPT_TIMEOUT_MS = 30_000;
/** Least time between two session-count updates to systemd (`STATUS=`), ms. */
const STATUS_INTERVAL_MS = 1_000;

/** What the server runs with. */
export interface PptpServerOptions {
  readonly config: ServerConfig;
  readonly lookup: SecretLookup;
  readonly host: ServerHost;
  readonly gre: SharedGrePort;
  readonly limits: AdmissionLimits;
  readonly authTimeoutMs: number;
  /** Directory of `ip-up`/`ip-down` (pppd: `/etc/ppp`). */
  readonly scriptsDir: string;
  /** The control socket's path. */
  readonly controlSocket: string;
  readonly log: Logger;
  /**
   * systemd (`Type=notify`): `READY=1` once listening, `STATUS=` with the number of sessions
   * up (at most one update a second), `STOPPING=1` when stopping.
   */
  readonly notify?: SdNotifier;
}

interface Conn {
  readonly socket: Socket;
  scriptsRan: boolean;
  routed: boolean;
}

/** A running server; {@link PptpServer.stopped} settles with the exit status. */
export class PptpServer {
  readonly #o: PptpServerOptions;
  readonly #core: ServerCore;
  readonly #conns = new Map<number, Conn>();
  readonly #startedAt = performance.now();
  #listener: Server | undefined;
  #control: ControlServer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #stopping = false;
  #exitCode: ExitCode = EXIT.ok;
  #listen = '';
  readonly #status: StatusThrottle | undefined;
  #done!: (code: ExitCode) => void;
  /** Settles once the server has stopped. */
  readonly stopped: Promise<ExitCode> = new Promise((resolve) => {
    this.#done = resolve;
  });

  /** @param options - configuration, secrets, host, GRE socket, limits, log. */
  constructor(options: PptpServerOptions) {
    this.#o = options;
    this.#status =
      options.notify === undefined
        ? undefined
        : new StatusThrottle(options.notify, STATUS_INTERVAL_MS);
    const c = options.config;
    const local =
      c.pairLocal && c.localIp.length > 0 ? new AddressPool(c.localIp) : c.localIp[0]!.first;
    this.#core = new ServerCore({
      remotePool: new AddressPool(c.remoteIp),
      local,
      limits: options.limits,
      authTimeoutMs: options.authTimeoutMs,
      firstCallId: randomBytes(2).readUInt16BE(0),
      tunnelOptions: (sink, session) =>
        serverTunnelOptions(
          c,
          sink,
          (n) => new Uint8Array(randomBytes(n)),
          session.local,
          options.lookup,
          (rule) => {
            session.addressRule = rule;
          },
        ),
      sink: {
        control: (s, bytes) => this.#write(s, bytes),
        endControl: (s) => this.#conns.get(s.id)?.socket.end(),
        gre: (destination, buf, start, end) => options.gre.writeTo(destination, buf, start, end),
        ip: (buf, start, end) => options.host.port.write(buf, start, end - start),
        up: (s, up) => void this.#sessionUp(s, up.mtu),
        closed: (s) => void this.#sessionClosed(s),
        event: (s, e) => this.#logEvent(s, e),
      },
    });
  }

  /** Listens, reads GRE and the TUN, opens the control socket. */
  async start(): Promise<void> {
    const { gre, host, config } = this.#o;
    gre.startReading(
      (source, buf, start, end) => this.#core.greIn(source, buf, start, end, performance.now()),
      () => this.#arm(),
      (error) => this.#fatal('the GRE socket failed', error),
    );
    host.port.startReading(
      (buf, start, end) => this.#core.ipIn(buf, start, end, performance.now()),
      () => this.#arm(),
      (error) => this.#fatal('the TUN failed', error),
    );
    if (!config.pairLocal) await host.addLocal(config.localIp[0]!.first);
    this.#control = await startControlServer(this.#o.controlSocket, {
      status: () => this.status(),
      down: () => this.stop('down requested'),
      downTarget: (which) => this.#down(which),
      log: this.#o.log,
    });
    const listener = createServer({ noDelay: true }, (socket) => this.#accept(socket));
    this.#listener = listener;
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host: config.listen, port: PPTP_PORT, backlog: 511 }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    listener.on('error', (error) =>
      this.#o.log.warn('listener error', { ...codeField(error), error }),
    );
    this.#listen = `${config.listen}:${PPTP_PORT}`;
    this.#o.log.info(`listening on ${this.#listen}`, {
      interface: host.name,
      connections: this.#o.limits.maxSessions,
    });
    this.#o.notify?.ready(this.#statusText());
  }

  /** systemd's `STATUS=` line: where we listen and how many sessions are up. */
  #statusText(): string {
    let up = 0;
    for (const conn of this.#conns.values()) if (conn.scriptsRan) up++;
    return `listening on ${this.#listen}; ${up} ${up === 1 ? 'session' : 'sessions'}`;
  }

  /** The status the control socket answers with. */
  status(): ServeStatus {
    const now = performance.now();
    return {
      schema: SERVE_STATUS_SCHEMA,
      pid: process.pid,
      listen: this.#listen,
      interface: this.#o.host.name,
      uptimeMs: Math.round(now - this.#startedAt),
      maxSessions: this.#o.limits.maxSessions,
      sessions: [...this.#core.sessions].map((s) => sessionStatus(s, now)),
      refused: { ...this.#core.refused },
      dropped: { ...this.#core.counters },
      greSocket: this.#o.gre.stats(),
    };
  }

  /**
   * Stops: no new connections, every session closed in order (at most 10 s), the host
   * restored; {@link PptpServer.stopped} then settles with `code`. Idempotent.
   */
  stop(reason: string, code: ExitCode = EXIT.ok): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#exitCode = code;
    this.#o.log.info('stopping', { reason, sessions: [...this.#core.sessions].length });
    this.#status?.cancel();
    this.#o.notify?.stopping(`stopping: ${reason}`);
    this.#listener?.close();
    this.#core.closeAll(reason, performance.now());
    this.#arm();
    const deadline = performance.now() + STOP_WAIT_MS;
    const check = (): void => {
      if ([...this.#core.sessions].length === 0 || performance.now() >= deadline) {
        void this.#finish();
        return;
      }
      setTimeout(check, 50);
    };
    check();
  }

  async #finish(): Promise<void> {
    const left = [...this.#core.sessions].length;
    if (left > 0) this.#o.log.warn('sessions still closing at exit', { sessions: left });
    for (const c of this.#conns.values()) c.socket.destroy();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#control?.close();
    for (const error of await this.#o.host.removeProxies())
      this.#o.log.warn('cannot remove a proxy ARP entry', { ...codeField(error), error });
    this.#o.gre.close();
    this.#o.host.close();
    this.#o.log.info('stopped');
    this.#done(this.#exitCode);
  }

  #fatal(what: string, error: Error): void {
    this.#o.log.error(what, { code: errorCode(error, APP_CODE.portFailed), error });
    this.stop(what, EXIT.fatal);
  }

  #accept(socket: Socket): void {
    const source = parseIpv4((socket.remoteAddress ?? '').replace(/^::ffff:/, ''));
    if (source === undefined || this.#stopping) {
      socket.destroy();
      return;
    }
    const now = performance.now();
    const accepted = this.#core.accept(source, socket.remotePort ?? 0, now);
    if (typeof accepted === 'string') {
      this.#o.log.info('connection refused', {
        peer: `${formatIpv4(source)}:${socket.remotePort}`,
        reason:
          accepted === 'sessions'
            ? 'session limit reached'
            : accepted === 'pending'
              ? 'too many unauthenticated connections from this address'
              : `failed authentication: waiting ${Math.ceil(this.#core.failureWait(source, now) / 1000)} s`,
      });
      socket.destroy();
      return;
    }
    const conn: Conn = { socket, scriptsRan: false, routed: false };
    this.#conns.set(accepted.id, conn);
    this.#o.log.info('connection', {
      session: accepted.id,
      peer: `${formatIpv4(source)}:${socket.remotePort}`,
    });
    socket.on('data', (chunk: Buffer) => {
      this.#core.controlData(accepted, chunk, performance.now());
      this.#arm();
    });
    // Sized to the path before LCP asks for an MRU (the call takes a round trip or two).
    this.#o.host.pathMtu(source).then(
      (mtu) => {
        if (mtu >= 68 && mtu <= 65535) this.#core.setPathMtu(accepted, mtu, performance.now());
        this.#arm();
      },
      (error: unknown) =>
        this.#o.log.debug('no path MTU to the client', { session: accepted.id, error }),
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#core.controlClosed(accepted, performance.now());
      this.#arm();
    });
    this.#arm();
  }

  #write(s: ServerSession, bytes: Uint8Array): void {
    const conn = this.#conns.get(s.id);
    if (conn === undefined || conn.socket.destroyed) return;
    if (conn.socket.writableLength > MAX_QUEUED_CONTROL) {
      this.#o.log.warn('peer does not read its control connection: dropped', { session: s.id });
      conn.socket.destroy();
      return;
    }
    conn.socket.write(bytes);
  }

  /** Re-arms the one timer for the core's earliest deadline. */
  #arm(): void {
    const at = this.#core.nextDeadline();
    if (at === this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    const delay = Math.max(0, Math.ceil(at - performance.now()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#core.timeout(performance.now());
      this.#arm();
    }, delay);
  }

  #down(which: string): { ok: boolean; error?: string } {
    const now = performance.now();
    if (which === '--all') {
      this.#core.closeAll('down requested', now);
      this.#arm();
      return { ok: true };
    }
    const session = this.#core.find(which);
    if (session === undefined) return { ok: false, error: `no session ${which}` };
    this.#core.close(session, 'down requested', now);
    this.#arm();
    return { ok: true };
  }

  #hookContext(s: ServerSession, extra: Partial<HookContext> = {}): HookContext {
    return {
      iface: this.#o.host.name,
      device: formatIpv4(s.source),
      speed: 0,
      local: formatIpv4(s.local),
      remote: formatIpv4(s.address ?? 0),
      // pptpd passes `ipparam CLIENT` after the options file unless `noipparam`.
      ipparam: this.#o.config.ipparamIsClient
        ? formatIpv4(s.source)
        : (this.#o.config.ipparam ?? ''),
      peer: s.user ?? '',
      ...extra,
    };
  }

  async #sessionUp(s: ServerSession, mtu: number): Promise<void> {
    const conn = this.#conns.get(s.id);
    if (conn === undefined || s.address === undefined) return;
    const fields = { session: s.id, user: s.user, address: formatIpv4(s.address) };
    try {
      if (this.#o.config.pairLocal) await this.#o.host.addLocal(s.local);
      await this.#o.host.route(s.address, s.local, mtu);
      conn.routed = true;
      if (this.#o.config.proxyArp) {
        const lan = await this.#o.host.proxyArp(s.address);
        if (lan === undefined)
          this.#o.log.warn("proxyarp: no interface on the client address's subnet", fields);
        else this.#o.log.info('proxyarp', { ...fields, device: lan });
      }
    } catch (error) {
      this.#o.log.error('cannot route the session', {
        code: errorCode(error, APP_CODE.serveRouteFailed),
        ...fields,
        error,
      });
      this.#core.close(s, 'cannot route the session', performance.now());
      this.#arm();
      return;
    }
    this.#o.log.info('session up', { ...fields, mtu });
    conn.scriptsRan = true;
    if (!this.#stopping) this.#status?.set(this.#statusText());
    await this.#scripts('ip-up', s);
  }

  async #sessionClosed(s: ServerSession): Promise<void> {
    const conn = this.#conns.get(s.id);
    this.#conns.delete(s.id);
    const d = s.down;
    this.#o.log.info('session ended', {
      session: s.id,
      ...(s.user === undefined ? {} : { user: s.user }),
      ...(d === undefined ? {} : { layer: d.layer, code: d.code, reason: d.message }),
    });
    if (conn === undefined) return;
    if (conn.scriptsRan && !this.#stopping) this.#status?.set(this.#statusText());
    // Let the last control messages go out, then close.
    conn.socket.end();
    setTimeout(() => conn.socket.destroy(), 2000).unref();
    if (conn.routed && s.address !== undefined) {
      try {
        await this.#o.host.unproxyArp(s.address);
        await this.#o.host.unroute(s.address);
        if (this.#o.config.pairLocal) await this.#o.host.releaseLocal(s.local);
      } catch (error) {
        this.#o.log.warn('cannot remove the session route', {
          ...codeField(error),
          session: s.id,
          error,
        });
      }
    }
    if (conn.scriptsRan) await this.#scripts('ip-down', s);
  }

  async #scripts(event: 'ip-up' | 'ip-down', s: ServerSession): Promise<void> {
    const log = this.#o.log;
    try {
      const runs = await runEventScripts(join(this.#o.scriptsDir, event), this.#hookContext(s), {
        timeoutMs: SCRIPT_TIMEOUT_MS,
        onOutput: (script, line) => log.info(`${event}: ${line}`, { script, session: s.id }),
      });
      for (const r of runs) {
        if (r.result.ran && (r.result.exitCode !== 0 || r.result.timedOut)) {
          log.warn(`${event} script failed`, { script: r.script, session: s.id, ...r.result });
        }
      }
    } catch (error) {
      log.warn(`${event} could not run`, { ...codeField(error), session: s.id, error });
    }
  }

  #logEvent(s: ServerSession, e: TunnelEvent): void {
    const log = this.#o.log;
    const session = s.id;
    switch (e.type) {
      case 'authenticated':
        if (e.side === 'authenticator')
          log.info('authenticated', { session, user: e.peerName, method: e.method });
        break;
      case 'auth-failed':
        log.warn('authentication failed', { session, code: e.code, reason: e.message });
        break;
      case 'diagnostic':
        log.debug(e.message, {
          session,
          layer: e.layer,
          ...(e.code === undefined ? {} : { code: e.code }),
        });
        break;
      case 'call-up':
        log.debug('call up', { session, callId: e.callId, peerCallId: e.peerCallId });
        break;
      case 'control-up':
        log.debug('control connection up', {
          session,
          host: e.peer.hostName,
          vendor: e.peer.vendorString,
        });
        break;
      default:
        break;
    }
  }
}
