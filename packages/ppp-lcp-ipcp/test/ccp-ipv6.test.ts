import { DEFAULT_MPPE_POLICY, type MppePolicy, mppeCcpPolicy } from '@pptpkit/mppe';
import { toHex } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { CP_CODE, type Ipv6cpConfig, type LinkPolicy, PPP_PROTOCOL } from '../src/index.js';
import { controlFrame, sentPackets } from './decode-helpers.js';
import { BackToBack, seededRandom } from './harness.js';
import { ipv4 } from './ipv4.js';

const server = { localAddress: ipv4('10.9.0.1'), peerAddress: ipv4('10.9.0.2') };

function pair(
  clientPolicy: LinkPolicy,
  serverPolicy: LinkPolicy,
  ipv6cp: { client?: Ipv6cpConfig; server?: Ipv6cpConfig } = {},
): BackToBack {
  return new BackToBack(
    {
      randomBytes: seededRandom(41),
      policy: clientPolicy,
      ...(ipv6cp.client === undefined ? {} : { ipv6cp: ipv6cp.client }),
    },
    {
      randomBytes: seededRandom(42),
      policy: serverPolicy,
      ipcp: server,
      ...(ipv6cp.server === undefined ? {} : { ipv6cp: ipv6cp.server }),
    },
  );
}

/** An identifier from its last byte (`id(5)` is ::5). */
const id = (last: number): Uint8Array => Uint8Array.of(0, 0, 0, 0, 0, 0, 0, last);

/** The identifiers each side's `up` carries, as hex: [client local, client peer, server local, server peer]. */
function agreed(b: BackToBack): (string | undefined)[] {
  const c = b.actions('client', 'up')[0]?.ipv6;
  const s = b.actions('server', 'up')[0]?.ipv6;
  return [c?.local, c?.peer, s?.local, s?.peer].map((x) => (x === undefined ? x : toHex(x)));
}

const mppe = (p: Partial<MppePolicy> = {}): LinkPolicy => ({
  ccp: mppeCcpPolicy({ ...DEFAULT_MPPE_POLICY, ...p }),
  requireMppe: p.required ?? true,
});

describe('CCP with MPPE option 18 (RFC 1962, RFC 3078 §2)', () => {
  it("both sides agree on MPPE-128 stateless; our request is pppd's <mppe +H -M +S -L -D -C>", () => {
    const b = pair(mppe(), mppe());
    b.start();
    b.run(10_000);
    expect(b.actions('client', 'up')[0]?.mppe).toEqual({
      keyBits: 128,
      stateless: true,
      mppc: false,
    });
    expect(b.actions('server', 'up')[0]?.mppe).toEqual({
      keyBits: 128,
      stateless: true,
      mppc: false,
    });
    const ccpReq = sentPackets(b.actions('client', 'send')).find(
      (p) => p.protocol === PPP_PROTOCOL.CCP && p.code === 1,
    );
    expect(toHex(ccpReq!.data)).toBe('120601000040');
    // With PFC+ACFC agreed the CCP frame header is just the protocol.
    expect(ccpReq!.headerLength).toBe(2);
  });

  it('a peer that allows only 40-bit keys: CCP fails and require-mppe brings the link down', () => {
    const b = pair(mppe(), mppe({ allow128: false, allow40: true }));
    b.start();
    b.run(60_000);
    expect(b.actions('client', 'up')).toHaveLength(0);
    expect(b.actions('client', 'down')[0]?.reason.code).toBe('PPP_MPPE_REQUIRED');
  });

  it('a peer without CCP Protocol-Rejects it: require-mppe fails, otherwise up without MPPE', () => {
    const strict = pair(mppe(), {});
    strict.start();
    strict.run(30_000);
    expect(strict.actions('client', 'down')[0]?.reason.code).toBe('PPP_MPPE_REQUIRED');
    const lax = pair(mppe({ required: false }), {});
    lax.start();
    lax.run(30_000);
    const up = lax.actions('client', 'up')[0];
    expect(up?.local).toBe('10.9.0.2');
    expect(up?.mppe).toBeUndefined();
  });

  it('Reset-Request is answered with a Reset-Ack of the same Identifier (RFC 1962 §1.2)', () => {
    const b = pair(mppe(), mppe());
    b.start();
    b.run(10_000);
    const actions = b.client.receive(
      controlFrame(PPP_PROTOCOL.CCP, CP_CODE.RESET_REQUEST, 0x33, []),
      b.now,
    );
    expect(actions.find((a) => a.type === 'ccp-reset-request')).toEqual({
      type: 'ccp-reset-request',
      identifier: 0x33,
    });
    const ack = sentPackets(actions)[0]!;
    expect([ack.protocol, ack.code, ack.identifier]).toEqual([
      PPP_PROTOCOL.CCP,
      CP_CODE.RESET_ACK,
      0x33,
    ]);
    // And our own Reset-Request reaches the peer, which acknowledges it.
    b.handle('client', b.client.ccpResetRequest(b.now));
    b.run(b.now + 10);
    expect(b.actions('server', 'ccp-reset-request')).toHaveLength(1);
    expect(b.actions('client', 'ccp-reset-ack')).toHaveLength(1);
  });
});

