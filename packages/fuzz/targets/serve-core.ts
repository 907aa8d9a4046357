/**
 * `serve-core`: `pptpkit serve`'s sans-I/O core (apps/client/src/serve/server-core.ts, imported
 * by relative path) driven by a script on a fake clock: connections accepted from a handful of
 * sources, control bytes (genuine PPTP messages, captured streams, garbage), GRE packets with
 * live or random Call IDs, IP packets from the host, timers, closes; and honest in-memory
 * clients (the tunnel core in the client role) that authenticate and bring sessions up. The
 * core is built as `PptpServer` builds it, from a loaded pptpd.conf and secrets.
 *
 * @module
 */
import { encodeControlMessage } from '@pptpkit/pptp-control';
import { CLIENT_MPPE, type TestClientOptions, testClient, udpPacket } from '@pptpkit/testkit';
import { Tunnel } from '@pptpkit/tunnel';
import { encodeUtf8, formatIpv4 } from '@pptpkit/wire';
import {
  NO_SUCH_FILE,
  type ReadConfigFile,
  type ReadResult,
} from '../../../apps/client/src/config/read-failure.js';
import { AddressPool } from '../../../apps/client/src/serve/address-pool.js';
import { DEFAULT_ADMISSION } from '../../../apps/client/src/serve/admission.js';
import {
  loadServerConfig,
  loadServerSecrets,
  lookupServerSecret,
  type ServerConfig,
} from '../../../apps/client/src/serve/config/index.js';
import { ServerCore } from '../../../apps/client/src/serve/server-core.js';
import type { ServerSession } from '../../../apps/client/src/serve/server-session.js';
import { serverTunnelOptions } from '../../../apps/client/src/serve/server-tunnel-options.js';
import { coreStep, invariant } from '../engine/outcome.js';
import { type Rng, seededRandomBytes } from '../engine/rng.js';
import type { FuzzTarget, StepTimer } from '../engine/target.js';
import { controlStream, goldenCaptures, goldenGrePackets } from '../seeds/golden.js';
import { anyMessageBytes, pnsMessage } from './control-messages.js';
import {
  buildScript,
  numberStep,
  parseScript,
  payloadNumber,
  type ScriptStep,
  step,
} from './script.js';

const OP = {
  ACCEPT: 0,
  CONTROL: 1,
  GRE: 2,
  IP: 3,
  ADVANCE: 4,
  CLOSED: 5,
  CLOSE: 6,
  CLOSE_ALL: 7,
  HONEST: 8,
  CLIENT_IP: 9,
} as const;
const OP_COUNT = 10;

/** Small limits, so that they are reached. */
const MAX_SESSIONS = 4;
const PER_SOURCE = 2;
const SOURCES = [0x0a00_0005, 0x0a00_0006, 0xc633_6407, 0x0a00_0008] as const;
/** Most honest clients per input (each runs MS-CHAP and MPPE key derivation). */
const MAX_HONEST = 2;
/** Most core timeouts at one instant before the timers are declared unsettled. */
const MAX_TIMEOUTS_AT_ONCE = 1000;
/** Most scheduled deliveries and timer runs in one input. */
const MAX_EVENTS = 50_000;

const SECRETS =
  'alice * Secret-pw1 *\nbob * Secret-pw2 10.9.1.11\ncarol * Secret-pw3 !10.9.1.10/31 *\ndave * Secret-pw4 -\n';

/** The configurations the first octet selects: authentication, local pairing, pool size. */
function configText(config: number): string {
  const auth = [
    'require-mschap-v2\nrequire-mppe-128\n',
    'require-chap\n',
    'noauth\n',
    'require-pap\n',
  ][config & 3]!;
  const stateful = (config & 16) === 0 ? '' : 'mppe-stateful\n';
  const local = (config & 4) === 0 ? 'localip 10.9.0.1' : 'localip 10.9.0.1-3';
  const remote = (config & 8) === 0 ? 'remoteip 10.9.1.10-13' : 'remoteip 10.9.1.10-11';
  return `option /o\n${local}\n${remote}\nconnections 100\n%% /o\nname pptpd\n${auth}${stateful}`;
}

