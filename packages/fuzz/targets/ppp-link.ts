/**
 * `ppp-link-client` and `ppp-link-server`: one `PppLink` negotiating with an honest peer of the
 * other role (LCP, PAP/CHAP/MS-CHAP, CCP with MPPE or MPPC, IPCP, IPv6CP), while the script
 * injects, drops, corrupts and replays frames, lets time pass and closes either side.
 *
 * @module
 */
import { PPP_PROTOCOL } from '@pptpkit/ppp-lcp-ipcp';
import { defaultPeerSettings, type PeerSettings } from '../../../apps/client/src/config/index.js';
import { concatBytes } from '../engine/bytes.js';
import type { Rng } from '../engine/rng.js';
import type { FuzzTarget } from '../engine/target.js';
import { goldenPppFrames } from '../seeds/golden.js';
import {
  clientLinkOptions,
  LAB_CREDENTIALS,
  LinkPair,
  type ServerAuth,
  type ServerCcp,
  type Side,
  serverLinkOptions,
} from './link-pair.js';
import {
  buildScript,
  numberStep,
  parseScript,
  payloadNumber,
  type ScriptStep,
  step,
} from './script.js';

/** Script ops. */
const OP = {
  INJECT: 0,
  RUN: 1,
  DROP: 2,
  CORRUPT: 3,
  REPLAY: 4,
  CLOSE: 5,
  LOWER_DOWN: 6,
  PEER_CLOSE: 7,
} as const;
const OP_COUNT = 8;

const AUTHS: readonly ServerAuth[] = ['none', 'pap', 'chap', 'mschap', 'mschap-v2'];
const CCPS: readonly ServerCcp[] = ['none', 'mppe-stateless', 'mppe-stateful', 'mppc'];

/** The scenario a config octet selects: server authentication, CCP, IPv6CP. */
function scenario(config: number): { auth: ServerAuth; ccp: ServerCcp; ipv6: boolean } {
  return {
    auth: AUTHS[(config & 7) % AUTHS.length]!,
    ccp: CCPS[(config >> 3) & 3]!,
    ipv6: (config & 0x20) !== 0,
  };
}

/** The client's settings that match the server's CCP (as a working peer file would say). */
function clientSettings(ccp: ServerCcp): PeerSettings {
  const s = defaultPeerSettings();
  if (ccp === 'none' || ccp === 'mppc') {
    s.mppe = {
      ...s.mppe,
      required: false,
      allow40: false,
      allow56: false,
      allow128: false,
      allowStateful: false,
    };
    s.mppc = ccp === 'mppc';
  } else if (ccp === 'mppe-stateful') {
    s.mppe = { ...s.mppe, allowStateful: true, preferStateful: true };
  }
  return s;
}

function runScript(
  input: Uint8Array,
  timer: Parameters<FuzzTarget['run']>[1],
  tested: Side,
): string {
  const { auth, ccp, ipv6 } = scenario(input[0] ?? 0);
  const pair = new LinkPair(
    clientLinkOptions(clientSettings(ccp), LAB_CREDENTIALS, 0x636c),
    serverLinkOptions(auth, ccp, ipv6, 0x7376),
    timer,
  );
  const peer: Side = tested === 'client' ? 'server' : 'client';
  let drop = 0;
  let corrupt: Uint8Array | undefined;
  pair.filter = (from, frame) => {
    if (from !== peer) return [frame];
    if (drop > 0) {
      drop--;
      return [];
    }
    if (corrupt === undefined) return [frame];
    const out = frame.slice();
    for (let i = 0; i < corrupt.length && i < out.length; i++) out[i] = out[i]! ^ corrupt[i]!;
    corrupt = undefined;
    return [out];
  };
  pair.start();
  for (const { op, payload } of parseScript(input.subarray(1))) {
    switch (op % OP_COUNT) {
      case OP.INJECT:
        pair.deliver(tested, payload);
        break;
      case OP.RUN:
        pair.run(pair.now + (payloadNumber(payload) % 120_001));
        break;
      case OP.DROP:
        drop = 1 + ((payload[0] ?? 0) % 4);
        break;
      case OP.CORRUPT:
        corrupt = payload;
        break;
      case OP.REPLAY: {
        const seen = pair.received[tested];
        const frame = seen[payloadNumber(payload) % Math.max(1, seen.length)];
        if (frame !== undefined) pair.deliver(tested, frame);
        break;
      }
      case OP.CLOSE:
        pair.call(tested, 'close', (l) => l.close(pair.now));
        break;
      case OP.LOWER_DOWN:
        pair.call(tested, 'lowerDown', (l) => l.lowerDown(pair.now));
        break;
      default:
        pair.call(peer, 'close', (l) => l.close(pair.now));
    }
  }
  pair.run(pair.now + 60_000);
  const checker = pair.checker(tested);
  return checker.downCode ?? (checker.ups > 0 ? 'up' : pair.link(tested).phase);
}

