import { describe, expect, it } from 'vitest';
import { addressBytes, addressFromBytes } from '../src/ip-address.js';
import {
  decodeMessages,
  decodeStatus,
  NetlinkFlag,
  type NetlinkMessage,
  NetlinkType,
} from '../src/netlink-message.js';
import {
  addressRequest,
  decodeAddress,
  decodeLink,
  decodeNeighbour,
  decodeRoute,
  getLinkRequest,
  IFA_F_NODAD,
  IFF_UP,
  NTF_PROXY,
  NUD_PERMANENT,
  neighbourProxyRequest,
  type RouteFields,
  RouteType,
  RtmType,
  routeLookupRequest,
  routeRequest,
} from '../src/rtnetlink-codec.js';
import { vectors } from './fixtures/netlink-vectors.js';

/** Datagram `index` of capture `name` (see fixtures/capture-netlink-vectors.mjs). */
function datagram(name: string, index: number, direction: '>' | '<'): Uint8Array {
  const entry = vectors[name]?.datagrams[index];
  if (entry === undefined || !entry.startsWith(direction)) {
    throw new Error(`no ${direction} datagram ${index} in capture ${name}`);
  }
  return Uint8Array.from(Buffer.from(entry.slice(2), 'hex'));
}

/** The sequence number iproute2 used (our encoders take it as a parameter). */
const seqOf = (request: Uint8Array): number =>
  new DataView(request.buffer, request.byteOffset).getUint32(8, true);

/** The only message of a datagram. */
function only(data: Uint8Array): NetlinkMessage {
  const messages = decodeMessages(data);
  expect(messages).toHaveLength(1);
  return messages![0]!;
}

const AF_INET = 2;
const AF_INET6 = 10;
// In the capture's namespace: v1 has index 2, v0 index 3.
const V1 = 2;
const V0 = 3;

