/**
 * MPPC (RFC 2118) negotiated in CCP option 18 with the C bit (RFC 3078 §2): the client core
 * against the fake pptpd (the same core in the server role), including servers that do not run
 * MPPC and servers that misbehave around the C bit, then text-like data both ways with the
 * compression the two ends agreed on. The client's CCP packets are read back from the frames it
 * sent, as a packet capture would show them.
 */
import { decodeMppeOption, formatMppeBits } from '@pptpkit/mppe';
import { PPP_PROTOCOL, type PppHeader, readPppHeader } from '@pptpkit/ppp-lcp-ipcp';
import { mppeCcpPolicy } from '@pptpkit/tunnel';
import { encodeUtf8 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { CLIENT_MPPE, type TestClientOptions, testClient } from '../src/client-options.js';
import { type FakePptpdOptions, fakePptpd, PPTPD_MPPE } from '../src/fake-pptpd.js';
import { TunnelPair } from '../src/pair.js';

const CLIENT = '192.168.77.10';
const SERVER = '192.168.77.1';

/** A client and a fake pptpd, brought up; fails the test when either side is not up. */
function upPair(client: TestClientOptions, server: FakePptpdOptions): TunnelPair {
  const p = new TunnelPair({
    seed: 11,
    client: (sink, random) => testClient(sink, random, client),
    server: (sink, random) => fakePptpd(sink, random, server),
  });
  p.start();
  const up = p.runUntil(
    () => p.client.tunnel.state === 'up' && p.server.tunnel.state === 'up',
    30_000,
  );
  expect(up, `down: ${JSON.stringify(p.client.tunnel.down)}`).toBe(true);
  return p;
}

const CP_CODES = ['', 'ConfReq', 'ConfAck', 'ConfNak', 'ConfRej'];

/**
 * The CCP packets the client sent: the code and option 18 decoded, e.g.
 * `ConfReq <mppe +H -M +S -L -D +C>` (RFC 1962 §3 codes, RFC 3078 §2.1 bits).
 */
function clientCcp(p: TunnelPair): string[] {
  const h: PppHeader = { protocol: 0, offset: 0 };
  const out: string[] = [];
  for (const { direction, frame } of p.client.frames) {
    if (direction !== 'sent' || !readPppHeader(frame, 0, frame.length, h)) continue;
    if (h.protocol !== PPP_PROTOCOL.CCP) continue;
    const packet = frame.subarray(h.offset);
    let option = '';
    for (let at = 4; at + 2 <= packet.length && packet[at + 1]! >= 2; at += packet[at + 1]!) {
      if (packet[at] === 18 && packet[at + 1] === 6) {
        option = ` ${formatMppeBits(decodeMppeOption(packet.subarray(at + 2, at + 6)))}`;
      }
    }
    out.push(`${CP_CODES[packet[0]!] ?? `code ${packet[0]}`}${option}`);
  }
  return out;
}

const requests = (p: TunnelPair): string[] => clientCcp(p).filter((c) => c.startsWith('ConfReq'));

/** The Internet checksum (RFC 1071) of `b[start, end)` over `initial`, complemented. */
function checksum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return 0xffff - s;
}

/**
 * A text-like (compressible) UDP/IPv4 packet of about 1.2 kB: table rows of an HTML page. Both
 * checksums are valid (RFC 791 §3.1, RFC 768): the data path drops packets whose are not.
 */
function textPacket(seed: number, src: string, dst: string): Uint8Array {
  let text = '';
  for (let i = 0; text.length < 1200; i++)
    text += `<tr><td>row ${seed}.${i % 4}</td><td>ok</td></tr>\n`;
  const body = encodeUtf8(text);
  const p = new Uint8Array(28 + body.length);
  p[0] = 0x45;
  p[2] = p.length >> 8;
  p[3] = p.length & 0xff;
  p[8] = 64;
  p[9] = 17;
  p.set(src.split('.').map(Number), 12);
  p.set(dst.split('.').map(Number), 16);
  const header = checksum(p, 0, 20);
  p[10] = header >> 8;
  p[11] = header & 0xff;
  const udpLength = p.length - 20;
  p.set([0x30, 0x39, 0x00, 0x35, udpLength >> 8, udpLength & 0xff], 20);
  p.set(body, 28);
  // Pseudo-header (RFC 768): addresses, protocol, UDP length.
  let pseudo = 17 + udpLength;
  for (let i = 12; i < 20; i += 2) pseudo += (p[i]! << 8) | p[i + 1]!;
  const udp = checksum(p, 20, p.length, pseudo) || 0xffff;
  p[26] = udp >> 8;
  p[27] = udp & 0xff;
  return p;
}

