/**
 * The automaton under duplicated, late and reordered control packets: copies of requests it
 * already answered, replies that answer nothing outstanding, late Terminate-Acks, and the
 * opt-in `deferAck`. Each case in each state where it matters; RFC 1661 §4.1 where the table
 * applies, and the reasons where it deliberately does not.
 */
import { describe, expect, it } from 'vitest';
import {
  Automaton,
  type AutomatonConfig,
  type AutomatonHooks,
  CP_CODE,
  FSM_STATES,
  type FsmEvent,
  type FsmState,
  type RequestVerdict,
} from '../src/index.js';

const RESTART = 1000;
const CONFIG: AutomatonConfig = {
  restartMs: RESTART,
  maxConfigure: 3,
  maxTerminate: 2,
  maxFailure: 5,
};

/** The peer's options: an acceptable request and one we Nak. */
const GOOD = [0x01, 0x04, 0x05, 0xdc];
const BAD = [0x01, 0x04, 0x00, 0x10];
/** Our own request's options. */
const OURS = Uint8Array.of(0x05, 0x06, 0x12, 0x34, 0x56, 0x78);

const NAMES: Record<number, string> = {
  1: 'Configure-Request',
  2: 'Configure-Ack',
  3: 'Configure-Nak',
  4: 'Configure-Reject',
  5: 'Terminate-Request',
  6: 'Terminate-Ack',
  7: 'Code-Reject',
};

/** Hooks that judge by content and record every packet and layer signal. */
class Recorder implements AutomatonHooks {
  readonly log: string[] = [];
  /** Every packet sent: code and Identifier. */
  readonly sent: { code: number; identifier: number }[] = [];
  requestOptions(): Uint8Array {
    return OURS;
  }
  judgeRequest(data: Uint8Array): RequestVerdict {
    return data[2] === 0x05 ? { code: 2, data } : { code: 3, data: Uint8Array.from(GOOD) };
  }
  receiveAck(data: Uint8Array): boolean {
    return data.length === OURS.length && data.every((b, i) => b === OURS[i]);
  }
  receiveNakOrReject(): boolean {
    return true;
  }
  thisLayerUp(): void {
    this.log.push('tlu');
  }
  thisLayerDown(): void {
    this.log.push('tld');
  }
  thisLayerStarted(): void {
    this.log.push('tls');
  }
  thisLayerFinished(): void {
    this.log.push('tlf');
  }
  extendedCode(): FsmEvent | undefined {
    return 'RUC';
  }
  echoReply(): void {}
  codeRejectPermitted(code: number): boolean {
    return code > 7;
  }
  send(code: number, identifier: number): void {
    this.sent.push({ code, identifier });
    this.log.push(NAMES[code] ?? `code ${code}`);
  }
  maxPacket(): number {
    return 1500;
  }
}

/** An automaton, its recorder and a clock. */
class Rig {
  readonly hooks = new Recorder();
  readonly fsm: Automaton;
  now = 0;
  constructor(config: Partial<AutomatonConfig> = {}) {
    this.fsm = new Automaton(this.hooks, { ...CONFIG, ...config });
  }
  /** Identifier of our last Configure-Request. */
  get ourId(): number {
    return this.hooks.sent.filter((p) => p.code === CP_CODE.CONFIGURE_REQUEST).at(-1)!.identifier;
  }
  get state(): FsmState {
    return this.fsm.state;
  }
  /** Feeds a packet from the peer and returns what the automaton did about it. */
  rx(code: number, identifier: number, data: readonly number[] | Uint8Array = []): string[] {
    const before = this.hooks.log.length;
    this.fsm.receive({ code, identifier, data: Uint8Array.from(data) }, this.now);
    return this.hooks.log.slice(before);
  }
  request(identifier: number, data: readonly number[]): string[] {
    return this.rx(CP_CODE.CONFIGURE_REQUEST, identifier, data);
  }
  ack(): string[] {
    return this.rx(CP_CODE.CONFIGURE_ACK, this.ourId, OURS);
  }
  /** Advances the clock to the Restart timer and fires it. */
  expire(): string[] {
    const before = this.hooks.log.length;
    this.now = this.fsm.nextDeadline();
    this.fsm.timeout(this.now);
    return this.hooks.log.slice(before);
  }
  at(ms: number): this {
    this.now = ms;
    return this;
  }
}

