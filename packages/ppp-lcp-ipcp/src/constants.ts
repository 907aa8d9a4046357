/**
 * Numeric PPP constants: protocol numbers, control-packet codes and option types.
 *
 * @module
 */

/** PPP protocol field values used by pptpkit (RFC 1661 §2, IANA PPP DLL protocol numbers). */
export const PPP_PROTOCOL = {
  /** Internet Protocol version 4 (RFC 1332). */
  IPV4: 0x0021,
  /** Internet Protocol version 6 (RFC 5072). */
  IPV6: 0x0057,
  /** Compressed/encrypted datagram, carries MPPE (RFC 1962 §2, RFC 3078). */
  COMPRESSED: 0x00fd,
  /** IP Control Protocol (RFC 1332). */
  IPCP: 0x8021,
  /** IPv6 Control Protocol (RFC 5072). */
  IPV6CP: 0x8057,
  /** Compression Control Protocol (RFC 1962). */
  CCP: 0x80fd,
  /** Link Control Protocol (RFC 1661). */
  LCP: 0xc021,
  /** Password Authentication Protocol (RFC 1334). */
  PAP: 0xc023,
  /** Link Quality Report (RFC 1989). */
  LQR: 0xc025,
  /** Challenge-Handshake Authentication Protocol (RFC 1994). */
  CHAP: 0xc223,
  /** Extensible Authentication Protocol (RFC 2284). */
  EAP: 0xc227,
} as const;

/** Control-packet codes (RFC 1661 §5, RFC 1570 §2, RFC 1962 §3). */
export const CP_CODE = {
  /** Configure-Request (RFC 1661 §5.1). */
  CONFIGURE_REQUEST: 1,
  /** Configure-Ack (RFC 1661 §5.2). */
  CONFIGURE_ACK: 2,
  /** Configure-Nak (RFC 1661 §5.3). */
  CONFIGURE_NAK: 3,
  /** Configure-Reject (RFC 1661 §5.4). */
  CONFIGURE_REJECT: 4,
  /** Terminate-Request (RFC 1661 §5.5). */
  TERMINATE_REQUEST: 5,
  /** Terminate-Ack (RFC 1661 §5.5). */
  TERMINATE_ACK: 6,
  /** Code-Reject (RFC 1661 §5.6). */
  CODE_REJECT: 7,
  /** Protocol-Reject, LCP only (RFC 1661 §5.7). */
  PROTOCOL_REJECT: 8,
  /** Echo-Request, LCP only (RFC 1661 §5.8). */
  ECHO_REQUEST: 9,
  /** Echo-Reply, LCP only (RFC 1661 §5.8). */
  ECHO_REPLY: 10,
  /** Discard-Request, LCP only (RFC 1661 §5.9). */
  DISCARD_REQUEST: 11,
  /** Identification, LCP only (RFC 1570 §2.1). */
  IDENTIFICATION: 12,
  /** Time-Remaining, LCP only (RFC 1570 §2.2). */
  TIME_REMAINING: 13,
  /** Reset-Request, CCP only (RFC 1962 §3). */
  RESET_REQUEST: 14,
  /** Reset-Ack, CCP only (RFC 1962 §3). */
  RESET_ACK: 15,
} as const;

/** LCP configuration option types (RFC 1661 §6, RFC 1570). */
export const LCP_OPTION = {
  /** Maximum-Receive-Unit (RFC 1661 §6.1). */
  MRU: 1,
  /** Async-Control-Character-Map (RFC 1662 §7.1). */
  ACCM: 2,
  /** Authentication-Protocol (RFC 1661 §6.2). */
  AUTH_PROTOCOL: 3,
  /** Quality-Protocol (RFC 1661 §6.3). */
  QUALITY_PROTOCOL: 4,
  /** Magic-Number (RFC 1661 §6.4). */
  MAGIC_NUMBER: 5,
  /** Protocol-Field-Compression (RFC 1661 §6.5). */
  PFC: 7,
  /** Address-and-Control-Field-Compression (RFC 1661 §6.6). */
  ACFC: 8,
} as const;

/** CHAP algorithm numbers carried in the LCP Authentication-Protocol option (RFC 1994 §3, RFC 2433, RFC 2759). */
export const CHAP_ALGORITHM = {
  /** CHAP with MD5 (RFC 1994). */
  MD5: 5,
  /** MS-CHAP version 1 (RFC 2433). */
  MSCHAP_V1: 0x80,
  /** MS-CHAP version 2 (RFC 2759). */
  MSCHAP_V2: 0x81,
} as const;

/** IPCP configuration option types (RFC 1332 §3, RFC 1877 §1). */
export const IPCP_OPTION = {
  /** IP-Addresses, deprecated (RFC 1332 §3.1). */
  IP_ADDRESSES: 1,
  /** IP-Compression-Protocol (RFC 1332 §3.2). */
  IP_COMPRESSION: 2,
  /** IP-Address (RFC 1332 §3.3). */
  IP_ADDRESS: 3,
  /** Primary DNS server address (RFC 1877 §1.1). */
  PRIMARY_DNS: 129,
  /** Primary NBNS (WINS) server address (RFC 1877 §1.2). */
  PRIMARY_NBNS: 130,
  /** Secondary DNS server address (RFC 1877 §1.3). */
  SECONDARY_DNS: 131,
  /** Secondary NBNS (WINS) server address (RFC 1877 §1.4). */
  SECONDARY_NBNS: 132,
} as const;

/** IPv6CP configuration option types (RFC 5072 §4). */
export const IPV6CP_OPTION = {
  /** Interface-Identifier (RFC 5072 §4.1). */
  INTERFACE_IDENTIFIER: 1,
  /** IPv6-Compression-Protocol (RFC 5072 §4.2). */
  IPV6_COMPRESSION: 2,
} as const;
