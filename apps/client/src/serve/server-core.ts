/**
 * `pptpkit serve`'s sans-I/O core: many tunnel cores in the server role behind one listening
 * socket, one GRE socket and one TUN. It admits control connections, hands out Call IDs
 * unique across them (the GRE Key tells sessions apart, so many clients may share an
 * address), gives each authenticated peer an address from the pool its secrets allow, steers
 * GRE packets by Call ID and IP packets by destination address, and keeps one deadline for
 * all. The shell owns the sockets, the TUN, routes, hooks and the timer.
 *
 * @module
 */
import {
  Tunnel,
  type TunnelEvent,
  type TunnelOptions,
  type TunnelSink,
  type TunnelUp,
} from '@pptpkit/tunnel';
import { formatIpv4 } from '@pptpkit/wire';
import type { AddressPool } from './address-pool.js';
import { Admission, type AdmissionLimits, type Refusal } from './admission.js';
import type { AddressRule, ServerSession } from './server-session.js';

/** Where the core's output goes. */
export interface ServerCoreSink {
  /** Bytes for a session's control connection. */
  control(session: ServerSession, bytes: Uint8Array): void;
  /** Close a session's control connection once its bytes are sent. */
  endControl(session: ServerSession): void;
  /** A GRE packet for `destination`; `buf` is valid during the call only. */
  gre(destination: number, buf: Uint8Array, start: number, end: number): void;
  /** An IP packet for the host (the TUN); false when refused. */
  ip(buf: Uint8Array, start: number, end: number): boolean;
  /** A session's network layer is up: route its address, run `ip-up`. */
  up(session: ServerSession, up: TunnelUp): void;
  /** A session finished (its tunnel closed): unroute, run `ip-down`, close its socket. */
  closed(session: ServerSession): void;
  /** Every tunnel event, for the log. */
  event(session: ServerSession, event: TunnelEvent): void;
}

/** Settings of a {@link ServerCore}. */
export interface ServerCoreOptions {
  /** Output. */
  readonly sink: ServerCoreSink;
  /**
   * A session's tunnel options around the sink the core gives it (the core adds `authorize`
   * and `allocateCallId` to the server role). `session.local` is set; the shell's secret
   * lookups set `session.addressRule`.
   */
  readonly tunnelOptions: (sink: TunnelSink, session: ServerSession) => TunnelOptions;
  /** Addresses for peers (`remoteip`). */
  readonly remotePool: AddressPool;
  /** Our address per session: one for all, or a pool (`localip` as a list). */
  readonly local: number | AddressPool;
  /** Admission limits. */
  readonly limits: AdmissionLimits;
  /** A control connection must authenticate within this long, ms. */
  readonly authTimeoutMs: number;
  /** Random first Call ID (0..65535). */
  readonly firstCallId: number;
}

/** Input the core dropped, by cause. */
export interface ServerCoreCounters {
  /** GRE packets too short or not PPTP's enhanced GRE (RFC 2637 §4.1). */
  greMalformed: number;
  /** GRE packets for a Call ID no session holds. */
  greUnknownCall: number;
  /** GRE packets for a session's Call ID from another address than its control connection. */
  greWrongSource: number;
  /** IP packets from the host for an address no session holds. */
  ipNoSession: number;
  /** IP packets from the host that were not IPv4. */
  ipNotIpv4: number;
  /** Sessions ended for not authenticating in time. */
  authTimeouts: number;
}

const CALL_IDS = 65_536;

class Session implements ServerSession {
  tunnel!: Tunnel;
  callId: number | undefined;
  user: string | undefined;
  address: number | undefined;
  addressRule: AddressRule | undefined;
  upAt: number | undefined;
  down: ServerSession['down'];
  /** Not authenticated yet (counts against its source's pending limit). */
  pending = true;
  /** When the session ends unless authorized by then. */
  authDeadline: number;
  /** The tunnel's deadline as last read. */
  deadline = Number.POSITIVE_INFINITY;
  finished = false;

  constructor(
    readonly id: number,
    readonly source: number,
    readonly sourcePort: number,
    readonly startedAt: number,
    readonly local: number,
    authTimeoutMs: number,
  ) {
    this.authDeadline = startedAt + authTimeoutMs;
  }
}

/** The server's sessions, sans-I/O. */
export class ServerCore {
  readonly #o: ServerCoreOptions;
  readonly #admission: Admission;
  readonly #sessions = new Map<number, Session>();
  readonly #byCallId: (Session | undefined)[] = new Array(CALL_IDS).fill(undefined);
  readonly #byAddress = new Map<number, Session>();
  #nextId = 1;
  #nextCallId: number;
  #now = 0;
  /** The earliest deadline of all sessions, when known; `undefined`: scan again. */
  #earliest: number | undefined = Number.POSITIVE_INFINITY;
  /** Dropped input. */
  readonly counters: ServerCoreCounters = {
    greMalformed: 0,
    greUnknownCall: 0,
    greWrongSource: 0,
    ipNoSession: 0,
    ipNotIpv4: 0,
    authTimeouts: 0,
  };

