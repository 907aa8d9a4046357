/**
 * The tunnel's MTU and MRU from the path MTU to the server, so that no GRE packet needs
 * fragmenting.
 *
 * @module
 */

/**
 * Bytes each tunnelled IP packet adds on the path, worst case:
 * - `ip`: the outer IPv4 header without options (RFC 791 §3.1);
 * - `gre`: the enhanced GRE header with the sequence and acknowledgment numbers (RFC 2637
 *   §4.1: 8 + 4 + 4);
 * - `ppp`: the PPP header without address/control or protocol-field compression (RFC 1661 §2,
 *   RFC 1662 §3: FF 03 + 2-byte protocol);
 * - `mppe`: the MPPE/MPPC header (RFC 3078 §3, RFC 2118 §3.1: 2 bytes) and the inner protocol
 *   field it carries (2 bytes). MPPC never expands a packet: one that would grow is sent as it
 *   was (RFC 2118 §3.1), so compression adds nothing beyond its header.
 */
export const TUNNEL_OVERHEAD = { ip: 20, gre: 16, ppp: 4, mppe: 4 } as const;

/** The smallest MTU RFC 791 lets an IPv4 link have, and the smallest we give the tunnel. */
export const MIN_TUNNEL_MTU = 576;

/** MTU and MRU for a path MTU. */
export interface TunnelPathSizes {
  /**
   * The TUN MTU: the largest IP packet that crosses the path as one GRE packet, encrypted or
   * compressed (path − 44: 1456 on a 1500-byte path).
   */
  readonly mtu: number;
  /**
   * The MRU to ask the peer for (LCP, RFC 1661 §6.1): the largest PPP information field that
   * arrives unfragmented (path − 40: 1460 on a 1500-byte path). pppd sets its interface's MTU
   * to it and takes the 4 bytes of MPPE off when MPPE opens, so the peer's packets fit too.
   */
  readonly mru: number;
}

/**
 * The tunnel's sizes for a path MTU to the server (the route's device MTU, or the kernel's
 * learned path MTU), never below {@link MIN_TUNNEL_MTU}.
 *
 * @throws RangeError when `pathMtu` is not an integer of at least 68 (RFC 791's minimum).
 */
export function tunnelSizesForPath(pathMtu: number): TunnelPathSizes {
  if (!Number.isInteger(pathMtu) || pathMtu < 68 || pathMtu > 65535)
    throw new RangeError(`pathMtu must be an integer in 68..65535, got ${pathMtu}`);
  const o = TUNNEL_OVERHEAD;
  const mru = pathMtu - o.ip - o.gre - o.ppp;
  return {
    mtu: Math.max(MIN_TUNNEL_MTU, mru - o.mppe),
    mru: Math.max(MIN_TUNNEL_MTU + o.mppe, mru),
  };
}
