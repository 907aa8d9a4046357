/**
 * `client-rx-*`: the client's receive path, `DataPath.receiveFrame` (`@pptpkit/tunnel`, which
 * the client's session runs), set up as `Tunnel` sets it up when the link comes up, for each
 * negotiated mode, receiving a server's genuine packets (made by a second `DataPath` with the
 * keys swapped, so the sending side is the same code) among garbage, losses, reordering and
 * tampering. A Reset-Request the client asks for reaches the server at once.
 *
 * @module
 */
import { decodeGre, GreSession } from '@pptpkit/gre';
import { MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { DataPath, type MppeCiphers } from '@pptpkit/tunnel';
import { concatBytes, sameBytes } from '../engine/bytes.js';
import { coreStep, invariant } from '../engine/outcome.js';
import type { Rng } from '../engine/rng.js';
import type { FuzzTarget, StepTimer } from '../engine/target.js';
import { goldenPppFrames } from '../seeds/golden.js';
import { genuineIpv4 } from './ipv4-packets.js';
import { buildScript, parseScript, type ScriptStep, step } from './script.js';

/** What CCP agreed: MPPE (stateless or stateful) or not, MPPC or not. */
interface Mode {
  readonly name: string;
  readonly mppe: 'none' | 'stateless' | 'stateful';
  readonly mppc: boolean;
  /** Stateful: the client's decryptor crosses short gaps (`recoverGaps`, as the tunnel sets it). */
  readonly recover?: boolean;
}

const MODES: readonly Mode[] = [
  { name: 'plain', mppe: 'none', mppc: false },
  { name: 'mppc', mppe: 'none', mppc: true },
  { name: 'stateless', mppe: 'stateless', mppc: false },
  { name: 'stateful', mppe: 'stateful', mppc: false },
  { name: 'stateful-recover', mppe: 'stateful', mppc: false, recover: true },
  { name: 'stateless-mppc', mppe: 'stateless', mppc: true },
  { name: 'stateful-mppc', mppe: 'stateful', mppc: true },
];

/** Script ops. */
const OP = { GARBAGE: 0, GENUINE: 1, LOSE: 2, LATE: 3, TAMPER: 4, SERVER_RESET: 5 } as const;
const OP_COUNT = 6;
const CLIENT_TO_SERVER_KEY = Uint8Array.from({ length: 16 }, (_, k) => (k * 13 + 1) & 0xff);
const SERVER_TO_CLIENT_KEY = Uint8Array.from({ length: 16 }, (_, k) => (k * 29 + 7) & 0xff);

function ciphers(mode: Mode, send: Uint8Array, receive: Uint8Array): MppeCiphers | undefined {
  if (mode.mppe === 'none') return undefined;
  const stateless = mode.mppe === 'stateless';
  const recoverGaps = mode.recover === true;
  return {
    encryptor: new MppeEncryptor({ startKey: send, keyBits: 128, stateless }),
    decryptor: new MppeDecryptor({ startKey: receive, keyBits: 128, stateless, recoverGaps }),
  };
}

/** The protocol field of a PPP frame (ACFC/PFC forms), or -1. */
function protocolOf(frame: Uint8Array): number {
  const at = frame[0] === 0xff && frame[1] === 0x03 ? 2 : 0;
  const first = frame[at];
  if (first === undefined) return -1;
  return (first & 1) === 1 ? first : (first << 8) | (frame[at + 1] ?? 0);
}

/** Whether a frame's MPPE/MPPC header has A set on a count that is not a flag packet's. */
function flushedOffFlag(frame: Uint8Array): boolean {
  const at = (frame[0] === 0xff ? 2 : 0) + ((frame[frame[0] === 0xff ? 2 : 0]! & 1) === 1 ? 1 : 2);
  const b0 = frame[at] ?? 0;
  return (b0 & 0x80) !== 0 && (frame[at + 1] ?? 0) !== 0xff;
}

function runReceive(input: Uint8Array, timer: StepTimer, mode: Mode): string {
  const config = input[0] ?? 0;
  const framing = { acfc: (config & 1) !== 0, pfc: (config & 2) !== 0 };
  const stateful = mode.mppe === 'stateful' || (mode.mppe === 'none' && mode.mppc);
  const clientCiphers = ciphers(mode, CLIENT_TO_SERVER_KEY, SERVER_TO_CLIENT_KEY);
  const serverCiphers = ciphers(mode, SERVER_TO_CLIENT_KEY, CLIENT_TO_SERVER_KEY);
  let wire: Uint8Array | undefined;
  let delivered: Uint8Array[] = [];
  // As Tunnel builds it: MPPC decompressed whenever offered, compressed when agreed.
  const server = new DataPath({
    gre: new GreSession({ localCallId: 2, peerCallId: 1, deliver: () => undefined }),
    toNetwork: (buf, offset, length) => {
      wire = decodeGre(buf.slice(offset, offset + length)).payload;
      return true;
    },
    toTun: () => true,
    framing,
    peerMru: 1400,
    mppe: serverCiphers,
    mppc: { compress: mode.mppc, decompress: mode.mppc },
    onResetNeeded: () => undefined,
  });
  let resetAsked = false;
  const client = new DataPath({
    gre: new GreSession({ localCallId: 1, peerCallId: 2, deliver: () => undefined }),
    toNetwork: () => true,
    toTun: (buf, offset, length) => {
      invariant(
        offset >= 0 && length >= 20 && offset + length <= buf.length,
        'a TUN write outside its buffer or shorter than an IPv4 header',
      );
      const total = (buf[offset + 2]! << 8) | buf[offset + 3]!;
      const header = (buf[offset]! & 0x0f) * 4;
      invariant(
        buf[offset]! >> 4 === 4 && header >= 20 && total >= header && total <= length,
        'a TUN write that is not a well-formed IPv4 packet',
      );
      delivered.push(buf.slice(offset, offset + length));
      return true;
    },
    framing,
    peerMru: 1400,
    mppe: clientCiphers,
    ...(mode.mppc ? { mppc: { compress: true, decompress: true } } : {}),
    // The CCP Reset-Request reaches the server, whose next packet is flushed (RFC 3078 §8.2).
    onResetNeeded: () => {
      resetAsked = true;
      server.resetRequested();
    },
  });

  let n = 0;
  const send = (): { frame: Uint8Array; ip: Uint8Array } => {
    const ip = genuineIpv4(n++);
    wire = undefined;
    server.sendIp(ip, 0, ip.length, 0);
    invariant(wire !== undefined, "the server's data path sent nothing for an IPv4 packet");
    return { frame: wire, ip };
  };
  const receive = (frame: Uint8Array): boolean => {
    delivered = [];
    return coreStep(timer, 'receiveFrame', () => client.receiveFrame(frame, 0, frame.length));
  };
  const held: { frame: Uint8Array; ip: Uint8Array }[] = [];
  /** Something reached the client's decryptor/decompressor state that the sender did not send. */
  let disturbed = false;
  /** A garbage data packet reached the TUN: MPPE/MPPC cannot tell; no promise until a resync. */
  let accepted = false;
  /** Stateful MPPE: a packet flushed off the flag counts never arrived (the stated limit). */
  let broken = false;
  let got = 0;
  const keyChain = mode.mppe === 'stateful';

  for (const { op, payload } of parseScript(input.subarray(1))) {
    switch (op % OP_COUNT) {
      case OP.GARBAGE: {
        // A Reset-Request the disturbance itself causes counts for what follows it.
        const before: boolean = resetAsked;
        resetAsked = false;
        receive(payload);
        if (protocolOf(payload) !== 0x00fd) resetAsked = before || resetAsked;
        if (protocolOf(payload) === 0x00fd) {
          disturbed = true;
          if (delivered.length > 0) accepted = true;
        }
        break;
      }
      case OP.GENUINE: {
        // Stateful MPPE resynchronises on a flushed packet once it knows it lost sync; MPPC
        // alone on any packet with A.
        const knows = clientCiphers?.decryptor.resetNeeded ?? true;
        const { frame, ip } = send();
        const flushed = flushedOffFlag(frame);
        const promised =
          mode.mppe === 'none' && !mode.mppc
            ? true
            : !accepted && !broken && (!stateful || !disturbed || (flushed && knows));
        const handled = receive(frame);
        invariant(handled, 'receiveFrame did not take a genuine data frame');
        const ok = delivered.length === 1 && sameBytes(delivered[0]!, ip);
        invariant(
          ok || delivered.length === 0 || accepted || broken,
          'a genuine packet reached the TUN with other bytes',
        );
        if (ok) {
          got++;
          disturbed = false;
          if (flushed || !stateful) accepted = false;
          break;
        }
        invariant(
          !promised,
          stateful
            ? 'a genuine packet was dropped although in sync or flushed after a Reset-Request'
            : 'a genuine in-order packet was dropped (stateless)',
        );
        if (stateful && !accepted && !broken) {
          // Asked at once, or scheduled: within 250 ms of the last request the data path repeats
          // it from its timer (nextDeadline) rather than at once.
          invariant(
            resetAsked || Number.isFinite(client.nextDeadline()),
            'a genuine packet was dropped after a disturbance and the client asked for no CCP Reset-Request',
          );
        }
        if (keyChain && flushed) broken = true;
        break;
      }
      case OP.LOSE: {
        const lost = send();
        held.push(lost);
        disturbed = true;
        resetAsked = false;
        if (keyChain && flushedOffFlag(lost.frame)) broken = true;
        break;
      }
      case OP.LATE: {
        const late = held.shift();
        if (late === undefined) break;
        resetAsked = false;
        receive(late.frame);
        // A late packet may be taken (a flushed one resynchronises MPPC's count backwards).
        disturbed = true;
        invariant(
          accepted || broken || delivered.every((d) => sameBytes(d, late.ip)),
          'a late genuine packet reached the TUN with other bytes',
        );
        break;
      }
      case OP.TAMPER: {
        const { frame } = send();
        if (keyChain && flushedOffFlag(frame)) broken = true;
        const tampered = frame.slice();
        for (let i = 0; i < payload.length && i < tampered.length; i++)
          tampered[i] = tampered[i]! ^ payload[i]!;
        resetAsked = false;
        receive(tampered);
        disturbed = true;
        if (delivered.length > 0 && protocolOf(tampered) === 0x00fd) accepted = true;
        break;
      }
      default:
        server.resetRequested();
    }
  }
  const c = client.counters;
  return `${got > 0 ? 'delivered' : 'none'}${c.resetRequests > 0 ? '+reset' : ''}${c.mppeRejected > 0 ? '+rejected' : ''}${c.mppcDropped > 0 ? '+mppc-dropped' : ''}`;
}

/** The data frames of the captures (MPPE 0x00FD, IPv4 0x0021), as garbage: other keys. */
function capturedData(): Uint8Array[] {
  return goldenPppFrames()
    .filter((f) => f.protocol === 0x00fd || f.protocol === 0x0021)
    .map((f) => f.frame);
}

function seeds(): Uint8Array[] {
  const steps: ScriptStep[] = [step(OP.GENUINE)];
  for (const [i, frame] of capturedData().slice(0, 24).entries()) {
    steps.push(step(OP.GARBAGE, frame), step(OP.GENUINE));
    if (i % 5 === 2) steps.push(step(OP.LOSE), step(OP.GENUINE), step(OP.GENUINE), step(OP.LATE));
  }
  return [0, 3].map((config) => Uint8Array.of(config, ...buildScript(steps)));
}

/** A garbage data frame: MPPE/MPPC header bits and counts that matter, any body. */
function garbageFrame(rng: Rng): Uint8Array {
  const head = rng.pick([
    [0xff, 0x03, 0x00, 0xfd],
    [0x00, 0xfd],
    [0xfd],
    [0xff, 0x03, 0x00, 0x21],
    [0x21],
    [0xff, 0x03],
  ]);
  const flags = rng.pick([0x90, 0x10, 0xb0, 0xf0, 0x30, 0xa0, 0x20, 0x00, rng.below(256) & 0xf0]);
  const count = rng.pick([0, 1, 0xff, 0xfff, rng.below(4096)]);
  const body = rng.chance(0.3) ? genuineIpv4(rng.below(100)) : rng.bytes(rng.length(200));
  const frame = concatBytes([
    Uint8Array.from(head),
    Uint8Array.of(flags | (count >> 8), count & 0xff),
    body,
  ]);
  return frame.subarray(0, rng.chance(0.1) ? rng.below(frame.length + 1) : frame.length);
}

function generate(rng: Rng): Uint8Array {
  const steps: ScriptStep[] = [];
  for (let k = rng.int(1, 32); k > 0; k--) {
    const roll = rng.below(14);
    if (roll < 5) steps.push(step(OP.GENUINE));
    else if (roll < 8) steps.push(step(OP.GARBAGE, garbageFrame(rng)));
    else if (roll < 9) for (let m = rng.pick([1, 2, 300]); m > 0; m--) steps.push(step(OP.LOSE));
    else if (roll < 10) steps.push(step(OP.LATE));
    else if (roll < 13)
      steps.push(
        step(OP.TAMPER, concatBytes([new Uint8Array(rng.below(8)), rng.bytes(rng.int(1, 12))])),
      );
    else steps.push(step(OP.SERVER_RESET));
  }
  return Uint8Array.of(rng.below(4), ...buildScript(steps));
}

function receiveTarget(mode: Mode): FuzzTarget {
  return {
    name: `client-rx-${mode.name}`,
    packageName: 'pptpkit',
    entry: `DataPath.receiveFrame with ${mode.mppe === 'none' ? 'no MPPE' : `MPPE-128 ${mode.mppe}`}${mode.mppc ? ' + MPPC' : ''}, set up as Tunnel does`,
    invariants: [
      'no typed error escapes; a genuine data frame is always taken',
      'the TUN only gets well-formed IPv4 packets; a genuine one arrives with its own bytes',
      mode.mppe === 'stateless'
        ? 'a genuine in-order packet after garbage is delivered (unless garbage reached the TUN)'
        : mode.mppe === 'none' && !mode.mppc
          ? 'every genuine packet is delivered'
          : 'after garbage or loss the client asks for a CCP Reset-Request before dropping genuine packets, and the packet flushed in answer is delivered',
    ],
    maxLength: 8192,
    timing: 'step',
    dictionary: [
      Uint8Array.of(0xff, 0x03, 0x00, 0xfd),
      Uint8Array.of(0x90, 0x00),
      Uint8Array.of(0x00, 0x21, 0x45),
    ],
    seeds,
    generate,
    run: (input, timer) => runReceive(input, timer, mode),
  };
}

/** One target per negotiated mode. */
export const clientReceiveTargets: readonly FuzzTarget[] = MODES.map(receiveTarget);
