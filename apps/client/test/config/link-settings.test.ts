import { type PppAction, PppLink } from '@pptpkit/ppp-lcp-ipcp';
import { describe, expect, it } from 'vitest';
import {
  addressProblem,
  limitReached,
  linkTuning,
  loadPeer,
  type PeerSettings,
} from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';

const settingsOf = (options: string): PeerSettings =>
  loadPeer('p', {
    read: (path) => (path === '/etc/ppp/peers/p' ? `pptp-server h\n${options}\n` : NO_SUCH_FILE),
    globalOptions: false,
  }).settings;

/** A client link built from the settings, as the session builds it. */
function linkFor(s: PeerSettings): PppLink {
  const t = linkTuning(s);
  let n = 0;
  return new PppLink({
    role: 'client',
    randomBytes: (len) => Uint8Array.from({ length: len }, () => ++n & 0xff),
    lcp: t.lcp,
    ipcp: t.ipcp,
    automaton: t.automaton,
  });
}

/** The option types of the LCP Configure-Requests among the actions (RFC 1661 §5.1, §6). */
function lcpRequests(actions: readonly PppAction[]): number[][] {
  const requests: number[][] = [];
  for (const a of actions) {
    if (a.type !== 'send') continue;
    const f = a.frame;
    // FF 03 C0 21, then Code 1 (Configure-Request), Identifier, Length, options.
    if (f[0] !== 0xff || f[2] !== 0xc0 || f[3] !== 0x21 || f[4] !== 1) continue;
    const types: number[] = [];
    for (let i = 8; i < f.length; i += f[i + 1]!) types.push(f[i]!);
    requests.push(types);
  }
  return requests;
}

/** When the link wants `timeout` next, or `undefined` when it waits for nothing (Infinity). */
const deadline = (link: PppLink): number | undefined => {
  const at = link.nextDeadline();
  return at === Number.POSITIVE_INFINITY ? undefined : at;
};

