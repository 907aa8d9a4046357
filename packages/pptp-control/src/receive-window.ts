/**
 * Packet Recv. Window Size (RFC 2637 §2.7, §2.8): the window we advertise and the one the
 * peer advertises.
 *
 * @module
 */

/**
 * The send window a peer's advertised Packet Recv. Window Size allows. RFC 2637 §2.7/§2.8 define
 * the field as "the number of received data packets the PNS/PAC will buffer for this session";
 * taken literally, 0 would forbid the sender from ever sending. The RFC's own sliding window never
 * goes below one packet (§4.2.1: the initial window is half the advertised maximum "with a
 * minimum size of one packet"; §4.2.2: "the minimum window size is one"), so 0 means one packet.
 * Every other value of the 16-bit field (1..65535) is used as it is.
 *
 * @param advertised - the field as received, 0..65535.
 * @returns the window in packets, 1..65535.
 */
export function sendWindowFor(advertised: number): number {
  return Math.max(1, advertised);
}

/**
 * Checks a Packet Recv. Window Size we are configured to advertise for our calls: 1..65535 (a
 * 0 could only be read as one packet, see {@link sendWindowFor}).
 *
 * @throws RangeError when `value` is not an integer in 1..65535.
 */
export function checkReceiveWindow(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 0xffff) {
    throw new RangeError(`${name} must be an integer in 1..65535, got ${value}`);
  }
  return value;
}