  /** @param options - sink, pools, limits. */
  constructor(options: ServerCoreOptions) {
    this.#o = options;
    this.#admission = new Admission(options.limits);
    this.#nextCallId = options.firstCallId % CALL_IDS || 1;
  }

  /** Live sessions, oldest first. */
  get sessions(): IterableIterator<ServerSession> {
    return this.#sessions.values();
  }

  /** Connections turned away, by reason. */
  get refused(): Readonly<Record<Refusal, number>> {
    return this.#admission.refused;
  }

  /** How long `source` must wait after failed authentications, ms. */
  failureWait(source: number, now: number): number {
    return this.#admission.waitFor(source, now);
  }

  /** A session by id, user name, or tunnel address (dotted quad). */
  find(which: string): ServerSession | undefined {
    for (const s of this.#sessions.values()) {
      if (String(s.id) === which || s.user === which) return s;
      if (s.address !== undefined && formatIpv4(s.address) === which) return s;
    }
    return undefined;
  }

  /**
   * A control connection from `source:sourcePort` was accepted: a new session whose tunnel
   * has started, or why it is refused (the shell then closes the connection).
   */
  accept(source: number, sourcePort: number, now: number): ServerSession | Refusal {
    this.#now = now;
    const refusal = this.#admission.admit(source, now);
    if (refusal !== undefined) return refusal;
    const local = typeof this.#o.local === 'number' ? this.#o.local : this.#o.local.take();
    if (local === undefined) {
      this.#admission.ended(source, true);
      return 'sessions';
    }
    const session = new Session(
      this.#nextId++,
      source,
      sourcePort,
      now,
      local,
      this.#o.authTimeoutMs,
    );
    const options = this.#o.tunnelOptions(this.#tunnelSink(session), session);
    const role = options.role;
    if (role.role !== 'server') throw new RangeError('tunnelOptions must give the server role');
    session.tunnel = new Tunnel({
      ...options,
      role: {
        ...role,
        authorize: (name) => this.#authorize(session, name),
        allocateCallId: () => this.#allocateCallId(session),
      },
    });
    this.#sessions.set(session.id, session);
    session.tunnel.start(now);
    this.#touch(session);
    return session;
  }

  /** Bytes from a session's control connection. */
  controlData(session: ServerSession, bytes: Uint8Array, now: number): void {
    const s = session as Session;
    if (s.finished) return;
    this.#now = now;
    s.tunnel.receiveControl(bytes, now);
    this.#touch(s);
  }

  /** A session's control connection closed (peer or error). */
  controlClosed(session: ServerSession, now: number): void {
    const s = session as Session;
    if (s.finished) return;
    this.#now = now;
    s.tunnel.controlClosed(now);
    this.#touch(s);
  }

  /**
   * A GRE packet from `source` (`buf[start, end)`, IP header removed): to the session whose
   * Call ID its Key field carries, when it came from that session's address.
   */
  greIn(source: number, buf: Uint8Array, start: number, end: number, now: number): void {
    // RFC 2637 §4.1: C=0 R=0 K=1 S/A as needed, version 1, protocol 0x880B, Key = Call ID.
    if (
      end - start < 8 ||
      (buf[start]! & 0xef) !== 0x20 ||
      (buf[start + 1]! & 0x7f) !== 0x01 ||
      buf[start + 2] !== 0x88 ||
      buf[start + 3] !== 0x0b
    ) {
      this.counters.greMalformed++;
      return;
    }
    const session = this.#byCallId[(buf[start + 6]! << 8) | buf[start + 7]!];
    if (session === undefined) {
      this.counters.greUnknownCall++;
      return;
    }
    if (session.source !== source) {
      this.counters.greWrongSource++;
      return;
    }
    this.#now = now;
    session.tunnel.receiveGre(buf, start, end, now);
    this.#touch(session);
  }

  /** An IP packet from the host: to the session that holds its destination address. */
  ipIn(buf: Uint8Array, start: number, end: number, now: number): void {
    if (end - start < 20 || buf[start]! >> 4 !== 4) {
      this.counters.ipNotIpv4++;
      return;
    }
    const destination =
      ((buf[start + 16]! << 24) |
        (buf[start + 17]! << 16) |
        (buf[start + 18]! << 8) |
        buf[start + 19]!) >>>
      0;
    const session = this.#byAddress.get(destination);
    if (session === undefined) {
      this.counters.ipNoSession++;
      return;
    }
    this.#now = now;
    session.tunnel.sendIp(buf, start, end, now);
    this.#touch(session);
  }

  /**
   * The path MTU to a session's client, as the shell measured it: the tunnel sizes its MRU and
   * MTU so that no GRE packet to that client needs fragmenting (`Tunnel.setPathMtu`).
   */
  setPathMtu(session: ServerSession, pathMtu: number, now: number): void {
    const s = session as Session;
    if (s.finished) return;
    this.#now = now;
    s.tunnel.setPathMtu(pathMtu, now);
    this.#touch(s);
  }

