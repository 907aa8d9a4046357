/**
 * Real-world vectors: the PPP frames of sessions between Debian's pptp-linux + pppd 2.4.9 and
 * pptpd + pppd 2.4.9, recorded in the interop lab (fixtures/golden/README.md). Every frame
 * header and control packet must decode and re-encode to the captured bytes, and the
 * negotiation must read as pppd's own debug log of the same session describes it.
 */
import { formatIpv4 } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import {
  type Direction,
  GOLDEN_CAPTURES,
  type GoldenCapture,
  loadGoldenCapture as loadCapture,
  pppFrames,
} from '../../../fixtures/golden/capture.js';

import {
  type ControlPacket,
  CP_CODE,
  decodeControlPacket,
  decodeIpcpOption,
  decodeIpv6cpOption,
  decodeLcpOption,
  decodeOptions,
  decodePapPacket,
  encodeControlPacket,
  encodeIpcpOption,
  encodeIpv6cpOption,
  encodeLcpOption,
  encodeOptions,
  encodePapPacket,
  type LcpOption,
  PPP_PROTOCOL,
  type PppHeader,
  readPppHeader,
} from '../src/index.js';

interface Frame {
  dir: Direction;
  bytes: Uint8Array;
  protocol: number;
  info: Uint8Array;
}

/** The PPP frames, with the header read by our own codec. */
function frames(capture: GoldenCapture): Frame[] {
  return pppFrames(capture).map(({ dir, frame }) => {
    const header: PppHeader = { protocol: 0, offset: 0 };
    expect(readPppHeader(frame, 0, frame.length, header)).toBe(true);
    return { dir, bytes: frame, protocol: header.protocol, info: frame.subarray(header.offset) };
  });
}

const controlProtocols: ReadonlySet<number> = new Set([
  PPP_PROTOCOL.LCP,
  PPP_PROTOCOL.IPCP,
  PPP_PROTOCOL.IPV6CP,
  PPP_PROTOCOL.CCP,
]);

const isConfigure = (code: number): boolean =>
  code >= CP_CODE.CONFIGURE_REQUEST && code <= CP_CODE.CONFIGURE_REJECT;

function packets(all: Frame[], protocol: number, dir: Direction, code: number): ControlPacket[] {
  return all
    .filter((f) => f.protocol === protocol && f.dir === dir)
    .map((f) => decodeControlPacket(f.info))
    .filter((p) => p.code === code);
}

function lcpOptions(packet: ControlPacket): LcpOption[] {
  return decodeOptions(packet.data).map(decodeLcpOption);
}

