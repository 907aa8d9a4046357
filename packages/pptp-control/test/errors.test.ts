import { AuthenticationError, NegotiationError, ProtocolError } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  cdnError,
  describeGeneralError,
  GeneralError,
  generalErrorCode,
  ocrpError,
  PnsControlConnection,
  sccrpError,
  stopCcrpError,
  stoppedByPeer,
} from '../src/index.js';

describe('result and error codes → typed errors with sentences (RFC 2637 §2)', () => {
  it('maps every General Error Code of §2.16 and an unknown one', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(generalErrorCode)).toEqual([
      'PPTP_GENERAL_NONE',
      'PPTP_GENERAL_NOT_CONNECTED',
      'PPTP_GENERAL_BAD_FORMAT',
      'PPTP_GENERAL_BAD_VALUE',
      'PPTP_GENERAL_NO_RESOURCE',
      'PPTP_GENERAL_BAD_CALL_ID',
      'PPTP_GENERAL_PAC_ERROR',
      'PPTP_GENERAL_UNKNOWN',
    ]);
    expect(describeGeneralError(GeneralError.BadValue)).toContain('reserved field was non-zero');
    expect(describeGeneralError(9)).toBe('unknown general error 9');
  });

  it('maps SCCRP results 2–5 (§2.2) with their kinds', () => {
    const cases: [number, string, unknown][] = [
      [2, 'PPTP_SCCRP_GENERAL_ERROR', ProtocolError],
      [3, 'PPTP_SCCRP_CHANNEL_EXISTS', ProtocolError],
      [4, 'PPTP_SCCRP_NOT_AUTHORIZED', AuthenticationError],
      [5, 'PPTP_SCCRP_VERSION_NOT_SUPPORTED', NegotiationError],
      [0, 'PPTP_SCCRP_UNKNOWN_RESULT', ProtocolError],
    ];
    for (const [result, code, kind] of cases) {
      const error = sccrpError(result, 0);
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(kind as typeof ProtocolError);
      expect(error.details.resultCode).toBe(result);
    }
    expect(sccrpError(2, 6).message).toContain('PAC-Error');
  });

  it('maps OCRP result 7 to "Do Not Accept" with a human sentence', () => {
    const error = ocrpError(7, 0, 0);
    expect(error.code).toBe('PPTP_OCRP_DO_NOT_ACCEPT');
    expect(error.message).toBe(
      'Outgoing-Call-Reply result 7 "Do Not Accept": the server administratively prohibits the call',
    );
  });

  it('maps CDN results 1–4 (§2.13)', () => {
    expect([1, 2, 3, 4, 5].map((r) => cdnError(r, 0, 0).code)).toEqual([
      'PPTP_CDN_LOST_CARRIER',
      'PPTP_CDN_GENERAL_ERROR',
      'PPTP_CDN_ADMIN_SHUTDOWN',
      'PPTP_CDN_REQUEST',
      'PPTP_CDN_UNKNOWN_RESULT',
    ]);
    expect(cdnError(2, 5, 0).details.generalError).toBe('PPTP_GENERAL_BAD_CALL_ID');
  });

  it('maps StopCCRP result 2 (§2.4) and the StopCCRQ reasons (§2.3)', () => {
    expect(stopCcrpError(2, 6).code).toBe('PPTP_STOPCCRP_GENERAL_ERROR');
    expect(stopCcrpError(2, 6).details.generalError).toBe('PPTP_GENERAL_PAC_ERROR');
    expect(stopCcrpError(3, 0).code).toBe('PPTP_STOPCCRP_UNKNOWN_RESULT');
    expect(stoppedByPeer(2).message).toContain('Stop-Protocol');
    expect(stoppedByPeer(3).message).toContain('Stop-Local-Shutdown');
    expect(stoppedByPeer(7).message).toContain('unknown reason 7');
  });
});

describe('programmer misuse throws TypeError/RangeError', () => {
  it('rejects a missing randomBytes, bad timeouts and a short randomBytes', () => {
    expect(() => new PnsControlConnection({} as never)).toThrow(TypeError);
    expect(
      () => new PnsControlConnection({ randomBytes: () => new Uint8Array(4), replyTimeoutMs: 0 }),
    ).toThrow(RangeError);
    expect(
      () =>
        new PnsControlConnection({ randomBytes: () => new Uint8Array(4), echoTimeoutMs: Infinity }),
    ).toThrow(RangeError);
    expect(() => new PnsControlConnection({ randomBytes: () => new Uint8Array(1) })).toThrow(
      TypeError,
    );
  });

  it('rejects start twice and a call on a closed connection', () => {
    const pns = new PnsControlConnection({ randomBytes: (n) => new Uint8Array(n).fill(7) });
    pns.start(0);
    expect(() => pns.start(0)).toThrow(RangeError);
    pns.closed(1);
    expect(() => pns.openCall(2)).toThrow(RangeError);
  });
});