/** A rig brought to `state` by the shortest path through the table (peer requests 1, 2...). */
function rigIn(state: FsmState, config: Partial<AutomatonConfig> = {}): Rig {
  const r = new Rig(config);
  const f = r.fsm;
  const path: Record<FsmState, () => void> = {
    Initial: () => {},
    Starting: () => f.open(0),
    Closed: () => f.up(0),
    Stopped: () => {
      f.open(0);
      f.up(0);
      while (r.state !== 'Stopped') r.expire();
    },
    Closing: () => {
      f.open(0);
      f.up(0);
      f.close(0);
    },
    Stopping: () => {
      path.Opened();
      r.rx(CP_CODE.TERMINATE_REQUEST, 0x70);
    },
    'Req-Sent': () => {
      f.open(0);
      f.up(0);
    },
    'Ack-Rcvd': () => {
      path['Req-Sent']();
      r.ack();
    },
    'Ack-Sent': () => {
      path['Req-Sent']();
      r.request(1, GOOD);
    },
    Opened: () => {
      path['Ack-Sent']();
      r.ack();
    },
  };
  path[state]();
  expect(r.state).toBe(state);
  return r;
}

describe('copies of Configure-Requests already answered (RFC 1661 §5.1)', () => {
  it('Opened: a copy of the Acked request is dropped within half the Restart timer, then Acked again without leaving Opened', () => {
    const r = rigIn('Opened');
    for (const t of [0, 1, 50, RESTART / 2 - 1]) expect(r.at(t).request(1, GOOD)).toEqual([]);
    expect(r.fsm.counters.duplicateRequests).toBe(4);
    // The peer missed our Ack and retransmitted: Ack again, no tld/scr.
    expect(r.at(RESTART).request(1, GOOD)).toEqual(['Configure-Ack']);
    expect(r.state).toBe('Opened');
    expect(r.fsm.counters.reackedRequests).toBe(1);
    // A network copy of that retransmission: dropped again.
    expect(r.at(RESTART + 10).request(1, GOOD)).toEqual([]);
    expect(r.fsm.counters.duplicateRequests).toBe(5);
  });

  it('Opened: a new request (new Identifier, or the same Identifier with other options) renegotiates as the table says (tld,scr,sca/8 or tld,scr,scn/6)', () => {
    const same = rigIn('Opened');
    expect(same.request(2, GOOD)).toEqual(['tld', 'Configure-Request', 'Configure-Ack']);
    expect(same.state).toBe('Ack-Sent');
    const other = rigIn('Opened');
    expect(other.request(1, BAD)).toEqual(['tld', 'Configure-Request', 'Configure-Nak']);
    expect(other.state).toBe('Req-Sent');
  });

  /**
   * The peer's first request (1, Nak'd) was replaced by its second (2). A copy of the first that
   * the network duplicated or held back is no request of the peer's any more.
   */
  const superseded: Record<string, () => Rig> = {
    'Req-Sent': () => {
      const r = rigIn('Req-Sent');
      r.request(1, BAD);
      r.request(
        2,
        BAD.map((b, i) => (i === 3 ? 0x20 : b)),
      );
      return r;
    },
    'Ack-Rcvd': () => {
      const r = rigIn('Req-Sent');
      r.request(1, BAD);
      r.ack();
      r.request(
        2,
        BAD.map((b, i) => (i === 3 ? 0x20 : b)),
      );
      return r;
    },
    'Ack-Sent': () => {
      const r = rigIn('Req-Sent');
      r.request(1, BAD);
      r.request(2, GOOD);
      return r;
    },
    Opened: () => {
      const r = rigIn('Req-Sent');
      r.request(1, BAD);
      r.request(2, GOOD);
      r.ack();
      return r;
    },
  };
  for (const [state, make] of Object.entries(superseded)) {
    it(`${state}: a copy of a request the peer has since replaced is dropped within the Restart timer`, () => {
      const r = make();
      expect(r.state).toBe(state);
      expect(r.at(RESTART - 1).request(1, BAD)).toEqual([]);
      expect(r.state).toBe(state);
      expect(r.fsm.counters.duplicateRequests).toBe(1);
    });
  }

  it('Opened: a copy of a replaced request older than the Restart timer is judged like any request', () => {
    const r = superseded.Opened!();
    expect(r.at(RESTART).request(1, BAD)).toEqual(['tld', 'Configure-Request', 'Configure-Nak']);
    expect(r.state).toBe('Req-Sent');
  });

  it('a copy of the newest request outside Opened is answered again with the same answer and state (table)', () => {
    const sent = rigIn('Ack-Sent');
    expect(sent.request(1, GOOD)).toEqual(['Configure-Ack']);
    expect(sent.state).toBe('Ack-Sent');
    const rcvd = rigIn('Ack-Rcvd');
    expect(rcvd.request(1, BAD)).toEqual(['Configure-Nak']);
    expect(rcvd.request(1, BAD)).toEqual(['Configure-Nak']);
    expect(rcvd.state).toBe('Ack-Rcvd');
    expect(rcvd.fsm.counters.duplicateRequests).toBe(0);
  });
});

