/**
 * What `pptpkit serve` runs with: pptpd's own files (`pptpd.conf`, the ppp options file it
 * names, `chap-secrets`/`pap-secrets`) read into one value.
 *
 * @module
 */
import type { ConfigLocation } from '../../config/config-error.js';
import type { ConfigWarning } from '../../config/load-peer.js';
import type { ReadFailure } from '../../config/read-failure.js';
import type { SecretEntry } from '../../config/secrets.js';

/** Methods the server can require of its peers, in pppd's option names. */
export type ServerAuthMethod = 'mschap-v2' | 'mschap' | 'eap' | 'chap' | 'pap';

/**
 * One `localip`/`remoteip` item: a single address or an inclusive range (IPv4, host order).
 * pptpd lets the hyphen sit in any one octet: `192.168.0.234-238` steps the last octet (step 1),
 * `192.168-178.1.231` steps the second (step 65536: 192.168.1.231, 192.169.1.231, ...). A range
 * stays a range: it is never expanded.
 */
export interface AddressRange {
  /** First address, as a 32-bit unsigned number. */
  readonly first: number;
  /** Last address (equal to `first` for a single address). */
  readonly last: number;
  /** Distance between consecutive addresses: 1, 256, 65536 or 16777216 (the octet stepped). */
  readonly step: number;
}

/**
 * The server's MPPE policy, after pppd's option rules. pppd 2.4.9 negotiates MPPE only when it
 * requires it: without `require-mppe*` both key lengths are off and a peer asking for MPPE is
 * rejected (ccp.c: the allowed options take the wanted ones only when MPPE is wanted).
 */
export interface ServerMppe {
  /** Peers must agree to MPPE (`require-mppe*`), else the link ends. */
  readonly required: boolean;
  /** 128-bit keys allowed. */
  readonly allow128: boolean;
  /** 56-bit keys allowed (`require-mppe-56`, pptpkit's own: pppd has no 56-bit MPPE). */
  readonly allow56: boolean;
  /** 40-bit keys allowed (pppd drops them after MS-CHAP v1, whose LM keys it lacks). */
  readonly allow40: boolean;
  /** Stateful mode allowed when the peer asks (`mppe-stateful`); pppd's default: stateless only. */
  readonly allowStateful: boolean;
  /** MPPC offered (`mppc`, pptpkit's own). */
  readonly mppc: boolean;
}

/** Settings of `pptpkit serve`, from pptpd.conf and the ppp options file. */
export interface ServerConfig {
  /** `pptpd.conf` path, for messages. */
  readonly configFile: string;
  /** The ppp options file `option` named (undefined: none). */
  readonly optionFile?: string;
  /** Every file read, in order (pptpd.conf, /etc/ppp/options, the option file, includes). */
  readonly files: readonly string[];
  /** `listen`: the address to listen on (default all, `0.0.0.0`). */
  readonly listen: string;
  /**
   * Most sessions at once: `connections` (pptpd default 100), cut as pptpd cuts it to the
   * number of `remoteip` addresses and, when `localip` is a list, of `localip` addresses.
   * Addresses past this count are never used (pptpd ignores them too).
   */
  readonly maxSessions: number;
  /**
   * `localip` items, in order. Without `localip` pptpd uses `192.168.0.1-100`, and so does
   * this (with a warning).
   */
  readonly localIp: readonly AddressRange[];
  /** `remoteip` items, in order (without `remoteip`: pptpd's `192.168.1.1-100`, with a warning). */
  readonly remoteIp: readonly AddressRange[];
  /**
   * pptpd's pairing: session slot `i` gets the `i`th remote address and, when true, the `i`th
   * local one. False when `localip` gives a single address: every session uses it.
   */
  readonly pairLocal: boolean;
  /** `stimeout`: seconds a new control connection has to send its first message (pptpd default 10). */
  readonly startTimeout: number;
  /**
   * pptpd passes `ipparam CLIENT-ADDRESS` to pppd after the options file, so by default each
   * session's ipparam is the client's public address and `ipparam` below is overridden; false
   * with pptpd.conf's `noipparam`.
   */
  readonly ipparamIsClient: boolean;
  /**
   * `name`: our name in CHAP challenges and the secrets' server column. pppd's default is the
   * host name (the `hostname` load option, with `domain` appended); `pptpd` if that is not given.
   */
  readonly name: string;
  /**
   * Methods required of peers, preferred first: MS-CHAPv2, MS-CHAP, EAP, CHAP, PAP (empty: none
   * required, `noauth` or no `auth`). `auth` alone requires all five, as pppd does. pppd itself
   * first offers EAP, then CHAP-MD5 when several CHAP flavours are allowed, and takes the peer's
   * Nak suggestion among them; pptpkit offers MS-CHAPv2 first. EAP runs EAP-MS-CHAP-V2, and
   * EAP-MD5 too when MPPE is not required.
   */
  readonly requireAuth: readonly ServerAuthMethod[];
  /** MPPE. */
  readonly mppe: ServerMppe;
  /**
   * `ms-dns` as pppd sends them: `[primary, secondary]`, or empty. pppd keeps the last two given;
   * a single `ms-dns` is sent as both primary and secondary.
   */
  readonly dns: readonly number[];
  /** `ms-wins`, as `dns`. */
  readonly wins: readonly number[];
  /** `proxyarp`. */
  readonly proxyArp: boolean;
  /** `lcp-echo-interval` seconds (0: none). */
  readonly echoInterval: number;
  /** `lcp-echo-failure`. */
  readonly echoFailure: number;
  /** `mtu` (undefined: from the path). */
  readonly mtu?: number;
  /** `mru`. */
  readonly mru?: number;
  /** `debug` in the options files or in pptpd.conf. */
  readonly debug: boolean;
  /** `logfile` path. */
  readonly logFile?: string;
  /** `idle` seconds. */
  readonly idle?: number;
  /** `maxconnect` seconds. */
  readonly maxConnect?: number;
  /** `ipparam` (passed to ip-up/ip-down as their sixth argument; see `ipparamIsClient`). */
  readonly ipparam?: string;
  /** Options accepted without effect, for a debug line each. */
  readonly ignored: readonly (ConfigLocation & { readonly option: string; readonly why: string })[];
  /** Tolerated problems. */
  readonly warnings: readonly ConfigWarning[];
}

/** The secrets the server checks peers against (pppd reads them afresh for every peer). */
export interface ServerSecrets {
  /** `chap-secrets` entries (client, server, secret, addresses); for CHAP, MS-CHAP, MS-CHAPv2. */
  readonly chap: readonly SecretEntry[];
  /** `pap-secrets` entries. */
  readonly pap: readonly SecretEntry[];
  /** Path of `chap-secrets`, for messages. */
  readonly chapFile: string;
  /** Path of `pap-secrets`. */
  readonly papFile: string;
  /** Those of the two files that could not be read, and why (a lookup in one is `CONFIG_UNREADABLE`). */
  readonly unreadable: ReadonlyMap<string, ReadFailure>;
  /** Lines ignored (fewer than three columns) and tokenizer warnings. */
  readonly warnings: readonly ConfigWarning[];
}