describe('golden captures: PPP between Debian pppd peers over PPTP', () => {
  for (const name of GOLDEN_CAPTURES) {
    describe(name, () => {
      const all = frames(loadCapture(name));

      it('every frame header decodes; only the expected protocols appear (RFC 1661 §2)', () => {
        const known = new Set<number>([
          ...controlProtocols,
          0xc223,
          0xc023,
          PPP_PROTOCOL.COMPRESSED,
          PPP_PROTOCOL.IPV4,
          PPP_PROTOCOL.IPV6,
        ]);
        for (const f of all) expect(known.has(f.protocol), f.protocol.toString(16)).toBe(true);
        // LCP Configure packets carry Address/Control and a 2-byte protocol (RFC 1661 §6.6:
        // ACFC must not be applied to LCP). Once LCP is open, these real peers do send LCP
        // Echo-Request/Reply with ACFC applied: a receiver has to accept both forms.
        const lcp = all.filter((x) => x.protocol === PPP_PROTOCOL.LCP);
        for (const f of lcp.filter((x) => isConfigure(x.info[0]!))) {
          expect([...f.bytes.subarray(0, 4)]).toEqual([0xff, 0x03, 0xc0, 0x21]);
        }
        const compressed = lcp.filter((x) => x.bytes[0] !== 0xff);
        expect(compressed.length).toBeGreaterThan(0);
        for (const f of compressed) expect([...f.bytes.subarray(0, 2)]).toEqual([0xc0, 0x21]);
      });

      it('every control packet and option list re-encodes to the captured bytes (RFC 1661 §5, §6)', () => {
        let configures = 0;
        for (const f of all.filter((x) => controlProtocols.has(x.protocol))) {
          const packet = decodeControlPacket(f.info);
          const length = 4 + packet.data.length;
          expect(encodeControlPacket(packet)).toEqual(f.info.subarray(0, length));
          if (!isConfigure(packet.code)) continue;
          configures++;
          const raw = decodeOptions(packet.data);
          expect(encodeOptions(raw)).toEqual(packet.data);
          for (const option of raw) {
            if (f.protocol === PPP_PROTOCOL.LCP) {
              expect(encodeLcpOption(decodeLcpOption(option))).toEqual(option);
            } else if (f.protocol === PPP_PROTOCOL.IPCP) {
              expect(encodeIpcpOption(decodeIpcpOption(option))).toEqual(option);
            } else if (f.protocol === PPP_PROTOCOL.IPV6CP) {
              expect(encodeIpv6cpOption(decodeIpv6cpOption(option))).toEqual(option);
            }
          }
        }
        expect(configures).toBeGreaterThanOrEqual(4);
      });

      it("pppd's LCP Configure-Requests: the server asks for its auth protocol, neither sends an MRU", () => {
        const [server] = packets(
          all,
          PPP_PROTOCOL.LCP,
          'server-to-client',
          CP_CODE.CONFIGURE_REQUEST,
        );
        const [client] = packets(
          all,
          PPP_PROTOCOL.LCP,
          'client-to-server',
          CP_CODE.CONFIGURE_REQUEST,
        );
        const serverOptions = lcpOptions(server!);
        expect(serverOptions.map((o) => o.type)).toEqual(['accm', 'auth', 'magic', 'pfc', 'acfc']);
        const auth = serverOptions.find((o) => o.type === 'auth');
        // RFC 1661 §6.2: CHAP 0xC223 with its algorithm (RFC 1994 §3: 5 MD5; RFC 2433 §2:
        // 0x80 MS-CHAPv1; RFC 2759 §2: 0x81 MS-CHAPv2), or PAP 0xC023 with no data.
        const expected = name.startsWith('pap')
          ? { protocol: 0xc023, data: [] }
          : name.startsWith('chap-md5')
            ? { protocol: 0xc223, data: [5] }
            : name.startsWith('mschapv1')
              ? { protocol: 0xc223, data: [0x80] }
              : { protocol: 0xc223, data: [0x81] };
        expect(
          auth?.type === 'auth' ? { protocol: auth.protocol, data: [...auth.data] } : {},
        ).toEqual(expected);
        expect(serverOptions.find((o) => o.type === 'accm')).toEqual({ type: 'accm', accm: 0 });
        expect(lcpOptions(client!).map((o) => o.type)).toEqual(['accm', 'magic', 'pfc', 'acfc']);
      });

      it('LCP Echo-Requests carry the magic number their sender negotiated (RFC 1661 §5.8)', () => {
        for (const dir of ['client-to-server', 'server-to-client'] as const) {
          const request = packets(all, PPP_PROTOCOL.LCP, dir, CP_CODE.CONFIGURE_REQUEST)[0]!;
          const magic = lcpOptions(request).find((o) => o.type === 'magic');
          const echo = packets(all, PPP_PROTOCOL.LCP, dir, 9)[0];
          expect(echo).toBeDefined();
          const echoMagic = new DataView(echo!.data.buffer, echo!.data.byteOffset).getUint32(0);
          expect(magic?.type === 'magic' ? magic.magic : -1).toBe(echoMagic);
        }
      });

      if (name !== 'mschapv2-wrong-password') {
        it('IPCP: the server Naks 0.0.0.0 with an address from its pool (RFC 1332 §3.3)', () => {
          const addresses = (p: ControlPacket): string[] =>
            decodeOptions(p.data)
              .map(decodeIpcpOption)
              .flatMap((o) => (o.type === 'address' ? [formatIpv4(o.address)] : []));
          const clientRequests = packets(
            all,
            PPP_PROTOCOL.IPCP,
            'client-to-server',
            CP_CODE.CONFIGURE_REQUEST,
          );
          expect(clientRequests.map(addresses)).toEqual([['0.0.0.0'], ['192.168.77.10']]);
          const nak = packets(all, PPP_PROTOCOL.IPCP, 'server-to-client', CP_CODE.CONFIGURE_NAK);
          expect(nak.map(addresses)).toEqual([['192.168.77.10']]);
          const serverRequest = packets(
            all,
            PPP_PROTOCOL.IPCP,
            'server-to-client',
            CP_CODE.CONFIGURE_REQUEST,
          );
          expect(serverRequest.map(addresses)).toEqual([['192.168.77.1']]);
        });

        it('the client ends with LCP Terminate-Requests, each one acked (RFC 1661 §5.5)', () => {
          // pppd's reason text: with MPPE the CCP shutdown comes first and names it.
          const reason = name.includes('nomppe') ? 'User request' : 'MPPE disabled';
          const requests = packets(
            all,
            PPP_PROTOCOL.LCP,
            'client-to-server',
            CP_CODE.TERMINATE_REQUEST,
          );
          const acks = packets(all, PPP_PROTOCOL.LCP, 'server-to-client', CP_CODE.TERMINATE_ACK);
          expect(requests.length).toBeGreaterThan(0);
          for (const r of requests) expect(Buffer.from(r.data).toString('latin1')).toBe(reason);
          expect(acks.map((a) => a.identifier)).toEqual(requests.map((r) => r.identifier));
        });
      } else {
        it('after the CHAP Failure the server sends LCP Terminate-Request "Authentication failed"', () => {
          const requests = packets(
            all,
            PPP_PROTOCOL.LCP,
            'server-to-client',
            CP_CODE.TERMINATE_REQUEST,
          );
          expect(requests.map((r) => Buffer.from(r.data).toString('latin1'))).toContain(
            'Authentication failed',
          );
          expect(all.some((f) => f.protocol === PPP_PROTOCOL.IPCP)).toBe(false);
        });
      }
    });
  }

  describe('pap-nomppe', () => {
    const all = frames(loadCapture('pap-nomppe'));

    it('the PAP exchange decodes: Authenticate-Request with the known credentials, then Ack (RFC 1334 §2.2)', () => {
      const pap = all.filter((f) => f.protocol === 0xc023);
      const decoded = pap.map((f) => ({ dir: f.dir, packet: decodePapPacket(f.info) }));
      expect(decoded.map((d) => [d.dir, d.packet.type])).toEqual([
        ['client-to-server', 'request'],
        ['server-to-client', 'ack'],
      ]);
      const [request, ack] = decoded.map((d) => d.packet);
      if (request?.type !== 'request' || ack?.type !== 'ack') throw new Error('order');
      expect(Buffer.from(request.peerId).toString('latin1')).toBe('pptpkit');
      expect(Buffer.from(request.password).toString('latin1')).toBe('golden-Passw0rd');
      expect(ack.identifier).toBe(request.identifier);
      expect(Buffer.from(ack.message).toString('latin1')).toBe('Login ok');
      for (const [i, d] of decoded.entries()) {
        const bytes = pap[i]!.info;
        expect(encodePapPacket(d.packet)).toEqual(bytes.subarray(0, (bytes[2]! << 8) | bytes[3]!));
      }
    });
  });
});