describe('Configure-Ack/Nak/Reject that answer no outstanding request (RFC 1661 §5.2–§5.4)', () => {
  /** What each state does with a reply, by whether it carries our last request's Identifier. */
  const expected = (
    state: FsmState,
    code: number,
    ours: boolean,
  ): { log: string[]; next: FsmState } | 'illegal' | 'stale' => {
    switch (state) {
      case 'Initial':
      case 'Starting':
        return 'illegal';
      case 'Closed':
      case 'Stopped':
        // No request of ours: the table answers Terminate-Ack (RFC 1661 §4.2 Closed, Stopped).
        return { log: ['Terminate-Ack'], next: state };
      case 'Closing':
      case 'Stopping':
        return { log: [], next: state };
      case 'Req-Sent':
        if (!ours) return 'stale';
        return code === CP_CODE.CONFIGURE_ACK
          ? { log: [], next: 'Ack-Rcvd' }
          : { log: ['Configure-Request'], next: 'Req-Sent' };
      case 'Ack-Sent':
        if (!ours) return 'stale';
        return code === CP_CODE.CONFIGURE_ACK
          ? { log: ['tlu'], next: 'Opened' }
          : { log: ['Configure-Request'], next: 'Ack-Sent' };
      case 'Ack-Rcvd':
      case 'Opened':
        // Our request was answered already: every reply is a duplicate or a late one.
        return 'stale';
    }
  };
  for (const state of FSM_STATES) {
    for (const code of [CP_CODE.CONFIGURE_ACK, CP_CODE.CONFIGURE_NAK, CP_CODE.CONFIGURE_REJECT]) {
      for (const ours of [true, false]) {
        const outcome = expected(state, code, ours);
        const what = typeof outcome === 'string' ? outcome : `${outcome.next} (${outcome.log})`;
        it(`${state}: ${NAMES[code]} with ${ours ? 'our' : 'another'} Identifier → ${what}`, () => {
          const r = rigIn(state);
          const sent = r.hooks.sent.filter((p) => p.code === CP_CODE.CONFIGURE_REQUEST).at(-1);
          const id = ours && sent !== undefined ? sent.identifier : 0xa5;
          const before = { ...r.fsm.counters };
          const data = code === CP_CODE.CONFIGURE_ACK ? OURS : Uint8Array.from([0x05, 0x06]);
          const log = r.rx(code, id, data);
          if (outcome === 'illegal' || outcome === 'stale') {
            expect(log).toEqual([]);
            expect(r.state).toBe(state);
            const counter = outcome === 'illegal' ? 'illegalEvents' : 'staleReplies';
            expect(r.fsm.counters[counter]).toBe(before[counter] + 1);
          } else {
            expect(log).toEqual(outcome.log);
            expect(r.state).toBe(outcome.next);
          }
        });
      }
    }
  }
});

