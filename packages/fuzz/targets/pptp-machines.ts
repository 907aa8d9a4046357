/**
 * `pptp-pns` and `pptp-pac`: the PPTP control-connection cores driven by a script of TCP reads,
 * timer expiries and API calls, as their shells would drive them.
 *
 * @module
 */
import { GreSession } from '@pptpkit/gre';
import {
  type ControlAction,
  ControlFramer,
  decodeControlMessage,
  encodeControlMessage,
  MAGIC_COOKIE,
  PacControlConnection,
  PnsControlConnection,
} from '@pptpkit/pptp-control';
import { coreStep, invariant } from '../engine/outcome.js';
import { type Rng, seededRandomBytes } from '../engine/rng.js';
import type { FuzzTarget, StepTimer } from '../engine/target.js';
import { controlStream, goldenCaptures } from '../seeds/golden.js';
import { vectorBytes } from '../seeds/vectors.js';
import { ControlActionChecker } from './control-actions.js';
import { anyMessageBytes, type KnownIds, pacMessage, pnsMessage } from './control-messages.js';
import {
  buildScript,
  numberStep,
  parseScript,
  payloadNumber,
  type ScriptStep,
  step,
} from './script.js';

/** Script ops both roles share; the rest are role-specific. */
const OP = { DELIVER: 0, ADVANCE: 1, STOP: 2, CLOSED: 3, ROLE_A: 4, ROLE_B: 5, ROLE_C: 6 } as const;
const OP_COUNT = 7;
/** Repeats the last delivered bytes `payload` times (a flood): an op value of its own, checked before `op % 7`. */
const OP_REPEAT = 0xee;
/** Most core calls one input makes, repeats included. */
const MAX_CALLS = 70_000;
/** Most timer expiries handled in one ADVANCE before the timers are declared unsettled. */
const MAX_TIMEOUTS = 1000;

/** What a role adds to the shared driver. */
interface Role<C extends PnsControlConnection | PacControlConnection> {
  readonly core: C;
  /** Runs a role-specific op (`ROLE_A`..`ROLE_C`) and returns its actions. */
  readonly roleOp: (op: number, payload: Uint8Array, now: number) => ControlAction[];
  /** Sees every `call-up`. */
  readonly onCallUp?: (action: Extract<ControlAction, { type: 'call-up' }>) => void;
}

/** Runs a script against a control-connection core and checks its actions. */
function drive<C extends PnsControlConnection | PacControlConnection>(
  script: Uint8Array,
  timer: StepTimer,
  role: Role<C>,
  first: ControlAction[],
): string {
  const { core } = role;
  const checker = new ControlActionChecker();
  let now = 0;
  let calls = 0;
  let last: Uint8Array = new Uint8Array(0);
  const check = (actions: ControlAction[]): void =>
    checker.check(actions, core.nextDeadline(), role.onCallUp);
  const act = (what: string, f: () => ControlAction[]): void => {
    calls++;
    check(coreStep(timer, what, f));
  };
  check(first);
  for (const { op, payload } of parseScript(script)) {
    if (calls >= MAX_CALLS) break;
    if (op === OP_REPEAT) {
      const times = Math.min(payloadNumber(payload), MAX_CALLS - calls);
      for (let i = 0; i < times && !checker.down; i++)
        act('receive', () => core.receive(last, now));
      continue;
    }
    switch (op % OP_COUNT) {
      case OP.DELIVER:
        last = payload;
        act('receive', () => core.receive(payload, now));
        break;
      case OP.ADVANCE: {
        const target = now + (payloadNumber(payload) % 200_001);
        for (let n = 0; checker.deadline !== undefined && checker.deadline <= target; n++) {
          invariant(n < MAX_TIMEOUTS, 'timers do not settle: a deadline keeps expiring');
          now = Math.max(now, checker.deadline);
          act('timeout', () => core.timeout(now));
        }
        now = target;
        break;
      }
      case OP.STOP:
        act('stop', () => core.stop(now, payload[0] ?? 1));
        break;
      case OP.CLOSED:
        act('closed', () => core.closed(now));
        break;
      default:
        calls++;
        check(role.roleOp(op % OP_COUNT, payload, now));
    }
  }
  return `${core.state}${checker.downCode === undefined ? '' : `:${checker.downCode}`}`;
}

