/**
 * Links that are up meet duplicated, late and reordered control packets: LCP echoes, Protocol-
 * and Code-Rejects, CCP Reset-Request/Reset-Ack; and the lost final Configure-Ack that makes
 * pppd drop an MPPE link, with and without `deferAck`.
 */
import { DEFAULT_MPPE_POLICY, mppeCcpPolicy } from '@pptpkit/mppe';
import { describe, expect, it } from 'vitest';
import {
  CP_CODE,
  type LinkPolicy,
  PPP_PROTOCOL,
  type PppAction,
  type PppLinkOptions,
} from '../src/index.js';
import { controlFrame, decodeSent, type SentPacket, sentPackets } from './decode-helpers.js';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';
import { ScriptedPeer } from './scripted-peer.js';

const addresses = { localAddress: ipv4('10.9.0.1'), peerAddress: ipv4('10.9.0.2') };

function pair(
  client: Partial<Omit<PppLinkOptions, 'role'>> = {},
  server: Partial<Omit<PppLinkOptions, 'role'>> = {},
): BackToBack {
  const b = new BackToBack(
    { randomBytes: seededRandom(61), ...client },
    { randomBytes: seededRandom(62), ipcp: addresses, ...server },
  );
  b.start();
  b.run(5_000);
  expect(b.actions('client', 'up')).toHaveLength(1);
  return b;
}

/** Feeds `frame` to the client and returns the control packets it sent in answer. */
function toClient(b: BackToBack, frame: Uint8Array): SentPacket[] {
  const actions = b.client.receive(frame, b.now);
  b.handle('client', actions);
  return sentPackets(actions);
}

const kinds = (actions: readonly PppAction[]): string[] => actions.map((a) => a.type);

describe('LCP Echo under duplication and reordering (RFC 1661 §5.8)', () => {
  it('every Echo-Request in Opened is answered, copies and reordered ones alike, with its own Identifier', () => {
    const b = pair();
    const magic = [0x12, 0x34, 0x56, 0x78];
    for (const id of [5, 5, 3, 4, 3, 5]) {
      const answers = toClient(b, controlFrame(PPP_PROTOCOL.LCP, CP_CODE.ECHO_REQUEST, id, magic));
      expect(answers.map((p) => [p.protocol, p.code, p.identifier])).toEqual([
        [PPP_PROTOCOL.LCP, CP_CODE.ECHO_REPLY, id],
      ]);
    }
    expect(b.client.status()).toMatchObject({ lcp: 'Opened', ipcp: 'Opened', phase: 'network' });
    expect(b.actions('client', 'down')).toHaveLength(0);
  });

  it('Echo-Requests before LCP is Opened are silently discarded', () => {
    const peer = new ScriptedPeer({});
    peer.start();
    expect(peer.link.lcpState).toBe('Req-Sent');
    peer.send(PPP_PROTOCOL.LCP, CP_CODE.ECHO_REQUEST, 7, [1, 2, 3, 4]);
    expect(peer.lastSent()).toEqual([]);
    peer.send(PPP_PROTOCOL.LCP, CP_CODE.CONFIGURE_REQUEST, 1, []);
    expect(peer.link.lcpState).toBe('Ack-Sent');
    peer.send(PPP_PROTOCOL.LCP, CP_CODE.ECHO_REQUEST, 8, [1, 2, 3, 4]);
    expect(peer.lastSent()).toEqual([]);
  });

  it("keepalive as pppd's: a failure after Echo-Failure unanswered requests in a row; any reply, late or duplicated, resets the count; the round trip is timed once", () => {
    const held: Uint8Array[] = [];
    const b = new BackToBack(
      {
        randomBytes: seededRandom(63),
        lcp: { echoIntervalMs: 1000, echoFailure: 3 },
      },
      { randomBytes: seededRandom(64), ipcp: addresses },
    );
    // The server's Echo-Replies are kept back; the test delivers them itself.
    b.filter = (from, frame) => {
      const p = decodeSent(frame);
      if (from === 'server' && p.protocol === PPP_PROTOCOL.LCP && p.code === CP_CODE.ECHO_REPLY) {
        held.push(frame);
        return [];
      }
      return [frame];
    };
    b.start();
    b.run(0);
    const upAt = b.now;
    b.run(upAt + 1000);
    expect(b.client.status().lcpEchoesUnanswered).toBe(1);
    expect(held).toHaveLength(1);
    // The reply arrives twice, 40 ms late.
    b.now += 40;
    toClient(b, held[0]!);
    toClient(b, held[0]!);
    expect(b.client.status().lcpEchoesUnanswered).toBe(0);
    expect(b.client.lcpEchoRttMs).toBe(40);
    // Two unanswered, then a late reply to the first of them: pending back to 0 (pppd resets
    // lcp_echos_pending on any valid reply), the round trip stays that of the answered one.
    b.run(upAt + 3000);
    expect(b.client.status().lcpEchoesUnanswered).toBe(2);
    toClient(b, held[1]!);
    expect(b.client.status().lcpEchoesUnanswered).toBe(0);
    expect(b.client.lcpEchoRttMs).toBe(40);
    // Then three unanswered requests (at 4, 5, 6 s) and the link fails at the fourth interval.
    b.run(upAt + 6000);
    expect(b.client.status().lcpEchoesUnanswered).toBe(3);
    expect(b.actions('client', 'down')).toHaveLength(0);
    b.run(upAt + 7000);
    expect(b.actions('client', 'down')[0]?.reason.code).toBe('PPP_ECHO_TIMEOUT');
  });
});