const files = (text: string): Map<string, string> => {
  const out = new Map<string, string>();
  const [main, ...rest] = text.split(/^%% /m);
  out.set('/etc/pptpd.conf', main!);
  for (const part of rest) {
    const nl = part.indexOf('\n');
    out.set(part.slice(0, nl), part.slice(nl + 1));
  }
  out.set('/etc/ppp/chap-secrets', SECRETS);
  out.set('/etc/ppp/pap-secrets', SECRETS);
  return out;
};

const CONFIGS: readonly { config: ServerConfig; read: ReadConfigFile }[] = Array.from(
  { length: 32 },
  (_, n) => {
    const f = files(configText(n));
    const read = (p: string): ReadResult => f.get(p) ?? NO_SUCH_FILE;
    return {
      config: loadServerConfig({ configFile: '/etc/pptpd.conf', read, globalOptions: false }),
      read,
    };
  },
);

/** Honest clients: user, password, and whether the server should let them in. */
const USERS: readonly (readonly [string, string])[] = [
  ['alice', 'Secret-pw1'],
  ['bob', 'Secret-pw2'],
  ['carol', 'Secret-pw3'],
  ['dave', 'Secret-pw4'],
  ['eve', 'Secret-pw5'],
  ['alice', 'wrong-pw'],
];

/** A timer that does not time: for the honest clients' handshakes. */
const UNTIMED: StepTimer = { time: (step) => step() };

interface Job {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

interface Honest {
  readonly tunnel: Tunnel;
  readonly source: number;
  readonly session: ServerSession;
}

/** The core, its clients and the fake clock of one input. */
class World {
  now = 0;
  readonly core: ServerCore;
  readonly remotePool: AddressPool;
  readonly localPool: AddressPool | undefined;
  readonly capacity: number;
  readonly accepted: ServerSession[] = [];
  readonly closedCount = new Map<number, number>();
  readonly honest: Honest[] = [];
  #jobs: Job[] = [];
  #seq = 0;
  events = 0;

