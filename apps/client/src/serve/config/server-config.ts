/**
 * What `pptpkit serve` runs with: pptpd's own files (`pptpd.conf`, the ppp options file it
 * names, `chap-secrets`/`pap-secrets`) read into one value.
 *
 * @module
 */
import type { ConfigLocation } from '../../config/config-error.js';
import type { SecretEntry } from '../../config/secrets.js';

/** Methods the server can require of its peers, in pppd's option names. */
export type ServerAuthMethod = 'mschap-v2' | 'mschap' | 'chap' | 'pap';

/** One `localip`/`remoteip` item: a single address or an inclusive range (IPv4, host order). */
export interface AddressRange {
  /** First address, as a 32-bit unsigned number. */
  readonly first: number;
  /** Last address (equal to `first` for a single address). */
  readonly last: number;
}

/** The server's MPPE policy, after pppd's option rules. */
export interface ServerMppe {
  /** Peers must agree to MPPE (`require-mppe*`), else the link ends. */
  readonly required: boolean;
  /** 128-bit keys allowed. */
  readonly allow128: boolean;
  /** 40-bit keys allowed. */
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
  /** `connections`: most sessions at once (pptpd default 100). */
  readonly maxSessions: number;
  /** `localip` items, in order; empty: pptpd's behaviour without localip is an error here. */
  readonly localIp: readonly AddressRange[];
  /** `remoteip` items, in order. */
  readonly remoteIp: readonly AddressRange[];
  /** pptpd's `localip`/`remoteip` pairing: each session takes the next local too (when localip is a list). */
  readonly pairLocal: boolean;
  /** `name`: our name in CHAP challenges and the secrets' server column (default `pptpd`). */
  readonly name: string;
  /** Methods required of peers, preferred first (empty: none required, `noauth`). */
  readonly requireAuth: readonly ServerAuthMethod[];
  /** MPPE. */
  readonly mppe: ServerMppe;
  /** `ms-dns` addresses (host order), at most two. */
  readonly dns: readonly number[];
  /** `ms-wins` addresses (host order), at most two. */
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
  /** `debug`. */
  readonly debug: boolean;
  /** `logfile` path. */
  readonly logFile?: string;
  /** `idle` seconds. */
  readonly idle?: number;
  /** `maxconnect` seconds. */
  readonly maxConnect?: number;
  /** `ipparam` (passed to ip-up/ip-down as their sixth argument). */
  readonly ipparam?: string;
  /** Options accepted without effect, for a debug line each. */
  readonly ignored: readonly (ConfigLocation & { readonly option: string; readonly why: string })[];
  /** Tolerated problems. */
  readonly warnings: readonly (ConfigLocation & { readonly message: string })[];
}

/** The secrets the server checks peers against. */
export interface ServerSecrets {
  /** `chap-secrets` entries (client, server, secret, addresses). */
  readonly chap: readonly SecretEntry[];
  /** `pap-secrets` entries. */
  readonly pap: readonly SecretEntry[];
}
