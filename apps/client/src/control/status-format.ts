import { EXIT, type ExitCode } from '../exit-codes.js';
import { SERVE_STATUS_SCHEMA, type ServeStatus, serveStatusLines } from '../serve/server-status.js';
import {
  askControl,
  controlSockets,
  permissionDeniedLine,
  permissionErrno,
  presence,
} from './control-client.js';
import { humanBytes, humanDuration } from './human-units.js';
import { runDir, runPaths } from './paths.js';

/** Whether a status is `pptpkit serve`'s (its schema tag), not a tunnel's. */
function isServeStatus(s: unknown): s is ServeStatus {
  return (s as { schema?: unknown } | null)?.schema === SERVE_STATUS_SCHEMA;
}

/** Formats one status snapshot as human lines. */
export function statusLines(status: Record<string, unknown>): string[] {
  const lines = [
    `${String(status['peer'])}: ${String(status['state'])} (server ${String(status['server'])})`,
  ];
  const add = (label: string, value: unknown): void => {
    if (value !== undefined)
      lines.push(`  ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  };
  add('interface', status['interface']);
  if (status['local'] !== undefined)
    add('addresses', `${String(status['local'])} -> ${String(status['remote'])}`);
  add('mtu', status['mtu']);
  const dns = status['dns'];
  if (Array.isArray(dns) && dns.length > 0) add('dns', dns.join(' '));
  add('auth', status['auth']);
  const mppe = status['mppe'] as
    | { keyBits?: number; stateless?: boolean; mppc?: boolean }
    | undefined;
  if (mppe !== undefined) {
    add(
      'encryption',
      mppe.keyBits === 0
        ? 'none (MPPC compression only)'
        : `MPPE ${mppe.keyBits}-bit ${mppe.stateless ? 'stateless' : 'stateful'}${mppe.mppc ? ', MPPC' : ''}`,
    );
  }
  const uptime = status['uptimeMs'];
  if (typeof uptime === 'number') add('uptime', humanDuration(uptime));
  const data = status['data'] as Record<string, number> | undefined;
  if (data !== undefined) {
    add('sent', `${data['txPackets']} packets, ${humanBytes(data['txBytes'] ?? 0)}`);
    add('received', `${data['rxPackets']} packets, ${humanBytes(data['rxBytes'] ?? 0)}`);
    const compression = compressionLine(data);
    if (compression !== undefined) add('compression', compression);
  }
  const rtt = status['lcpEchoRttMs'];
  if (typeof rtt === 'number') add('lcp echo rtt', `${rtt} ms`);
  const gre = status['gre'] as Record<string, number> | undefined;
  if (gre !== undefined) {
    add(
      'gre',
      `reordered ${gre['reordered']}, lost ${gre['lost']}, duplicates ${gre['duplicates']}, resent ${gre['retransmits'] ?? 0}`,
    );
  }
  const reorder = status['reorder'] as { policy: string; ms: number; depth: number } | undefined;
  if (reorder !== undefined) {
    add(
      'reorder',
      reorder.policy === 'arrival'
        ? 'none: each packet delivered as it arrives'
        : `in sequence, a gap waited for ${reorder.ms.toFixed(1)} ms or ${reorder.depth} packets`,
    );
  }
  return lines;
}

/**
 * MPPC's effect, e.g. `sent 14000 -> 5210 bytes (37 %), received 9000 -> 21000 bytes (43 %),
 * 0 dropped`; `undefined` when nothing went through MPPC.
 */
function compressionLine(data: Record<string, number>): string | undefined {
  const txIn = data['mppcTxPlainBytes'] ?? 0;
  const txOut = data['mppcTxCompressedBytes'] ?? 0;
  const rxIn = data['mppcRxCompressedBytes'] ?? 0;
  const rxOut = data['mppcRxPlainBytes'] ?? 0;
  const dropped = data['mppcDropped'] ?? 0;
  if (txIn === 0 && rxOut === 0 && dropped === 0) return undefined;
  const pct = (part: number, whole: number): string =>
    whole === 0 ? '-' : `${Math.round((part / whole) * 100)} %`;
  return `sent ${txIn} -> ${txOut} bytes (${pct(txOut, txIn)}), received ${rxIn} -> ${rxOut} bytes (${pct(rxIn, rxOut)}), ${dropped} dropped`;
}

/**
 * `pptpkit status [PEER] [--json]`. A run directory or control socket the caller may not use
 * (the socket is root's, 0600) is exit 3 with a line on `err` saying to run as root, never
 * taken for a tunnel that is not running.
 */
export async function formatStatus(
  peer: string | undefined,
  json: boolean,
  out: { write(s: string): unknown },
  err: { write(s: string): unknown } = process.stderr,
): Promise<ExitCode> {
  const asRoot = peer === undefined ? 'status' : `status ${peer}`;
  const denied = (path: string, errno: string): ExitCode => {
    err.write(permissionDeniedLine(path, errno, asRoot));
    return EXIT.privileges;
  };
  const peers = peer !== undefined ? [peer] : controlSockets(runDir());
  if (!Array.isArray(peers)) return denied(runDir(), peers.denied);
  const all: unknown[] = [];
  for (const p of peers) {
    const socket = runPaths(p).socket;
    const present = presence(socket);
    if (typeof present === 'string') return denied(socket, present);
    if (!present) continue;
    try {
      const answer = await askControl(socket, 'status');
      if (answer.ok) all.push(answer.status);
    } catch (error) {
      const errno = permissionErrno(error);
      if (errno !== undefined) return denied(socket, errno);
      // Anything else is a stale socket: that tunnel is not running.
    }
  }
  if (json) out.write(`${JSON.stringify(peer !== undefined ? (all[0] ?? null) : all)}\n`);
  else {
    for (const s of all) {
      const lines = isServeStatus(s)
        ? serveStatusLines(s)
        : statusLines(s as Record<string, unknown>);
      out.write(`${lines.join('\n')}\n`);
    }
  }
  if (all.length === 0) {
    if (!json) out.write(peer === undefined ? 'no tunnel is running\n' : `${peer}: not running\n`);
    return EXIT.fatal;
  }
  return EXIT.ok;
}
