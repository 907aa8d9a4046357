import type { TunnelDown } from '@pptpkit/tunnel';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { exitForDown, exitForError } from '../../src/session/exit-status.js';
import { describeFrame, encryptionName } from '../../src/session/protocol-names.js';

describe('names for logs and exit statuses', () => {
  it('describeFrame names control frames with or without address/control, never their payload', () => {
    // pppd's first LCP Configure-Request (RFC 1661 §5.1), as the golden captures show it.
    const lcp = Uint8Array.of(
      0xff,
      0x03,
      0xc0,
      0x21,
      0x01,
      0x01,
      0x00,
      0x0a,
      0x05,
      0x06,
      1,
      2,
      3,
      4,
    );
    expect(describeFrame(lcp)).toBe('LCP ConfReq id=1 len=14');
    expect(describeFrame(Uint8Array.of(0x80, 0xfd, 0x0e, 0x07, 0x00, 0x04))).toBe(
      'CCP ResetReq id=7 len=6',
    );
    expect(describeFrame(Uint8Array.of(0xc2, 0x23, 0x04, 0x02, 0x00, 0x04))).toBe(
      'CHAP Failure id=2 len=6',
    );
  });

  it('encryptionName uses pppd’s words', () => {
    expect(encryptionName(undefined)).toBe('none');
    expect(encryptionName({ keyBits: 40, stateless: true, mppc: false })).toBe(
      'MPPE 40-bit stateless',
    );
    expect(encryptionName({ keyBits: 128, stateless: false, mppc: true })).toBe(
      'MPPE 128-bit stateful + MPPC',
    );
    expect(encryptionName({ keyBits: 0, stateless: false, mppc: true })).toBe(
      'none (MPPC compression only)',
    );
  });

  it('exit statuses follow pppd’s numbers', () => {
    const down = (layer: TunnelDown['layer'], code: string, wasUp = false): TunnelDown => ({
      type: 'down',
      layer,
      code,
      message: '',
      wasUp,
    });
    expect(exitForDown(down('ppp', 'PPP_AUTH_FAILED'))).toBe(EXIT.authFailed);
    expect(exitForDown(down('ppp', 'PPP_ECHO_TIMEOUT', true))).toBe(EXIT.peerDead);
    expect(exitForDown(down('ppp', 'PPP_PEER_TERMINATED', true))).toBe(EXIT.hangup);
    expect(exitForDown(down('ppp', 'PPP_MPPE_REQUIRED'))).toBe(EXIT.negotiation);
    expect(exitForDown(down('call', 'PPTP_OCRP_GENERAL_ERROR'))).toBe(EXIT.negotiation);
    expect(exitForDown(down('control', 'PPTP_TCP_CLOSED', true))).toBe(EXIT.hangup);
    expect(exitForDown(down('tunnel', 'TUNNEL_IDLE', true))).toBe(EXIT.idle);
    expect(exitForDown(down('tunnel', 'TUNNEL_MAX_CONNECT', true))).toBe(EXIT.connectTime);
    expect(exitForDown(down('tunnel', 'TUNNEL_LOCAL_CLOSE', true))).toBe(EXIT.signal);
    expect(exitForDown(down('tunnel', 'TUNNEL_NO_KEYS'))).toBe(EXIT.negotiation);
    expect(exitForError({ code: 'LINUXNET_NO_CAPABILITY' })).toBe(EXIT.privileges);
    expect(exitForError({ code: 'LINUXNET_TUN_UNAVAILABLE' })).toBe(EXIT.noTun);
    expect(exitForError({ code: 'LINUXNET_NO_ROUTE' })).toBe(EXIT.unreachable);
    expect(exitForError(new Error('anything else'))).toBe(EXIT.fatal);
  });
});
