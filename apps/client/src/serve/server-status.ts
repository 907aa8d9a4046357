/**
 * What `pptpkit status serve` shows: the server's JSON status (schema
 * `pptpkit.serve.status/1`, documented in the README) and its text form.
 *
 * @module
 */
import { formatIpv4 } from '@pptpkit/wire';
import { humanBytes, humanDuration } from '../control/human-units.js';
import type { ServerSession } from './server-session.js';

/** Version tag of the JSON status; a change that removes or renames a field bumps it. */
export const SERVE_STATUS_SCHEMA = 'pptpkit.serve.status/1';

/** One session in the status. */
export interface SessionStatus {
  readonly id: number;
  /** The control connection's source, `address:port`. */
  readonly peer: string;
  readonly user?: string;
  /** The client's tunnel address. */
  readonly address?: string;
  /** Our tunnel address. */
  readonly local: string;
  /** The tunnel core's state. */
  readonly state: string;
  readonly auth?: string;
  /** `MPPE 128-bit stateless`, `MPPC only`, `none`... */
  readonly mppe?: string;
  readonly mtu?: number;
  readonly uptimeMs?: number;
  readonly ageMs: number;
  readonly counters?: {
    readonly txPackets: number;
    readonly txBytes: number;
    readonly rxPackets: number;
    readonly rxBytes: number;
  };
  readonly gre?: Readonly<Record<string, number>>;
}

/** The server's status. */
export interface ServeStatus {
  readonly schema: typeof SERVE_STATUS_SCHEMA;
  readonly pid: number;
  readonly listen: string;
  readonly interface: string;
  readonly uptimeMs: number;
  readonly maxSessions: number;
  readonly sessions: readonly SessionStatus[];
  /** Connections turned away, by reason. */
  readonly refused: Readonly<Record<string, number>>;
  /** Input dropped by the server core, by cause. */
  readonly dropped: Readonly<Record<string, number>>;
  /** The shared GRE socket's counters. */
  readonly greSocket: Readonly<Record<string, number>>;
}

/** A session's status entry at `now`. */
export function sessionStatus(s: ServerSession, now: number): SessionStatus {
  const t = s.tunnel.status(now);
  const m = t.mppe;
  const mppe =
    m === undefined
      ? undefined
      : m.keyBits === 0
        ? 'MPPC only'
        : `MPPE ${m.keyBits}-bit ${m.stateless ? 'stateless' : 'stateful'}${m.mppc ? ' + MPPC' : ''}`;
  const d = t.data;
  return {
    id: s.id,
    peer: `${formatIpv4(s.source)}:${s.sourcePort}`,
    ...(s.user === undefined ? {} : { user: s.user }),
    ...(s.address === undefined ? {} : { address: formatIpv4(s.address) }),
    local: formatIpv4(s.local),
    state: t.state,
    ...(t.auth === undefined ? {} : { auth: t.auth }),
    ...(mppe === undefined ? {} : { mppe }),
    ...(t.mtu === undefined ? {} : { mtu: t.mtu }),
    ...(t.uptimeMs === undefined ? {} : { uptimeMs: Math.round(t.uptimeMs) }),
    ageMs: Math.round(now - s.startedAt),
    ...(d === undefined
      ? {}
      : {
          counters: {
            txPackets: d.txPackets,
            txBytes: d.txBytes,
            rxPackets: d.rxPackets,
            rxBytes: d.rxBytes,
          },
        }),
    ...(t.gre === undefined ? {} : { gre: t.gre }),
  };
}

/** The text `pptpkit status serve` prints. */
export function serveStatusLines(status: ServeStatus): string[] {
  const lines = [
    `serve: listening on ${status.listen}, interface ${status.interface}, up ${humanDuration(status.uptimeMs)}, ${status.sessions.length}/${status.maxSessions} sessions`,
  ];
  for (const s of status.sessions) {
    const who = s.user ?? '(not authenticated)';
    const addr = s.address === undefined ? '' : ` ${s.address}`;
    const modes = [s.auth, s.mppe].filter((x) => x !== undefined).join(', ');
    const time = humanDuration(s.uptimeMs ?? s.ageMs);
    const traffic =
      s.counters === undefined
        ? ''
        : `, sent ${humanBytes(s.counters.txBytes)}, received ${humanBytes(s.counters.rxBytes)}`;
    lines.push(
      `  #${s.id} ${who}${addr} from ${s.peer}: ${s.state}${modes === '' ? '' : ` (${modes})`}, ${time}${traffic}`,
    );
  }
  const refused = Object.entries(status.refused).filter(([, n]) => n > 0);
  if (refused.length > 0)
    lines.push(`  refused: ${refused.map(([k, n]) => `${n} (${k})`).join(', ')}`);
  const dropped = Object.entries(status.dropped).filter(([, n]) => n > 0);
  if (dropped.length > 0)
    lines.push(`  dropped: ${dropped.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return lines;
}
