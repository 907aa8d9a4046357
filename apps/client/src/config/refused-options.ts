import type { OptionSpec } from './option-spec.js';

const refuse =
  (why: string) =>
  (args: 0 | 1): OptionSpec => ({ kind: 'refused', args, why });

const multilink = refuse('multilink (RFC 1990) is not implemented');
const filters = refuse('packet filters are not implemented');
const octets = refuse('a data-volume limit is not implemented');
const transport = refuse('pptpkit is the PPTP transport itself: use pty "pptp HOST ..."');

/** pppd options pptpkit will not silently drop, by name. */
export const refusedOptions: ReadonlyMap<string, OptionSpec> = new Map<string, OptionSpec>([
  ['demand', refuse('dial on demand is not implemented; use persist')(0)],
  ['dryrun', refuse('pptpkit has no dry-run mode')(0)],
  ['callback', refuse('callback (CBCP) is not implemented')(1)],
  ['noip', refuse('without IPCP the tunnel would carry nothing')(0)],
  ['-ip', refuse('without IPCP the tunnel would carry nothing')(0)],
  ['ipcp-no-addresses', refuse('IPCP address negotiation is always used')(0)],
  ['ipcp-no-address', refuse('IPCP address negotiation is always used')(0)],
  ['ipx', refuse('IPX is not carried')(0)],
  ['+ipx', refuse('IPX is not carried')(0)],
  ['multilink', multilink(0)],
  ['mp', multilink(0)],
  ['mrru', multilink(1)],
  ['mpshortseq', multilink(0)],
  ['endpoint', multilink(1)],
  ['bundle', multilink(1)],
  ['active-filter', filters(1)],
  ['pass-filter', filters(1)],
  ['precompiled-active-filter', filters(1)],
  ['precompiled-pass-filter', filters(1)],
  ['maxoctets', octets(1)],
  ['mo-direction', octets(1)],
  ['mo-timeout', octets(1)],
  ['socket', transport(1)],
  ['notty', transport(0)],
]);