describe('Terminate-Ack and Terminate-Request (RFC 1661 §5.5)', () => {
  it('Opened: a Terminate-Ack with the Identifier of our recent request is a late answer, dropped', () => {
    const r = rigIn('Opened');
    expect(r.at(RESTART - 1).rx(CP_CODE.TERMINATE_ACK, r.ourId)).toEqual([]);
    expect(r.state).toBe('Opened');
    expect(r.fsm.counters.staleTerminateAcks).toBe(1);
  });

  it('Opened: an unelicited Terminate-Ack (an Identifier we did not use, or ours long ago) renegotiates (tld,scr/6; pppd fsm_rtermack does the same)', () => {
    const other = rigIn('Opened');
    expect(other.rx(CP_CODE.TERMINATE_ACK, (other.ourId + 128) & 0xff)).toEqual([
      'tld',
      'Configure-Request',
    ]);
    expect(other.state).toBe('Req-Sent');
    const old = rigIn('Opened');
    expect(old.at(RESTART).rx(CP_CODE.TERMINATE_ACK, old.ourId)).toEqual([
      'tld',
      'Configure-Request',
    ]);
    expect(old.state).toBe('Req-Sent');
  });

  it('Ack-Rcvd: a late Terminate-Ack of our request does not undo the Ack; an unelicited one does (table: 6)', () => {
    const late = rigIn('Ack-Rcvd');
    expect(late.rx(CP_CODE.TERMINATE_ACK, late.ourId)).toEqual([]);
    expect(late.state).toBe('Ack-Rcvd');
    expect(late.request(1, GOOD)).toEqual(['Configure-Ack', 'tlu']);
    const other = rigIn('Ack-Rcvd');
    expect(other.rx(CP_CODE.TERMINATE_ACK, (other.ourId + 128) & 0xff)).toEqual([]);
    expect(other.state).toBe('Req-Sent');
  });

  it('Req-Sent, Ack-Sent: any Terminate-Ack changes nothing (table)', () => {
    for (const state of ['Req-Sent', 'Ack-Sent'] as const) {
      const r = rigIn(state);
      expect(r.rx(CP_CODE.TERMINATE_ACK, r.ourId)).toEqual([]);
      expect(r.state).toBe(state);
    }
  });

  it('Closing: duplicated Terminate-Requests are each Acked and keep Closing; the Terminate-Ack and its copy finish once', () => {
    const r = rigIn('Closing');
    const str = r.hooks.sent.at(-1)!;
    expect(str.code).toBe(CP_CODE.TERMINATE_REQUEST);
    expect(r.rx(CP_CODE.TERMINATE_REQUEST, 0x40)).toEqual(['Terminate-Ack']);
    expect(r.rx(CP_CODE.TERMINATE_REQUEST, 0x40)).toEqual(['Terminate-Ack']);
    expect(r.state).toBe('Closing');
    expect(r.rx(CP_CODE.TERMINATE_ACK, str.identifier)).toEqual(['tlf']);
    expect(r.rx(CP_CODE.TERMINATE_ACK, str.identifier)).toEqual([]);
    expect(r.state).toBe('Closed');
  });

  it("Opened: the peer's Terminate-Request ends the layer once; its copies are Acked in Stopping", () => {
    const r = rigIn('Opened');
    expect(r.rx(CP_CODE.TERMINATE_REQUEST, 0x41)).toEqual(['tld', 'Terminate-Ack']);
    expect(r.rx(CP_CODE.TERMINATE_REQUEST, 0x41)).toEqual(['Terminate-Ack']);
    expect(r.state).toBe('Stopping');
    expect(r.expire()).toEqual(['tlf']);
    expect(r.rx(CP_CODE.TERMINATE_REQUEST, 0x41)).toEqual(['Terminate-Ack']);
    expect(r.state).toBe('Stopped');
  });
});

