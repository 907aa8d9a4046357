import { describe, expect, it } from 'vitest';
import { controlFrameKind, NcpGate } from '../../src/session/ncp-gate.js';
import { describeFrame } from '../../src/session/session.js';

// PPP frames as PppLink sends them (RFC 1661 §5: code, identifier, length).
const ipcpReq = Uint8Array.of(0xff, 0x03, 0x80, 0x21, 1, 7, 0, 10, 3, 6, 0, 0, 0, 0);
const ipcpAck = Uint8Array.of(0xff, 0x03, 0x80, 0x21, 2, 1, 0, 4);
const ccpAck = Uint8Array.of(0xff, 0x03, 0x80, 0xfd, 2, 1, 0, 4);

describe('NcpGate: IPCP waits for CCP when MPPE is required (pppd start_networks)', () => {
  it('holds our IPCP Configure-Request until both CCP Configure-Acks were seen, then releases it once', () => {
    const gate = new NcpGate(true);
    expect(gate.outgoing(0x8021, 1)).toBe(false);
    gate.hold(ipcpReq);
    // Answers to the server's IPCP requests are never held.
    expect(gate.outgoing(0x8021, 2)).toBe(true);
    expect(gate.incoming(0x80fd, 2)).toBeUndefined();
    expect(gate.outgoing(0x80fd, 2)).toBe(true);
    expect(gate.open).toBe(true);
    expect(gate.release()).toBe(ipcpReq);
    expect(gate.release()).toBeUndefined();
    expect(gate.outgoing(0x8021, 1)).toBe(true);
  });

  it('a retransmission replaces the held request; incoming CCP Ack last also releases it', () => {
    const gate = new NcpGate(true);
    const again = ipcpReq.slice();
    again[5] = 8;
    gate.hold(ipcpReq);
    gate.hold(again);
    gate.outgoing(0x80fd, 2);
    expect(gate.incoming(0x80fd, 2)).toBe(again);
  });

  it('disabled (MPPE not required) lets everything through', () => {
    const gate = new NcpGate(false);
    expect(gate.outgoing(0x8021, 1)).toBe(true);
    expect(gate.open).toBe(true);
  });
});

describe('frame helpers', () => {
  it('read protocol and code with or without address/control and protocol compression', () => {
    expect(controlFrameKind(ipcpAck)).toEqual({ protocol: 0x8021, code: 2, identifier: 1 });
    expect(controlFrameKind(ccpAck.subarray(2))).toEqual({
      protocol: 0x80fd,
      code: 2,
      identifier: 1,
    });
    expect(controlFrameKind(Uint8Array.of(0x21, 0x45))).toEqual({
      protocol: 0x21,
      code: 0x45,
      identifier: 0,
    });
    expect(controlFrameKind(Uint8Array.of(0xff, 0x03, 0xc0))).toBeUndefined();
    expect(describeFrame(ipcpReq)).toBe('IPCP ConfReq id=7 len=14');
    expect(describeFrame(Uint8Array.of(0xc2, 0x23, 3, 9, 0, 4))).toBe('CHAP Success id=9 len=6');
  });
});
