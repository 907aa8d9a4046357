import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `ARPHRD_ETHER` (`linux/if_arp.h`), as `/sys/class/net/IF/type` gives it. */
const ARPHRD_ETHER = 1;

/**
 * The MAC address of the host's first Ethernet interface (lowest index with a non-zero
 * address), as pppd's `ipv6cp-use-persistent` takes it; `undefined` when there is none.
 *
 * @param sysClassNet - where the interfaces are listed (default `/sys/class/net`).
 */
export function firstEthernetMac(sysClassNet = '/sys/class/net'): string | undefined {
  let best: { index: number; mac: string } | undefined;
  let names: string[];
  try {
    names = readdirSync(sysClassNet);
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const read = (file: string): string => readFileSync(join(sysClassNet, name, file), 'utf8');
      if (Number(read('type')) !== ARPHRD_ETHER) continue;
      const mac = read('address').trim();
      const index = Number(read('ifindex'));
      if (/^(00:){5}00$/.test(mac)) continue;
      if (best === undefined || index < best.index) best = { index, mac };
    } catch {
      // An interface that went away while we looked, or a file it lacks: not a candidate.
    }
  }
  return best?.mac;
}