describe('linkTuning: the options reach the PPP link', () => {
  it('asks for magic, PFC and ACFC by default, and for none of them with nomagic noaccomp nopcomp', () => {
    // RFC 1661 §6: 1 MRU, 5 Magic-Number, 7 PFC, 8 ACFC.
    expect(lcpRequests(linkFor(settingsOf('')).start(0))[0]!.sort()).toEqual([5, 7, 8]);
    expect(lcpRequests(linkFor(settingsOf('mru 1400')).start(0))[0]!.sort()).toEqual([1, 5, 7, 8]);
    expect(lcpRequests(linkFor(settingsOf('noaccomp -pc mru 1400 default-mru')).start(0))).toEqual([
      [5],
    ]);
    expect(lcpRequests(linkFor(settingsOf('-all')).start(0))).toEqual([[]]);
  });

  it('retransmits LCP every lcp-restart seconds and gives up after lcp-max-configure', () => {
    const link = linkFor(settingsOf('lcp-restart 5 lcp-max-configure 3'));
    const first = link.start(1000);
    expect(deadline(link)).toBe(6000);
    let sent = lcpRequests(first).length;
    let now = 6000;
    let down = false;
    for (let i = 0; i < 10 && !down; i++) {
      const actions = link.timeout(now);
      sent += lcpRequests(actions).length;
      down = actions.some((a) => a.type === 'down');
      now = deadline(link) ?? now;
    }
    expect(down).toBe(true);
    expect(sent).toBe(3);
  });

  it('passes lcp-echo-interval and lcp-echo-failure 0 (pppd: never declare the peer dead) to LCP', () => {
    expect(linkTuning(settingsOf('lcp-echo-interval 5 lcp-echo-failure 0')).lcp).toMatchObject({
      echoIntervalMs: 5000,
      echoFailure: 0,
    });
    expect(linkTuning(settingsOf('')).lcp).toMatchObject({
      echoIntervalMs: 30_000,
      echoFailure: 4,
    });
  });

  it('with lcp-echo-failure 0 a link whose peer stops answering echoes stays up, echoing', () => {
    // IPCP retries for long enough not to end the link first.
    const link = linkFor(
      settingsOf('lcp-echo-interval 1 lcp-echo-failure 0 ipcp-max-configure 1000 nomppe noccp'),
    );
    const ours = link.start(0).find((a) => a.type === 'send')!;
    if (ours.type !== 'send') throw new Error('no Configure-Request');
    // The peer Acks our Configure-Request (code 2, same Identifier and options) and sends an empty
    // one of its own (RFC 1661 §5.1, §5.2): LCP is Opened, then it never speaks again.
    const ack = Uint8Array.from(ours.frame);
    ack[4] = 2;
    link.receive(ack, 0);
    const opened = link.receive(Uint8Array.of(0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4), 0);
    expect(link.lcpState).toBe('Opened');
    let now = 0;
    let echoes = 0;
    const actions: PppAction[] = [...opened];
    for (let i = 0; i < 1000 && now < 60_000; i++) {
      now = deadline(link) ?? now + 1000;
      actions.splice(0, actions.length, ...link.timeout(now));
      expect(actions.filter((a) => a.type === 'down')).toEqual([]);
      // FF 03 C0 21 09: LCP Echo-Request (RFC 1661 §5.8).
      echoes += actions.filter(
        (a) => a.type === 'send' && a.frame[2] === 0xc0 && a.frame[3] === 0x21 && a.frame[4] === 9,
      ).length;
    }
    expect(now).toBeGreaterThanOrEqual(60_000);
    expect(link.lcpState).toBe('Opened');
    expect(echoes).toBe(60);
  });

  it('keeps LCP and IPCP timers apart, asks for the local address, and reports noccp', () => {
    const t = linkTuning(
      settingsOf(
        'lcp-restart 2 ipcp-restart 7 ipcp-max-failure 9 10.1.2.3: noccp nomppe usepeerdns',
      ),
    );
    expect(t.lcp.automaton).toEqual({
      restartMs: 2000,
      maxConfigure: 10,
      maxTerminate: 2,
      maxFailure: 5,
    });
    expect(t.automaton).toEqual({ restartMs: 7000, maxFailure: 9 });
    expect(t.ipcp).toEqual({ requestDns: true, localAddress: 0x0a010203 });
    expect(t.ccp).toBe(false);
  });
});

describe('addressProblem and limitReached', () => {
  it('insists on local:remote unless ipcp-accept-local/-remote', () => {
    const s = settingsOf('10.0.0.2:10.0.0.1');
    expect(addressProblem(s, '10.0.0.2', '10.0.0.1')).toBeUndefined();
    expect(addressProblem(s, '10.0.0.9', '10.0.0.1')).toMatch(
      /gave us 10\.0\.0\.9.*insist on 10\.0\.0\.2/,
    );
    expect(addressProblem(s, '10.0.0.2', '10.0.0.7')).toMatch(/ipcp-accept-remote/);
    const accepting = settingsOf('10.0.0.2:10.0.0.1 ipcp-accept-local ipcp-accept-remote');
    expect(addressProblem(accepting, '10.0.0.9', '10.0.0.7')).toBeUndefined();
    expect(addressProblem(settingsOf(''), '1.2.3.4', '5.6.7.8')).toBeUndefined();
  });

  it('idle counts from the last data (or from up), maxconnect from up', () => {
    const s = settingsOf('idle 60 maxconnect 3600');
    expect(limitReached(s, 0, 0, 59_999)).toBeUndefined();
    expect(limitReached(s, 0, 0, 60_000)).toBe('idle');
    expect(limitReached(s, 0, 30_000, 60_000)).toBeUndefined();
    expect(limitReached(s, 0, 3_590_000, 3_600_000)).toBe('maxconnect');
    expect(limitReached(settingsOf('idle 60 idle 0'), 0, 0, 1e9)).toBeUndefined();
  });
});