  constructor(
    config: number,
    readonly timer: StepTimer,
  ) {
    const { config: c, read } = CONFIGS[config & 31]!;
    this.remotePool = new AddressPool(c.remoteIp);
    this.localPool = c.pairLocal ? new AddressPool(c.localIp) : undefined;
    this.capacity = Math.min(MAX_SESSIONS, c.pairLocal ? 3 : MAX_SESSIONS);
    const randomBytes = seededRandomBytes(0x5356 + config);
    this.core = new ServerCore({
      remotePool: this.remotePool,
      local: this.localPool ?? c.localIp[0]!.first,
      limits: {
        ...DEFAULT_ADMISSION,
        maxSessions: MAX_SESSIONS,
        maxPendingPerSource: PER_SOURCE,
        maxRememberedSources: 2,
      },
      authTimeoutMs: 10_000,
      firstCallId: (config >>> 5) * 8193,
      tunnelOptions: (sink, session) =>
        serverTunnelOptions(
          c,
          sink,
          randomBytes,
          session.local,
          (user, method) => {
            // As serve.ts's secretLookup: the secrets read afresh, the entry's address rule.
            const secrets = loadServerSecrets(read);
            try {
              const m = lookupServerSecret(
                secrets,
                method === 'pap' ? 'pap' : 'mschap-v2',
                user,
                c.name,
                read,
              );
              return { secret: m.secret, rule: m.addresses };
            } catch {
              return undefined;
            }
          },
          (rule) => {
            session.addressRule = rule;
          },
        ),
      sink: {
        control: (s, bytes) => {
          const h = this.#honestOf(s);
          if (h === undefined) return;
          const copy = bytes.slice();
          this.#later(() => h.tunnel.receiveControl(copy, this.now));
        },
        endControl: (s) => {
          // The shell ends the socket; its close comes back as controlClosed.
          const h = this.#honestOf(s);
          this.#later(() => {
            h?.tunnel.controlClosed(this.now);
            this.call('controlClosed', () => this.core.controlClosed(s, this.now));
          });
        },
        gre: (destination, buf, start, end) => {
          const copy = buf.slice(start, end);
          for (const h of this.honest) {
            if (h.source === destination)
              this.#later(() => h.tunnel.receiveGre(copy, 0, copy.length, this.now));
          }
        },
        ip: () => true,
        up: () => undefined,
        closed: (s) => {
          const n = (this.closedCount.get(s.id) ?? 0) + 1;
          this.closedCount.set(s.id, n);
          invariant(n === 1, 'sink.closed called twice for one session');
          invariant(this.accepted.includes(s), 'sink.closed for a session never accepted');
        },
        event: () => undefined,
      },
    });
  }

  /**
   * A call into the core: no typed error may escape it. Timed unless `untimed`: the honest
   * clients' traffic is not, as setting up a session's MPPE receiver precomputes its keys
   * (`@pptpkit/mppe`'s KeyChain, several ms once per session), outside the 10 ms rule.
   */
  call<T>(what: string, f: () => T, untimed = false): T {
    return coreStep(untimed ? UNTIMED : this.timer, what, f);
  }

  accept(source: number, port: number): ServerSession | undefined {
    const r = this.call('accept', () => this.core.accept(source, port, this.now));
    if (typeof r === 'string') return undefined;
    this.accepted.push(r);
    return r;
  }

  connectHonest(source: number, user: number, config: number): void {
    const [name, password] = USERS[user % USERS.length]!;
    const auth = config & 3;
    const options: TestClientOptions =
      auth === 0
        ? {
            user: name,
            password,
            ...((config & 16) === 0 ? {} : { mppe: { ...CLIENT_MPPE, stateful: 'prefer' } }),
          }
        : {
            user: name,
            password,
            ...(auth === 1 ? { auth: ['chap'] } : auth === 3 ? { auth: ['pap'] } : {}),
            mppe: { ...CLIENT_MPPE, required: false, allow128: false },
          };
    let session: ServerSession | undefined;
    const tunnel = new Tunnel(
      testClient(
        {
          control: (bytes) => {
            const copy = bytes.slice();
            this.#later(() => {
              if (session)
                this.call(
                  'controlData',
                  () => this.core.controlData(session!, copy, this.now),
                  true,
                );
            });
          },
          endControl: () =>
            this.#later(() => {
              if (session)
                this.call('controlClosed', () => this.core.controlClosed(session!, this.now), true);
            }),
          gre: (buf, start, end) => {
            const copy = buf.slice(start, end);
            this.#later(() =>
              this.call(
                'greIn',
                () => this.core.greIn(source, copy, 0, copy.length, this.now),
                true,
              ),
            );
          },
          ip: () => true,
          event: () => undefined,
        },
        seededRandomBytes(0x4843 + this.honest.length),
        options,
      ),
    );
    session = this.accept(source, 50_000 + this.honest.length);
    if (session === undefined) return;
    this.honest.push({ tunnel, source, session });
    tunnel.start(this.now);
  }

  #honestOf(s: ServerSession): Honest | undefined {
    return this.honest.find((h) => h.session === s);
  }

  #later(run: () => void): void {
    this.#jobs.push({ at: this.now + 1, seq: this.#seq++, run });
  }

  /** Runs deliveries and every deadline (core and clients) up to `target`. */
  runTo(target: number): void {
    let atOnce = 0;
    while (this.events < MAX_EVENTS) {
      const deadline = this.core.nextDeadline();
      invariant(!Number.isNaN(deadline), 'nextDeadline is NaN');
      let next = deadline;
      for (const j of this.#jobs) if (j.at < next) next = j.at;
      for (const h of this.honest) next = Math.min(next, h.tunnel.nextDeadline());
      if (next > target) break;
      if (next > this.now) {
        this.now = next;
        atOnce = 0;
      }
      this.events++;
      const due = this.#jobs.filter((j) => j.at <= this.now);
      this.#jobs = this.#jobs.filter((j) => j.at > this.now);
      for (const j of due) j.run();
      if (this.core.nextDeadline() <= this.now) {
        invariant(
          ++atOnce <= MAX_TIMEOUTS_AT_ONCE,
          'timers do not settle: timeout(now >= nextDeadline) keeps the deadline at or before now',
        );
        this.call('timeout', () => this.core.timeout(this.now));
      }
      for (const h of this.honest)
        if (h.tunnel.nextDeadline() <= this.now) h.tunnel.timeout(this.now);
    }
    this.now = Math.max(this.now, target);
  }

  live(): ServerSession[] {
    return [...this.core.sessions];
  }

  /** What must hold between any two inputs. */
  check(): void {
    const live = this.live();
    invariant(live.length <= MAX_SESSIONS, 'more sessions than maxSessions', String(live.length));
    for (const source of SOURCES) {
      const pending = live.filter((s) => s.source === source && s.address === undefined).length;
      invariant(pending <= PER_SOURCE, 'more unauthenticated sessions from a source than allowed');
    }
    const withAddress = live.filter((s) => s.address !== undefined);
    invariant(
      this.remotePool.used === withAddress.length,
      'the pool holds addresses no live session has',
      `${this.remotePool.used} used, ${withAddress.length} sessions with an address`,
    );
    invariant(
      new Set(withAddress.map((s) => s.address)).size === withAddress.length,
      'two live sessions with one address',
    );
    const ids = live.filter((s) => s.callId !== undefined).map((s) => s.callId);
    invariant(new Set(ids).size === ids.length, 'two live sessions with one Call ID');
    if (this.localPool !== undefined)
      invariant(
        this.localPool.used === live.length,
        'the local pool holds addresses of no session',
      );
    for (const s of this.accepted)
      invariant(
        live.includes(s) !== this.closedCount.has(s.id),
        'a session both live and closed, or neither',
      );
  }
}

