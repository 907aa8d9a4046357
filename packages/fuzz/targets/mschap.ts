/**
 * `mschap-messages` and `chap-machines`: the MS-CHAP Success/Failure message parsers, and the
 * CHAP peer and authenticator machines of `@pptpkit/mschapv2` fed hostile packets between the
 * honest exchange's.
 *
 * @module
 */
import {
  type ChapAlgorithm,
  ChapAuthenticator,
  ChapPeer,
  type ChapStep,
  decodeChapPacket,
  encodeChapPacket,
  formatMschapFailure,
  mschapFailureToError,
  parseMschapFailure,
  parseMschapv2Success,
} from '@pptpkit/mschapv2';
import { decodeUtf8, encodeUtf8 } from '@pptpkit/wire';
import { coreStep, invariant, typedErrorCode } from '../engine/outcome.js';
import { type Rng, seededRandomBytes } from '../engine/rng.js';
import { sameValue } from '../engine/same-value.js';
import type { FuzzTarget, StepTimer } from '../engine/target.js';
import { goldenInfoFields } from '../seeds/golden.js';
import {
  buildScript,
  numberStep,
  parseScript,
  payloadNumber,
  type ScriptStep,
  step,
} from './script.js';

const CHAP = 0xc223;

/** The Message fields of the captured CHAP Success and Failure packets. */
function capturedMessages(): Uint8Array[] {
  return goldenInfoFields(CHAP)
    .filter((p) => p[0] === 3 || p[0] === 4)
    .map((p) => p.subarray(4));
}

const TOKENS = ['E=691', 'E=648', ' R=1', ' R=0', ' C=', ' V=3', ' M=', 'S=', '0123456789ABCDEF'];

/** MS-CHAP Success/Failure message text. */
export const mschapMessagesTarget: FuzzTarget = {
  name: 'mschap-messages',
  packageName: '@pptpkit/mschapv2',
  entry:
    'parseMschapFailure, mschapFailureToError, formatMschapFailure, parseMschapv2Success (on the UTF-8 of the input)',
  invariants: [
    'the parsers never throw',
    'a parsed E= is an integer of at most 10 digits; a parsed S= is 40 hex digits',
    'the failure becomes an AuthenticationError with an MSCHAP_ code',
    'a failure with E= formats to text that parses back to it',
  ],
  maxLength: 1024,
  timing: 'input',
  dictionary: TOKENS.map(encodeUtf8),
  seeds() {
    return [
      ...capturedMessages(),
      encodeUtf8('E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=Access denied'),
      encodeUtf8('S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted'),
    ];
  },
  generate(rng: Rng) {
    let text = '';
    for (let n = rng.int(1, 8); n > 0; n--) {
      text += rng.chance(0.8) ? rng.pick(TOKENS) : String.fromCharCode(rng.below(128));
      if (rng.chance(0.3)) text += String(rng.pick([0, 1, 691, 2 ** 32, 99999999999]));
    }
    return encodeUtf8(text);
  },
  run(input) {
    const text = decodeUtf8(input);
    const failure = parseMschapFailure(text);
    invariant(
      failure.error === undefined || (Number.isInteger(failure.error) && failure.error < 1e10),
      'a parsed E= that is not an integer of at most 10 digits',
    );
    const error = mschapFailureToError(failure);
    invariant(
      typedErrorCode(error)?.startsWith('MSCHAP_') === true,
      'a failure that does not map to an MSCHAP_ error',
    );
    if (failure.error !== undefined) {
      invariant(
        sameValue(parseMschapFailure(formatMschapFailure(failure)), failure),
        'a formatted failure does not parse back to itself',
      );
    }
    const success = parseMschapv2Success(text);
    invariant(
      success.authenticatorResponse === undefined ||
        /^S=[0-9A-Fa-f]{40}$/.test(success.authenticatorResponse),
      'a parsed S= that is not 40 hex digits',
    );
    return success.authenticatorResponse !== undefined ? 'success' : error.code;
  },
};

/** Script ops of `chap-machines`. */
const OP = { TO_PEER: 0, TO_AUTHENTICATOR: 1, HONEST: 2, ADVANCE: 3 } as const;
const OP_COUNT = 4;
const ALGORITHMS: readonly ChapAlgorithm[] = ['chap-md5', 'mschapv1', 'mschapv2'];

/**
 * Checks one machine's steps: an outcome per exchange (a second one only after the machine sent
 * a packet since: re-authentication is a new Challenge and a new Response, RFC 1994 §4.1), a
 * failure with a typed error, and every packet it sends decodes.
 */
class StepChecker {
  outcome: string | undefined;
  #sentSinceOutcome = true;