describe('rtnetlink requests equal iproute2 6.1’s own, byte for byte', () => {
  const route4: RouteFields = {
    family: AF_INET,
    destination: addressBytes('172.16.0.0'),
    destinationLength: 12,
    table: 254,
    protocol: 3,
    scope: 0,
    gateway: addressBytes('10.9.0.254'),
    priority: 7,
    oif: V0,
  };
  const route6: RouteFields = {
    family: AF_INET6,
    destination: addressBytes('2001:db8:1::'),
    destinationLength: 48,
    table: 254,
    protocol: 3,
    scope: 0,
    gateway: addressBytes('2001:db8::2'),
    priority: 5,
    oif: V0,
  };

  it.each([
    [
      'routeAdd4',
      'ip route add 172.16.0.0/12 via 10.9.0.254 dev v0 metric 7',
      (seq: number) => routeRequest(seq, 'add', route4),
    ],
    [
      'routeDelete4',
      'ip route del … (scope nowhere, protocol and type unset)',
      (seq: number) => routeRequest(seq, 'delete', route4),
    ],
    [
      'routeAddDevice4',
      'ip route add 0.0.0.0/1 dev v1 (scope link)',
      (seq: number) =>
        routeRequest(seq, 'add', {
          family: AF_INET,
          destination: addressBytes('0.0.0.0'),
          destinationLength: 1,
          table: 254,
          protocol: 3,
          scope: 253,
          oif: V1,
        }),
    ],
    [
      'routeAddMtu4',
      'ip route add 10.9.5.0/24 dev v0 mtu 1400 (RTA_METRICS → RTAX_MTU)',
      (seq: number) =>
        routeRequest(seq, 'add', {
          family: AF_INET,
          destination: addressBytes('10.9.5.0'),
          destinationLength: 24,
          table: 254,
          protocol: 3,
          scope: 253,
          oif: V0,
          mtu: 1400,
        }),
    ],
    [
      'routeAdd6',
      'ip -6 route add 2001:db8:1::/48 via 2001:db8::2 dev v0 metric 5',
      (seq: number) => routeRequest(seq, 'add', route6),
    ],
    [
      'routeDelete6',
      'ip -6 route del … (scope universe for IPv6)',
      (seq: number) => routeRequest(seq, 'delete', route6),
    ],
    [
      'routeAddBlackhole4',
      'ip route add blackhole 198.51.100.0/24 (scope universe, not link, without a gateway)',
      (seq: number) =>
        routeRequest(seq, 'add', {
          family: AF_INET,
          destination: addressBytes('198.51.100.0'),
          destinationLength: 24,
          table: 254,
          protocol: 3,
          scope: 0,
          type: RouteType.blackhole,
        }),
    ],
    [
      'routeGet4',
      'ip -4 route get 10.9.0.7 (RTM_F_LOOKUP_TABLE)',
      (seq: number) => routeLookupRequest(seq, AF_INET, addressBytes('10.9.0.7')),
    ],
    [
      'routeGet6',
      'ip -6 route get 2001:db8:1::5',
      (seq: number) => routeLookupRequest(seq, AF_INET6, addressBytes('2001:db8:1::5')),
    ],
    [
      'addressAdd4',
      'ip addr add 192.0.2.10 peer 192.0.2.1 dev v1',
      (seq: number) =>
        addressRequest(seq, 'add', {
          family: AF_INET,
          prefixLength: 32,
          index: V1,
          local: addressBytes('192.0.2.10'),
          address: addressBytes('192.0.2.1'),
        }),
    ],
    [
      'addressDelete4',
      'ip addr del 192.0.2.10 peer 192.0.2.1 dev v1',
      (seq: number) =>
        addressRequest(seq, 'delete', {
          family: AF_INET,
          prefixLength: 32,
          index: V1,
          local: addressBytes('192.0.2.10'),
          address: addressBytes('192.0.2.1'),
        }),
    ],
    [
      'addressAdd6',
      'ip -6 addr add 2001:db8::1/64 dev v0 (a plain address: local = address)',
      (seq: number) =>
        addressRequest(seq, 'add', {
          family: AF_INET6,
          prefixLength: 64,
          index: V0,
          local: addressBytes('2001:db8::1'),
          address: addressBytes('2001:db8::1'),
        }),
    ],
    [
      'addressAddNodad6',
      'ip -6 addr add fe80::5/64 peer fe80::6 dev v1 nodad (the peer’s length counts: 128)',
      (seq: number) =>
        addressRequest(seq, 'add', {
          family: AF_INET6,
          prefixLength: 128,
          index: V1,
          local: addressBytes('fe80::5'),
          address: addressBytes('fe80::6'),
          flags: IFA_F_NODAD,
        }),
    ],
    [
      'addressAddPeer6',
      'ip -6 addr add fe80::1 peer fe80::2 dev v1',
      (seq: number) =>
        addressRequest(seq, 'add', {
          family: AF_INET6,
          prefixLength: 128,
          index: V1,
          local: addressBytes('fe80::1'),
          address: addressBytes('fe80::2'),
        }),
    ],
  ])('%s: %s', (name, _what, encode) => {
    const theirs = datagram(name, 0, '>');
    expect(Buffer.from(encode(seqOf(theirs))).toString('hex')).toBe(
      Buffer.from(theirs).toString('hex'),
    );
  });

  it('an unreachable IPv6 default route: iproute2’s request less the all-zero RTA_DST it adds', () => {
    const theirs = datagram('routeAddUnreachable6', 0, '>');
    const ours = routeRequest(seqOf(theirs), 'add', {
      family: AF_INET6,
      destination: new Uint8Array(16),
      destinationLength: 0,
      table: 254,
      protocol: 3,
      scope: 0,
      priority: 1,
      type: RouteType.unreachable,
    });
    // After nlmsghdr and rtmsg, iproute2 6.1 sends RTA_DST (type 1, 20 bytes) of 16 zero bytes
    // for `default`; with rtm_dst_len 0 the kernel reads no destination bits, so a request
    // without it (ours, as for the IPv4 default route) means the same.
    const at = 16 + 12;
    expect(Buffer.from(theirs.subarray(at, at + 4)).toString('hex')).toBe('14000100');
    expect(theirs.subarray(at + 4, at + 20).every((b) => b === 0)).toBe(true);
    const trimmed = Uint8Array.from([...theirs.subarray(0, at), ...theirs.subarray(at + 20)]);
    new DataView(trimmed.buffer).setUint32(0, trimmed.length, true);
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(trimmed).toString('hex'));
  });

  it('getLink by name: iproute2’s lookup, asking only to skip statistics (not for VF data)', () => {
    const theirs = datagram('linkShow', 0, '>');
    const ours = getLinkRequest(seqOf(theirs), 'v1');
    // IFLA_EXT_MASK's value is the only difference: RTEXT_FILTER_SKIP_STATS (8) where
    // iproute2 also asks for RTEXT_FILTER_VF (1).
    const offset = 16 + 16 + 4; // nlmsghdr, ifinfomsg, attribute header
    expect(theirs[offset]).toBe(9);
    expect(ours[offset]).toBe(8);
    ours[offset] = 9;
    expect(ours).toEqual(theirs);
  });
});