describe('IPv6CP (RFC 5072)', () => {
  it('negotiates interface identifiers both ways alongside IPCP', () => {
    const b = pair({ ipv6: true }, { ipv6: true });
    b.start();
    b.run(10_000);
    const c = b.actions('client', 'up')[0]!;
    const s = b.actions('server', 'up')[0]!;
    expect(c.ipv6 && toHex(c.ipv6.local)).toBe(s.ipv6 && toHex(s.ipv6.peer));
    expect(c.ipv6 && toHex(c.ipv6.peer)).toBe(s.ipv6 && toHex(s.ipv6.local));
    expect(c.ipv6?.local.length).toBe(8);
  });

  it("a colliding identifier is Nak'd with a different one (RFC 5072 §4.1)", () => {
    const b = pair({ ipv6: true }, {});
    b.start();
    b.run(10_000);
    const ours = sentPackets(b.actions('client', 'send')).find(
      (p) => p.protocol === PPP_PROTOCOL.IPV6CP && p.code === 1,
    )!;
    const out = sentPackets(
      b.client.receive(controlFrame(PPP_PROTOCOL.IPV6CP, 1, 9, ours.data), b.now),
    ).filter((p) => p.code !== CP_CODE.CONFIGURE_REQUEST);
    expect(out[0]?.code).toBe(CP_CODE.CONFIGURE_NAK);
    expect(out[0]?.data.length).toBe(10);
    expect(toHex(out[0]!.data)).not.toBe(toHex(ours.data));
    const zero = sentPackets(
      b.client.receive(
        controlFrame(PPP_PROTOCOL.IPV6CP, 1, 10, [1, 10, 0, 0, 0, 0, 0, 0, 0, 0]),
        b.now,
      ),
    ).filter((p) => p.code !== CP_CODE.CONFIGURE_REQUEST);
    expect(zero[0]?.code).toBe(CP_CODE.CONFIGURE_NAK);
  });

  it("configured identifiers: ours is requested, the peer's is Nak'd to the configured one (pppd `ipv6 ::a,::b`)", () => {
    const b = pair({ ipv6: true }, { ipv6: true }, { client: { local: id(0xa), remote: id(0xb) } });
    b.start();
    b.run(10_000);
    // The server proposed a random identifier; the client Nak'd it with ::b, which the server
    // (no identifier of its own configured: it accepts a suggestion) took.
    expect(agreed(b)).toEqual([toHex(id(0xa)), toHex(id(0xb)), toHex(id(0xb)), toHex(id(0xa))]);
    const naks = sentPackets(b.actions('client', 'send')).filter(
      (p) => p.protocol === PPP_PROTOCOL.IPV6CP && p.code === CP_CODE.CONFIGURE_NAK,
    );
    expect(naks.map((p) => toHex(p.data))).toEqual([`010a${toHex(id(0xb))}`]);
  });

  it("a configured local identifier is kept against the peer's Nak unless accept-local; the peer insists only once", () => {
    // The server wants the client to be ::c; the client is configured as ::a.
    const kept = pair(
      { ipv6: true },
      { ipv6: true },
      { client: { local: id(0xa) }, server: { remote: id(0xc) } },
    );
    kept.start();
    kept.run(10_000);
    expect(agreed(kept)[0]).toBe(toHex(id(0xa)));
    expect(agreed(kept)[3]).toBe(toHex(id(0xa)));
    const taken = pair(
      { ipv6: true },
      { ipv6: true },
      { client: { local: id(0xa), acceptLocal: true }, server: { remote: id(0xc) } },
    );
    taken.start();
    taken.run(10_000);
    expect(agreed(taken)[0]).toBe(toHex(id(0xc)));
    expect(agreed(taken)[3]).toBe(toHex(id(0xc)));
  });

  it('refuses identifiers that are not 8 non-zero bytes', () => {
    expect(() => pair({ ipv6: true }, {}, { client: { local: new Uint8Array(8) } })).toThrow(
      RangeError,
    );
    expect(() => pair({ ipv6: true }, {}, { client: { remote: id(1).subarray(1) } })).toThrow(
      RangeError,
    );
  });

  it('a peer without IPv6CP (Protocol-Reject) does not hold up the link', () => {
    const b = pair({ ipv6: true }, {});
    b.start();
    b.run(10_000);
    const up = b.actions('client', 'up')[0];
    expect(up?.local).toBe('10.9.0.2');
    expect(up?.ipv6).toBeUndefined();
  });
});
