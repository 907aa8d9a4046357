/**
 * The tunnel options that carry pptp-linux's `--phone`, `--idle-wait`/`--max-echo-wait` and
 * `--timeout`/`--nobuffer`/`--missing-window`: what reaches the wire and the GRE receiver.
 */
import type { TunnelOptions, TunnelSink } from '@pptpkit/tunnel';
import { describe, expect, it } from 'vitest';
import { testClient } from '../src/client-options.js';
import { TunnelPair } from '../src/pair.js';

/** RFC 2637 §2: Control Message Types. */
const OUTGOING_CALL_REQUEST = 7;
const ECHO_REQUEST = 5;

/** Splits what a side wrote to its control stream into messages (by their Length field). */
function messages(chunks: readonly Uint8Array[]): Uint8Array[] {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i + 2 <= all.length; ) {
    const length = (all[i]! << 8) | all[i + 1]!;
    out.push(all.subarray(i, i + length));
    i += length;
  }
  return out;
}

const controlType = (m: Uint8Array): number => (m[8]! << 8) | m[9]!;

/** A pair whose client gets `extra` on top of the test client's options; records its control output. */
function pair(extra: (base: TunnelOptions) => Partial<TunnelOptions>): {
  p: TunnelPair;
  sent: Uint8Array[];
} {
  const sent: Uint8Array[] = [];
  const p = new TunnelPair({
    seed: 3,
    client: (sink, random) => {
      const recording: TunnelSink = {
        ...sink,
        control: (bytes) => {
          sent.push(bytes.slice());
          sink.control(bytes);
        },
      };
      const base = testClient(recording, random);
      return { ...base, ...extra(base) };
    },
  });
  return { p, sent };
}

describe('pptp-linux options on the tunnel core', () => {
  it('--phone: the Outgoing-Call-Request carries the number and its length (RFC 2637 §2.7)', () => {
    const { p, sent } = pair((base) => ({ role: { ...base.role, phoneNumber: '5551234' } }));
    p.start();
    expect(p.runUntil(() => p.client.tunnel.state === 'up', 10_000)).toBe(true);
    const request = messages(sent).find((m) => controlType(m) === OUTGOING_CALL_REQUEST)!;
    expect(request.length).toBe(168);
    // Phone Number Length at octet 36, Phone Number (64 octets, NUL-padded) at 40.
    expect((request[36]! << 8) | request[37]!).toBe(7);
    expect(new TextDecoder().decode(request.subarray(40, 47))).toBe('5551234');
    expect(request[47]).toBe(0);
  });

  it('without --phone the Phone Number is empty', () => {
    const { p, sent } = pair(() => ({}));
    p.start();
    expect(p.runUntil(() => p.client.tunnel.state === 'up', 10_000)).toBe(true);
    const request = messages(sent).find((m) => controlType(m) === OUTGOING_CALL_REQUEST)!;
    expect((request[36]! << 8) | request[37]!).toBe(0);
    expect(request.subarray(40, 104).every((b) => b === 0)).toBe(true);
  });

  it('--idle-wait: an Echo-Request after that long without a control message (default 60 s)', () => {
    const short = pair(() => ({ controlEcho: { intervalMs: 5_000 } }));
    const plain = pair(() => ({}));
    for (const { p } of [short, plain]) {
      p.start();
      expect(p.runUntil(() => p.client.tunnel.state === 'up', 10_000)).toBe(true);
    }
    const echoes = (sent: Uint8Array[]) =>
      messages(sent).filter((m) => controlType(m) === ECHO_REQUEST).length;
    // The last control message (the Outgoing-Call-Reply) came at about 2 ms.
    short.p.runFor(4_000);
    expect(echoes(short.sent)).toBe(0);
    short.p.runFor(2_000);
    expect(echoes(short.sent)).toBe(1);
    plain.p.runFor(30_000);
    expect(echoes(plain.sent)).toBe(0);
  });

  it('--timeout / --nobuffer: a fixed reorder hold instead of the adaptive one', () => {
    const fixed = pair(() => ({ greReorder: { holdMs: 300 } }));
    const none = pair(() => ({ greReorder: { holdMs: 0 } }));
    const adaptive = pair(() => ({}));
    for (const { p } of [fixed, none, adaptive]) {
      p.start();
      expect(p.runUntil(() => p.client.tunnel.state === 'up', 10_000)).toBe(true);
    }
    expect(fixed.p.client.tunnel.status(fixed.p.clock.now).reorder?.ms).toBe(300);
    expect(none.p.client.tunnel.status(none.p.clock.now).reorder?.ms).toBe(0);
    // The adaptive hold starts at 5 ms (`ReorderEstimate`'s initialHoldMs).
    expect(adaptive.p.client.tunnel.status(adaptive.p.clock.now).reorder?.ms).toBe(5);
  });
});