describe('rtnetlink replies from the kernel decode to what `ip` printed', () => {
  it('a route lookup: device, preferred source, no gateway, no MTU', () => {
    const reply = only(datagram('routeGet4', 1, '<'));
    expect(reply.type).toBe(RtmType.newRoute);
    const route = decodeRoute(reply);
    expect(route).toMatchObject({
      family: AF_INET,
      destinationLength: 32,
      table: 254,
      oif: V0,
      type: 1,
    });
    expect(addressFromBytes(route!.destination!)).toBe('10.9.0.7');
    expect(addressFromBytes(route!.source!)).toBe('10.9.0.1');
    expect(route?.gateway).toBeUndefined();
    expect(route?.mtu).toBeUndefined();
  });

  it('a route lookup through a route with an MTU metric reports it (RTA_METRICS → RTAX_MTU)', () => {
    expect(decodeRoute(only(datagram('routeGetMtu4', 1, '<')))).toMatchObject({
      oif: V0,
      mtu: 1400,
    });
  });

  it('an IPv6 lookup: gateway, metric, source', () => {
    const route = decodeRoute(only(datagram('routeGet6', 1, '<')))!;
    expect(route).toMatchObject({ family: AF_INET6, destinationLength: 128, oif: V0, priority: 5 });
    expect(addressFromBytes(route.gateway!)).toBe('2001:db8::2');
    expect(addressFromBytes(route.source!)).toBe('2001:db8::1');
    expect(addressFromBytes(route.destination!)).toBe('2001:db8:1::5');
  });

  it('a route dump: multi-part messages, then NLMSG_DONE in the next datagram', () => {
    const messages = decodeMessages(datagram('routeDump4', 0, '<'))!;
    expect(
      messages.every((m) => m.type === RtmType.newRoute && (m.flags & NetlinkFlag.multi) !== 0),
    ).toBe(true);
    const routes = messages.map((m) => decodeRoute(m)!);
    const text = routes.map(
      (r) =>
        `${addressFromBytes(r.destination!)}/${r.destinationLength} oif ${r.oif} proto ${r.protocol} scope ${r.scope}` +
        (r.source === undefined ? '' : ` src ${addressFromBytes(r.source)}`) +
        (r.mtu === undefined ? '' : ` mtu ${r.mtu}`),
    );
    expect(text).toEqual([
      '0.0.0.0/1 oif 2 proto 3 scope 253',
      '10.9.0.0/24 oif 3 proto 2 scope 253 src 10.9.0.1',
      '10.9.5.0/24 oif 3 proto 3 scope 253 mtu 1400',
    ]);
    const done = only(datagram('routeDump4', 1, '<'));
    expect(done.type).toBe(NetlinkType.done);
    expect(done.seq).toBe(messages[0]!.seq);
    expect(decodeStatus(done)).toEqual({ errno: 0 });
  });

  it('an address dump: a point-to-point address (IFA_LOCAL ours, IFA_ADDRESS the peer)', () => {
    const address = decodeAddress(only(datagram('addressDump4', 0, '<')))!;
    expect(address).toMatchObject({ family: AF_INET, prefixLength: 32, index: V1 });
    expect(addressFromBytes(address.local!)).toBe('192.0.2.10');
    expect(addressFromBytes(address.address!)).toBe('192.0.2.1');
  });

  it('a link: index, name, MTU, up', () => {
    const link = decodeLink(only(datagram('linkShow', 1, '<')))!;
    expect(link).toMatchObject({ index: V1, name: 'v1', mtu: 1500 });
    expect(link.flags & IFF_UP).toBe(IFF_UP);
  });

  it('acks are capped; errors carry errno and, with NETLINK_EXT_ACK, the kernel’s message', () => {
    const ack = only(datagram('routeAdd4', 1, '<'));
    expect(ack.flags & NetlinkFlag.capped).toBe(NetlinkFlag.capped);
    expect(decodeStatus(ack)).toEqual({ errno: 0 });
    expect(decodeStatus(only(datagram('routeAdd4Again', 1, '<')))).toEqual({ errno: 17 }); // EEXIST
    expect(decodeStatus(only(datagram('routeAddHostBits4', 1, '<')))).toEqual({
      errno: 22, // EINVAL
      kernelMessage: 'Invalid prefix for given prefix length',
    });
    expect(decodeStatus(only(datagram('routeGetUnreachable4', 1, '<')))).toEqual({ errno: 101 }); // ENETUNREACH
  });

  it('refuses replies whose addresses have the wrong length for their family', () => {
    const reply = datagram('routeGet4', 1, '<').slice();
    // rtm_family 2 → 10: the 4-byte RTA_DST no longer fits the family.
    reply[16] = AF_INET6;
    expect(decodeRoute(only(reply))).toBeUndefined();
    const truncated = only(datagram('routeGet4', 1, '<'));
    expect(decodeRoute({ ...truncated, body: truncated.body.subarray(0, 11) })).toBeUndefined();
    expect(decodeLink({ ...truncated, body: truncated.body.subarray(0, 15) })).toBeUndefined();
    expect(decodeAddress({ ...truncated, body: truncated.body.subarray(0, 7) })).toBeUndefined();
  });
});