const pick = <T>(list: readonly T[], n: number): T | undefined =>
  list.length === 0 ? undefined : list[n % list.length];

/** Ends every session and checks that all finish and every count returns to zero. */
function finish(w: World): void {
  w.call('closeAll', () => w.core.closeAll('fuzz end', w.now));
  w.runTo(w.now + 60_000);
  if (w.events >= MAX_EVENTS) return;
  invariant(
    w.live().length === 0,
    'a session is left 60 s after closeAll',
    formatIpv4(w.live()[0]?.source ?? 0),
  );
  for (const s of w.accepted)
    invariant(w.closedCount.get(s.id) === 1, 'an accepted session never reached sink.closed');
  invariant(w.remotePool.used === 0, 'remote pool addresses still used after every session ended');
  invariant(
    (w.localPool?.used ?? 0) === 0,
    'local pool addresses still used after every session ended',
  );
  // Admission's counts: once failure delays pass, exactly `capacity` connections are admitted.
  w.runTo(w.now + 61_000);
  for (let n = 0; n < w.capacity; n++) {
    const s = w.accept(SOURCES[n >> 1]!, 60_000 + n);
    invariant(s !== undefined, 'a connection refused after every session ended', `${n} admitted`);
  }
  const over = w.call('accept', () => w.core.accept(SOURCES[3], 60_100, w.now));
  invariant(
    over === 'sessions',
    'more sessions admitted than the limit after sessions ended',
    String(over),
  );
  w.call('closeAll', () => w.core.closeAll('fuzz end', w.now));
  w.runTo(w.now + 60_000);
  invariant(w.live().length === 0, 'a probe session is left 60 s after closeAll');
}

