/**
 * IPv6 packets as Linux 6.18 sent them into a TUN device (MTU 1400; from 2001:db8::1 to
 * 2001:db8::2), captured by `fixtures/capture-ipv6-packets.py`: their checksums are the
 * kernel's, not ours.
 */
const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

/** A UDP datagram to port 9 carrying `pptpkit ipv6 udp`. */
export const LINUX_UDP6: Uint8Array = hex(
  '6001ff4d0018114020010db800000000000000000000000120010db8000000000000000000000002861500090018f533707074706b6974206970763620756470',
);
/** An ICMPv6 Echo Request with 11 bytes of data (`ping -6 -s 11`). */
export const LINUX_ECHO6: Uint8Array = hex(
  '6000a71500133a4020010db800000000000000000000000120010db80000000000000000000000028000a15a64c80001000102030405060708090a',
);
/** A TCP SYN to port 80, MSS 1340 (the MTU less 60), SACK, timestamps, window scale. */
export const LINUX_SYN6: Uint8Array = hex(
  '6005f3810028064020010db800000000000000000000000120010db8000000000000000000000002c4b40050d58dab0700000000a002fb40d1cf00000204053c0402080a6f106b45000000000103030a',
);