/** Moves `count` text packets each way, 1 ms apart, and checks they arrive byte-identical. */
function traffic(p: TunnelPair, count: number): void {
  const out = Array.from({ length: count }, (_, i) => textPacket(i, CLIENT, SERVER));
  const back = Array.from({ length: count }, (_, i) => textPacket(100 + i, SERVER, CLIENT));
  for (let i = 0; i < count; i++) {
    p.client.tunnel.sendIp(out[i]!, 0, out[i]!.length, p.clock.now);
    p.server.tunnel.sendIp(back[i]!, 0, back[i]!.length, p.clock.now);
    p.runFor(1);
  }
  p.runFor(500);
  expect(p.server.delivered).toEqual(out);
  expect(p.client.delivered).toEqual(back);
}

const data = (p: TunnelPair) => p.client.tunnel.status(p.clock.now).data!;
const agreed = (p: TunnelPair) => p.client.tunnel.status(p.clock.now).mppe;

describe('MPPC negotiation, client core against the fake pptpd', () => {
  it('mppc + MPPE-128 stateless: C offered and agreed, text compressed both ways', () => {
    const p = upPair(
      { mppe: { ...CLIENT_MPPE, mppc: true } },
      { mppe: { ...PPTPD_MPPE, mppc: true } },
    );
    expect(clientCcp(p)[0]).toBe('ConfReq <mppe +H -M +S -L -D +C>');
    expect(agreed(p)).toEqual({ keyBits: 128, stateless: true, mppc: true });
    traffic(p, 8);
    const d = data(p);
    expect(d.mppcTxPlainBytes).toBeGreaterThan(0);
    expect(d.mppcRxPlainBytes).toBeGreaterThan(0);
    expect(d.mppcTxCompressedBytes / d.mppcTxPlainBytes).toBeLessThan(0.6);
    expect(d.mppcRxCompressedBytes / d.mppcRxPlainBytes).toBeLessThan(0.6);
    expect(d.mppcDropped).toBe(0);
  });

  it('mppc + MPPE-128 stateful: history kept across packets, data both ways', () => {
    const p = upPair(
      { mppe: { ...CLIENT_MPPE, stateful: 'prefer', mppc: true } },
      { mppe: { ...PPTPD_MPPE, stateful: 'allow', mppc: true } },
    );
    expect(agreed(p)).toEqual({ keyBits: 128, stateless: false, mppc: true });
    traffic(p, 20);
    const d = data(p);
    expect(d.mppcTxCompressedBytes / d.mppcTxPlainBytes).toBeLessThan(0.6);
    expect(d.mppcRxCompressedBytes / d.mppcRxPlainBytes).toBeLessThan(0.6);
    expect(d.mppcDropped).toBe(0);
  });

  it('a server without MPPC Naks C away: MPPE-only tunnel (MPPC is never required)', () => {
    const p = upPair({ mppe: { ...CLIENT_MPPE, mppc: true } }, { mppe: PPTPD_MPPE });
    // RFC 3078 §2.1: the Nak clears C, the client follows it.
    expect(requests(p)).toEqual([
      'ConfReq <mppe +H -M +S -L -D +C>',
      'ConfReq <mppe +H -M +S -L -D -C>',
    ]);
    expect(agreed(p)).toEqual({ keyBits: 128, stateless: true, mppc: false });
    traffic(p, 3);
    expect(data(p).mppcTxPlainBytes).toBe(0);
    expect(data(p).mppcRxPlainBytes).toBe(0);
  });

  it('a server that Configure-Rejects option 18 because of C: retried without C, MPPE only', () => {
    // RFC 1661 §5.4 leaves a peer free to reject a whole option it cannot take as it is.
    const policy = mppeCcpPolicy(PPTPD_MPPE);
    const p = upPair(
      { mppe: { ...CLIENT_MPPE, mppc: true } },
      {
        ccp: {
          ...policy,
          judgePeerOption: (o) =>
            decodeMppeOption(o.data).mppc ? { verdict: 'reject' } : policy.judgePeerOption(o),
        },
      },
    );
    expect(requests(p)).toEqual([
      'ConfReq <mppe +H -M +S -L -D +C>',
      'ConfReq <mppe +H -M +S -L -D -C>',
    ]);
    expect(agreed(p)).toEqual({ keyBits: 128, stateless: true, mppc: false });
    traffic(p, 3);
    expect(data(p).mppcTxPlainBytes).toBe(0);
  });

  it('a server that Acks our C but asks without it: MPPE only, still up', () => {
    // RFC 1962 §2: C in one direction only; the encryption stands, MPPC stays off both ways.
    const policy = mppeCcpPolicy(PPTPD_MPPE);
    const p = upPair(
      { mppe: { ...CLIENT_MPPE, mppc: true } },
      { ccp: { ...policy, judgePeerOption: () => ({ verdict: 'ack' }) } },
    );
    expect(requests(p)).toEqual(['ConfReq <mppe +H -M +S -L -D +C>']);
    expect(clientCcp(p)).toContain('ConfAck <mppe +H -M +S -L -D -C>');
    expect(agreed(p)).toEqual({ keyBits: 128, stateless: true, mppc: false });
    traffic(p, 3);
    expect(data(p).mppcTxPlainBytes).toBe(0);
  });

  it('nomppe mppc: MPPC alone (option 18 with only C), data both ways', () => {
    const p = upPair(
      { mppcAlone: true, mppe: { ...CLIENT_MPPE, required: false, allow128: false } },
      { mppcAlone: true },
    );
    expect(clientCcp(p)[0]).toBe('ConfReq <mppe -H -M -S -L -D +C>');
    expect(agreed(p)).toEqual({ keyBits: 0, stateless: false, mppc: true });
    // 1500 - 2 (MPPC header) - 2 (protocol field).
    expect(p.client.events.find((e) => e.type === 'up')).toMatchObject({ mtu: 1496 });
    traffic(p, 10);
    const d = data(p);
    expect(d.mppcTxCompressedBytes / d.mppcTxPlainBytes).toBeLessThan(0.6);
    expect(d.mppcRxCompressedBytes / d.mppcRxPlainBytes).toBeLessThan(0.6);
    expect(d.mppcDropped).toBe(0);
  });

  it('nomppe mppc against a server without MPPC: comes up uncompressed', () => {
    const p = upPair(
      { mppcAlone: true, mppe: { ...CLIENT_MPPE, required: false, allow128: false } },
      { mppe: { ...PPTPD_MPPE, required: false } },
    );
    // The server's MPPE-only request is Configure-Rejected (we run no encryption).
    expect(clientCcp(p)).toContain('ConfRej <mppe +H -M +S -L -D -C>');
    expect(agreed(p)).toBeUndefined();
    traffic(p, 2);
    expect(data(p).mppcTxPlainBytes).toBe(0);
  });

  it('nomppc never offers C and Naks a server’s C away (RFC 3078 §2.1)', () => {
    const p = upPair({}, { mppe: { ...PPTPD_MPPE, mppc: true } });
    expect(requests(p).length).toBeGreaterThan(0);
    for (const r of requests(p)) expect(r).toContain('-C>');
    expect(clientCcp(p)).toContain('ConfNak <mppe +H -M +S -L -D -C>');
    expect(agreed(p)).toEqual({ keyBits: 128, stateless: true, mppc: false });
    traffic(p, 2);
    expect(data(p).mppcTxPlainBytes).toBe(0);
  });
});