describe('deferAck: Ack the peer only once our own request is Acked', () => {
  it('holds an acceptable request in Req-Sent and answers it when our Ack arrives (Req-Sent → Ack-Rcvd → Opened)', () => {
    const r = rigIn('Req-Sent', { deferAck: true });
    expect(r.request(1, GOOD)).toEqual([]);
    expect(r.state).toBe('Req-Sent');
    expect(r.fsm.counters.deferredRequests).toBe(1);
    expect(r.ack()).toEqual(['Configure-Ack', 'tlu']);
    expect(r.state).toBe('Opened');
    expect(r.hooks.sent.at(-1)).toEqual({ code: CP_CODE.CONFIGURE_ACK, identifier: 1 });
  });

  it('releases it at the second Restart timeout, after our retransmitted request', () => {
    const r = rigIn('Req-Sent', { deferAck: true });
    const id = r.ourId;
    r.request(1, GOOD);
    expect(r.expire()).toEqual(['Configure-Request']);
    // The peer retransmits: the copy is held in its place, the count of timeouts goes on.
    expect(r.request(1, GOOD)).toEqual([]);
    expect(r.expire()).toEqual(['Configure-Request', 'Configure-Ack']);
    expect(r.ourId).toBe(id);
    expect(r.state).toBe('Ack-Sent');
    expect(r.ack()).toEqual(['tlu']);
  });

  it('the Ack of our first retransmission releases it before the second timeout', () => {
    const r = rigIn('Req-Sent', { deferAck: true });
    r.request(1, GOOD);
    expect(r.expire()).toEqual(['Configure-Request']);
    expect(r.ack()).toEqual(['Configure-Ack', 'tlu']);
    expect(r.state).toBe('Opened');
  });

  it('a new hold counts its timeouts afresh', () => {
    const r = rigIn('Req-Sent', { deferAck: true, maxConfigure: 10 });
    r.request(1, GOOD);
    expect(r.expire()).toEqual(['Configure-Request']);
    expect(r.request(2, BAD)).toEqual(['Configure-Nak']);
    expect(r.request(3, GOOD)).toEqual([]);
    expect(r.expire()).toEqual(['Configure-Request']);
    expect(r.expire()).toEqual(['Configure-Request', 'Configure-Ack']);
  });

  it('a retransmission of the held request replaces it; a newer unacceptable one supersedes it', () => {
    const r = rigIn('Req-Sent', { deferAck: true });
    r.request(1, GOOD);
    expect(r.request(1, GOOD)).toEqual([]);
    expect(r.request(2, BAD)).toEqual(['Configure-Nak']);
    expect(r.ack()).toEqual([]);
    expect(r.state).toBe('Ack-Rcvd');
  });

  it('Nak/Reject answers are never held, and outside Req-Sent nothing is held', () => {
    const r = rigIn('Req-Sent', { deferAck: true });
    expect(r.request(1, BAD)).toEqual(['Configure-Nak']);
    const rcvd = rigIn('Ack-Rcvd', { deferAck: true });
    expect(rcvd.request(1, GOOD)).toEqual(['Configure-Ack', 'tlu']);
    expect(rcvd.fsm.counters.deferredRequests).toBe(0);
  });

  it('a held request is dropped when the automaton leaves Req-Sent otherwise (Close, Down, TO-)', () => {
    const closed = rigIn('Req-Sent', { deferAck: true });
    closed.request(1, GOOD);
    closed.fsm.close(closed.now);
    expect(closed.state).toBe('Closing');
    expect(closed.hooks.sent.some((p) => p.code === CP_CODE.CONFIGURE_ACK)).toBe(false);
    const down = rigIn('Req-Sent', { deferAck: true });
    down.request(1, GOOD);
    down.fsm.down(0);
    down.fsm.up(0);
    expect(down.state).toBe('Req-Sent');
    expect(down.ack()).toEqual([]);
    expect(down.state).toBe('Ack-Rcvd');
  });
});
