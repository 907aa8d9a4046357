/**
 * The address column of a pppd secrets entry: which addresses the peer may use.
 *
 * @module
 */
import { parseIpv4 } from '@pptpkit/wire';
import type { SecretEntry } from '../../config/secrets.js';

/** One parsed word of the column: addresses whose top bits equal `base`'s. */
interface AddressTerm {
  /** Permit (a plain word) or exclude (`!word`). */
  readonly permit: boolean;
  /** The network, masked. */
  readonly base: number;
  /** Network mask, host order (0xffffffff: one host). */
  readonly mask: number;
}

/** The addresses a peer authenticated by one secrets entry may use. */
export interface AddressRule {
  /** Whether the peer may use `address` (host order). */
  permits(address: number): boolean;
  /**
   * The first single host address the column permits, which pppd gives the peer when the
   * address pptpd offered is not permitted (pppd auth.c `set_allowed_addrs`), or `undefined`.
   */
  single(): number | undefined;
  /**
   * pppd's choice of the peer's address: `offered` (pptpd's `remoteip` slot) if permitted,
   * else {@link AddressRule.single}, else `undefined` (pppd then ends the link: "Peer is not
   * authorized to use remote address").
   */
  choose(offered: number | undefined): number | undefined;
}

/** A rule and the words of the column it could not use. */
export interface AllowedAddresses {
  /** The rule. */
  readonly rule: AddressRule;
  /** Words skipped (pppd warns and skips too), and per-user options after `--`, not applied. */
  readonly warnings: readonly string[];
}

/** Loopback, multicast and class E are never a peer's address (pppd auth.c `bad_ip_adrs`). */
function badAddress(a: number): boolean {
  return a >>> 24 === 127 || a >>> 28 === 0xe || a >>> 28 === 0xf;
}

/** `addr` or `addr/bits` (bits 1..32) as a term, or a problem. */
function parseTerm(word: string, permit: boolean): AddressTerm | string {
  const slash = word.indexOf('/');
  const host = slash < 0 ? word : word.slice(0, slash);
  let mask = 0xffff_ffff;
  if (slash >= 0) {
    const bits = word.slice(slash + 1);
    if (bits.endsWith('+')) return `'${word}': per-unit addresses (/n+) are not supported`;
    if (!/^[0-9]+$/.test(bits) || Number(bits) < 1 || Number(bits) > 32) {
      return `'${word}': invalid address length`;
    }
    mask = Number(bits) === 32 ? 0xffff_ffff : (0xffff_ffff << (32 - Number(bits))) >>> 0;
  }
  const a = parseIpv4(host);
  if (a === undefined) return `'${word}' is not an IPv4 address (pptpkit does no DNS lookups)`;
  return { permit, base: (a & mask) >>> 0, mask };
}

/**
 * Reads an entry's address column with pppd's rules (auth.c `set_allowed_addrs`,
 * `auth_ip_addr`; pppd(8) "If there are only 3 words on the line, or if the first word is `-`,
 * then all IP addresses are disallowed. To allow any address, use `*`"): words are tried in
 * order and the first that matches decides; `!addr` excludes; `addr/n` covers a subnet; `*`
 * permits everything else and ends the list, `-` ends it; an address nothing matches is not
 * permitted; loopback, multicast and class E never are. Words after `--` are per-user pppd
 * options, not applied. A word pppd would resolve as a host or network name is skipped with a
 * warning (pptpkit does no DNS lookups), as pppd skips a name it cannot resolve; an exclusion
 * that cannot be read ends the list instead, so a name never widens access.
 */
export function allowedAddresses(entry: Pick<SecretEntry, 'addresses'>): AllowedAddresses {
  const terms: AddressTerm[] = [];
  const warnings: string[] = [];
  const words = entry.addresses;
  const options = words.indexOf('--');
  for (const word of options < 0 ? words : words.slice(0, options)) {
    if (word === '-') break;
    if (word === '*') {
      terms.push({ permit: true, base: 0, mask: 0 });
      break;
    }
    const permit = !word.startsWith('!');
    const term = parseTerm(permit ? word : word.slice(1), permit);
    if (typeof term === 'string') {
      warnings.push(permit ? `${term}; skipped` : `${term}; nothing after it is permitted`);
      if (permit) continue;
      break;
    }
    terms.push(term);
  }
  if (options >= 0 && options < words.length - 1) {
    warnings.push(
      `per-user options after -- are not applied: ${words.slice(options + 1).join(' ')}`,
    );
  }
  const hosts = terms.filter((t) => t.permit && t.mask === 0xffff_ffff);
  const permits = (address: number): boolean => {
    if (badAddress(address)) return false;
    for (const t of terms) if ((address & t.mask) >>> 0 === t.base) return t.permit;
    return false;
  };
  const single = (): number | undefined => hosts.find((t) => permits(t.base))?.base;
  return {
    rule: {
      permits,
      single,
      choose: (offered) => (offered !== undefined && permits(offered) ? offered : single()),
    },
    warnings,
  };
}
