import type { ConfigLocation } from './config-error.js';
import type { PeerSettings } from './peer-settings.js';

/** An option's effect: applies its arguments to the settings. */
export type ApplyOption = (s: PeerSettings, args: readonly string[], at: ConfigLocation) => void;

/**
 * What pptpkit does with one pppd option, and how many words it takes (pppd's own count, so a
 * file never mis-parses even where the option means nothing here).
 *
 * - `implemented`: changes {@link PeerSettings}.
 * - `ignored`: meaningless for a userspace PPTP client (serial line, kernel driver, a server's
 *   job, a protocol never negotiated); accepted and noted at debug level with `why`.
 * - `refused`: would change behaviour or security in a way pptpkit does not implement; an error
 *   naming file, line and option, with `why` (a warning with `--lenient`).
 */
export type OptionSpec =
  | { readonly kind: 'implemented'; readonly args: 0 | 1; readonly apply: ApplyOption }
  | { readonly kind: 'ignored'; readonly args: 0 | 1; readonly why: string }
  | { readonly kind: 'refused'; readonly args: 0 | 1; readonly why: string };
