import { fromHex } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallIdAllocator } from '../src/call-ids.js';
import {
  type ControlAction,
  encodeControlMessage,
  GeneralError,
  OcrpResult,
  type OutgoingCallReply,
  PacControlConnection,
  type PacOptions,
  PnsControlConnection,
} from '../src/index.js';
import { BackToBack, seededRandom } from './harness.js';

/**
 * The Outgoing-Call-Reply the fuzzer found (issue 12): result 1 (Connected), Call ID 7, Peer's
 * Call ID 0xd1d0, Connect Speed 1, Packet Recv. Window Size 0.
 */
const ZERO_WINDOW_REPLY = '002000011a2b3c4d000800000007d1d001000000000000010000000000000000';

const START_REQUEST = encodeControlMessage({
  type: 'start-control-connection-request',
  protocolVersion: 0x0100,
  framingCapabilities: 1,
  bearerCapabilities: 1,
  maximumChannels: 0,
  firmwareRevision: 1,
  hostName: 'hostile',
  vendorString: 'fuzz',
});

function outgoingCallRequest(callId: number, receiveWindowSize = 64): Uint8Array {
  return encodeControlMessage({
    type: 'outgoing-call-request',
    callId,
    callSerialNumber: callId,
    minimumBps: 300,
    maximumBps: 100_000_000,
    bearerType: 3,
    framingType: 3,
    receiveWindowSize,
    processingDelay: 0,
    phoneNumberLength: 0,
    phoneNumber: '',
    subaddress: '',
  });
}

/** A PNS with the connection up and one call waiting for its reply under Call ID `callId`. */
function pnsWaitingForReply(callId: number): PnsControlConnection {
  // randomBytes: 4 octets of echo identifier, then the first Call ID, then the serial number.
  const bytes = [0, 0, 0, 1, callId >> 8, callId & 0xff, 0x00, 0x2a];
  const pns = new PnsControlConnection({ randomBytes: (n) => Uint8Array.from(bytes.splice(0, n)) });
  pns.start(0);
  pns.receive(
    encodeControlMessage({
      type: 'start-control-connection-reply',
      protocolVersion: 0x0100,
      resultCode: 1,
      errorCode: 0,
      framingCapabilities: 0,
      bearerCapabilities: 0,
      maximumChannels: 1,
      firmwareRevision: 1,
      hostName: 'pac',
      vendorString: 'test',
    }),
    0,
  );
  expect(pns.openCall(0).callId).toBe(callId);
  return pns;
}

/** A PAC whose control connection with the peer is established. */
function establishedPac(options: Partial<PacOptions> = {}): PacControlConnection {
  const pac = new PacControlConnection({ randomBytes: seededRandom(12), ...options });
  pac.start(0);
  pac.receive(START_REQUEST, 0);
  expect(pac.state).toBe('established');
  return pac;
}

function replies(actions: ControlAction[]): OutgoingCallReply[] {
  return actions.flatMap((a) =>
    a.type === 'send' && a.message.type === 'outgoing-call-reply' ? [a.message] : [],
  );
}

