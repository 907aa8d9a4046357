/**
 * GRE is not ordered with the TCP control connection: a server's first LCP packet, sent right
 * after its Outgoing-Call-Reply, can reach the client first. The client keeps such packets
 * (up to 4) and hands them over once the call is up, instead of losing them and waiting out
 * LCP's 3 s restart timer (RFC 1661 §4.6).
 */
import { describe, expect, it } from 'vitest';
import { testClient } from '../src/client-options.js';
import { fakePptpd } from '../src/fake-pptpd.js';
import { TunnelPair } from '../src/pair.js';

describe('GRE that overtakes the Outgoing-Call-Reply', () => {
  it('is kept and used: the tunnel comes up without an LCP restart', () => {
    const p = new TunnelPair({
      seed: 5,
      client: (sink, random) => testClient(sink, random),
      server: (sink, random) => fakePptpd(sink, random),
      // The control stream is slow, GRE fast: the server's LCP request arrives first.
      controlDelayMs: 40,
    });
    p.start();
    expect(p.runUntil(() => p.client.tunnel.state === 'up', 10_000)).toBe(true);
    // Without the kept packet the client waits out the server's LCP restart (4.1 s here).
    expect(p.clock.now).toBeLessThan(3000);
    const sent = p.server.frames.filter((f) => f.direction === 'sent' && f.frame[2] === 0xc0);
    const lcpRequests = sent.filter((f) => f.frame[4] === 1);
    expect(lcpRequests).toHaveLength(1);
  });
});