/** The script's ops against the world. */
function runScript(w: World, config: number, script: Uint8Array): void {
  let honest = 0;
  for (const { op, payload } of parseScript(script)) {
    if (w.events >= MAX_EVENTS) return;
    const p0 = payload[0] ?? 0;
    const p1 = payload[1] ?? 0;
    const all = w.accepted;
    switch (op % OP_COUNT) {
      case OP.ACCEPT:
        w.accept(SOURCES[p0 & 3]!, 1024 + p1);
        break;
      case OP.CONTROL: {
        const s = pick(all, p0);
        const bytes = payload.subarray(1);
        if (s) w.call('controlData', () => w.core.controlData(s, bytes, w.now));
        break;
      }
      case OP.GRE: {
        const packet = payload.subarray(1);
        const at = p0 >> 4;
        const buf = new Uint8Array(at + packet.length + 3);
        buf.set(packet, at);
        let source: number = SOURCES[p0 & 3]!;
        const live = w.live().filter((s) => s.callId !== undefined);
        const target = (p0 & 4) !== 0 ? pick(live, p0 >> 3) : undefined;
        if (target !== undefined && packet.length >= 8) {
          buf[at + 6] = target.callId! >> 8;
          buf[at + 7] = target.callId! & 0xff;
          if ((p0 & 8) === 0) source = target.source;
        }
        w.call('greIn', () => w.core.greIn(source, buf, at, at + packet.length, w.now));
        break;
      }
      case OP.IP: {
        const packet = payload.slice(1);
        const live = w.live().filter((s) => s.address !== undefined);
        const target = (p0 & 1) !== 0 ? pick(live, p0 >> 1) : undefined;
        if (target !== undefined && packet.length >= 20) {
          const a = target.address!;
          packet.set([a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff], 16);
        }
        w.call('ipIn', () => w.core.ipIn(packet, 0, packet.length, w.now));
        break;
      }
      case OP.ADVANCE:
        w.runTo(w.now + (payloadNumber(payload) % 120_001));
        break;
      case OP.CLOSED: {
        const s = pick(all, p0);
        if (s) w.call('controlClosed', () => w.core.controlClosed(s, w.now));
        break;
      }
      case OP.CLOSE: {
        const s = pick(all, p0);
        if (s) w.call('close', () => w.core.close(s, 'fuzz', w.now));
        break;
      }
      case OP.CLOSE_ALL:
        w.call('closeAll', () => w.core.closeAll('fuzz', w.now));
        break;
      case OP.HONEST:
        if (honest++ < MAX_HONEST) w.connectHonest(SOURCES[p0 & 3]!, p1, config);
        break;
      default: {
        const h = pick(w.honest, p0);
        if (h?.tunnel.state === 'up' && h.session.address !== undefined) {
          const p = udpPacket(
            formatIpv4(h.session.address),
            formatIpv4(h.session.local),
            p1,
            64 + p1,
          );
          h.tunnel.sendIp(p, 0, p.length, w.now);
        }
      }
    }
    w.check();
  }
}

