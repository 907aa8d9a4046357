/**
 * Seeds from the golden captures (`fixtures/golden`, real sessions between Debian's pptp-linux
 * + pppd and pptpd), through the typed loader the packages' tests use.
 *
 * @module
 */
import {
  type CapturedPppFrame,
  type Direction,
  GOLDEN_CAPTURES,
  type GoldenCapture,
  loadGoldenCapture,
  packetBytes,
  pppFrames,
} from '../../../fixtures/golden/capture.js';
import { concatBytes } from '../engine/bytes.js';

/** A capture with its name. */
export interface NamedCapture extends GoldenCapture {
  /** The capture's file name without `.json`. */
  readonly name: string;
}

let cache: readonly NamedCapture[] | undefined;

/** Every golden capture (read once per process). */
export function goldenCaptures(): readonly NamedCapture[] {
  cache ??= GOLDEN_CAPTURES.map((name) => ({ ...loadGoldenCapture(name), name }));
  return cache;
}

/** The TCP payload of one direction of a capture's control connection, as one stream. */
export function controlStream(capture: GoldenCapture, dir: Direction): Uint8Array {
  return concatBytes(capture.control.filter((s) => s.dir === dir).map(packetBytes));
}

/** Every captured GRE packet (from the GRE header on) of every capture. */
export function goldenGrePackets(): Uint8Array[] {
  return goldenCaptures().flatMap((c) => c.gre.map(packetBytes));
}

/** Every PPP frame carried in the captures. */
export function goldenPppFrames(): CapturedPppFrame[] {
  return goldenCaptures().flatMap((c) => pppFrames(c));
}

/** The information fields of the captured PPP frames of one protocol. */
export function goldenInfoFields(protocol: number): Uint8Array[] {
  return goldenPppFrames()
    .filter((f) => f.protocol === protocol)
    .map((f) => f.info);
}

/** Keeps the first of equal inputs. */
export function distinct(inputs: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const input of inputs) {
    const key = Buffer.from(input).toString('hex');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(input);
  }
  return out;
}
