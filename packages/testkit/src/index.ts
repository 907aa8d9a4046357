/**
 * `@pptpkit/testkit` (private): run whole PPTP tunnels back to back in memory — a fake clock, a
 * seeded simulated wire with faults, a fake pptpd built from the tunnel core's server role.
 *
 * @packageDocumentation
 */
export { CLIENT_MPPE, type TestClientOptions, testClient } from './client-options.js';
export { FakeClock } from './clock.js';
export { type FakePptpdOptions, fakePptpd, PPTPD_MPPE } from './fake-pptpd.js';
export { sequenceOf, udpPacket } from './packets.js';
export {
  type PairSide,
  type SideFactory,
  TunnelPair,
  type TunnelPairOptions,
} from './pair.js';
export { SeededRandom } from './random.js';
export { SimulatedWire, type WireCounters, type WireFaults } from './wire.js';
