/**
 * The PPP codecs: the frame header, control packets with their option lists (LCP, IPCP,
 * IPv6CP, CCP with the MPPE option and the client's CCP policy judging it), PAP and CHAP.
 *
 * @module
 */
import {
  CCP_OPTION_MPPE,
  DEFAULT_MPPE_POLICY,
  decodeMppeOption,
  encodeMppeOption,
  mppcOnlyCcpPolicy,
  mppeCcpPolicy,
} from '@pptpkit/mppe';
import { decodeChapPacket, encodeChapPacket } from '@pptpkit/mschapv2';
import {
  type CcpPolicy,
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
  PPP_PROTOCOL,
  type RawOption,
  readPppHeader,
} from '@pptpkit/ppp-lcp-ipcp';
import { encodeUtf8 } from '@pptpkit/wire';
import { concatBytes, readU16, sameBytes } from '../engine/bytes.js';
import { invariant } from '../engine/outcome.js';
import type { Rng } from '../engine/rng.js';
import { sameValue } from '../engine/same-value.js';
import type { FuzzTarget } from '../engine/target.js';
import { distinct, goldenInfoFields, goldenPppFrames } from '../seeds/golden.js';
import { vectorBytes } from '../seeds/vectors.js';

/** Decodes an option and re-encodes it; the option codecs are exact inverses. */
type OptionCodec = (raw: RawOption) => RawOption;

const OPTION_CODECS: Readonly<Record<number, OptionCodec>> = {
  [PPP_PROTOCOL.LCP]: (raw) => encodeLcpOption(decodeLcpOption(raw)),
  [PPP_PROTOCOL.IPCP]: (raw) => encodeIpcpOption(decodeIpcpOption(raw)),
  [PPP_PROTOCOL.IPV6CP]: (raw) => encodeIpv6cpOption(decodeIpv6cpOption(raw)),
  [PPP_PROTOCOL.CCP]: (raw) =>
    raw.type === CCP_OPTION_MPPE
      ? { type: raw.type, data: encodeMppeOption(decodeMppeOption(raw.data)) }
      : raw,
};

/** The CCP policies the client runs (`@pptpkit/mppe`'s, as the client's tunnel options pick them). */
const CCP_POLICIES: readonly CcpPolicy[] = [
  mppeCcpPolicy(DEFAULT_MPPE_POLICY),
  mppeCcpPolicy({ ...DEFAULT_MPPE_POLICY, stateful: 'allow', mppc: true }),
  mppcOnlyCcpPolicy(),
];

/** Decodes a control packet of `protocol` and checks that it re-encodes exactly. */
function controlPacket(protocol: number, info: Uint8Array): string {
  const packet = decodeControlPacket(info);
  const length = readU16(info, 2);
  invariant(
    sameBytes(encodeControlPacket(packet), info.subarray(0, length)),
    'a control packet does not re-encode to its octets',
  );
  const label = packet.code <= 14 ? `code-${packet.code}` : 'code-other';
  // RFC 1661 §5.1-§5.4: Configure-Request/Ack/Nak/Reject carry options.
  if (packet.code < 1 || packet.code > 4) return label;
  const options = decodeOptions(packet.data);
  invariant(
    sameBytes(encodeOptions(options), packet.data),
    'an option list does not re-encode to its octets',
  );
  const codec = OPTION_CODECS[protocol];
  for (const raw of options) {
    if (codec !== undefined) {
      invariant(
        sameValue(codec(raw), raw),
        'an option does not re-encode to its octets',
        `type ${raw.type}`,
      );
    }
    if (protocol === PPP_PROTOCOL.CCP && packet.code === 1) {
      for (const policy of CCP_POLICIES) {
        const verdict = policy.judgePeerOption(raw);
        invariant(
          ['ack', 'nak', 'reject'].includes(verdict.verdict),
          'a CCP verdict that is not ack, nak or reject',
        );
        if (verdict.verdict === 'nak') {
          invariant(
            verdict.option.type === CCP_OPTION_MPPE && verdict.option.data.length === 4,
            'a CCP Nak suggests a malformed option 18',
          );
        }
      }
    }
  }
  return label;
}

function papPacket(info: Uint8Array): string {
  const packet = decodePapPacket(info);
  invariant(
    sameValue(decodePapPacket(encodePapPacket(packet)), packet),
    'a PAP packet decodes differently after re-encoding',
  );
  return packet.type;
}