describe('a peer advertising a receive window of 0 (RFC 2637 §2.7, §2.8, §4.2.1)', () => {
  it('the fuzzed Outgoing-Call-Reply brings the call up with a window of 1 packet, not a throw', () => {
    const pns = pnsWaitingForReply(0xd1d0);
    const actions = pns.receive(fromHex(ZERO_WINDOW_REPLY), 1);
    const up = actions.find((a) => a.type === 'call-up');
    expect(up?.type === 'call-up' && up.call).toEqual({
      callId: 0xd1d0,
      peerCallId: 7,
      callSerialNumber: 0x2a,
      // §4.2.1: the transmit window is never below one packet. GreSession takes 1..65535.
      peerReceiveWindow: 1,
      peerProcessingDelay: 0,
      connectSpeed: 1,
    });
    expect(actions).toContainEqual(
      expect.objectContaining({ type: 'diagnostic', code: 'PPTP_ZERO_RECEIVE_WINDOW' }),
    );
    expect(pns.calls.get(0xd1d0)?.state).toBe('established');
    expect(pns.state).toBe('established');
  });

  it('every window a PAC can send (0..65535) gives a call-up with max(1, window)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(0, 1, 0xffff), fc.integer({ min: 0, max: 0xffff })),
        (w) => {
          const pns = pnsWaitingForReply(0x0101);
          const reply = encodeControlMessage({
            type: 'outgoing-call-reply',
            callId: 9,
            peerCallId: 0x0101,
            resultCode: OcrpResult.Connected,
            errorCode: 0,
            causeCode: 0,
            connectSpeed: 64_000,
            receiveWindowSize: w,
            processingDelay: 0,
            physicalChannelId: 0,
          });
          const actions = pns.receive(reply, 1);
          const up = actions.find((a) => a.type === 'call-up');
          expect(up?.type === 'call-up' && up.call.peerReceiveWindow).toBe(Math.max(1, w));
          expect(actions.some((a) => a.type === 'diagnostic')).toBe(w === 0);
        },
      ),
    );
  });

  it('the PAC applies the same rule to the window of an Outgoing-Call-Request', () => {
    const pac = establishedPac();
    const actions = pac.receive(outgoingCallRequest(0x4444, 0), 1);
    const up = actions.find((a) => a.type === 'call-up');
    expect(up?.type === 'call-up' && up.call.peerReceiveWindow).toBe(1);
    expect(up?.type === 'call-up' && up.call.peerCallId).toBe(0x4444);
    expect(actions).toContainEqual(
      expect.objectContaining({ type: 'diagnostic', code: 'PPTP_ZERO_RECEIVE_WINDOW' }),
    );
  });

  it('we never advertise a window of 0 ourselves: it is refused as misuse', () => {
    const randomBytes = seededRandom(5);
    expect(() => new PnsControlConnection({ randomBytes, receiveWindow: 0 })).toThrow(RangeError);
    expect(() => new PacControlConnection({ randomBytes, receiveWindow: 0 })).toThrow(RangeError);
    expect(() => new PnsControlConnection({ randomBytes, receiveWindow: 65_536 })).toThrow(
      RangeError,
    );
    const pns = new PnsControlConnection({ randomBytes });
    expect(() => pns.openCall(0, { receiveWindow: 0 })).toThrow(RangeError);
    expect(pns.calls.size).toBe(0);
  });
});

