/**
 * The PPP link: LCP, authentication, CCP, IPCP and IPv6CP composed into the RFC 1661 §3 phases,
 * sans-I/O. Frames in, actions out.
 *
 * @module
 */
import { DecodeError, formatIpv4 } from '@pptpkit/wire';
import type { AuthMethod, AuthStep, PppAuthenticator } from './authenticator.js';
import { type AutomatonConfig, DEFAULT_AUTOMATON_CONFIG } from './automaton.js';
import type { FsmState } from './automaton-table.js';
import { Ccp, type CcpPolicy, type CompressionAgreement } from './ccp.js';
import { CP_CODE, PPP_PROTOCOL } from './constants.js';
import type { ControlProtocol, ProtocolSink } from './control-protocol.js';
import type { PppDownCode } from './errors.js';
import { encodePppFrame, type FrameCompression, type PppHeader, readPppHeader } from './frame.js';
import { Ipcp, type IpcpConfig } from './ipcp.js';
import { Ipv6cp, type Ipv6cpConfig } from './ipv6cp.js';
import { type AuthSpec, describeAuth, Lcp, type LcpConfig } from './lcp.js';
import { decodeControlPacket } from './packet.js';

/** The link phases of RFC 1661 §3.2. */
export type LinkPhase = 'dead' | 'establish' | 'authenticate' | 'network' | 'terminate';

/** Why the link went down. */
export interface DownReason {
  /** Stable code. */
  readonly code: PppDownCode;
  /** A sentence for humans; never contains secrets. */
  readonly message: string;
  /**
   * Set when `close()` sent a Terminate-Request: `true` when the peer's Terminate-Ack arrived,
   * `false` when it did not (the Restart counter ran out, RFC 1661 §3.7 and §4.6, or the lower
   * layer went down first).
   */
  readonly acknowledged?: boolean;
}

/** A read-only snapshot of the link, for status displays and diagnostics. */
export interface LinkStatus {
  /** The current phase. */
  readonly phase: LinkPhase;
  /** LCP automaton state. */
  readonly lcp: FsmState;
  /** IPCP automaton state. */
  readonly ipcp: FsmState;
  /** IPv6CP automaton state, when IPv6CP is enabled. */
  readonly ipv6cp?: FsmState;
  /** CCP automaton state, when a CCP policy is configured. */
  readonly ccp?: FsmState;
  /** The CCP agreement while CCP is Opened with one. */
  readonly ccpAgreement?: CompressionAgreement;
  /** Round-trip time of the last answered LCP Echo-Request, ms (`now` differences). */
  readonly lcpEchoRttMs?: number;
  /** LCP Echo-Requests sent since the last Echo-Reply. */
  readonly lcpEchoesUnanswered: number;
  /** With `startNcpsAfterCcp`: IPCP/IPv6CP are still held back waiting for CCP. */
  readonly ncpsHeld: boolean;
}

/** The `up` action: the network layer is ready. */
export interface LinkUp {
  /** Action discriminator. */
  readonly type: 'up';
  /** Our IPv4 address, dotted quad. */
  readonly local: string;
  /** The peer's IPv4 address, dotted quad (`0.0.0.0` if it did not say). */
  readonly peer: string;
  /** DNS servers the peer gave us. */
  readonly dns: readonly string[];
  /** NBNS (WINS) servers the peer gave us. */
  readonly nbns: readonly string[];
  /** The CCP agreement, if CCP opened with one. */
  readonly mppe?: CompressionAgreement;
  /** IPv6 interface identifiers, if IPv6CP opened. */
  readonly ipv6?: { readonly local: Uint8Array; readonly peer: Uint8Array };
  /** Largest frame we may send (the peer's MRU). */
  readonly mtu: number;
  /** Header compression to use when sending data frames. */
  readonly framing: FrameCompression;
}

/** What the link asks its caller to do. */
export type PppAction =
  | {
      /** Transmit a whole PPP frame (header included) over GRE. */
      readonly type: 'send';
      /** The frame. */
      readonly frame: Uint8Array;
    }
  | {
      /** The link moved to a new phase. */
      readonly type: 'phase';
      /** The new phase. */
      readonly phase: LinkPhase;
    }
  | {
      /** One direction of authentication succeeded. */
      readonly type: 'authenticated';
      /** `peer`: we proved ourselves; `authenticator`: the peer proved itself to us. */
      readonly side: 'peer' | 'authenticator';
      /** The protocol and algorithm used. */
      readonly method: AuthSpec;
      /** Authenticator side: the peer's name. */
      readonly peerName?: string;
      /** Key material from the authenticator machine, for MPPE (secret: never log). */
      readonly keys?: unknown;
    }
  | LinkUp
  | {
      /** The link is down (sent once). */
      readonly type: 'down';
      /** Why. */
      readonly reason: DownReason;
    }
  | {
      /** A network-layer packet (IPv4 0x0021, IPv6 0x0057, MPPE 0x00FD) arrived. */
      readonly type: 'data';
      /** Its protocol. */
      readonly protocol: number;
      /** Its payload (a view into the received frame). */
      readonly payload: Uint8Array;
    }
  | {
      /** CCP: the peer asked to reset (RFC 1962 §3.1); the encryptor must flush. */
      readonly type: 'ccp-reset-request';
      /** The Reset-Request's Identifier. */
      readonly identifier: number;
    }
  | {
      /** CCP: the peer acknowledged our Reset-Request. */
      readonly type: 'ccp-reset-ack';
      /** The Reset-Ack's Identifier. */
      readonly identifier: number;
    }
  | {
      /** Something worth logging; never contains secrets. */
      readonly type: 'diagnostic';
      /** The protocol concerned, if any. */
      readonly protocol?: number;
      /** The message. */
      readonly message: string;
    };