describe('proxy neighbour entries: requests equal iproute2’s, replies decode', () => {
  // iproute2 first dumps the links (`ip neigh` resolves names that way): datagram 0 of these
  // captures is that dump's NLMSG_DONE, then come the request and the kernel's answer.
  it.each([
    [
      'neighbourProxyAdd4',
      'ip neigh add proxy 192.0.2.20 dev v0',
      (seq: number) =>
        neighbourProxyRequest(seq, 'add', {
          family: AF_INET,
          index: V0,
          address: addressBytes('192.0.2.20'),
        }),
    ],
    [
      'neighbourProxyAdd6',
      'ip -6 neigh add proxy 2001:db8::20 dev v0',
      (seq: number) =>
        neighbourProxyRequest(seq, 'add', {
          family: AF_INET6,
          index: V0,
          address: addressBytes('2001:db8::20'),
        }),
    ],
    [
      'neighbourProxyDelete4',
      'ip neigh del proxy 192.0.2.20 dev v0',
      (seq: number) =>
        neighbourProxyRequest(seq, 'delete', {
          family: AF_INET,
          index: V0,
          address: addressBytes('192.0.2.20'),
        }),
    ],
  ])('%s: %s', (name, _what, encode) => {
    const theirs = datagram(name, 1, '>');
    expect(Buffer.from(encode(seqOf(theirs))).toString('hex')).toBe(
      Buffer.from(theirs).toString('hex'),
    );
  });

  it('the header is struct ndmsg: family, ifindex, state NUD_PERMANENT, flags NTF_PROXY', () => {
    const request = only(
      neighbourProxyRequest(1, 'add', {
        family: AF_INET,
        index: V0,
        address: addressBytes('192.0.2.20'),
      }),
    );
    expect(request.type).toBe(RtmType.newNeighbour);
    expect(request.flags).toBe(
      NetlinkFlag.request | NetlinkFlag.ack | NetlinkFlag.create | NetlinkFlag.excl,
    );
    expect(decodeNeighbour(request)).toEqual({
      family: AF_INET,
      index: V0,
      state: NUD_PERMANENT,
      flags: NTF_PROXY,
      destination: addressBytes('192.0.2.20'),
    });
  });

  it('the kernel acknowledges a duplicate add (NLM_F_EXCL notwithstanding) and refuses an absent delete with ENOENT', () => {
    expect(decodeStatus(only(datagram('neighbourProxyAddAgain4', 2, '<')))).toEqual({ errno: 0 });
    expect(decodeStatus(only(datagram('neighbourProxyDeleteAgain4', 2, '<')))).toEqual({
      errno: 2,
    });
  });

  it('a proxy dump: the IPv4 entry (ifindex, NTF_PROXY, NDA_DST), then NLMSG_DONE', () => {
    const messages = decodeMessages(datagram('neighbourProxyDump4', 1, '<'))!;
    expect(messages.map((m) => m.type)).toEqual([RtmType.newNeighbour, NetlinkType.done]);
    const entry = decodeNeighbour(messages[0]!)!;
    expect(entry).toMatchObject({ family: AF_INET, index: V0, flags: NTF_PROXY });
    expect(addressFromBytes(entry.destination!)).toBe('192.0.2.20');
  });

  it('refuses a neighbour message too short or with an address of the wrong length', () => {
    const entry = decodeMessages(datagram('neighbourProxyDump4', 1, '<'))![0]!;
    expect(decodeNeighbour({ ...entry, body: entry.body.subarray(0, 11) })).toBeUndefined();
    const body = entry.body.slice();
    body[0] = AF_INET6;
    expect(decodeNeighbour({ ...entry, body })).toBeUndefined();
  });
});