describe('the PAC holds at most maximumChannels calls (RFC 2637 §2.2, §2.8, §2.16)', () => {
  it('70,000 Outgoing-Call-Requests: the first is accepted, every later one refused with General Error / No-Resource; no throw', () => {
    const pac = establishedPac();
    const total = 70_000;
    const batch = 1000;
    const outcomes = new Map<string, number>();
    let misaddressed = 0;
    for (let first = 0; first < total; first += batch) {
      const chunk = new Uint8Array(batch * 168);
      for (let k = 0; k < batch; k++) {
        chunk.set(outgoingCallRequest(((first + k) % 0xffff) + 1), k * 168);
      }
      const actions = pac.receive(chunk, first);
      const answers = replies(actions);
      expect(answers).toHaveLength(batch);
      answers.forEach((reply, k) => {
        if (reply.peerCallId !== ((first + k) % 0xffff) + 1) misaddressed++;
        const outcome =
          reply.resultCode === OcrpResult.Connected
            ? 'connected'
            : `result ${reply.resultCode} error ${reply.errorCode} call ${reply.callId}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      });
      // Memory stays bounded: never more live calls than the limit.
      expect(pac.calls.size).toBe(1);
      expect(actions.some((a) => a.type === 'down' || a.type === 'close')).toBe(false);
    }
    expect(misaddressed).toBe(0);
    expect(Object.fromEntries(outcomes)).toEqual({
      connected: 1,
      [`result ${OcrpResult.GeneralError} error ${GeneralError.NoResource} call 0`]: total - 1,
    });
    expect(pac.state).toBe('established');
  });

  it('advertises the limit it enforces; a cleared call frees its channel', () => {
    const pac = new PacControlConnection({ randomBytes: seededRandom(3), maximumChannels: 3 });
    pac.start(0);
    const sccrp = pac.receive(START_REQUEST, 0).find((a) => a.type === 'send');
    expect(sccrp?.type === 'send' && sccrp.message).toMatchObject({
      type: 'start-control-connection-reply',
      maximumChannels: 3,
    });
    const results = [1, 2, 3, 4].map(
      (id) => replies(pac.receive(outgoingCallRequest(id), 1))[0]?.resultCode,
    );
    expect(results).toEqual([1, 1, 1, 2]);
    const limit = pac.receive(outgoingCallRequest(5), 1);
    expect(limit).toContainEqual(
      expect.objectContaining({ type: 'diagnostic', code: 'PPTP_CALL_LIMIT' }),
    );
    pac.receive(encodeControlMessage({ type: 'call-clear-request', callId: 2 }), 2);
    expect(pac.calls.size).toBe(2);
    expect(replies(pac.receive(outgoingCallRequest(6), 3))[0]?.resultCode).toBe(1);
    expect(replies(pac.receive(outgoingCallRequest(7), 3))[0]?.resultCode).toBe(2);
  });

  it('our PNS reads the refusal as PPTP_OCRP_GENERAL_ERROR / PPTP_GENERAL_NO_RESOURCE', () => {
    const link = new BackToBack({}, { maximumChannels: 1 }).connect();
    link.openCall();
    const second = link.openCall();
    const down = link.actions('pns', 'call-down').find((a) => a.callId === second);
    expect(down?.clean).toBe(false);
    expect(down?.reason.code).toBe('PPTP_OCRP_GENERAL_ERROR');
    expect(down?.reason.details.generalError).toBe('PPTP_GENERAL_NO_RESOURCE');
    expect(link.pns.calls.size).toBe(1);
    expect(link.pac.calls.size).toBe(1);
  });

  it('refuses a maximumChannels outside 1..32767 (§3.2.2: twice as many Call IDs as calls)', () => {
    const randomBytes = seededRandom(4);
    for (const maximumChannels of [0, -1, 1.5, 32_768, Number.NaN]) {
      expect(() => new PacControlConnection({ randomBytes, maximumChannels })).toThrow(RangeError);
    }
    expect(new PacControlConnection({ randomBytes, maximumChannels: 32_767 })).toBeDefined();
  });
});

describe('Call IDs (RFC 2637 §3.2.2: unique for the tunnel)', () => {
  it('a full PAC (32,767 calls) holds distinct non-zero IDs; a freed ID is not handed out again at once', () => {
    const pac = establishedPac({ maximumChannels: 32_767 });
    const chunk = new Uint8Array(32_767 * 168);
    for (let k = 0; k < 32_767; k++) chunk.set(outgoingCallRequest(k + 1), k * 168);
    pac.receive(chunk, 0);
    const ids = [...pac.calls.keys()];
    expect(ids).toHaveLength(32_767);
    expect(new Set(ids).size).toBe(32_767);
    expect(ids).not.toContain(0);
    const freed = pac.calls.get(ids[100]!)!;
    pac.receive(encodeControlMessage({ type: 'call-clear-request', callId: freed.peerCallId }), 1);
    const [reply] = replies(pac.receive(outgoingCallRequest(40_000), 2));
    expect(reply?.resultCode).toBe(OcrpResult.Connected);
    expect(reply?.callId).not.toBe(freed.callId);
    expect(ids).not.toContain(reply?.callId);
  });

  it('the PNS does not reuse a cleared call’s ID for the next call', () => {
    const link = new BackToBack().connect();
    const first = link.openCall();
    link.deliver('pns', link.pns.clearCall(link.now, first));
    expect(link.pns.calls.size).toBe(0);
    const second = link.openCall();
    expect(second).not.toBe(first);
    expect(link.actions('pns', 'call-up').map((a) => a.call.callId)).toEqual([first, second]);
  });

  it('the allocator starts at the random ID, goes round past 65535 to 1 and skips IDs in use', () => {
    const ids = new CallIdAllocator();
    const live = new Map<number, true>([
      [0xffff, true],
      [1, true],
      [3, true],
    ]);
    let draws = 0;
    const random = (): number => {
      draws++;
      return 0xfffe;
    };
    const got = [1, 2, 3].map(() => {
      const id = ids.allocate(live, random);
      live.set(id, true);
      return id;
    });
    expect(got).toEqual([0xfffe, 2, 4]);
    expect(draws).toBe(1);
  });

  it('a random start of 0 becomes 1; with every ID in use it throws RangeError (local misuse only)', () => {
    expect(new CallIdAllocator().allocate(new Map(), () => 0)).toBe(1);
    const full = new Map<number, true>();
    for (let id = 1; id <= 0xffff; id++) full.set(id, true);
    expect(() => new CallIdAllocator().allocate(full, () => 5)).toThrow(RangeError);
  });
});