  check(s: ChapStep, who: string): ChapStep {
    if (s.outcome !== undefined) {
      invariant(this.#sentSinceOutcome, `${who}: a second outcome without a new exchange`);
      this.#sentSinceOutcome = false;
      this.outcome =
        s.outcome.type === 'success' ? 'success' : (typedErrorCode(s.outcome.error) ?? 'untyped');
      invariant(this.outcome !== 'untyped', `${who}: a failure outcome without a typed error`);
    }
    if (s.send !== undefined) {
      this.#sentSinceOutcome = true;
      try {
        decodeChapPacket(s.send);
      } catch (error) {
        invariant(false, `${who}: a sent packet does not decode`, String(error));
      }
    }
    return s;
  }
}

/** The CHAP peer and authenticator, honest exchange plus injected packets. */
export const chapMachinesTarget: FuzzTarget = {
  name: 'chap-machines',
  packageName: '@pptpkit/mschapv2',
  entry:
    'ChapPeer.receive and ChapAuthenticator.start/receive/timeout (CHAP-MD5, MS-CHAPv1, MS-CHAPv2)',
  invariants: [
    'no typed error escapes a machine',
    'a machine reports one outcome per exchange (another only after it sent a packet again); a failure has a typed error',
    'every packet a machine sends decodes',
  ],
  maxLength: 4096,
  timing: 'step',
  dictionary: [encodeUtf8('S='), encodeUtf8('E=691 R=1'), Uint8Array.of(3, 0, 0, 4)],
  seeds() {
    const messages = goldenInfoFields(CHAP);
    return ALGORITHMS.map((_, config) =>
      Uint8Array.of(
        config,
        ...buildScript([
          step(OP.HONEST),
          step(OP.HONEST),
          ...messages.map((m) => step(OP.TO_PEER, m)),
          step(OP.HONEST),
        ]),
      ),
    );
  },
  generate(rng) {
    const steps: ScriptStep[] = [];
    for (let n = rng.int(1, 12); n > 0; n--) {
      const roll = rng.below(8);
      if (roll < 3) steps.push(step(OP.HONEST));
      else if (roll < 4) steps.push(numberStep(OP.ADVANCE, rng.pick([100, 3000, 30_000])));
      else {
        const code = rng.int(1, 4);
        const packet =
          code <= 2
            ? encodeChapPacket({
                type: code === 1 ? 'challenge' : 'response',
                identifier: rng.below(256),
                value: rng.bytes(rng.pick([8, 16, 24, 49, rng.int(1, 60)])),
                name: encodeUtf8('pptpd'),
              })
            : encodeChapPacket({
                type: code === 3 ? 'success' : 'failure',
                identifier: rng.below(256),
                message: encodeUtf8(
                  rng.pick([
                    'S=407A5589115FD0D6209F510FE9C04566932CDA56 M=ok',
                    'E=691 R=1 C=0011 V=3 M=no',
                    'E=648',
                  ]),
                ),
              });
        steps.push(step(rng.chance(0.6) ? OP.TO_PEER : OP.TO_AUTHENTICATOR, packet));
      }
    }
    return Uint8Array.of(rng.below(3), ...buildScript(steps));
  },
  run(input, timer: StepTimer) {
    const algorithm = ALGORITHMS[(input[0] ?? 0) % ALGORITHMS.length]!;
    const peer = new ChapPeer({
      algorithm,
      name: 'pptpkit',
      password: 'golden-Passw0rd',
      randomBytes: seededRandomBytes(5),
    });
    const authenticator = new ChapAuthenticator({
      algorithm,
      name: 'pptpd',
      randomBytes: seededRandomBytes(6),
      lookupPassword: (name) => (name === 'pptpkit' ? 'golden-Passw0rd' : undefined),
    });
    const peerCheck = new StepChecker();
    const authCheck = new StepChecker();
    let now = 0;
    // The honest exchange: what each machine sent last goes to the other on a HONEST step.
    let toPeer: Uint8Array | undefined = authCheck.check(
      coreStep(timer, 'start', () => authenticator.start(now)),
      'authenticator',
    ).send;
    let toAuthenticator: Uint8Array | undefined;
    const fromPeer = (payload: Uint8Array): void => {
      const s = peerCheck.check(
        coreStep(timer, 'peer receive', () => peer.receive(payload, now)),
        'peer',
      );
      if (s.send !== undefined) toAuthenticator = s.send;
    };
    const fromAuthenticator = (s: ChapStep): void => {
      authCheck.check(s, 'authenticator');
      if (s.send !== undefined) toPeer = s.send;
    };
    for (const { op, payload } of parseScript(input.subarray(1))) {
      switch (op % OP_COUNT) {
        case OP.TO_PEER:
          fromPeer(payload);
          break;
        case OP.TO_AUTHENTICATOR:
          fromAuthenticator(
            coreStep(timer, 'authenticator receive', () => authenticator.receive(payload, now)),
          );
          break;
        case OP.HONEST: {
          const a = toAuthenticator;
          const p = toPeer;
          toAuthenticator = undefined;
          toPeer = undefined;
          if (p !== undefined) fromPeer(p);
          if (a !== undefined)
            fromAuthenticator(
              coreStep(timer, 'authenticator receive', () => authenticator.receive(a, now)),
            );
          break;
        }
        default: {
          now += payloadNumber(payload) % 60_001;
          fromAuthenticator(
            coreStep(timer, 'authenticator timeout', () => authenticator.timeout(now)),
          );
          const s = peerCheck.check(
            coreStep(timer, 'peer timeout', () => peer.timeout(now)),
            'peer',
          );
          if (s.send !== undefined) toAuthenticator = s.send;
        }
      }
    }
    return `${peerCheck.outcome ?? peer.state}/${authCheck.outcome ?? authenticator.state}`;
  },
};