/** The options both the target and its seeds use, so that the seeds know our Call ID. */
function newPns(config: number): PnsControlConnection {
  return new PnsControlConnection({
    randomBytes: seededRandomBytes(0x504e53),
    hostName: 'pptpkit',
    replyTimeoutMs: 10_000,
    reservedFields: (config & 1) === 0 ? 'reject' : 'ignore',
  });
}

/** Our Call ID in a fresh PNS's first call. */
function pnsCallId(): number {
  const pns = newPns(0);
  pns.start(0);
  return pns.openCall(0).callId;
}

/** The messages of a captured stream, one per step, with `patch` applied to each. */
function messageSteps(
  stream: Uint8Array,
  patch: (m: ReturnType<typeof decodeControlMessage>) => void,
): ScriptStep[] {
  return new ControlFramer().push(stream).messages.map((bytes) => {
    const message = decodeControlMessage(bytes, { reserved: 'ignore' });
    patch(message);
    return step(OP.DELIVER, encodeControlMessage(message));
  });
}

const dictionary = [
  Uint8Array.of(MAGIC_COOKIE >>> 24, 0x2b, 0x3c, 0x4d),
  Uint8Array.of(OP_REPEAT, 0, 2, 0xff, 0xff),
];

/** A generated script of deliveries (whole, split, or several messages per read) and timers. */
function generateScript(rng: Rng, message: (rng: Rng) => Uint8Array, roleOps: number): Uint8Array {
  const steps: ScriptStep[] = [];
  for (let n = rng.int(1, 24); n > 0; n--) {
    const roll = rng.below(10);
    if (roll < 6) {
      const bytes = message(rng);
      if (rng.chance(0.2)) {
        const at = rng.below(bytes.length + 1);
        steps.push(step(OP.DELIVER, bytes.subarray(0, at)), step(OP.DELIVER, bytes.subarray(at)));
      } else steps.push(step(OP.DELIVER, bytes));
    } else if (roll < 8)
      steps.push(numberStep(OP.ADVANCE, rng.pick([1000, 10_000, 60_000, rng.below(200_000)])));
    else if (roll === 8)
      steps.push(step(OP.ROLE_A + rng.below(roleOps), [rng.below(4), rng.below(256)]));
    else steps.push(step(rng.chance(0.5) ? OP.STOP : OP.CLOSED, [rng.int(1, 3)]));
  }
  return buildScript(steps);
}

/** The PNS (client) control connection. */
export const pptpPnsTarget: FuzzTarget = {
  name: 'pptp-pns',
  packageName: '@pptpkit/pptp-control',
  entry:
    'PnsControlConnection: start + openCall, then receive/timeout/closed/stop/openCall/clearCall/setLinkInfo; every call-up builds the GreSession the client builds',
  invariants: [
    'no typed error escapes a running core',
    'at most one down, and nothing after it',
    'each call comes up once and every call is down before down; reasons are typed PPTP_ errors',
    'every sent message decodes; nextDeadline is never NaN; timers settle',
    'a call-up gives parameters a GreSession accepts (as apps/client/src/session/session.ts builds it)',
  ],
  maxLength: 8192,
  timing: 'step',
  dictionary,
  seeds() {
    const ours = pnsCallId();
    const seeds = goldenCaptures().map((c) => {
      const steps = messageSteps(controlStream(c, 'server-to-client'), (m) => {
        if (m.type === 'outgoing-call-reply') Object.assign(m, { peerCallId: ours });
      });
      return buildScript([
        step(0),
        ...steps,
        numberStep(OP.ADVANCE, 61_000),
        step(OP.ROLE_B, [0, 0]),
        numberStep(OP.ADVANCE, 11_000),
        step(OP.CLOSED),
      ]);
    });
    const vectors = vectorBytes('pptp-control').map((v) =>
      buildScript([step(0), step(OP.DELIVER, v)]),
    );
    return [...seeds, ...vectors];
  },
  generate(rng) {
    const ids: KnownIds = { ours: pnsCallId(), theirs: rng.below(0x10000) };
    return Uint8Array.of(
      rng.below(2),
      ...generateScript(
        rng,
        (r) => (r.chance(0.8) ? encodeControlMessage(pacMessage(r, ids)) : anyMessageBytes(r)),
        3,
      ),
    );
  },
  run(input, timer) {
    const pns = newPns(input[0] ?? 0);
    const first = [...pns.start(0)];
    first.push(...pns.openCall(0).actions);
    return drive(
      input.subarray(1),
      timer,
      {
        core: pns,
        roleOp: (op, payload, now) => {
          const calls = [...pns.calls.values()];
          const pick = calls[(payload[1] ?? 0) % Math.max(1, calls.length)];
          if (op === OP.ROLE_A) {
            if (pns.state === 'wait-stop-reply' || pns.state === 'closed') return [];
            return timer.time(() => pns.openCall(now).actions);
          }
          if (op === OP.ROLE_B)
            return pick === undefined ? [] : timer.time(() => pns.clearCall(now, pick.callId));
          const up = calls.find((c) => c.state === 'established' && c.peerCallId !== undefined);
          return up === undefined
            ? []
            : timer.time(() => pns.setLinkInfo(now, up.callId, 0, 0xffffffff));
        },
        // The client's session builds the call's GRE session from the call-up (session.ts #callUp).
        onCallUp: ({ call }) =>
          new GreSession({
            localCallId: call.callId,
            peerCallId: call.peerCallId,
            peerReceiveWindow: call.peerReceiveWindow,
            deliver: () => undefined,
          }),
      },
      first,
    );
  },
};

