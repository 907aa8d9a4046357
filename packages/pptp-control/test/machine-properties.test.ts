import { PptpkitError } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ControlAction } from '../src/index.js';
import { BackToBack } from './harness.js';

type Op =
  | { op: 'open' }
  | { op: 'clear'; pick: number }
  | { op: 'sli'; pick: number }
  | { op: 'pacDisconnect'; pick: number }
  | { op: 'advance'; ms: number }
  | { op: 'silence' }
  | { op: 'stopPns' }
  | { op: 'stopPac' };

const anyOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ op: 'open' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('clear' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('sli' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('pacDisconnect' as const), pick: fc.nat() }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.nat(90_000) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'silence' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'stopPns' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'stopPac' as const }) },
);

/** Checks that one side's call-up/call-down events alternate per Call ID and end after `down`. */
function checkLifecycle(log: readonly ControlAction[]): void {
  const live = new Set<number>();
  let down = false;
  for (const action of log) {
    // Nothing follows down.
    if (down) expect.unreachable(`${action.type} after down`);
    if (action.type === 'call-up') {
      expect(live.has(action.call.callId)).toBe(false);
      live.add(action.call.callId);
    } else if (action.type === 'call-down') {
      live.delete(action.callId);
      expect(action.reason).toBeInstanceOf(PptpkitError);
      expect(action.reason.code).toMatch(/^PPTP_/);
    } else if (action.type === 'down') {
      expect(action.reason).toBeInstanceOf(PptpkitError);
      expect(action.reason.code).toMatch(/^PPTP_/);
      expect(live.size, 'every live call went down before down').toBe(0);
      down = true;
    }
  }
}

describe('PNS ↔ PAC under random operations (fast-check)', () => {
  it('calls come up and go down consistently on both sides; everything ends typed', () => {
    let runsWithCalls = 0;
    let runsWithCleanClear = 0;
    let runsAtLimit = 0;
    fc.assert(
      fc.property(fc.array(anyOp, { maxLength: 30 }), fc.boolean(), (ops, pptpdStyle) => {
        const link = new BackToBack(
          { echoIntervalMs: 30_000, echoTimeoutMs: 20_000, replyTimeoutMs: 15_000 },
          {
            onCallClear: pptpdStyle ? 'close' : 'notify',
            echoIntervalMs: 45_000,
            maximumChannels: 2,
          },
        ).connect();
        let silent = false;
        for (const op of ops) {
          const pnsCalls = [...link.pns.calls.values()];
          const pacCalls = [...link.pac.calls.values()];
          switch (op.op) {
            case 'open':
              if (link.pns.state === 'established') link.openCall();
              break;
            case 'clear': {
              const call = pnsCalls[op.pick % Math.max(1, pnsCalls.length)];
              if (call !== undefined)
                link.deliver('pns', link.pns.clearCall(link.now, call.callId));
              break;
            }
            case 'sli': {
              const call = pnsCalls.filter((c) => c.state === 'established')[op.pick % 4];
              if (call !== undefined) {
                link.deliver('pns', link.pns.setLinkInfo(link.now, call.callId, 0, 0));
              }
              break;
            }
            case 'pacDisconnect': {
              const call = pacCalls[op.pick % Math.max(1, pacCalls.length)];
              if (call !== undefined && link.pac.state === 'established') {
                link.deliver('pac', link.pac.disconnectCall(link.now, call.callId));
              }
              break;
            }
            case 'advance':
              link.advance(op.ms);
              break;
            case 'silence':
              link.mute.pac = true;
              silent = true;
              break;
            case 'stopPns':
              link.deliver('pns', link.pns.stop(link.now));
              break;
            case 'stopPac':
              if (!silent) link.deliver('pac', link.pac.stop(link.now));
              break;
          }
          // The PAC never holds more calls than the channels it advertised (RFC 2637 §2.2).
          expect(link.pac.calls.size).toBeLessThanOrEqual(2);
          // While both sides are up and talking, they agree on the established calls.
          if (!silent && link.pns.state === 'established' && link.pac.state === 'established') {
            const pnsUp = [...link.pns.calls.values()]
              .filter((c) => c.state === 'established')
              .map((c) => `${c.callId}:${c.peerCallId}`)
              .sort();
            const pacUp = [...link.pac.calls.values()]
              .filter((c) => link.pns.calls.get(c.peerCallId)?.state !== 'wait-disconnect')
              .map((c) => `${c.peerCallId}:${c.callId}`)
              .sort();
            expect(pnsUp).toEqual(pacUp);
          }
        }
        // Time heals: with a silent peer the PNS must end within the echo and reply timeouts.
        link.advance(600_000);
        if (silent) expect(link.pns.state).toBe('closed');
        if (link.actions('pns', 'call-up').length > 0) runsWithCalls++;
        if (link.actions('pns', 'call-down').some((a) => a.clean)) runsWithCleanClear++;
        if (link.actions('pac', 'diagnostic').some((a) => a.code === 'PPTP_CALL_LIMIT'))
          runsAtLimit++;
        checkLifecycle(link.log.pns);
        checkLifecycle(link.log.pac);
        // A closed core has no timer; a live one always has one (the echo keepalive at least).
        for (const core of [link.pns, link.pac]) {
          expect(core.nextDeadline() === Number.POSITIVE_INFINITY).toBe(core.state === 'closed');
        }
        expect(link.pns.counters.messagesSent).toBe(link.actions('pns', 'send').length);
        expect(link.pac.counters.messagesSent).toBe(link.actions('pac', 'send').length);
      }),
      { numRuns: 400 },
    );
    // The property is not vacuous: many runs brought calls up, cleared some cleanly and met the
    // PAC's call limit.
    expect(runsWithCalls).toBeGreaterThan(100);
    expect(runsWithCleanClear).toBeGreaterThan(20);
    expect(runsAtLimit).toBeGreaterThan(3);
  });
});
