import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAttributes,
  decodeMessages,
  decodeStatus,
  encodeMessage,
  NetlinkFlag,
  type NetlinkMessage,
  NetlinkType,
  readString,
  readU32,
  stringAttribute,
  u32Attribute,
} from '../src/netlink-message.js';

const bytes = (hex: string): Uint8Array =>
  Uint8Array.from(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

// These tests write host-order integers as little-endian hex: every Linux target of the
// prebuilds (x64, arm64) is little-endian.
describe('netlink framing (linux/netlink.h, RFC 3549 §2.2)', () => {
  it('encodes header, padded family header and padded attributes; adds NLM_F_REQUEST', () => {
    const encoded = encodeMessage({
      type: 18,
      flags: NetlinkFlag.dump,
      seq: 0x01020304,
      header: Uint8Array.of(1, 2, 3, 4, 5), // padded to 8
      attributes: [
        stringAttribute(3, 'v1'), // 4 + 3 bytes, padded to 8
        { type: 8, value: [u32Attribute(2, 1400)] }, // nested: 4 + 8
      ],
    });
    expect(hex(encoded)).toBe(
      [
        '2c000000 1200 0103 04030201 00000000', // len 44, type 18, REQUEST|DUMP, seq, pid 0
        '0102030405000000',
        '0700 0300 76310000',
        '0c00 0800 0800 0200 78050000',
      ]
        .join('')
        .replace(/\s/g, ''),
    );
  });

  it('splits datagrams into messages, bodies without padding', () => {
    const two = bytes(
      '14000000 1800 0200 01000000 02000000 aabbccdd' +
        '11000000 0300 0200 01000000 02000000 ee000000',
    );
    const messages = decodeMessages(two);
    expect(messages).toHaveLength(2);
    expect(messages?.[0]).toMatchObject({ type: 24, flags: 2, seq: 1, pid: 2 });
    expect(hex(messages![0]!.body)).toBe('aabbccdd');
    expect(hex(messages![1]!.body)).toBe('ee'); // length 17: one byte, then padding
    expect(decodeMessages(new Uint8Array(0))).toEqual([]);
  });

  it('refuses impossible lengths and leftovers instead of reading past the datagram', () => {
    expect(decodeMessages(bytes('0f000000 1800 0000 00000000 00000000'))).toBeUndefined(); // < header
    expect(decodeMessages(bytes('20000000 1800 0000 00000000 00000000'))).toBeUndefined(); // past end
    expect(decodeMessages(bytes('10000000 0300 0000 00000000 00000000 0000'))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (datagram) => {
        for (const message of decodeMessages(datagram) ?? []) {
          expect(message.body.buffer).toBe(datagram.buffer);
          expect(message.body.byteOffset + message.body.length).toBeLessThanOrEqual(
            datagram.length,
          );
        }
      }),
    );
  });

  it('reads attributes by type, masking NLA_F_NESTED / NLA_F_NET_BYTEORDER, first one wins', () => {
    const attributes = decodeAttributes(
      bytes('0800 0480 03000000' + '0700 0300 76300000' + '0800 0400 09000000'),
    );
    expect(readU32(attributes?.get(4))).toBe(3);
    expect(readString(attributes!.get(3)!)).toBe('v0');
    expect(decodeAttributes(bytes('0900 0400 03000000'))).toBeUndefined(); // runs past the end
    expect(decodeAttributes(bytes('0300 0400'))).toBeUndefined(); // shorter than its header
    expect(readU32(Uint8Array.of(1, 2))).toBeUndefined();
    expect(readString(Uint8Array.of(0x76, 0x31))).toBe('v1'); // no NUL
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (data) => {
        decodeAttributes(data);
      }),
    );
  });

  const message = (type: number, flags: number, body: string): NetlinkMessage => ({
    type,
    flags,
    seq: 1,
    pid: 0,
    body: bytes(body),
  });

  it('decodes acknowledgements and errors: capped, full echo, extended-ack message', () => {
    const echoed = '14000000 1800 0506 01000000 00000000 aabbccdd';
    expect(
      decodeStatus(
        message(NetlinkType.error, NetlinkFlag.capped, `00000000 ${echoed.slice(0, 36)}`),
      ),
    ).toEqual({
      errno: 0,
    });
    expect(decodeStatus(message(NetlinkType.error, 0, `efffffff ${echoed}`))).toEqual({
      errno: 17,
    });
    const text = Buffer.from('No route\0').toString('hex');
    const withTlvs = `eaffffff ${echoed} 0d00 0100 ${text} 000000`;
    expect(decodeStatus(message(NetlinkType.error, NetlinkFlag.ackTlvs, withTlvs))).toEqual({
      errno: 22,
      kernelMessage: 'No route',
    });
    const capped = `eaffffff ${echoed.slice(0, 36)} 0d00 0100 ${text} 000000`;
    expect(
      decodeStatus(message(NetlinkType.error, NetlinkFlag.ackTlvs | NetlinkFlag.capped, capped)),
    ).toEqual({ errno: 22, kernelMessage: 'No route' });
    // A dump's NLMSG_DONE: its int, then the same attributes.
    expect(
      decodeStatus(
        message(NetlinkType.done, NetlinkFlag.ackTlvs, `feffffff 0d00 0100 ${text} 000000`),
      ),
    ).toEqual({
      errno: 2,
      kernelMessage: 'No route',
    });
    expect(decodeStatus(message(NetlinkType.error, 0, 'eaff'))).toBeUndefined();
    expect(
      decodeStatus(message(NetlinkType.error, NetlinkFlag.ackTlvs, 'eaffffff 40000000')),
    ).toBeUndefined();
  });
});