/** The PAC (server) control connection. */
export const pptpPacTarget: FuzzTarget = {
  name: 'pptp-pac',
  packageName: '@pptpkit/pptp-control',
  entry:
    'PacControlConnection: start, then receive/timeout/closed/stop/disconnectCall/sendWanErrorNotify; a repeat op floods one message',
  invariants: [
    'no typed error escapes a running core',
    'at most one down, and nothing after it',
    'each call comes up once and every call is down before down; reasons are typed PPTP_ errors',
    'every sent message decodes; nextDeadline is never NaN; timers settle',
  ],
  maxLength: 8192,
  timing: 'step',
  dictionary,
  seeds() {
    return goldenCaptures().map((c) =>
      buildScript([
        step(0),
        ...messageSteps(controlStream(c, 'client-to-server'), () => undefined),
        numberStep(OP.ADVANCE, 61_000),
        step(OP.CLOSED),
      ]),
    );
  },
  generate(rng) {
    const config = rng.below(4);
    if (rng.chance(0.001)) {
      // A flood of Outgoing-Call-Requests on one connection (RFC 2637 leaves Call IDs 16-bit).
      const ids = { ours: 0, theirs: 0 };
      let request = pnsMessage(rng, ids);
      while (request.type !== 'outgoing-call-request') request = pnsMessage(rng, ids);
      const start = encodeControlMessage({
        type: 'start-control-connection-request',
        protocolVersion: 0x100,
        framingCapabilities: 1,
        bearerCapabilities: 1,
        maximumChannels: 0,
        firmwareRevision: 1,
        hostName: '',
        vendorString: '',
      });
      return Uint8Array.of(
        config,
        ...buildScript([
          step(OP.DELIVER, start),
          step(OP.DELIVER, encodeControlMessage(request)),
          numberStep(OP_REPEAT, rng.int(60_000, 70_000)),
        ]),
      );
    }
    const ids: KnownIds = { ours: rng.below(0x10000), theirs: rng.below(0x10000) };
    return Uint8Array.of(
      config,
      ...generateScript(
        rng,
        (r) => (r.chance(0.8) ? encodeControlMessage(pnsMessage(r, ids)) : anyMessageBytes(r)),
        2,
      ),
    );
  },
  run(input, timer) {
    const config = input[0] ?? 0;
    const pac = new PacControlConnection({
      randomBytes: seededRandomBytes(0x504143),
      hostName: 'pac',
      vendorString: 'linux',
      onCallClear: (config & 1) === 0 ? 'notify' : 'close',
      reservedFields: (config & 2) === 0 ? 'reject' : 'ignore',
    });
    return drive(
      input.subarray(1),
      timer,
      {
        core: pac,
        roleOp: (op, payload, now) => {
          const calls = [...pac.calls.keys()];
          const pick = calls[(payload[1] ?? 0) % Math.max(1, calls.length)];
          if (pick === undefined) return [];
          if (op === OP.ROLE_A)
            return timer.time(() => pac.disconnectCall(now, pick, payload[0] ?? 3));
          if (op === OP.ROLE_B) {
            return timer.time(() =>
              pac.sendWanErrorNotify(now, pick, {
                crcErrors: 1,
                framingErrors: 2,
                hardwareOverruns: 3,
                bufferOverruns: 4,
                timeoutErrors: 5,
                alignmentErrors: 6,
              }),
            );
          }
          return [];
        },
      },
      pac.start(0),
    );
  },
};