/** What the link accepts, requires and refuses (pppd's policy options). */
export interface LinkPolicy {
  /** Methods the peer must authenticate with, preferred first; empty or absent is `noauth`. */
  readonly requireAuth?: readonly AuthMethod[];
  /** Methods we accept to authenticate ourselves with, preferred first (`refuse-*` leaves some out). */
  readonly acceptAuth?: readonly AuthMethod[];
  /** CCP option policy (e.g. an MPPE adapter); absent means CCP is Protocol-Rejected. */
  readonly ccp?: CcpPolicy;
  /** Fail the link unless CCP opens with an agreement (`require-mppe`). */
  readonly requireMppe?: boolean;
  /** Negotiate IPv6CP; when false the peer's IPv6CP is Protocol-Rejected. */
  readonly ipv6?: boolean;
  /**
   * Start IPCP and IPv6CP only once CCP has settled: Opened with an agreement, or failed or
   * finished when `requireMppe` is off (with it on, such a CCP ends the link and the other NCPs
   * never start). This is pppd's order when MPPE is required (`start_networks` runs from
   * `ccp_up`); pppd as a server Terminate-Acks an IPCP Configure-Request that arrives before its
   * CCP is up, which costs a Restart timeout. While held, the newest Configure-Request the peer
   * sends for each held NCP is kept and answered as soon as that NCP starts; its other packets
   * are dropped and counted. No effect without a `ccp` policy. Default `false`.
   */
  readonly startNcpsAfterCcp?: boolean;
}

/** Settings of a {@link PppLink}. */
export interface PppLinkOptions {
  /** `client` (PNS side) or `server`: informational (see `PppLink.role`); the policy and IPCP settings decide behaviour. */
  readonly role: 'client' | 'server';
  /** Injected randomness (magic numbers, identifiers, interface identifiers). */
  readonly randomBytes: (n: number) => Uint8Array;
  /** Policy. */
  readonly policy?: LinkPolicy;
  /** LCP settings (defaults: magic, PFC, ACFC requested; echo every 30 s, 4 failures). */
  readonly lcp?: Partial<LcpConfig>;
  /** IPCP settings (default: ask for an address, no DNS). */
  readonly ipcp?: IpcpConfig;
  /** IPv6CP settings, with `policy.ipv6` (default: random identifiers, either side's taken). */
  readonly ipv6cp?: Ipv6cpConfig;
  /** Automaton timers and counters for every control protocol. */
  readonly automaton?: Partial<AutomatonConfig>;
  /**
   * Server role: decides, as the Network phase begins, whether the peer may use the link and
   * which address IPCP gives it (pppd checks the secrets file's address column there). Called
   * with the name the peer authenticated as (`undefined` without authentication); a refusal
   * ends the link with `PPP_PEER_NOT_AUTHORIZED`, a `peerAddress` replaces `ipcp.peerAddress`.
   */
  readonly authorizePeer?: (peerName: string | undefined) => PeerAuthorization;
}

/** The answer of {@link PppLinkOptions.authorizePeer}. */
export type PeerAuthorization =
  | {
      /** The address to give the peer (absent: keep `ipcp.peerAddress`). */
      readonly peerAddress?: number;
    }
  | {
      /** Why the peer may not use the link (logged; never a secret). */
      readonly refuse: string;
    };

/** Counters of input the link dropped. */
export interface LinkCounters {
  /** Frames whose header could not be decoded. */
  malformedFrames: number;
  /** Control packets whose header could not be decoded. */
  malformedPackets: number;
  /** Frames dropped because their protocol is not usable in the current phase. */
  droppedInPhase: number;
  /** Protocol-Rejects sent. */
  protocolRejectsSent: number;
  /** Early peer Configure-Requests kept for an NCP held by `startNcpsAfterCcp`. */
  heldNcpRequests: number;
}

interface AuthRun {
  readonly side: 'peer' | 'authenticator';
  readonly method: AuthMethod;
  readonly machine: PppAuthenticator;
  deadline: number | undefined;
  done: boolean;
}

const NO_COMPRESSION: FrameCompression = { acfc: false, pfc: false };

/** Why {@link readPppHeader} refused `frame`, for the diagnostic (RFC 1661 §2, RFC 1662 §3.1). */
function malformedHeader(frame: Uint8Array): string {
  if (frame[0] === 0xff && frame.length > 1 && frame[1] !== 0x03)
    return 'address 0xff not followed by control 0x03';
  const at = frame[0] === 0xff ? 2 : 0;
  if (frame.length <= at + 1) return 'frame ends inside its header';
  return 'protocol field low byte is even';
}

function matchesSpec(method: AuthSpec, spec: AuthSpec): boolean {
  return (
    method.protocol === spec.protocol &&
    (spec.protocol !== PPP_PROTOCOL.CHAP || method.algorithm === spec.algorithm)
  );
}