/** A GRE header (RFC 2637 §4.1) with a Key of `callId` and a payload, some fields odd. */
function grePacket(rng: Rng): Uint8Array {
  const golden = goldenGrePackets();
  if (rng.chance(0.4)) return golden[rng.below(golden.length)]!.slice();
  const payload = rng.bytes(rng.length(64));
  const head = Uint8Array.of(
    rng.chance(0.9) ? 0x30 : rng.below(256),
    rng.chance(0.9) ? 0x81 : rng.below(256),
    0x88,
    0x0b,
    payload.length >> 8,
    payload.length & 0xff,
    rng.below(256),
    rng.below(256),
    0,
    0,
    0,
    rng.below(256),
    0,
    0,
    0,
    rng.below(256),
  );
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function generateScript(rng: Rng): Uint8Array {
  const steps: ScriptStep[] = [];
  for (let n = rng.int(1, 40); n > 0; n--) {
    const op = rng.below(OP_COUNT + 4) % OP_COUNT;
    const head = rng.below(256);
    switch (op) {
      case OP.CONTROL: {
        const roll = rng.below(10);
        const bytes =
          roll < 6
            ? encodeControlMessage(pnsMessage(rng, { ours: rng.below(0x10000), theirs: 0 }))
            : roll < 8
              ? anyMessageBytes(rng)
              : rng.bytes(rng.length(200));
        steps.push(step(op, [head, ...bytes]));
        break;
      }
      case OP.GRE:
        steps.push(step(op, [head | (rng.chance(0.7) ? 4 : 0), ...grePacket(rng)]));
        break;
      case OP.IP:
        steps.push(
          step(op, [
            head,
            ...(rng.chance(0.8)
              ? udpPacket('10.9.0.1', '10.9.1.10', 1, rng.below(100))
              : rng.bytes(rng.length(64))),
          ]),
        );
        break;
      case OP.ADVANCE:
        steps.push(
          numberStep(op, rng.pick([1, 100, 1000, 5000, 10_001, 60_000, rng.below(120_001)])),
        );
        break;
      default:
        steps.push(step(op, [head, rng.below(256)]));
    }
  }
  return Uint8Array.of(rng.below(256), ...buildScript(steps));
}

/** The ServerCore of `pptpkit serve`. */
export const serveCoreTarget: FuzzTarget = {
  name: 'serve-core',
  packageName: 'pptpkit',
  entry:
    'ServerCore (as PptpServer builds it from pptpd.conf and secrets): accept, controlData, controlClosed, greIn, ipIn, timeout, close, closeAll, with honest in-memory clients',
  invariants: [
    'no error escapes a core call',
    'sessions <= maxSessions; unauthenticated sessions per source <= the limit',
    "the pools hold exactly the live sessions' addresses; live addresses and Call IDs are unique",
    'nextDeadline is never NaN; timeout(now >= nextDeadline) moves the deadline past now',
    'sink.closed once per accepted session; 60 s after closeAll no session is left and the pools are empty',
    "admission's counts return to zero: afterwards exactly the limit of connections is admitted",
  ],
  maxLength: 8192,
  timing: 'step',
  dictionary: [
    Uint8Array.of(0x30, 0x81, 0x88, 0x0b),
    Uint8Array.of(0x1a, 0x2b, 0x3c, 0x4d),
    encodeUtf8('E\0'),
  ],
  seeds() {
    const live = 4 | (3 << 3); // a live Call ID, the session's own source
    const capture = goldenCaptures().map((c, n) => {
      const messages = controlStream(c, 'client-to-server');
      return Uint8Array.of(
        n,
        ...buildScript([
          step(OP.ACCEPT, [1, 7]),
          step(OP.CONTROL, [0, ...messages]),
          numberStep(OP.ADVANCE, 10),
          ...goldenGrePackets()
            .slice(0, 12)
            .map((g) => step(OP.GRE, [live, ...g])),
          numberStep(OP.ADVANCE, 11_000),
        ]),
      );
    });
    const honest = [16, 17, 18, 19].map((config) =>
      Uint8Array.of(
        config,
        ...buildScript([
          step(OP.HONEST, [0, 0]),
          step(OP.HONEST, [0, 1]),
          step(OP.HONEST, [1, 2]),
          step(OP.HONEST, [2, 5]),
          numberStep(OP.ADVANCE, 5000),
          step(OP.CLIENT_IP, [0, 9]),
          step(OP.IP, [1, ...udpPacket('10.9.0.1', '10.9.1.10', 1, 40)]),
          numberStep(OP.ADVANCE, 100),
          step(OP.CLOSE, [1]),
          step(OP.ACCEPT, [3, 0]),
          step(OP.ACCEPT, [3, 1]),
          step(OP.ACCEPT, [3, 2]),
          numberStep(OP.ADVANCE, 30_000),
        ]),
      ),
    );
    return [...capture, ...honest];
  },
  generate: generateScript,
  run(input, timer) {
    const config = input[0] ?? 0;
    const w = new World(config, timer);
    runScript(w, config, input.subarray(1));
    const up = w.closedCount.size;
    finish(w);
    return `${w.accepted.length > 0 ? 'accepted' : 'none'}/${w.honest.some((h) => h.session.upAt !== undefined) ? 'up' : 'not-up'}/${up > 0 ? 'ended' : 'open'}`;
  },
};
