/**
 * IPv6 interface identifiers (RFC 5072 §4.1) as text.
 *
 * @module
 */

/**
 * An 8-byte interface identifier in pppd's text: four groups of four hex digits
 * (`0123:4567:89ab:cdef`), which `fe80::` completes to the link-local address (RFC 5072 §5) —
 * the form pppd gives its `ipv6-up` script and `LLLOCAL`/`LLREMOTE`.
 *
 * @throws RangeError when `id` is not 8 bytes.
 */
export function interfaceIdText(id: Uint8Array): string {
  if (id.length !== 8) throw new RangeError(`an interface identifier is 8 bytes, got ${id.length}`);
  const hex = Array.from(id, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 12)}:${hex.slice(12, 16)}`;
}