/**
 * A PPP link, either role. Feed it frames with {@link PppLink.receive} (or
 * {@link PppLink.receiveRange}), carry out the returned actions, and after every call arm one
 * timer for {@link PppLink.nextDeadline} and call {@link PppLink.timeout} then. Malformed input
 * never throws: it is dropped and counted, or answered as RFC 1661 says.
 */
export class PppLink {
  readonly #options: PppLinkOptions;
  readonly #policy: LinkPolicy;
  readonly #lcp: Lcp;
  readonly #ipcp: Ipcp;
  readonly #ipv6cp: Ipv6cp | undefined;
  readonly #ccp: Ccp | undefined;
  readonly #header: PppHeader = { protocol: 0, offset: 0 };
  #out: PppAction[] = [];
  #pending: (() => void)[] = [];
  #now = 0;
  #phase: LinkPhase = 'dead';
  /** The name the peer authenticated to us as, for `authorizePeer`. */
  #authenticatedPeer: string | undefined;
  #auth: AuthRun[] = [];
  #reason: DownReason | undefined;
  #downSent = false;
  #upSent = false;
  #settled = new Set<number>();
  #ccpFailureHandled = false;
  /** Whether IPCP/IPv6CP were started in this Network phase (`startNcpsAfterCcp`). */
  #ncpsStarted = false;
  /** The newest early Configure-Request per held NCP (bounded: one per protocol). */
  readonly #early = new Map<ControlProtocol, Uint8Array>();
  /** `close()` sent a Terminate-Request: `down` waits for the Ack or the Restart counter. */
  #closing = false;
  #terminateAcked = false;
  /** The peer sent NCP packets while we were still authenticating (it accepted us). */
  #peerInNetwork = false;
  /** Drop counters. */
  readonly counters: LinkCounters = {
    malformedFrames: 0,
    malformedPackets: 0,
    droppedInPhase: 0,
    protocolRejectsSent: 0,
    heldNcpRequests: 0,
  };

