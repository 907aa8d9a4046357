import { readFileSync } from 'node:fs';
import {
  AuthenticationError,
  fromHex,
  NegotiationError,
  ProtocolError,
  TimeoutError,
} from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  type ControlAction,
  encodeControlMessage,
  OcrpResult,
  PnsControlConnection,
  StopReason,
} from '../src/index.js';
import { BackToBack, seededRandom } from './harness.js';

/** A control-message encoding from scapy's test/pptp.uts (see vectors/scapy-pptp.json). */
function scapyHex(name: string): string {
  const vectors = JSON.parse(
    readFileSync(new URL('./vectors/scapy-pptp.json', import.meta.url), 'utf8'),
  ) as { cases: { name: string; hex: string }[] };
  return vectors.cases.find((c) => c.name === name)!.hex;
}

function upAndCall(pns = {}, pac = {}): { link: BackToBack; callId: number } {
  const link = new BackToBack(pns, pac).connect();
  const callId = link.openCall();
  return { link, callId };
}

describe('PNS ↔ PAC back to back (RFC 2637 §3.1, §3.2.4)', () => {
  it('brings the control connection up with SCCRQ/SCCRP', () => {
    const link = new BackToBack({ hostName: 'pns.example', vendorString: 'test' }).connect();
    expect(link.sent('pns')).toEqual(['start-control-connection-request']);
    expect(link.sent('pac')).toEqual(['start-control-connection-reply']);
    expect(link.pns.state).toBe('established');
    expect(link.pac.state).toBe('established');
    const [pnsUp] = link.actions('pns', 'up');
    const [pacUp] = link.actions('pac', 'up');
    expect(pnsUp?.peer.hostName).toBe('pac.example');
    expect(pnsUp?.peer.protocolVersion).toBe(0x0100);
    expect(pacUp?.peer).toMatchObject({
      hostName: 'pns.example',
      vendorString: 'test',
      maximumChannels: 0,
    });
    const sccrq = link.actions('pns', 'send')[0]!.message;
    expect(sccrq).toMatchObject({
      protocolVersion: 0x0100,
      framingCapabilities: 1,
      bearerCapabilities: 1,
    });
  });

  it('brings a call up with OCRQ/OCRP; each side learns the other side’s Call ID and window', () => {
    const { link, callId } = upAndCall({ receiveWindow: 32 }, { receiveWindow: 64 });
    const [pnsCall] = link.actions('pns', 'call-up');
    const [pacCall] = link.actions('pac', 'call-up');
    expect(pnsCall?.call.callId).toBe(callId);
    expect(pacCall?.call.peerCallId).toBe(callId);
    expect(pnsCall?.call.peerCallId).toBe(pacCall?.call.callId);
    expect(pnsCall?.call.peerReceiveWindow).toBe(64);
    expect(pacCall?.call.peerReceiveWindow).toBe(32);
    expect(pnsCall?.call.callSerialNumber).toBe(pacCall?.call.callSerialNumber);
    const ocrq = link.actions('pns', 'send')[1]!.message;
    expect(ocrq).toMatchObject({ type: 'outgoing-call-request', callId, receiveWindowSize: 32 });
    expect(link.pns.calls.get(callId)?.state).toBe('established');
  });

  it('takes the Call ID and serial number from the injected randomBytes', () => {
    const bytes = [0, 0, 0, 7, 0x12, 0x34, 0xbe, 0xef];
    const pns = new PnsControlConnection({
      randomBytes: (n) => new Uint8Array(bytes.splice(0, n)),
    });
    pns.start(0);
    const { callId, actions } = pns.openCall(0);
    expect(callId).toBe(0x1234);
    // Queued until the connection is up: nothing sent yet.
    expect(actions.filter((a) => a.type === 'send')).toEqual([]);
    expect(pns.calls.get(callId)?.callSerialNumber).toBe(0xbeef);
    expect(pns.calls.get(callId)?.state).toBe('queued');
  });

  it('sends a call requested before the connection was up once SCCRP arrives', () => {
    const link2 = new BackToBack();
    link2.deliver('pac', link2.pac.start(0));
    const early = link2.pns.start(0);
    const { callId, actions } = link2.pns.openCall(0);
    link2.deliver('pns', [...early, ...actions]);
    expect(link2.sent('pns')).toEqual([
      'start-control-connection-request',
      'outgoing-call-request',
    ]);
    expect(link2.actions('pns', 'call-up')[0]?.call.callId).toBe(callId);
  });

  it('sends Set-Link-Info on an ACCM change; the PAC reports it for its own Call ID', () => {
    const { link, callId } = upAndCall();
    link.deliver('pns', link.pns.setLinkInfo(link.now, callId, 0, 0xffffffff));
    const pacCallId = link.actions('pac', 'call-up')[0]!.call.callId;
    expect(link.actions('pac', 'link-info')).toEqual([
      { type: 'link-info', callId: pacCallId, sendAccm: 0, receiveAccm: 0xffffffff },
    ]);
    expect(() => link.pns.setLinkInfo(link.now, callId + 1, 0, 0)).toThrow(RangeError);
  });

  it('counts WAN-Error-Notify per call and in the counters', () => {
    const { link, callId } = upAndCall();
    const pacCallId = link.actions('pac', 'call-up')[0]!.call.callId;
    const counters = {
      crcErrors: 1,
      framingErrors: 2,
      hardwareOverruns: 3,
      bufferOverruns: 4,
      timeoutErrors: 5,
      alignmentErrors: 6,
    };
    link.deliver('pac', link.pac.sendWanErrorNotify(link.now, pacCallId, counters));
    link.deliver('pac', link.pac.sendWanErrorNotify(link.now, pacCallId, counters));
    const wan = link.actions('pns', 'wan-error');
    expect(wan.map((w) => [w.callId, w.count])).toEqual([
      [callId, 1],
      [callId, 2],
    ]);
    expect(wan[0]?.counters).toMatchObject(counters);
    expect(link.pns.counters.wanErrorNotifies).toBe(2);
    expect(link.pns.calls.get(callId)?.wanErrors).toBe(2);
  });

  describe('echo keepalive (RFC 2637 §3.1.4)', () => {
    it('sends an Echo-Request after the idle time; the peer answers; nothing goes down', () => {
      const { link } = upAndCall({ echoIntervalMs: 10_000 }, { echoIntervalMs: 600_000 });
      link.advance(9_999);
      expect(link.sent('pns')).not.toContain('echo-request');
      link.advance(1);
      expect(link.sent('pns')).toContain('echo-request');
      expect(link.sent('pac')).toContain('echo-reply');
      const request = link.actions('pns', 'send').find((a) => a.message.type === 'echo-request')!;
      const reply = link.actions('pac', 'send').find((a) => a.message.type === 'echo-reply')!;
      expect(reply.message).toMatchObject({
        identifier: (request.message as { identifier: number }).identifier,
        resultCode: 1,
      });
      link.advance(100_000);
      // One at 10 s, then one every 10 s up to 110 s.
      expect(link.pns.counters.echoRequestsSent).toBe(11);
      expect(link.pns.counters.echoRepliesReceived).toBe(11);
      expect(link.pac.counters.echoRequestsAnswered).toBe(11);
      expect(link.actions('pns', 'down')).toEqual([]);
    });

    it('answers an Echo-Request (scapy vector, identifier 42) with the identifier copied', () => {
      const { link } = upAndCall();
      const actions = link.pns.receive(fromHex('001000011a2b3c4d000500000000002a'), link.now);
      const reply = actions.find((a) => a.type === 'send');
      expect(reply?.type === 'send' && reply.message).toEqual({
        type: 'echo-reply',
        identifier: 42,
        resultCode: 1,
        errorCode: 0,
      });
    });

    it('declares a silent peer dead after the echo timeout, and drops the call', () => {
      const { link, callId } = upAndCall({ echoIntervalMs: 60_000, echoTimeoutMs: 30_000 });
      link.mute.pac = true;
      link.advance(60_000);
      expect(link.sent('pns').at(-1)).toBe('echo-request');
      link.advance(29_999);
      expect(link.actions('pns', 'down')).toEqual([]);
      link.advance(1);
      const [down] = link.actions('pns', 'down');
      expect(down?.clean).toBe(false);
      expect(down?.reason).toBeInstanceOf(TimeoutError);
      expect(down?.reason.code).toBe('PPTP_PEER_DEAD');
      expect(link.actions('pns', 'call-down')).toMatchObject([{ callId, clean: false }]);
      expect(link.log.pns.some((a) => a.type === 'close')).toBe(true);
      expect(link.pns.state).toBe('closed');
      expect(link.pns.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    });

    it('any message from the peer restarts the idle time', () => {
      const { link } = upAndCall({ echoIntervalMs: 10_000 }, { echoIntervalMs: 600_000 });
      const pacCallId = link.actions('pac', 'call-up')[0]!.call.callId;
      link.advance(9_000);
      link.deliver(
        'pac',
        link.pac.sendWanErrorNotify(link.now, pacCallId, {
          crcErrors: 0,
          framingErrors: 0,
          hardwareOverruns: 0,
          bufferOverruns: 0,
          timeoutErrors: 0,
          alignmentErrors: 0,
        }),
      );
      link.advance(9_999);
      expect(link.pns.counters.echoRequestsSent).toBe(0);
      link.advance(1);
      expect(link.pns.counters.echoRequestsSent).toBe(1);
    });
  });

  describe('call clear', () => {
    it('PNS clears: CCRQ, the PAC answers CDN result 4 (Request); clean on both sides', () => {
      const { link, callId } = upAndCall();
      link.deliver('pns', link.pns.clearCall(link.now, callId));
      expect(link.sent('pns').at(-1)).toBe('call-clear-request');
      expect(link.sent('pac').at(-1)).toBe('call-disconnect-notify');
      const [pnsDown] = link.actions('pns', 'call-down');
      expect(pnsDown).toMatchObject({ callId, clean: true });
      expect(pnsDown?.reason.code).toBe('PPTP_CDN_REQUEST');
      expect(link.actions('pac', 'call-down')[0]?.clean).toBe(true);
      expect(link.pns.state).toBe('established');
      expect(link.pns.calls.size).toBe(0);
      expect(link.pac.calls.size).toBe(0);
    });

    it('PAC clears: an unsolicited CDN (Admin Shutdown) ends the PNS call, not cleanly', () => {
      const { link, callId } = upAndCall();
      const pacCallId = link.actions('pac', 'call-up')[0]!.call.callId;
      link.deliver('pac', link.pac.disconnectCall(link.now, pacCallId, 3, 'bye'));
      const [down] = link.actions('pns', 'call-down');
      expect(down).toMatchObject({ callId, clean: false });
      expect(down?.reason.code).toBe('PPTP_CDN_ADMIN_SHUTDOWN');
      expect(down?.reason.message).toContain('administrative');
      expect(link.pns.state).toBe('established');
    });

    it('pptpd style: the server closes TCP after CCRQ without a CDN; the call and connection end cleanly', () => {
      const { link, callId } = upAndCall({}, { onCallClear: 'close' });
      link.deliver('pns', link.pns.clearCall(link.now, callId));
      expect(link.sent('pac')).not.toContain('call-disconnect-notify');
      const [callDown] = link.actions('pns', 'call-down');
      expect(callDown).toMatchObject({ callId, clean: true });
      expect(callDown?.reason.code).toBe('PPTP_CALL_CLEARED');
      const [down] = link.actions('pns', 'down');
      expect(down?.clean).toBe(true);
      expect(down?.reason.code).toBe('PPTP_CLOSED_AFTER_CLEAR');
    });

    it('a TCP close with an established call (no clear pending) is an unclean end', () => {
      const { link, callId } = upAndCall();
      link.deliver('pns', link.pns.closed(link.now));
      expect(link.actions('pns', 'call-down')).toMatchObject([{ callId, clean: false }]);
      const [down] = link.actions('pns', 'down');
      expect(down?.reason.code).toBe('PPTP_TCP_CLOSED');
      expect(down?.clean).toBe(false);
    });

    it('no CDN and no close after CCRQ: the wait times out and closes the connection (§3.2.1)', () => {
      const { link, callId } = upAndCall({ replyTimeoutMs: 5_000, echoIntervalMs: Infinity });
      link.mute.pac = true;
      link.deliver('pns', link.pns.clearCall(link.now, callId));
      link.advance(5_000);
      expect(link.actions('pns', 'call-down')[0]?.reason.code).toBe('PPTP_TIMEOUT_CDN');
      expect(link.actions('pns', 'down')[0]?.reason.code).toBe('PPTP_TIMEOUT_CDN');
    });
  });

  describe('stop', () => {
    it('PNS stops: StopCCRQ, StopCCRP, both sides close cleanly; the call goes down', () => {
      const { link, callId } = upAndCall();
      link.deliver('pns', link.pns.stop(link.now, StopReason.LocalShutdown));
      expect(link.sent('pns').at(-1)).toBe('stop-control-connection-request');
      expect(link.sent('pac').at(-1)).toBe('stop-control-connection-reply');
      const [pnsDown] = link.actions('pns', 'down');
      expect(pnsDown).toMatchObject({ clean: true });
      expect(pnsDown?.reason.code).toBe('PPTP_STOPPED_LOCALLY');
      const [pacDown] = link.actions('pac', 'down');
      expect(pacDown?.reason.code).toBe('PPTP_STOPPED_BY_PEER');
      expect(pacDown?.reason.message).toContain('Stop-Local-Shutdown');
      expect(link.actions('pns', 'call-down')).toMatchObject([{ callId, clean: true }]);
      expect(link.pns.state).toBe('closed');
      expect(link.pac.state).toBe('closed');
    });

    it('PAC stops: the PNS answers StopCCRP and goes down with the peer’s reason', () => {
      const { link } = upAndCall();
      link.deliver('pac', link.pac.stop(link.now, StopReason.None));
      expect(link.sent('pns').at(-1)).toBe('stop-control-connection-reply');
      const [down] = link.actions('pns', 'down');
      expect(down?.clean).toBe(true);
      expect(down?.reason.code).toBe('PPTP_STOPPED_BY_PEER');
      expect(down?.reason.details.reason).toBe(1);
      expect(link.actions('pac', 'down')[0]?.reason.code).toBe('PPTP_STOPPED_LOCALLY');
    });

    it('a StopCCRP with result 2 is reported as a diagnostic and the stop completes', () => {
      const link = new BackToBack().connect();
      link.mute.pac = true;
      link.deliver('pns', link.pns.stop(link.now));
      const reply = encodeControlMessage({
        type: 'stop-control-connection-reply',
        resultCode: 2,
        errorCode: 6,
      });
      const actions = link.pns.receive(reply, link.now);
      expect(actions).toContainEqual(
        expect.objectContaining({ type: 'diagnostic', code: 'PPTP_STOPCCRP_GENERAL_ERROR' }),
      );
      expect(actions.find((a) => a.type === 'down')).toMatchObject({ clean: true });
    });

    it('the PAC answers a second SCCRQ with result 3 (channel exists) and stays up', () => {
      const link = new BackToBack().connect();
      const again = link.actions('pns', 'send')[0]!.bytes;
      const reply = link.pac.receive(again, link.now).find((a) => a.type === 'send');
      expect(reply?.type === 'send' && reply.message).toMatchObject({ resultCode: 3 });
      expect(link.pac.state).toBe('established');
    });

    it('a missing StopCCRP times out', () => {
      const link = new BackToBack({ replyTimeoutMs: 3_000, echoIntervalMs: Infinity }).connect();
      link.mute.pac = true;
      link.deliver('pns', link.pns.stop(link.now));
      link.advance(3_000);
      expect(link.actions('pns', 'down')[0]?.reason.code).toBe('PPTP_TIMEOUT_STOPCCRP');
    });
  });

  describe('timeouts on every state that waits for the peer', () => {
    it('no SCCRP: PPTP_TIMEOUT_SCCRP after the reply timeout', () => {
      const link = new BackToBack({ replyTimeoutMs: 60_000 });
      link.mute.pac = true;
      link.connect();
      link.advance(59_999);
      expect(link.actions('pns', 'down')).toEqual([]);
      link.advance(1);
      const [down] = link.actions('pns', 'down');
      expect(down?.reason).toBeInstanceOf(TimeoutError);
      expect(down?.reason.code).toBe('PPTP_TIMEOUT_SCCRP');
    });

    it('no SCCRQ: the PAC gives up with PPTP_TIMEOUT_SCCRQ', () => {
      const link = new BackToBack({}, { replyTimeoutMs: 1_000 });
      link.deliver('pac', link.pac.start(0));
      link.advance(1_000);
      expect(link.actions('pac', 'down')[0]?.reason.code).toBe('PPTP_TIMEOUT_SCCRQ');
    });

    it('no OCRP: the call and the connection end with PPTP_TIMEOUT_OCRP', () => {
      const link = new BackToBack({ replyTimeoutMs: 2_000, echoIntervalMs: Infinity }).connect();
      link.mute.pac = true;
      const callId = link.openCall();
      link.advance(2_000);
      expect(link.actions('pns', 'call-down')).toMatchObject([{ callId, clean: false }]);
      expect(link.actions('pns', 'call-down')[0]?.reason.code).toBe('PPTP_TIMEOUT_OCRP');
      expect(link.actions('pns', 'down')[0]?.reason.code).toBe('PPTP_TIMEOUT_OCRP');
    });
  });

  describe('every OCRP result code surfaces as its typed error (RFC 2637 §2.8)', () => {
    const cases: [number, string, string][] = [
      [OcrpResult.GeneralError, 'PPTP_OCRP_GENERAL_ERROR', 'General Error'],
      [OcrpResult.NoCarrier, 'PPTP_OCRP_NO_CARRIER', 'No Carrier'],
      [OcrpResult.Busy, 'PPTP_OCRP_BUSY', 'Busy'],
      [OcrpResult.NoDialTone, 'PPTP_OCRP_NO_DIAL_TONE', 'No Dial Tone'],
      [OcrpResult.TimeOut, 'PPTP_OCRP_TIME_OUT', 'Time-out'],
      [OcrpResult.DoNotAccept, 'PPTP_OCRP_DO_NOT_ACCEPT', 'Do Not Accept'],
      [99, 'PPTP_OCRP_UNKNOWN_RESULT', 'unknown result code 99'],
    ];
    for (const [result, code, words] of cases) {
      it(`result ${result} → ${code}`, () => {
        const { link, callId } = upAndCall(
          {},
          {
            answerOutgoingCall: () => ({
              resultCode: result,
              errorCode: result === 2 ? 4 : 0,
              causeCode: 16,
            }),
          },
        );
        const [down] = link.actions('pns', 'call-down');
        expect(down?.callId).toBe(callId);
        expect(down?.clean).toBe(false);
        expect(down?.reason).toBeInstanceOf(ProtocolError);
        expect(down?.reason.code).toBe(code);
        expect(down?.reason.message).toContain(words);
        expect(down?.reason.details).toMatchObject({ resultCode: result, causeCode: 16 });
        if (result === 2) {
          expect(down?.reason.details.generalError).toBe('PPTP_GENERAL_NO_RESOURCE');
          expect(down?.reason.message).toContain('No-Resource');
        }
        expect(link.actions('pac', 'call-up')).toEqual([]);
        expect(link.pns.state).toBe('established');
        expect(link.pns.calls.size).toBe(0);
      });
    }
  });
});

describe('PNS against real-server replies', () => {
  function started(): { pns: PnsControlConnection; out: ControlAction[] } {
    const pns = new PnsControlConnection({ randomBytes: seededRandom(9) });
    return { pns, out: pns.start(0) };
  }

  it('accepts a pptpd 1.4.0-style SCCRP: result 1, version 0x0100, framing 0, bearer 0, 1 channel', () => {
    const { pns } = started();
    const sccrp = encodeControlMessage({
      type: 'start-control-connection-reply',
      protocolVersion: 0x0100,
      resultCode: 1,
      errorCode: 0,
      framingCapabilities: 0,
      bearerCapabilities: 0,
      maximumChannels: 1,
      firmwareRevision: 1,
      hostName: 'local',
      vendorString: 'linux',
    });
    const actions = pns.receive(sccrp, 10);
    const up = actions.find((a) => a.type === 'up');
    expect(up?.type === 'up' && up.peer).toMatchObject({
      framingCapabilities: 0,
      bearerCapabilities: 0,
      maximumChannels: 1,
    });
    expect(pns.state).toBe('established');
    // pptpd's OCRP: result 1, window 64.
    const { callId } = pns.openCall(10);
    const ocrp = encodeControlMessage({
      type: 'outgoing-call-reply',
      callId: 0x0a0b,
      peerCallId: callId,
      resultCode: 1,
      errorCode: 0,
      causeCode: 0,
      connectSpeed: 100_000_000,
      receiveWindowSize: 64,
      processingDelay: 0,
      physicalChannelId: 0,
    });
    const callUp = pns.receive(ocrp, 20).find((a) => a.type === 'call-up');
    expect(callUp?.type === 'call-up' && callUp.call).toMatchObject({
      callId,
      peerCallId: 0x0a0b,
      peerReceiveWindow: 64,
      connectSpeed: 100_000_000,
    });
  });

  it("maps scapy's SCCRP vector (result 2, error 1) to PPTP_SCCRP_GENERAL_ERROR / Not-Connected", () => {
    const { pns } = started();
    const actions = pns.receive(fromHex(scapyHex('Start-Control-Connection-Reply')), 1);
    const down = actions.find((a) => a.type === 'down');
    expect(down?.type === 'down' && down.reason.code).toBe('PPTP_SCCRP_GENERAL_ERROR');
    expect(down?.type === 'down' && down.reason.details.generalError).toBe(
      'PPTP_GENERAL_NOT_CONNECTED',
    );
    expect(down?.type === 'down' && down.reason.message).toContain('Not-Connected');
    expect(actions.some((a) => a.type === 'close')).toBe(true);
  });

  it('maps SCCRP results 3, 4 and 5 to typed errors of the right kind', () => {
    const expected: [number, string, unknown][] = [
      [3, 'PPTP_SCCRP_CHANNEL_EXISTS', ProtocolError],
      [4, 'PPTP_SCCRP_NOT_AUTHORIZED', AuthenticationError],
      [5, 'PPTP_SCCRP_VERSION_NOT_SUPPORTED', NegotiationError],
    ];
    for (const [result, code, kind] of expected) {
      const { pns } = started();
      const bytes = encodeControlMessage({
        type: 'start-control-connection-reply',
        protocolVersion: 0x0100,
        resultCode: result,
        errorCode: 0,
        framingCapabilities: 0,
        bearerCapabilities: 0,
        maximumChannels: 0,
        firmwareRevision: 0,
        hostName: '',
        vendorString: '',
      });
      const down = pns.receive(bytes, 1).find((a) => a.type === 'down');
      expect(down?.type === 'down' && down.reason.code).toBe(code);
      expect(down?.type === 'down' && down.reason).toBeInstanceOf(kind as typeof ProtocolError);
    }
  });

  it('an SCCRP with an older, unsupported version gets StopCCRQ reason 2 (§3.1.1)', () => {
    const link = { pns: started().pns };
    const old = encodeControlMessage({
      type: 'start-control-connection-reply',
      protocolVersion: 0x0001,
      resultCode: 1,
      errorCode: 0,
      framingCapabilities: 1,
      bearerCapabilities: 1,
      maximumChannels: 1,
      firmwareRevision: 0,
      hostName: '',
      vendorString: '',
    });
    const actions = link.pns.receive(old, 1);
    const stop = actions.find((a) => a.type === 'send');
    expect(stop?.type === 'send' && stop.message).toEqual({
      type: 'stop-control-connection-request',
      reason: 2,
    });
    const reply = encodeControlMessage({
      type: 'stop-control-connection-reply',
      resultCode: 1,
      errorCode: 0,
    });
    const down = link.pns.receive(reply, 2).find((a) => a.type === 'down');
    expect(down?.type === 'down' && down.reason).toBeInstanceOf(NegotiationError);
    expect(down?.type === 'down' && down.reason.code).toBe('PPTP_VERSION_NOT_SUPPORTED');
  });

  it('the PAC refuses an older SCCRQ version with result 5, which the PNS maps', () => {
    const link = new BackToBack();
    link.deliver('pac', link.pac.start(0));
    const sccrq = encodeControlMessage({
      type: 'start-control-connection-request',
      protocolVersion: 0x0001,
      framingCapabilities: 1,
      bearerCapabilities: 1,
      maximumChannels: 0,
      firmwareRevision: 0,
      hostName: '',
      vendorString: '',
    });
    const actions = link.pac.receive(sccrq, 0);
    const reply = actions.find((a) => a.type === 'send');
    expect(reply?.type === 'send' && reply.message).toMatchObject({ resultCode: 5 });
    expect(actions.find((a) => a.type === 'down')).toMatchObject({ clean: false });
  });

  it('loss of stream synchronisation closes the connection with the DecodeError code (§1.4)', () => {
    const { link, callId } = upAndCall();
    const bad = fromHex('001000011a2b3c4e000500000000002a');
    link.deliver('pns', link.pns.receive(bad, link.now));
    expect(link.actions('pns', 'down')[0]?.reason.code).toBe('PPTP_BAD_MAGIC');
    expect(link.actions('pns', 'call-down')).toMatchObject([{ callId, clean: false }]);
    expect(link.pns.receive(fromHex('001000011a2b3c4d000500000000002a'), link.now)).toEqual([]);
  });

  it('a Start-Control-Connection-Request on an established PNS is unexpected and closes', () => {
    const { link } = upAndCall();
    const sccrq = encodeControlMessage({
      type: 'start-control-connection-request',
      protocolVersion: 0x0100,
      framingCapabilities: 1,
      bearerCapabilities: 1,
      maximumChannels: 0,
      firmwareRevision: 0,
      hostName: '',
      vendorString: '',
    });
    link.deliver('pns', link.pns.receive(sccrq, link.now));
    expect(link.actions('pns', 'down')[0]?.reason.code).toBe('PPTP_UNEXPECTED_MESSAGE');
  });

  it('refuses an Incoming-Call-Request with Incoming-Call-Reply result 3 (§3.2.3.2)', () => {
    const { link } = upAndCall();
    const icrq = fromHex(scapyHex('Incoming-Call-Request'));
    const actions = link.pns.receive(icrq, link.now);
    const reply = actions.find((a) => a.type === 'send');
    expect(reply?.type === 'send' && reply.message).toMatchObject({
      type: 'incoming-call-reply',
      peerCallId: 4242,
      resultCode: 3,
    });
  });

  it('drops messages for unknown calls with a diagnostic and a counter', () => {
    const { link } = upAndCall();
    const cdn = encodeControlMessage({
      type: 'call-disconnect-notify',
      callId: 0xdead,
      resultCode: 1,
      errorCode: 0,
      causeCode: 0,
      callStatistics: '',
    });
    const actions = link.pns.receive(cdn, link.now);
    expect(actions).toMatchObject([{ type: 'diagnostic', code: 'PPTP_UNKNOWN_CALL' }]);
    expect(link.pns.counters.ignoredMessages).toBe(1);
    expect(link.pns.calls.size).toBe(1);
  });

  it('the PAC answers an OCRQ before SCCRQ with general error 1 (Not-Connected)', () => {
    const link = new BackToBack();
    link.deliver('pac', link.pac.start(0));
    const ocrq = fromHex(scapyHex('Outgoing-Call-Request'));
    const reply = link.pac.receive(ocrq, 0).find((a) => a.type === 'send');
    expect(reply?.type === 'send' && reply.message).toMatchObject({
      type: 'outgoing-call-reply',
      peerCallId: 4242,
      resultCode: 2,
      errorCode: 1,
    });
  });
});

describe('deadlines', () => {
  it('nextDeadline() is a method in monotonic ms; timeout() early changes nothing; Infinity once closed', () => {
    const pns = new PnsControlConnection({ randomBytes: seededRandom(3), replyTimeoutMs: 1_000 });
    expect(pns.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    pns.start(0);
    expect(pns.nextDeadline()).toBe(1_000);
    expect(pns.timeout(999)).toEqual([]);
    expect(pns.nextDeadline()).toBe(1_000);
    const late = pns.timeout(1_000);
    expect(late.find((a) => a.type === 'down')).toBeDefined();
    expect(pns.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('the PAC waits for the SCCRQ, then for echoes; Infinity for echoes disabled both ways', () => {
    const link = new BackToBack(
      { echoIntervalMs: Number.POSITIVE_INFINITY },
      { echoIntervalMs: Number.POSITIVE_INFINITY, replyTimeoutMs: 5_000 },
    );
    link.now = 100;
    link.deliver('pac', link.pac.start(link.now));
    expect(link.pac.nextDeadline()).toBe(5_100);
    link.deliver('pns', link.pns.start(link.now));
    expect(link.pac.state).toBe('established');
    expect(link.pac.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    expect(link.pns.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });
});
