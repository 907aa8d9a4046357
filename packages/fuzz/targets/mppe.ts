/**
 * `mppe-stateless` and `mppe-stateful`: an MPPE decryptor receiving the genuine packets of an
 * encryptor with the same key, with garbage, losses, reordering and tampering in between, as the
 * client receives them (a packet that does not decrypt to IPv4 is taken back with `rejectLast`;
 * a Reset-Request makes the sender flush its next packet).
 *
 * @module
 */
import { MPPE_STATUS, MppeDecryptor, MppeEncryptor, type MppeKeyBits } from '@pptpkit/mppe';
import { PPP_PROTOCOL } from '@pptpkit/ppp-lcp-ipcp';
import { concatBytes, sameBytes } from '../engine/bytes.js';
import { coreStep, invariant } from '../engine/outcome.js';
import type { Rng } from '../engine/rng.js';
import type { FuzzTarget, StepTimer } from '../engine/target.js';
import { goldenPppFrames } from '../seeds/golden.js';
import { genuineIpv4, isGenuineIpv4 } from './ipv4-packets.js';
import { buildScript, parseScript, type ScriptStep, step } from './script.js';

/** Script ops. */
const OP = { GARBAGE: 0, GENUINE: 1, LOSE: 2, LATE: 3, TAMPER: 4, RESET: 5 } as const;
const OP_COUNT = 6;
const KEY_BITS: readonly MppeKeyBits[] = [128, 40, 56];
const START_KEY = Uint8Array.from({ length: 16 }, (_, k) => (k * 29 + 7) & 0xff);

/** The plaintext MPPE carries: the PPP protocol field (IPv4), then the packet. */
function plaintext(n: number): Uint8Array {
  return concatBytes([Uint8Array.of(0x00, 0x21), genuineIpv4(n)]);
}

/** Whether a decrypted plaintext is one the sender could have sent (the client's check). */
function genuine(buf: Uint8Array, length: number): boolean {
  return length >= 2 && buf[0] === 0 && buf[1] === 0x21 && isGenuineIpv4(buf, 2, length);
}

function runMppe(input: Uint8Array, timer: StepTimer, stateless: boolean): string {
  const keyBits = KEY_BITS[(input[0] ?? 0) % KEY_BITS.length]!;
  const startKey = START_KEY.subarray(0, keyBits === 128 ? 16 : 8);
  const encryptor = new MppeEncryptor({ startKey, keyBits, stateless });
  const decryptor = new MppeDecryptor({ startKey, keyBits, stateless });
  const out = new Uint8Array(70_000);
  let n = 0;
  const held: { packet: Uint8Array; plain: Uint8Array }[] = [];
  /** A garbage packet decrypted to IPv4: MPPE cannot tell; nothing is promised until a resync. */
  let accepted = false;
  /** Stateful: genuine packets were lost since the last one delivered, and no flush since. */
  let lost = false;
  /**
   * Stateful: a packet flushed for a Reset-Request never arrived intact. The sender changed key
   * for it and the receiver cannot notice (the mppe README's stated limit): no promise is left.
   */
  let broken = false;
  let resets = 0;
  let decrypted = 0;

  const send = (): { packet: Uint8Array; plain: Uint8Array; flushedByReset: boolean } => {
    const plain = plaintext(n++);
    // Flushed, and not because the count is a flag packet (those the receiver counts itself).
    const flushedByReset =
      !stateless && encryptor.nextPacketFlushed && ((encryptor.coherencyCount + 1) & 0xff) !== 0xff;
    const packet = new Uint8Array(plain.length + 2);
    encryptor.encrypt(plain, 0, plain.length, packet, 0);
    return { packet, plain, flushedByReset };
  };
  // The client sends a CCP Reset-Request; the sender's next packet is then flushed.
  const askedForReset = (status: number): void => {
    if (status !== MPPE_STATUS.RESET_NEEDED) return;
    resets++;
    encryptor.resetRequested();
  };
  const receive = (packet: Uint8Array): number => {
    const length = coreStep(timer, 'decrypt', () =>
      decryptor.decrypt(packet, 0, packet.length, out, 0),
    );
    invariant(
      length < 0 || length === packet.length - 2,
      'decrypt returned a length other than the plaintext',
      String(length),
    );
    return length;
  };
  /** What the client does with a decrypted packet that is not the one sent: drop it unless it looks like IPv4. */
  const notGenuine = (length: number): void => {
    if (genuine(out, length)) {
      accepted = true;
      return;
    }
    askedForReset(coreStep(timer, 'rejectLast', () => decryptor.rejectLast()));
  };
  const garbage = (packet: Uint8Array): void => {
    const length = receive(packet);
    if (length < 0) askedForReset(length);
    else notGenuine(length);
  };
  /** Delivers a genuine packet; returns whether it decrypted to its plaintext. */
  const deliver = (packet: Uint8Array, plain: Uint8Array): boolean => {
    const length = receive(packet);
    if (length >= 0 && sameBytes(out.subarray(0, length), plain)) {
      decrypted++;
      return true;
    }
    if (length >= 0) notGenuine(length);
    else askedForReset(length);
    return false;
  };

  for (const { op, payload } of parseScript(input.subarray(1))) {
    switch (op % OP_COUNT) {
      case OP.GARBAGE:
        garbage(payload);
        break;
      case OP.GENUINE: {
        // Stateless: every in-order packet decrypts on its own (RFC 3078 §8.1). Stateful: every
        // packet in sync, and a packet flushed for a Reset-Request once the receiver knows it
        // lost sync (RFC 3078 §8.2; before that, such a packet reveals the gap and is dropped,
        // as the Linux kernel does).
        const resyncs = !stateless && encryptor.nextPacketFlushed && decryptor.resetNeeded;
        const { packet, plain, flushedByReset } = send();
        const promised =
          !accepted && !broken && (stateless || !lost || (resyncs && flushedByReset));
        if (deliver(packet, plain)) {
          accepted = false;
          lost = false;
          break;
        }
        invariant(
          !promised,
          stateless
            ? 'a genuine in-order packet after the garbage does not decrypt (stateless)'
            : flushedByReset
              ? 'the packet flushed after a Reset-Request does not decrypt (stateful)'
              : 'a genuine packet in sync does not decrypt (stateful)',
        );
        if (flushedByReset) broken = true;
        lost = true;
        break;
      }
      case OP.LOSE: {
        const sent = send();
        held.push(sent);
        if (sent.flushedByReset) broken = true;
        lost = true;
        break;
      }
      case OP.LATE: {
        // Reordered past the others: MPPE may take it for a jump (RFC 3078 §8.1); the client's
        // check then drops it, so only its plaintext, when it is the right one, is promised.
        const late = held.shift();
        if (late !== undefined) deliver(late.packet, late.plain);
        break;
      }
      case OP.TAMPER: {
        // The next genuine packet, bit-flipped on the way: garbage to the receiver.
        const sent = send();
        if (sent.flushedByReset) broken = true;
        lost = true;
        const tampered = sent.packet.slice();
        for (let i = 0; i < payload.length && i < tampered.length; i++)
          tampered[i] = tampered[i]! ^ payload[i]!;
        garbage(tampered);
        break;
      }
      default:
        encryptor.resetRequested();
    }
  }
  return `${decrypted > 0 ? 'decrypted' : 'none'}${resets > 0 ? '+reset' : ''}${accepted ? '+accepted-garbage' : ''}`;
}