/** Control frames of the captures that went to `side`, with their headers. */
function capturedFrames(side: Side): Uint8Array[] {
  const dir = side === 'client' ? 'server-to-client' : 'client-to-server';
  return goldenPppFrames()
    .filter((f) => f.dir === dir && f.protocol >= 0x8000)
    .map((f) => f.frame);
}

/** Seeds: each scenario undisturbed, then with the captured frames injected along the way. */
function seeds(side: Side): Uint8Array[] {
  const frames = capturedFrames(side);
  const out: Uint8Array[] = [];
  for (let config = 0; config < 64; config += 9) {
    out.push(Uint8Array.of(config, ...buildScript([numberStep(OP.RUN, 10_000)])));
  }
  const steps: ScriptStep[] = [];
  for (const [i, f] of frames.slice(0, 40).entries()) {
    steps.push(step(OP.INJECT, f));
    if (i % 5 === 4) steps.push(numberStep(OP.RUN, 500));
  }
  out.push(Uint8Array.of(4 | (1 << 3), ...buildScript(steps)));
  return out;
}

const CONTROL = [
  PPP_PROTOCOL.LCP,
  PPP_PROTOCOL.IPCP,
  PPP_PROTOCOL.IPV6CP,
  PPP_PROTOCOL.CCP,
  PPP_PROTOCOL.PAP,
  PPP_PROTOCOL.CHAP,
];

/** A generated script mixing honest runs with hostile frames. */
function generate(rng: Rng, side: Side): Uint8Array {
  const frames = capturedFrames(side);
  const steps: ScriptStep[] = [];
  for (let n = rng.int(1, 16); n > 0; n--) {
    const roll = rng.below(12);
    if (roll < 4) {
      const protocol = rng.pick(CONTROL);
      const frame =
        rng.chance(0.5) && frames.length > 0
          ? rng.pick(frames).slice()
          : concatBytes([
              Uint8Array.of(
                0xff,
                0x03,
                protocol >> 8,
                protocol & 0xff,
                rng.int(1, 14),
                rng.below(256),
              ),
              rng.bytes(rng.length(60)),
            ]);
      if (rng.chance(0.5) && frame.length > 4) frame[rng.below(frame.length)] = rng.below(256);
      steps.push(step(OP.INJECT, frame));
    } else if (roll < 8)
      steps.push(numberStep(OP.RUN, rng.pick([0, 100, 3000, 30_000, rng.below(120_000)])));
    else steps.push(step(OP.DROP + rng.below(OP_COUNT - OP.DROP), rng.bytes(rng.int(0, 6))));
  }
  return Uint8Array.of(rng.below(256), ...buildScript(steps));
}

function linkTarget(side: Side): FuzzTarget {
  return {
    name: `ppp-link-${side}`,
    packageName: '@pptpkit/ppp-lcp-ipcp',
    entry:
      side === 'client'
        ? "PppLink role client, built as the client's session builds it, against a pppd-like server"
        : 'PppLink role server (pppd-like: require-<auth>, MPPE/MPPC, addresses) against the client',
    invariants: [
      'no typed error escapes a running link',
      'nextDeadline is never NaN; the two links settle (timers do not keep expiring)',
      'at most one down, and no up after it',
      'an up carries MPPE when the policy requires it, and a positive MTU',
      'every sent frame has a decodable PPP header',
    ],
    maxLength: 8192,
    timing: 'step',
    dictionary: [
      Uint8Array.of(0xff, 0x03, 0xc0, 0x21),
      Uint8Array.of(0x80, 0xfd, 0x0e),
      Uint8Array.of(0xc2, 0x23, 0x01),
    ],
    seeds: () => seeds(side),
    generate: (rng) => generate(rng, side),
    run: (input, timer) => runScript(input, timer, side),
  };
}

/** The client's link. */
export const pppLinkClientTarget: FuzzTarget = linkTarget('client');
/** The server's link. */
export const pppLinkServerTarget: FuzzTarget = linkTarget('server');
