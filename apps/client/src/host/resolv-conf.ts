/**
 * The resolv.conf we write for `usepeerdns`: the server's DNS servers first, then the search
 * and options lines of the file we replace (so local names keep resolving the same way).
 */
export function resolvConfWithPeerDns(previous: string | null, dns: readonly string[]): string {
  const kept = (previous ?? '')
    .split('\n')
    .filter((line) => /^\s*(search|domain|options)\b/.test(line));
  const lines = ['# written by pptpkit (usepeerdns); restored when the tunnel ends'];
  for (const server of dns.slice(0, 3)) lines.push(`nameserver ${server}`);
  return `${[...lines, ...kept].join('\n')}\n`;
}
