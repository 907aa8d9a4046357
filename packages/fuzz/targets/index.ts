/**
 * Every fuzz target, in the order the runner runs them.
 *
 * @module
 */
import type { FuzzTarget } from '../engine/target.js';
import { clientReceiveTargets } from './client-receive.js';
import { configPeerTarget, configSecretsTarget } from './config.js';
import { controlFramerTarget } from './control-framer.js';
import { eapTarget } from './eap.js';
import { greDecodeTarget, greSessionTarget } from './gre.js';
import { mppcDecompressTarget, mppcFramedTarget } from './mppc.js';
import { mppeStatefulTarget, mppeStatelessTarget } from './mppe.js';
import { chapMachinesTarget, mschapMessagesTarget } from './mschap.js';
import { pppLinkClientTarget, pppLinkServerTarget } from './ppp-link.js';
import {
  ccpPacketTarget,
  chapPacketTarget,
  ipcpPacketTarget,
  ipv6cpPacketTarget,
  lcpPacketTarget,
  papPacketTarget,
  pppFrameTarget,
} from './ppp-packets.js';
import { pptpPacTarget, pptpPnsTarget } from './pptp-machines.js';
import { serveConfigTarget } from './serve-config.js';
import { serveCoreTarget } from './serve-core.js';

/** All targets. */
export const TARGETS: readonly FuzzTarget[] = [
  controlFramerTarget,
  pptpPnsTarget,
  pptpPacTarget,
  greDecodeTarget,
  greSessionTarget,
  pppFrameTarget,
  lcpPacketTarget,
  ipcpPacketTarget,
  ipv6cpPacketTarget,
  ccpPacketTarget,
  papPacketTarget,
  chapPacketTarget,
  pppLinkClientTarget,
  pppLinkServerTarget,
  mschapMessagesTarget,
  chapMachinesTarget,
  eapTarget,
  mppeStatelessTarget,
  mppeStatefulTarget,
  mppcDecompressTarget,
  mppcFramedTarget,
  configPeerTarget,
  configSecretsTarget,
  serveConfigTarget,
  serveCoreTarget,
  ...clientReceiveTargets,
];

/** The target called `name`. */
export function targetNamed(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