/** The MPPE payloads of the captures (after protocol 0x00FD). */
function capturedMppe(): Uint8Array[] {
  return goldenPppFrames()
    .filter((f) => f.protocol === PPP_PROTOCOL.COMPRESSED)
    .map((f) => f.info);
}

function seeds(): Uint8Array[] {
  const captured = capturedMppe();
  const steps: ScriptStep[] = [step(OP.GENUINE)];
  for (const [i, packet] of captured.slice(0, 30).entries()) {
    steps.push(step(OP.GARBAGE, packet), step(OP.GENUINE));
    if (i % 7 === 3) steps.push(step(OP.LOSE), step(OP.GENUINE), step(OP.LATE));
  }
  return [0, 1, 2].map((config) => Uint8Array.of(config, ...buildScript(steps)));
}

/** A garbage MPPE packet: D set or not, FLUSHED or not, any count, any body. */
function garbagePacket(rng: Rng): Uint8Array {
  const flags = rng.pick([0x90, 0x90, 0x10, 0x80, 0xb0, 0x00, rng.below(16) << 4]);
  const count = rng.pick([0, 1, 0xff, 0x100, 0xfff, rng.below(4096)]);
  const body = rng.bytes(rng.pick([0, 1, 20, 60, rng.length(200)]));
  return concatBytes([Uint8Array.of(flags | (count >> 8), count & 0xff), body]).subarray(
    0,
    rng.chance(0.1) ? rng.below(3) : undefined,
  );
}

function generate(rng: Rng): Uint8Array {
  const steps: ScriptStep[] = [];
  for (let k = rng.int(1, 40); k > 0; k--) {
    const roll = rng.below(12);
    if (roll < 4) steps.push(step(OP.GENUINE));
    else if (roll < 7) steps.push(step(OP.GARBAGE, garbagePacket(rng)));
    else if (roll < 8)
      for (let m = rng.pick([1, 2, 255, rng.below(300)]); m > 0; m--) steps.push(step(OP.LOSE));
    else if (roll < 9) steps.push(step(OP.LATE));
    else if (roll < 11) steps.push(step(OP.TAMPER, rng.bytes(rng.int(1, 40))));
    else steps.push(step(OP.RESET));
  }
  return Uint8Array.of(rng.below(3), ...buildScript(steps));
}

function mppeTarget(stateless: boolean): FuzzTarget {
  return {
    name: stateless ? 'mppe-stateless' : 'mppe-stateful',
    packageName: '@pptpkit/mppe',
    entry: `MppeDecryptor ${stateless ? 'stateless' : 'stateful'} (40/56/128-bit): decrypt and rejectLast, fed an MppeEncryptor's packets among garbage`,
    invariants: [
      'no typed error escapes; decrypt returns the plaintext length or a negative status',
      'a genuine packet that decrypts gives its exact plaintext',
      stateless
        ? 'a genuine in-order packet after the garbage still decrypts (unless some garbage decrypted to valid IPv4)'
        : 'after garbage or loss, the packet flushed after the Reset-Request decrypts; in sync, every packet does',
    ],
    maxLength: 8192,
    timing: 'step',
    dictionary: [Uint8Array.of(0x90, 0x00), Uint8Array.of(0x9f, 0xff), Uint8Array.of(0x10, 0xff)],
    seeds,
    generate,
    run: (input, timer) => runMppe(input, timer, stateless),
  };
}

/** Stateless MPPE. */
export const mppeStatelessTarget: FuzzTarget = mppeTarget(true);
/** Stateful MPPE. */
export const mppeStatefulTarget: FuzzTarget = mppeTarget(false);
