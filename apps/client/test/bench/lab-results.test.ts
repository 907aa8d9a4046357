import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cpuTicks,
  formatComparison,
  formatFaultTable,
  parseIperf3Json,
  parsePingSummary,
  parsePingTimes,
  pppdEncryption,
  ratio,
  referenceSecondsToUp,
} from '../../bench/lab-results.js';

/** Real outputs of the lab's reference client (iperf3 3.12, iputils ping, guest init.log). */
const fixture = (name: string): string =>
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');

describe('parseIperf3Json', () => {
  it('reads an upload report of the reference client', () => {
    const r = parseIperf3Json(fixture('reference-iperf3-up.json'));
    expect(r.receivedMbits).toBeCloseTo(13.2248, 3);
    expect(r.sentMbits).toBeCloseTo(13.9639, 3);
    expect(r.retransmits).toBe(10);
    expect(r.senderCongestion).toBe('cubic');
    expect(r.reverse).toBe(false);
  });

  it('reads a reverse (-R, server → client) report', () => {
    const r = parseIperf3Json(fixture('reference-iperf3-down.json'));
    expect(r.receivedMbits).toBeCloseTo(23.1381, 3);
    expect(r.sentMbits).toBeCloseTo(23.6915, 3);
    expect(r.retransmits).toBe(17);
    expect(r.reverse).toBe(true);
  });

  it("surfaces iperf3's own error message", () => {
    const failed = JSON.stringify({
      start: { connected: [] },
      intervals: [],
      end: {},
      error: 'unable to connect to server: Connection refused',
    });
    expect(() => parseIperf3Json(failed)).toThrow(
      'iperf3: unable to connect to server: Connection refused',
    );
  });

  it('rejects text that is not a report', () => {
    expect(() => parseIperf3Json('iperf3: error - unable to connect')).toThrow(/not JSON/);
    expect(() => parseIperf3Json('[1,2]')).toThrow(/not a JSON object/);
    expect(() => parseIperf3Json('{"end":{}}')).toThrow(/sum_sent/);
    expect(() =>
      parseIperf3Json('{"end":{"sum_sent":{"bits_per_second":"x"},"sum_received":{}}}'),
    ).toThrow(/bits_per_second is not a number/);
  });
});

describe('parsePingSummary', () => {
  it("reads the reference client's 20 pings", () => {
    expect(parsePingSummary(fixture('reference-ping.txt'))).toEqual({
      transmitted: 20,
      received: 20,
      rtt: { min: 0.584, avg: 0.671, max: 0.79 },
    });
  });

  it('has no RTT when nothing came back', () => {
    const text =
      '--- 10.78.0.1 ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time 2041ms\n';
    expect(parsePingSummary(text)).toEqual({ transmitted: 3, received: 0, rtt: undefined });
  });

  it('rejects output without a summary', () => {
    expect(() => parsePingSummary('ping: connect: Network is unreachable\n')).toThrow(
      /packets transmitted/,
    );
  });
});

describe('parsePingTimes', () => {
  it('lists every reply time in order', () => {
    const times = parsePingTimes(fixture('reference-ping.txt'));
    expect(times).toHaveLength(20);
    expect(times.slice(0, 3)).toEqual([0.706, 0.654, 0.635]);
    expect(times[19]).toBe(0.608);
    expect(Math.min(...times)).toBe(0.584);
    expect(Math.max(...times)).toBe(0.79);
  });

  it('is empty when nothing came back', () => {
    expect(parsePingTimes('3 packets transmitted, 0 received, 100% packet loss\n')).toEqual([]);
  });
});

describe('referenceSecondsToUp', () => {
  it('measures from "connecting to" to "state: up" in the guest log', () => {
    expect(referenceSecondsToUp(fixture('reference-init.log'))).toBeCloseTo(5.37 - 3.34, 6);
  });

  it('is undefined when the tunnel never came up', () => {
    expect(
      referenceSecondsToUp('[3.34] connecting to 10.77.0.10\n[9.00] state: failed\n'),
    ).toBeUndefined();
  });
});

describe('pppdEncryption', () => {
  it("reads the mode from the reference client's pppd log", () => {
    expect(pppdEncryption(fixture('reference-pppd.log'))).toBe('MPPE 128-bit stateless');
  });

  it('is undefined when pppd enabled no MPPE', () => {
    expect(pppdEncryption('MPPE disabled\nsent [LCP TermReq id=0x2 "MPPE disabled"]\n')).toBe(
      undefined,
    );
  });
});

describe('cpuTicks', () => {
  it('adds utime and stime (fields 14 and 15)', () => {
    const stat =
      '3944 (cat) R 3896 3896 30702 0 -1 4194304 100 0 0 0 7 5 0 0 20 0 1 0 693561 3133440 412';
    expect(cpuTicks(stat)).toBe(12);
  });

  it('counts fields after the last ")" so a command name with spaces or ")" is safe', () => {
    const stat =
      '77 (node ) x (y) S 1 77 77 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 11 0 100 1000 300';
    expect(cpuTicks(stat)).toBe(1234 + 567);
  });

  it('rejects a line that is not a stat line', () => {
    expect(() => cpuTicks('')).toThrow(/stat/);
    expect(() => cpuTicks('1 (x) S 1')).toThrow(/utime/);
  });
});

describe('formatComparison', () => {
  it('prints aligned rows with the pptpkit/reference ratio and n/a for missing figures', () => {
    const table = formatComparison(
      [
        { metric: 'upload Mbit/s', pptpkit: 30, reference: 12 },
        { metric: 'ping avg ms', pptpkit: 0.5, reference: 0.25, digits: 3 },
        { metric: 'CPU %', pptpkit: 40, reference: undefined },
      ],
      'reference',
    );
    expect(table.split('\n')).toEqual([
      '| metric        | pptpkit | reference | ratio pptpkit/reference |',
      '|---------------|--------:|----------:|------------------------:|',
      '| upload Mbit/s |    30.0 |      12.0 |                    2.50 |',
      '| ping avg ms   |   0.500 |     0.250 |                    2.00 |',
      '| CPU %         |    40.0 |       n/a |                     n/a |',
    ]);
  });

  it('formats fault profiles as shares of the clean row and pptpkit/reference ratios', () => {
    const table = formatFaultTable([
      {
        profile: 'clean',
        pptpkit: { down: 50, up: 20, pingLossPercent: 0 },
        reference: { down: 25, up: 20, pingLossPercent: 0 },
      },
      {
        profile: '3 % loss',
        pptpkit: { down: 30, up: 19, pingLossPercent: 5 },
        reference: { down: undefined, up: 4, pingLossPercent: undefined },
      },
    ]).split('\n');
    expect(table[0]).toMatch(/^\| wire +\| pptpkit ↓ Mbit\/s \| of clean \|/);
    expect(table[2]).toMatch(
      /^\| clean +\| +50\.0 \| +100 % \| +20\.0 \| +100 % \| +0 % \| +25\.0 \| +100 % \|/,
    );
    expect(table[3]).toMatch(
      /\| +30\.0 \| +60 % \| +19\.0 \| +95 % \| +5 % \| +n\/a \| +n\/a \| +4\.0 \| +20 % \| +n\/a \| +4\.75 \|$/,
    );
  });

  it('has no ratio against a zero reference', () => {
    expect(ratio(5, 0)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
    expect(ratio(3, 2)).toBe(1.5);
  });
});