function chapPacket(info: Uint8Array): string {
  const packet = decodeChapPacket(info);
  invariant(
    sameValue(decodeChapPacket(encodeChapPacket(packet)), packet),
    'a CHAP packet decodes differently after re-encoding',
  );
  return packet.type;
}

/** Decodes the information field of a frame of `protocol`. */
function information(protocol: number, info: Uint8Array): string {
  switch (protocol) {
    case PPP_PROTOCOL.LCP:
    case PPP_PROTOCOL.IPCP:
    case PPP_PROTOCOL.IPV6CP:
    case PPP_PROTOCOL.CCP:
      return controlPacket(protocol, info);
    case PPP_PROTOCOL.PAP:
      return papPacket(info);
    case PPP_PROTOCOL.CHAP:
      return chapPacket(info);
    default:
      return 'other-protocol';
  }
}

const KNOWN_OPTIONS: Readonly<Record<number, readonly number[]>> = {
  [PPP_PROTOCOL.LCP]: [1, 2, 3, 4, 5, 7, 8, 13, 17, 19],
  [PPP_PROTOCOL.IPCP]: [2, 3, 129, 130, 131, 132],
  [PPP_PROTOCOL.IPV6CP]: [1, 2],
  [PPP_PROTOCOL.CCP]: [18, 18, 18, 17, 21],
};

/** A control packet with an option list, mostly well-formed. */
function generateControl(rng: Rng, protocol: number): Uint8Array {
  const code = rng.chance(0.7) ? rng.int(1, 4) : rng.int(0, 15);
  const known = KNOWN_OPTIONS[protocol] ?? [];
  const options: RawOption[] = Array.from({ length: rng.below(6) }, () => ({
    type: rng.chance(0.8) && known.length > 0 ? rng.pick(known) : rng.below(256),
    data: rng.bytes(rng.pick([0, 2, 4, 4, 6, 8, rng.below(20)])),
  }));
  return encodeControlPacket({ code, identifier: rng.below(256), data: encodeOptions(options) });
}

const MSCHAP_TEXT = [
  'S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted',
  'E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=Access denied',
  'E=648 R=0 V=3',
  'E=4294967296 R=1 C=0 V= M=',
];

function generateAuth(rng: Rng, protocol: number): Uint8Array {
  const identifier = rng.below(256);
  if (protocol === PPP_PROTOCOL.PAP) {
    const code = rng.int(1, 3);
    const data =
      code === 1
        ? concatBytes([Uint8Array.of(4), encodeUtf8('user'), Uint8Array.of(8), rng.bytes(8)])
        : concatBytes([Uint8Array.of(8), encodeUtf8('Login ok')]);
    return encodeControlPacket({ code, identifier, data });
  }
  const code = rng.int(1, 4);
  if (code <= 2) {
    const value = rng.bytes(rng.pick([8, 16, 49, rng.int(1, 60)]));
    return encodeChapPacket({
      type: code === 1 ? 'challenge' : 'response',
      identifier,
      value,
      name: encodeUtf8('pptpd'),
    });
  }
  return encodeChapPacket({
    type: code === 3 ? 'success' : 'failure',
    identifier,
    message: encodeUtf8(rng.pick(MSCHAP_TEXT)),
  });
}

/** Vector entries that start with the protocol field `protocol`, without it. */
function vectorInfo(protocol: number): Uint8Array[] {
  return vectorBytes('ppp-lcp-ipcp')
    .filter((v) => readU16(v, 0) === protocol)
    .map((v) => v.subarray(2));
}

/** A target decoding the information field of one protocol. */
function packetTarget(name: string, protocol: number, what: string): FuzzTarget {
  const auth = protocol === PPP_PROTOCOL.PAP || protocol === PPP_PROTOCOL.CHAP;
  return {
    name,
    packageName: protocol === PPP_PROTOCOL.CHAP ? '@pptpkit/mschapv2' : '@pptpkit/ppp-lcp-ipcp',
    entry: what,
    invariants: auth
      ? ['decode, encode, decode again gives the same packet']
      : [
          'a control packet and its option list re-encode to the same octets (padding aside)',
          'each known option decodes and re-encodes exactly',
          ...(protocol === PPP_PROTOCOL.CCP
            ? ["the client's CCP policies answer each option with ack, nak or reject"]
            : []),
        ],
    maxLength: 1600,
    timing: 'input',
    dictionary: [
      Uint8Array.of(1, 4, 5, 0xdc),
      Uint8Array.of(18, 6, 1, 0, 0, 0x40),
      encodeUtf8('S='),
      encodeUtf8(' M='),
    ],
    seeds() {
      return distinct([...goldenInfoFields(protocol), ...vectorInfo(protocol)]);
    },
    generate(rng) {
      return auth ? generateAuth(rng, protocol) : generateControl(rng, protocol);
    },
    run(input) {
      return information(protocol, input);
    },
  };
}