  /** Ends one session in order. */
  close(session: ServerSession, reason: string, now: number): void {
    const s = session as Session;
    if (s.finished) return;
    this.#now = now;
    s.tunnel.close(reason, now);
    this.#touch(s);
  }

  /** Ends every session in order. */
  closeAll(reason: string, now: number): void {
    for (const s of [...this.#sessions.values()]) this.close(s, reason, now);
  }

  /** When {@link ServerCore.timeout} must run next (`Infinity`: nothing pending). */
  nextDeadline(): number {
    if (this.#earliest === undefined) {
      let earliest = Number.POSITIVE_INFINITY;
      for (const s of this.#sessions.values()) if (s.deadline < earliest) earliest = s.deadline;
      this.#earliest = earliest;
    }
    return this.#earliest;
  }

  /** Runs every session whose deadline has come. */
  timeout(now: number): void {
    this.#now = now;
    for (const s of [...this.#sessions.values()]) {
      if (s.deadline > now || s.finished) continue;
      if (now >= s.authDeadline) {
        this.counters.authTimeouts++;
        s.authDeadline = Number.POSITIVE_INFINITY;
        s.tunnel.close('no authentication in time', now);
      } else s.tunnel.timeout(now);
      this.#touch(s);
    }
    this.#earliest = undefined;
  }

  #touch(s: Session): void {
    if (s.finished) return;
    const before = s.deadline;
    const deadline = Math.min(s.tunnel.nextDeadline(), s.authDeadline);
    s.deadline = deadline;
    if (this.#earliest === undefined) return;
    if (deadline < this.#earliest) this.#earliest = deadline;
    else if (before <= this.#earliest && deadline > before) this.#earliest = undefined;
  }

  #allocateCallId(session: Session): number | undefined {
    if (session.callId !== undefined) return undefined;
    for (let tried = 0; tried < CALL_IDS - 1; tried++) {
      const id = this.#nextCallId;
      this.#nextCallId = id === CALL_IDS - 1 ? 1 : id + 1;
      if (this.#byCallId[id] === undefined) {
        this.#byCallId[id] = session;
        session.callId = id;
        return id;
      }
    }
    return undefined;
  }

  #authorize(s: Session, name: string | undefined): { peerAddress: number } | { refuse: string } {
    if (s.address !== undefined) return { peerAddress: s.address };
    const rule = s.addressRule;
    const who = name === undefined ? 'the peer' : `'${name}'`;
    const pool = this.#o.remotePool;
    // A pool address the secrets permit; else, as pppd does when the offered one is not
    // permitted, the one host address the secrets name (which may lie outside the pool).
    let address = pool.take(rule === undefined ? undefined : (a) => rule.permits(a));
    const single = address === undefined ? rule?.single() : undefined;
    if (single !== undefined) {
      if (!pool.takeExactly(single)) {
        return { refuse: `${who}'s address ${formatIpv4(single)} is in use by another session` };
      }
      address = single;
    }
    if (address === undefined) {
      return {
        refuse: `no free address in remoteip${rule === undefined ? '' : ` that the secrets allow ${who}`}`,
      };
    }
    s.address = address;
    s.user = name;
    this.#byAddress.set(address, s);
    s.authDeadline = Number.POSITIVE_INFINITY;
    if (s.pending) {
      s.pending = false;
      this.#admission.authenticated(s.source);
    }
    return { peerAddress: address };
  }

  #tunnelSink(s: Session): TunnelSink {
    const sink = this.#o.sink;
    return {
      control: (bytes) => sink.control(s, bytes),
      endControl: () => sink.endControl(s),
      gre: (buf, start, end) => sink.gre(s.source, buf, start, end),
      ip: (buf, start, end) => sink.ip(buf, start, end),
      event: (event) => this.#event(s, event),
    };
  }

  #event(s: Session, event: TunnelEvent): void {
    const sink = this.#o.sink;
    switch (event.type) {
      case 'auth-failed':
        this.#admission.failed(s.source, this.#now);
        break;
      case 'up':
        s.upAt = this.#now;
        break;
      case 'down':
        s.down = event;
        break;
    }
    sink.event(s, event);
    if (event.type === 'up') sink.up(s, event);
    if (event.type === 'closed') this.#finish(s);
  }

  #finish(s: Session): void {
    if (s.finished) return;
    s.finished = true;
    this.#sessions.delete(s.id);
    if (s.callId !== undefined && this.#byCallId[s.callId] === s)
      this.#byCallId[s.callId] = undefined;
    if (s.address !== undefined) {
      if (this.#byAddress.get(s.address) === s) this.#byAddress.delete(s.address);
      this.#o.remotePool.release(s.address);
    }
    if (typeof this.#o.local !== 'number') this.#o.local.release(s.local);
    this.#admission.ended(s.source, s.pending);
    s.pending = false;
    this.#earliest = undefined;
    this.#o.sink.closed(s);
  }
}