describe('duplicated Protocol-Reject and Code-Reject of things already handled', () => {
  it('a copy of the Protocol-Reject of IPv6CP neither ends the link nor restarts anything', () => {
    const b = pair({ policy: { ipv6: true } }, { policy: { ipv6: false } });
    const reject = b
      .sent('server')
      .find((f) => decodeSent(f).protocol === PPP_PROTOCOL.LCP && decodeSent(f).code === 8);
    expect(reject).toBeDefined();
    for (let i = 0; i < 3; i++) expect(toClient(b, reject!)).toEqual([]);
    expect(b.client.status()).toMatchObject({ lcp: 'Opened', ipcp: 'Opened', ipv6cp: 'Stopped' });
    expect(kinds(b.log.filter((l) => l.side === 'client').map((l) => l.action))).not.toContain(
      'down',
    );
  });

  it('copies of a Code-Reject of Echo-Request stop the keepalive once and keep the link', () => {
    const b = pair({ lcp: { echoIntervalMs: 1000, echoFailure: 2 } });
    const rejected = [CP_CODE.ECHO_REQUEST, 9, 0, 8, 0, 0, 0, 0];
    for (const id of [0x51, 0x51]) {
      expect(
        toClient(b, controlFrame(PPP_PROTOCOL.LCP, CP_CODE.CODE_REJECT, id, rejected)),
      ).toEqual([]);
    }
    const echoesBefore = b.sent('client').filter((f) => decodeSent(f).code === 9).length;
    b.run(b.now + 10_000);
    expect(b.sent('client').filter((f) => decodeSent(f).code === 9).length).toBe(echoesBefore);
    expect(b.client.status().lcp).toBe('Opened');
    expect(b.actions('client', 'down')).toHaveLength(0);
  });
});

const MPPE: LinkPolicy = { ccp: mppeCcpPolicy(DEFAULT_MPPE_POLICY), requireMppe: true };

describe('CCP Reset-Request and Reset-Ack duplicated or reordered (RFC 1962 §3.1)', () => {
  it('each copy of a Reset-Request is Acked with its Identifier and reported; CCP stays Opened', () => {
    const b = pair({ policy: MPPE }, { policy: MPPE });
    for (let i = 0; i < 2; i++) {
      const actions = b.client.receive(
        controlFrame(PPP_PROTOCOL.CCP, CP_CODE.RESET_REQUEST, 0x33, []),
        b.now,
      );
      expect(sentPackets(actions).map((p) => [p.code, p.identifier])).toEqual([
        [CP_CODE.RESET_ACK, 0x33],
      ]);
      expect(actions.filter((a) => a.type === 'ccp-reset-request')).toEqual([
        { type: 'ccp-reset-request', identifier: 0x33 },
      ]);
    }
    expect(b.client.ccpState).toBe('Opened');
  });

  it('repeated Reset-Requests keep their Identifier until the Ack; the Ack is reported once, its copies and unsolicited ones are counted', () => {
    const b = pair({ policy: MPPE }, { policy: MPPE });
    const resets = (): SentPacket[] =>
      b
        .sent('client')
        .map(decodeSent)
        .filter((p) => p.protocol === PPP_PROTOCOL.CCP && p.code === CP_CODE.RESET_REQUEST);
    b.handle('client', b.client.ccpResetRequest(b.now));
    b.handle('client', b.client.ccpResetRequest(b.now));
    const [first, second] = resets();
    expect(second!.identifier).toBe(first!.identifier);
    b.run(b.now + 10);
    // The server Acked both copies: one report, one stale.
    expect(b.actions('client', 'ccp-reset-ack')).toEqual([
      { type: 'ccp-reset-ack', identifier: first!.identifier },
    ]);
    expect(b.client.stats()['0x80fd']?.staleResetAcks).toBe(1);
    toClient(b, controlFrame(PPP_PROTOCOL.CCP, CP_CODE.RESET_ACK, 0x99, []));
    expect(b.client.stats()['0x80fd']?.staleResetAcks).toBe(2);
    // Once Acked, the next Reset-Request is a new one.
    b.handle('client', b.client.ccpResetRequest(b.now));
    expect(resets().at(-1)!.identifier).not.toBe(first!.identifier);
    expect(b.client.ccpState).toBe('Opened');
    expect(b.actions('client', 'ccp-reset-ack')).toHaveLength(1);
  });
});

