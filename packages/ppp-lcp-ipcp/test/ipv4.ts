import { parseIpv4 } from '@pptpkit/wire';

/** A dotted quad written in a test, as the 32-bit number IPCP carries; a typo throws. */
export function ipv4(text: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw new RangeError(`not an IPv4 address: ${text}`);
  return value;
}