/** A whole PPP frame: the header (ACFC/PFC forms), then the protocol's packet. */
export const pppFrameTarget: FuzzTarget = {
  name: 'ppp-frame',
  packageName: '@pptpkit/ppp-lcp-ipcp',
  entry: "readPppHeader, then the packet decoder of the frame's protocol",
  invariants: [
    'the header leaves a valid protocol number and offset',
    'as the packet targets, by protocol',
  ],
  maxLength: 1600,
  timing: 'input',
  dictionary: [
    Uint8Array.of(0xff, 0x03),
    Uint8Array.of(0xc0, 0x21),
    Uint8Array.of(0x80, 0xfd),
    Uint8Array.of(0xc2, 0x23),
  ],
  seeds() {
    return distinct([...goldenPppFrames().map((f) => f.frame), ...vectorBytes('ppp-lcp-ipcp')]);
  },
  generate(rng) {
    const protocol = rng.pick([
      PPP_PROTOCOL.LCP,
      PPP_PROTOCOL.IPCP,
      PPP_PROTOCOL.IPV6CP,
      PPP_PROTOCOL.CCP,
      PPP_PROTOCOL.PAP,
      PPP_PROTOCOL.CHAP,
    ]);
    const info =
      protocol === PPP_PROTOCOL.PAP || protocol === PPP_PROTOCOL.CHAP
        ? generateAuth(rng, protocol)
        : generateControl(rng, protocol);
    const head = rng.chance(0.7) ? [0xff, 0x03] : [];
    return concatBytes([
      Uint8Array.from(head),
      Uint8Array.of(protocol >> 8, protocol & 0xff),
      info,
    ]);
  },
  run(input) {
    const header = { protocol: 0, offset: 0 };
    if (!readPppHeader(input, 0, input.length, header)) return 'no-header';
    invariant(
      header.offset >= 1 &&
        header.offset <= 4 &&
        header.offset <= input.length &&
        (header.protocol & 1) === 1,
      'a PPP header read with an impossible protocol or offset',
    );
    return information(header.protocol, input.subarray(header.offset));
  },
};

/** LCP packets. */
export const lcpPacketTarget: FuzzTarget = packetTarget(
  'lcp-packet',
  PPP_PROTOCOL.LCP,
  'decodeControlPacket + decodeOptions + decodeLcpOption/encodeLcpOption',
);
/** IPCP packets. */
export const ipcpPacketTarget: FuzzTarget = packetTarget(
  'ipcp-packet',
  PPP_PROTOCOL.IPCP,
  'decodeControlPacket + decodeOptions + decodeIpcpOption/encodeIpcpOption',
);
/** IPv6CP packets. */
export const ipv6cpPacketTarget: FuzzTarget = packetTarget(
  'ipv6cp-packet',
  PPP_PROTOCOL.IPV6CP,
  'decodeControlPacket + decodeOptions + decodeIpv6cpOption/encodeIpv6cpOption',
);
/** CCP packets. */
export const ccpPacketTarget: FuzzTarget = packetTarget(
  'ccp-packet',
  PPP_PROTOCOL.CCP,
  "decodeControlPacket + decodeOptions + decodeMppeOption/encodeMppeOption + the client's CCP policies' judgePeerOption",
);
/** PAP packets. */
export const papPacketTarget: FuzzTarget = packetTarget(
  'pap-packet',
  PPP_PROTOCOL.PAP,
  'decodePapPacket/encodePapPacket',
);
/** CHAP packets. */
export const chapPacketTarget: FuzzTarget = packetTarget(
  'chap-packet',
  PPP_PROTOCOL.CHAP,
  'decodeChapPacket/encodeChapPacket (@pptpkit/mschapv2)',
);