describe('the lost final Configure-Ack (pppd\'s "MPPE disabled")', () => {
  /**
   * The server Acks the client's CCP request and receives the client's Ack of its own: the
   * server is Opened. If that Configure-Ack is lost, the client, still in Ack-Sent, retransmits
   * its request a Restart period later and it reaches a server in Opened. pppd renegotiates
   * then (fsm_rconfreq, OPENED), its `ccp_down` sees MPPE and LCP still Opened, logs "MPPE
   * disabled" and closes LCP. Here the server is our own link, which survives; the test records
   * the condition that ends a pppd server.
   */
  function run(deferAck: boolean): { reachedOpened: number; up: number; upAt: number } {
    const b = new BackToBack(
      {
        randomBytes: seededRandom(71),
        policy: MPPE,
        automaton: { deferAck },
      },
      { randomBytes: seededRandom(72), policy: MPPE, ipcp: addresses },
    );
    let dropped = false;
    b.filter = (from, frame) => {
      const p = decodeSent(frame);
      if (
        !dropped &&
        from === 'server' &&
        p.protocol === PPP_PROTOCOL.CCP &&
        p.code === CP_CODE.CONFIGURE_ACK
      ) {
        dropped = true;
        return [];
      }
      return [frame];
    };
    let reachedOpened = 0;
    const receive = b.server.receive.bind(b.server);
    b.server.receive = (frame, now) => {
      const p = decodeSent(frame);
      if (
        p.protocol === PPP_PROTOCOL.CCP &&
        p.code === CP_CODE.CONFIGURE_REQUEST &&
        b.server.ccpState === 'Opened'
      )
        reachedOpened++;
      return receive(frame, now);
    };
    b.start();
    b.run(30_000);
    expect(dropped).toBe(true);
    const up = b.log.find((l) => l.side === 'client' && l.action.type === 'up');
    return { reachedOpened, up: b.actions('client', 'up').length, upAt: up?.at ?? -1 };
  }

  it('without deferAck, the retransmitted request reaches a server whose CCP is Opened', () => {
    expect(run(false).reachedOpened).toBe(1);
  });

  it('two links that both defer meet at the second Restart timeout', () => {
    const b = new BackToBack(
      { randomBytes: seededRandom(73), policy: MPPE, automaton: { deferAck: true } },
      {
        randomBytes: seededRandom(74),
        policy: MPPE,
        ipcp: addresses,
        automaton: { deferAck: true },
      },
    );
    b.start();
    b.run(30_000);
    const up = b.log.filter((l) => l.action.type === 'up');
    expect(up.map((l) => l.side).sort()).toEqual(['client', 'server']);
    // LCP waits two 3 s Restart periods, then CCP and IPCP (negotiated side by side) two more.
    expect(up.map((l) => l.at)).toEqual([12_000, 12_000]);
    expect(b.actions('client', 'down')).toHaveLength(0);
  });

  it('with deferAck, it never does, and the link is up one Restart period later', () => {
    const { reachedOpened, up, upAt } = run(true);
    expect(reachedOpened).toBe(0);
    expect(up).toBe(1);
    expect(upAt).toBe(3000);
  });
});