  /** @param options - role, randomness, policy and settings. */
  constructor(options: PppLinkOptions) {
    this.#options = options;
    this.#policy = options.policy ?? {};
    const automaton: AutomatonConfig = { ...DEFAULT_AUTOMATON_CONFIG, ...options.automaton };
    const lcpConfig: LcpConfig = {
      magic: true,
      pfc: true,
      acfc: true,
      echoIntervalMs: 30_000,
      echoFailure: 4,
      loopbackLimit: 5,
      automaton,
      ...options.lcp,
    };
    const sink: ProtocolSink = {
      send: (protocol, packet) => this.#sendControl(protocol, packet),
      layerUp: (protocol, now) => this.#layerUp(protocol, now),
      layerDown: (protocol, now) => this.#layerDown(protocol, now),
      layerStarted: (protocol) => this.#layerStarted(protocol),
      layerFinished: (protocol) => this.#layerFinished(protocol),
      diagnostic: (protocol, message) => this.#out.push({ type: 'diagnostic', protocol, message }),
      peerMru: () => this.#lcp.agreement?.peerMru ?? 1500,
    };
    const random32 = (): number => {
      const b = this.#options.randomBytes(4);
      return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    };
    this.#lcp = new Lcp(
      sink,
      {
        protocolRejected: (protocol, now) => this.#protocolRejected(protocol, now),
        fail: (code, message) => this.#fail(code, message),
      },
      lcpConfig,
      this.#policy.requireAuth ?? [],
      this.#policy.acceptAuth ?? [],
      random32,
    );
    this.#ipcp = new Ipcp(sink, options.ipcp ?? {}, automaton, random32() & 0xff);
    if (this.#policy.ipv6)
      this.#ipv6cp = new Ipv6cp(
        sink,
        options.randomBytes,
        automaton,
        random32() & 0xff,
        options.ipv6cp,
      );
    if (this.#policy.ccp !== undefined) {
      this.#ccp = new Ccp(
        sink,
        this.#policy.ccp,
        {
          resetRequested: (identifier) => this.#out.push({ type: 'ccp-reset-request', identifier }),
          resetAcked: (identifier) => this.#out.push({ type: 'ccp-reset-ack', identifier }),
        },
        automaton,
        random32() & 0xff,
      );
    }
  }

  /** The current phase. */
  get phase(): LinkPhase {
    return this.#phase;
  }

  /** The LCP automaton state. */
  get lcpState(): FsmState {
    return this.#lcp.state;
  }

  /** The role this link was created for. */
  get role(): 'client' | 'server' {
    return this.#options.role;
  }

  /** Header compression to use for data frames we send (what the peer agreed to receive). */
  get framing(): FrameCompression {
    const a = this.#lcp.agreement;
    return a === undefined ? NO_COMPRESSION : { acfc: a.txAcfc, pfc: a.txPfc };
  }

  /** The CCP automaton state; `undefined` without a CCP policy. */
  get ccpState(): FsmState | undefined {
    return this.#ccp?.state;
  }

  /** The CCP agreement while CCP is Opened with one (also carried by `up` as `mppe`). */
  get ccpAgreement(): CompressionAgreement | undefined {
    return this.#ccp?.agreement;
  }

  /**
   * Round-trip time of the last LCP Echo-Request the peer answered (Identifier matched), in
   * the units of `now`; `undefined` until one is answered.
   */
  get lcpEchoRttMs(): number | undefined {
    return this.#lcp.echoRttMs;
  }

  /** A snapshot of phases, automaton states, the CCP agreement and the echo round trip. */
  status(): LinkStatus {
    const ccpAgreement = this.#ccp?.agreement;
    const rtt = this.#lcp.echoRttMs;
    return {
      phase: this.#phase,
      lcp: this.#lcp.state,
      ipcp: this.#ipcp.state,
      ...(this.#ipv6cp === undefined ? {} : { ipv6cp: this.#ipv6cp.state }),
      ...(this.#ccp === undefined ? {} : { ccp: this.#ccp.state }),
      ...(ccpAgreement === undefined ? {} : { ccpAgreement }),
      ...(rtt === undefined ? {} : { lcpEchoRttMs: rtt }),
      lcpEchoesUnanswered: this.#lcp.echoesUnanswered,
      ncpsHeld: this.#holdsNcps() && this.#phase === 'network' && !this.#ncpsStarted,
    };
  }

  /** Administrative Open and lower layer Up together: start negotiating. */
  start(now: number): PppAction[] {
    return this.#run(now, () => {
      this.#reopen();
      this.#lcp.fsm.open(now);
      this.#lcp.fsm.up(now);
    });
  }

  /** Administrative Open (RFC 1661 §4.3). */
  open(now: number): PppAction[] {
    return this.#run(now, () => {
      this.#reopen();
      this.#lcp.fsm.open(now);
    });
  }

  /** Whether network-layer frames of `protocol` are accepted now (IPv4, IPv6, MPPE). */
  acceptsData(protocol: number): boolean {
    if (this.#phase !== 'network') return false;
    const cp =
      protocol === PPP_PROTOCOL.IPV4
        ? this.#ipcp
        : protocol === PPP_PROTOCOL.IPV6
          ? this.#ipv6cp
          : protocol === PPP_PROTOCOL.COMPRESSED
            ? this.#ccp
            : undefined;
    return cp?.state === 'Opened';
  }

  /** Discard counters of the link and of each control protocol's automaton. */
  stats(): Readonly<Record<string, Readonly<Record<string, number>>>> {
    const out: Record<string, Readonly<Record<string, number>>> = {
      link: { ...this.counters },
      lcp: { ...this.#lcp.fsm.counters, ...this.#lcp.lcpCounters },
    };
    for (const cp of this.#ncps()) out[`0x${cp.protocol.toString(16)}`] = { ...cp.fsm.counters };
    const ccp = this.#ccp;
    if (ccp !== undefined) out['0x80fd'] = { ...ccp.fsm.counters, ...ccp.ccpCounters };
    return out;
  }

  /** A link that reached Dead starts over with fresh state when opened again. */
  #reopen(): void {
    if (this.#phase !== 'dead') return;
    this.#reason = undefined;
    this.#downSent = false;
    this.#upSent = false;
    this.#closing = false;
    this.#terminateAcked = false;
    this.#lcp.reset();
  }

  /** The lower layer (the PPTP call) is up. */
  lowerUp(now: number): PppAction[] {
    return this.#run(now, () => this.#lcp.fsm.up(now));
  }

  /**
   * The lower layer went away. On a link that is already dead and reported `down` this does
   * nothing: RFC 1661 §4.1 would move a Stopped LCP to Starting (This-Layer-Started), which would
   * restart a link that ended, and report its end a second time.
   */
  lowerDown(now: number): PppAction[] {
    if (this.#phase === 'dead' && this.#downSent) return [];
    return this.#run(now, () => {
      this.#setReason('PPP_LOWER_DOWN', 'the lower layer went down');
      this.#lcp.fsm.down(now);
      // Down in a negotiating state has no This-Layer-Finished (RFC 1661 §4.1): the link is
      // dead all the same.
      if (this.#phase !== 'dead') {
        this.#emitDown();
        this.#setPhase('dead');
      }
    });
  }

  /**
   * Administrative Close: terminates the link with an LCP Terminate-Request. As RFC 1661 §3.7
   * describes, the link stays in the Terminate phase until the peer's Terminate-Ack arrives or
   * the Restart counter runs out (Max-Terminate); only then does `down` come, with
   * `reason.acknowledged` saying which. Closing a link that is not negotiating or open ends it
   * at once.
   */
  close(now: number, message = 'closed locally'): PppAction[] {
    return this.#run(now, () => {
      this.#setReason('PPP_LOCAL_CLOSE', message);
      this.#closing = this.#reason?.code === 'PPP_LOCAL_CLOSE';
      this.#lcp.fsm.close(now);
      if (this.#lcp.state === 'Closing') this.#setPhase('terminate');
      else this.#closing = false;
    });
  }

  /** Sends a CCP Reset-Request, e.g. when the MPPE decryptor lost sync (RFC 3078 §3.1). */
  ccpResetRequest(now: number): PppAction[] {
    return this.#run(now, () => this.#ccp?.resetRequest());
  }

  /** Runs due timers: restart timers, echo keepalive, authentication retransmissions. */
  timeout(now: number): PppAction[] {
    return this.#run(now, () => {
      this.#lcp.timeout(now);
      for (const cp of this.#ncps()) cp.fsm.timeout(now);
      for (const run of this.#auth) {
        if (!run.done && run.deadline !== undefined && now >= run.deadline) {
          run.deadline = undefined;
          if (run.machine.timeout !== undefined) this.#authStep(run, run.machine.timeout(now));
        }
      }
    });
  }

  /**
   * Feeds one received PPP frame (the GRE payload), header included. The link may keep views
   * of `frame` (option data, `data` payloads): do not reuse its memory afterwards. Never throws
   * on malformed input.
   */
  receive(frame: Uint8Array, now: number): PppAction[] {
    return this.#run(now, () => this.#receive(frame, now));
  }

  /**
   * Feeds the received PPP frame `buf[start, end)`, e.g. straight from a reused receive buffer:
   * the link copies the frame first, so `buf` may be reused as soon as this returns (views in
   * the returned actions point into the copy). Never throws on malformed input.
   *
   * @throws RangeError when `start`/`end` are not a range inside `buf` (programmer misuse).
   */
  receiveRange(buf: Uint8Array, start: number, end: number, now: number): PppAction[] {
    if (!(start >= 0 && start <= end && end <= buf.length)) {
      throw new RangeError(`bad range [${start}, ${end}) in ${buf.length} bytes`);
    }
    return this.receive(buf.slice(start, end), now);
  }

  /**
   * When {@link PppLink.timeout} must next be called, in monotonic ms: the earliest of the
   * LCP, IPCP, IPv6CP and CCP Restart timers, the LCP echo timer and the authentication
   * machines' deadlines; `Number.POSITIVE_INFINITY` when nothing is pending. Read it again
   * after every call that returns actions.
   */
  nextDeadline(): number {
    let at = this.#lcp.fsm.nextDeadline();
    const echo = this.#lcp.echoDeadline;
    if (echo !== undefined && echo < at) at = echo;
    for (const cp of this.#ncps()) {
      const t = cp.fsm.nextDeadline();
      if (t < at) at = t;
    }
    for (const run of this.#auth) {
      if (!run.done && run.deadline !== undefined && run.deadline < at) at = run.deadline;
    }
    return at;
  }

  #run(now: number, body: () => void): PppAction[] {
    this.#now = now;
    this.#out = [];
    body();
    while (this.#pending.length > 0) this.#pending.shift()!();
    return this.#out;
  }

  #ncps(): ControlProtocol[] {
    const list: ControlProtocol[] = [this.#ipcp];
    if (this.#ipv6cp !== undefined) list.push(this.#ipv6cp);
    if (this.#ccp !== undefined) list.push(this.#ccp);
    return list;
  }

  #setPhase(phase: LinkPhase): void {
    if (this.#phase === phase) return;
    this.#phase = phase;
    this.#out.push({ type: 'phase', phase });
  }

  #setReason(code: PppDownCode, message: string): void {
    this.#reason ??= { code, message };
  }

  /** Ends the link: records why and closes LCP once the current event is done. */
  #fail(code: PppDownCode, message: string): void {
    this.#setReason(code, message);
    this.#out.push({ type: 'diagnostic', message });
    this.#pending.push(() => this.#lcp.fsm.close(this.#now));
  }

  #emitDown(): void {
    if (this.#downSent) return;
    this.#downSent = true;
    let reason = this.#reason ?? {
      code: 'PPP_NEGOTIATION_FAILED',
      message: 'LCP negotiation failed',
    };
    if (this.#closing) {
      this.#closing = false;
      reason = { ...reason, acknowledged: this.#terminateAcked };
    }
    this.#out.push({ type: 'down', reason });
  }

  #sendControl(protocol: number, packet: Uint8Array): void {
    this.#out.push({ type: 'send', frame: encodePppFrame(protocol, packet, this.framing) });
  }

  #protocolReject(protocol: number, frame: Uint8Array, offset: number): void {
    if (this.#lcp.state !== 'Opened') {
      this.counters.droppedInPhase++;
      return;
    }
    this.counters.protocolRejectsSent++;
    this.#lcp.protocolReject(protocol, frame.subarray(offset));
  }

  #receive(frame: Uint8Array, now: number): void {
    const header = this.#header;
    if (!readPppHeader(frame, 0, frame.length, header)) {
      this.counters.malformedFrames++;
      this.#out.push({
        type: 'diagnostic',
        message: `malformed PPP frame dropped: ${malformedHeader(frame)}`,
      });
      return;
    }
    const { protocol, offset } = header;
    const payload = frame.subarray(offset);
    if (protocol === PPP_PROTOCOL.LCP) {
      this.#receiveControl(this.#lcp, payload, now);
      return;
    }
    // RFC 1661 §3.4: anything but LCP before LCP is Opened is silently discarded.
    if (this.#lcp.state !== 'Opened') {
      this.counters.droppedInPhase++;
      return;
    }
    switch (protocol) {
      case PPP_PROTOCOL.PAP:
      case PPP_PROTOCOL.CHAP:
      case PPP_PROTOCOL.EAP:
        this.#receiveAuth(protocol, payload, now, offset, frame);
        return;
      case PPP_PROTOCOL.IPCP:
        this.#receiveNcp(this.#ipcp, payload, now);
        return;
      case PPP_PROTOCOL.IPV6CP:
        if (this.#ipv6cp === undefined) this.#protocolReject(protocol, frame, offset);
        else this.#receiveNcp(this.#ipv6cp, payload, now);
        return;
      case PPP_PROTOCOL.CCP:
        if (this.#ccp === undefined) this.#protocolReject(protocol, frame, offset);
        else this.#receiveNcp(this.#ccp, payload, now);
        return;
      case PPP_PROTOCOL.IPV4:
        this.#receiveData(this.#ipcp, protocol, payload);
        return;
      case PPP_PROTOCOL.IPV6:
        if (this.#ipv6cp === undefined) this.#protocolReject(protocol, frame, offset);
        else this.#receiveData(this.#ipv6cp, protocol, payload);
        return;
      case PPP_PROTOCOL.COMPRESSED:
        if (this.#ccp === undefined) this.#protocolReject(protocol, frame, offset);
        else this.#receiveData(this.#ccp, protocol, payload);
        return;
      default:
        // RFC 1661 §5.7: unsupported protocols are Protocol-Rejected while LCP is Opened.
        this.#protocolReject(protocol, frame, offset);
    }
  }

  #receiveData(cp: ControlProtocol, protocol: number, payload: Uint8Array): void {
    // RFC 1661 §3.5: network-layer packets before their NCP is Opened are silently discarded.
    if (this.#phase !== 'network' || cp.state !== 'Opened') {
      this.counters.droppedInPhase++;
      return;
    }
    this.#out.push({ type: 'data', protocol, payload });
  }

  #receiveNcp(cp: ControlProtocol, payload: Uint8Array, now: number): void {
    // RFC 1661 §3.5: NCP packets before the Network phase are silently discarded.
    if (this.#phase !== 'network') {
      // The peer is in its Network phase already: it accepted our authentication.
      if (this.#phase === 'authenticate') this.#peerInNetwork = true;
      this.counters.droppedInPhase++;
      return;
    }
    if (cp !== this.#ccp && this.#holdsNcps() && !this.#ncpsStarted) {
      // Held NCP: keep the newest Configure-Request (answered when the NCP starts), drop the rest.
      if (payload[0] === CP_CODE.CONFIGURE_REQUEST) {
        this.counters.heldNcpRequests++;
        this.#early.set(cp, payload.slice());
      } else this.counters.droppedInPhase++;
      return;
    }
    this.#receiveControl(cp, payload, now);
    const ccp = this.#ccp;
    if (cp === ccp && ccp.failure !== undefined && !this.#ccpFailureHandled) {
      this.#ccpFailureHandled = true;
      this.#ncpFailed(ccp, ccp.failure);
    }
  }

  #receiveControl(cp: ControlProtocol, payload: Uint8Array, now: number): void {
    let packet: ReturnType<typeof decodeControlPacket>;
    try {
      packet = decodeControlPacket(payload);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.counters.malformedPackets++;
      return;
    }
    if (cp === this.#lcp && packet.code === CP_CODE.CODE_REJECT) {
      const rejected = packet.data[0];
      // RFC 1661 §5.6: a Code-Reject of a code the automaton needs ends the link.
      if (rejected === undefined || rejected <= CP_CODE.CODE_REJECT)
        this.#setReason(
          'PPP_NEGOTIATION_FAILED',
          `peer Code-Rejected LCP code ${rejected ?? '(none)'}, which RFC 1661 requires`,
        );
    }
    if (cp === this.#lcp && packet.code === CP_CODE.TERMINATE_ACK) {
      if (this.#lcp.state === 'Closing') this.#terminateAcked = true;
    }
    if (cp === this.#lcp && packet.code === CP_CODE.TERMINATE_REQUEST) {
      if (this.#lcp.state === 'Opened' && this.#awaitingOurAuth()) {
        // A server that refuses our credentials may hang up without (or instead of) a Failure.
        this.#setReason(
          'PPP_AUTH_FAILED',
          'the peer terminated the link while we were authenticating (taken as a refusal of our credentials)',
        );
      } else if (this.#lcp.state === 'Opened')
        this.#setReason('PPP_PEER_TERMINATED', 'the peer terminated the link');
      else if (this.#lcp.refusedAuth !== undefined) {
        this.#fail(
          'PPP_AUTH_REFUSED',
          `peer requires ${describeAuth(this.#lcp.refusedAuth)} authentication, which the policy refuses`,
        );
      }
    }
    cp.fsm.receive(packet, now);
  }

  #receiveAuth(
    protocol: number,
    payload: Uint8Array,
    now: number,
    offset: number,
    frame: Uint8Array,
  ): void {
    const code = payload[0];
    // PAP: Authenticate-Request goes to the authenticator; CHAP and EAP (RFC 2284 §2.2): Response
    // goes to the authenticator, and so does MS-CHAPv2's Change-Password (CHAP code 7,
    // RFC 2759 §7); everything else to the peer.
    const toAuthenticator =
      protocol === PPP_PROTOCOL.PAP
        ? code === 1
        : code === 2 || (protocol === PPP_PROTOCOL.CHAP && code === 7);
    const side = toAuthenticator ? 'authenticator' : 'peer';
    const run = this.#auth.find((r) => r.side === side && r.method.protocol === protocol);
    if (run === undefined) {
      if (this.#phase === 'authenticate' || this.#phase === 'network')
        this.counters.droppedInPhase++;
      else this.#protocolReject(protocol, frame, offset);
      return;
    }
    this.#authStep(run, run.machine.receive(payload, now));
  }

  #authStep(run: AuthRun, step: AuthStep): void {
    if (step.send !== undefined) this.#sendControl(run.method.protocol, step.send);
    if (step.diagnostic !== undefined) {
      this.#out.push({
        type: 'diagnostic',
        protocol: run.method.protocol,
        message: step.diagnostic.message,
      });
    }
    if (step.deadline !== undefined) run.deadline = step.deadline;
    const outcome = step.outcome;
    if (outcome === undefined || run.done) return;
    run.done = true;
    if (outcome.type === 'failure') {
      const who =
        run.side === 'peer'
          ? 'we failed to authenticate to the peer'
          : 'the peer failed to authenticate';
      this.#fail(
        'PPP_AUTH_FAILED',
        `${who} (${describeAuth(run.method)}): ${outcome.error.message}`,
      );
      return;
    }
    if (run.side === 'authenticator') this.#authenticatedPeer = outcome.peerName;
    this.#out.push({
      type: 'authenticated',
      side: run.side,
      method:
        run.method.protocol === PPP_PROTOCOL.CHAP
          ? { protocol: run.method.protocol, algorithm: run.method.algorithm! }
          : { protocol: run.method.protocol },
      ...(outcome.peerName === undefined ? {} : { peerName: outcome.peerName }),
      ...(outcome.keys === undefined ? {} : { keys: outcome.keys }),
    });
    if (this.#phase === 'authenticate' && this.#auth.every((r) => r.done))
      this.#enterNetwork(this.#now);
  }

  /**
   * Whether we are in the Authenticate phase, our own authentication is not done yet, and the
   * peer has not moved on to its Network phase (then it accepted us and a Success was lost).
   */
  #awaitingOurAuth(): boolean {
    return (
      this.#phase === 'authenticate' &&
      !this.#peerInNetwork &&
      this.#auth.some((r) => r.side === 'peer' && !r.done)
    );
  }

  #startAuth(now: number): void {
    const agreement = this.#lcp.agreement;
    // LCP may have left Opened again before this deferred step ran (e.g. a failure in between).
    if (agreement === undefined || this.#reason !== undefined) return;
    const runs: AuthRun[] = [];
    const add = (
      side: AuthRun['side'],
      spec: AuthSpec | undefined,
      methods: readonly AuthMethod[] | undefined,
    ): void => {
      if (spec === undefined) return;
      const method = methods?.find((m) => matchesSpec(m, spec));
      if (method === undefined) {
        this.#fail('PPP_AUTH_REFUSED', `no authenticator configured for ${describeAuth(spec)}`);
        return;
      }
      runs.push({ side, method, machine: method.create(), deadline: undefined, done: false });
    };
    this.#peerInNetwork = false;
    add('authenticator', agreement.weAuthenticate, this.#policy.requireAuth);
    add('peer', agreement.peerAuthenticates, this.#policy.acceptAuth);
    this.#auth = runs;
    if (runs.length === 0) {
      this.#enterNetwork(now);
      return;
    }
    this.#setPhase('authenticate');
    for (const run of runs)
      if (run.machine.start !== undefined) this.#authStep(run, run.machine.start(now));
  }

  #enterNetwork(now: number): void {
    if (this.#reason !== undefined) return;
    const authorize = this.#options.authorizePeer;
    if (authorize !== undefined) {
      const verdict = authorize(this.#authenticatedPeer);
      if ('refuse' in verdict) {
        this.#fail('PPP_PEER_NOT_AUTHORIZED', verdict.refuse);
        return;
      }
      if (verdict.peerAddress !== undefined) this.#ipcp.setPeerAddress(verdict.peerAddress);
    }
    this.#setPhase('network');
    this.#settled.clear();
    this.#ccpFailureHandled = false;
    this.#early.clear();
    this.#ncpsStarted = false;
    const ccp = this.#ccp;
    if (ccp !== undefined && this.#holdsNcps()) {
      ccp.fsm.open(now);
      ccp.fsm.up(now);
      return;
    }
    this.#startNcps(now);
  }

  /** Whether IPCP/IPv6CP wait for CCP (`startNcpsAfterCcp` with a CCP policy). */
  #holdsNcps(): boolean {
    return this.#policy.startNcpsAfterCcp === true && this.#ccp !== undefined;
  }

  /** Starts every NCP not started yet, then answers the early requests kept for them. */
  #startNcps(now: number): void {
    if (this.#ncpsStarted || this.#phase !== 'network' || this.#reason !== undefined) return;
    this.#ncpsStarted = true;
    for (const cp of this.#ncps()) {
      if (cp.state !== 'Initial') continue;
      cp.fsm.open(now);
      cp.fsm.up(now);
    }
    const early = [...this.#early];
    this.#early.clear();
    for (const [cp, payload] of early) this.#receiveControl(cp, payload, now);
  }

  /** CCP settled (Opened, or failed/finished without `requireMppe`): release held NCPs. */
  #ccpSettled(): void {
    if (this.#holdsNcps() && !this.#ncpsStarted)
      this.#pending.push(() => this.#startNcps(this.#now));
  }

  #layerStarted(protocol: number): void {
    if (protocol === PPP_PROTOCOL.LCP) {
      this.#reason = undefined;
      this.#downSent = false;
      this.#setPhase('establish');
    }
  }

  #layerUp(protocol: number, now: number): void {
    if (protocol === PPP_PROTOCOL.LCP) {
      this.#pending.push(() => this.#startAuth(now));
      return;
    }
    if (protocol === PPP_PROTOCOL.CCP) {
      const ccp = this.#ccp!;
      if (ccp.agreement === undefined) {
        this.#ncpFailed(ccp, ccp.failure ?? 'CCP opened without an agreement');
        return;
      }
    }
    if (protocol === PPP_PROTOCOL.IPV6CP) {
      const failure = this.#ipv6cp?.failure;
      // pppd closes IPv6CP alone (RFC 5072 §4.1 needs two distinct non-zero identifiers).
      if (failure !== undefined) {
        this.#ncpFailed(this.#ipv6cp!, failure);
        return;
      }
    }
    if (protocol === PPP_PROTOCOL.IPCP) {
      const a = this.#ipcp.agreement!;
      if (this.#ipcp.failure !== undefined || a.local === 0) {
        this.#fail(
          'PPP_IPCP_FAILED',
          this.#ipcp.failure ?? 'IPCP opened without an address for us',
        );
        return;
      }
    }
    this.#settled.add(protocol);
    if (protocol === PPP_PROTOCOL.CCP) this.#ccpSettled();
    this.#maybeUp();
  }

  #ncpFailed(cp: ControlProtocol, message: string): void {
    if (cp === this.#ccp && this.#policy.requireMppe) {
      this.#fail('PPP_MPPE_REQUIRED', `MPPE is required but CCP failed: ${message}`);
      return;
    }
    if (cp === this.#ipcp) {
      this.#fail('PPP_IPCP_FAILED', message);
      return;
    }
    this.#out.push({ type: 'diagnostic', protocol: cp.protocol, message });
    this.#settled.add(cp.protocol);
    if (cp === this.#ccp) this.#ccpSettled();
    this.#pending.push(() => {
      cp.fsm.close(this.#now);
      this.#maybeUp();
    });
  }

  #maybeUp(): void {
    if (this.#upSent || this.#phase !== 'network' || this.#reason !== undefined) return;
    for (const cp of this.#ncps()) if (!this.#settled.has(cp.protocol)) return;
    const ip = this.#ipcp.agreement;
    if (ip === undefined) return;
    const mppe = this.#ccp?.agreement;
    if (this.#policy.requireMppe && mppe === undefined) {
      this.#fail('PPP_MPPE_REQUIRED', 'MPPE is required but CCP did not open');
      return;
    }
    const v6 = this.#ipv6cp?.agreement;
    this.#upSent = true;
    this.#out.push({
      type: 'up',
      local: formatIpv4(ip.local),
      peer: formatIpv4(ip.peer),
      dns: ip.dns.map(formatIpv4),
      nbns: ip.nbns.map(formatIpv4),
      ...(mppe === undefined ? {} : { mppe }),
      ...(v6 === undefined ? {} : { ipv6: v6 }),
      mtu: this.#lcp.agreement?.peerMru ?? 1500,
      framing: this.framing,
    });
  }

  #layerDown(protocol: number, now: number): void {
    if (protocol !== PPP_PROTOCOL.LCP) {
      this.#settled.delete(protocol);
      return;
    }
    if (this.#reason !== undefined) {
      this.#setPhase('terminate');
      // After close(), `down` waits for the Terminate-Ack or Max-Terminate (RFC 1661 §3.7).
      if (!this.#closing) this.#emitDown();
    } else {
      this.#out.push({
        type: 'diagnostic',
        protocol,
        message: 'LCP renegotiating: the network layer is down',
      });
      this.#setPhase('establish');
    }
    // RFC 1661 §3.7: NCPs go down with LCP; authentication is abandoned. The phase changed
    // first, so NCPs finishing here are not mistaken for NCP failures.
    for (const cp of this.#ncps()) {
      cp.fsm.down(now);
      cp.fsm.close(now);
    }
    this.#auth = [];
    this.#upSent = false;
    this.#early.clear();
    this.#ncpsStarted = false;
  }

  #layerFinished(protocol: number): void {
    if (protocol === PPP_PROTOCOL.LCP) {
      if (this.#reason === undefined && this.#lcp.refusedAuth !== undefined) {
        this.#setReason(
          'PPP_AUTH_REFUSED',
          `peer requires ${describeAuth(this.#lcp.refusedAuth)} authentication, which the policy refuses`,
        );
      }
      this.#emitDown();
      this.#setPhase('dead');
      return;
    }
    if (this.#phase !== 'network') return;
    const cp = this.#ncps().find((c) => c.protocol === protocol);
    if (cp === undefined) return;
    if (protocol === PPP_PROTOCOL.IPCP && !this.#upSent) {
      this.#fail('PPP_IPCP_FAILED', this.#ipcp.failure ?? 'IPCP negotiation failed');
      return;
    }
    if (protocol === PPP_PROTOCOL.CCP && this.#policy.requireMppe) {
      this.#fail(
        'PPP_MPPE_REQUIRED',
        `MPPE is required but CCP finished: ${this.#ccp?.failure ?? 'peer did not negotiate CCP'}`,
      );
      return;
    }
    this.#settled.add(protocol);
    if (protocol === PPP_PROTOCOL.CCP) this.#ccpSettled();
    this.#maybeUp();
  }

  #protocolRejected(protocol: number, now: number): void {
    const cp = this.#ncps().find((c) => c.protocol === protocol);
    this.#out.push({
      type: 'diagnostic',
      protocol,
      message: `peer Protocol-Rejected 0x${protocol.toString(16).padStart(4, '0')}`,
    });
    // RFC 1661 §5.7: the rejected protocol's automaton gets RXJ-.
    if (cp !== undefined) this.#pending.push(() => cp.fsm.inject('RXJ-', now));
  }
}
