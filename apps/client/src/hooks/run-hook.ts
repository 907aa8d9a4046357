import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** What pppd tells its `ip-up`/`ip-down` scripts, and what pptpkit tells them the same way. */
export interface HookContext {
  /** Interface name, e.g. `ppp0`. */
  readonly iface: string;
  /** pppd passes the tty device; pptpkit has none and passes the server, as pptp's pty would. */
  readonly device: string;
  /** Link speed; pppd passes 0 for a pty link. */
  readonly speed: number;
  /** Our tunnel address. */
  readonly local: string;
  /** The server's tunnel address. */
  readonly remote: string;
  /** The peer's `ipparam`, or empty. */
  readonly ipparam: string;
  /** The peer name (`pptpkit up PEER`). */
  readonly peer: string;
  /** `linkname`, when the options give one (`LINKNAME`; the peer name otherwise). */
  readonly linkname?: string;
  /** pppd's `set NAME=VALUE` / `unset NAME` (`null`), applied after pppd's own variables. */
  readonly extraEnv?: ReadonlyMap<string, string | null>;
  /** DNS servers offered by the server, when `usepeerdns` is on. */
  readonly dns?: readonly string[];
  /** For `ip-down`: seconds the link was up, bytes each way. */
  readonly connectTime?: number;
  /** For `ip-down`: bytes sent over the tunnel. */
  readonly bytesSent?: number;
  /** For `ip-down`: bytes received over the tunnel. */
  readonly bytesReceived?: number;
  /**
   * For `ipv6-up`/`ipv6-down`: the link-local addresses in pppd's text (`fe80::xxxx:xxxx:...`),
   * the fourth and fifth arguments in place of the IPv4 addresses and `LLLOCAL`/`LLREMOTE`.
   */
  readonly linkLocal?: { readonly local: string; readonly remote: string };
}

/** How a hook run ended. */
export type HookResult =
  | { readonly ran: false; readonly reason: 'missing' | 'not-executable' }
  | {
      readonly ran: true;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly timedOut: boolean;
    };

/** The environment pppd gives its scripts (pppd(8) "SCRIPTS"), built from a hook context. */
export function hookEnvironment(ctx: HookContext): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin',
    PPP_IFACE: ctx.iface,
    PPP_TTY: ctx.device,
    PPP_SPEED: String(ctx.speed),
    PPP_LOCAL: ctx.local,
    PPP_REMOTE: ctx.remote,
    PPP_IPPARAM: ctx.ipparam,
    IFNAME: ctx.iface,
    DEVICE: ctx.device,
    IPLOCAL: ctx.local,
    IPREMOTE: ctx.remote,
    PEERNAME: ctx.peer,
    LINKNAME: ctx.linkname ?? ctx.peer,
    CALL_FILE: ctx.peer,
  };
  if (ctx.dns && ctx.dns.length > 0) {
    env['USEPEERDNS'] = '1';
    for (const [i, d] of ctx.dns.slice(0, 2).entries()) env[`DNS${i + 1}`] = d;
  }
  if (ctx.connectTime !== undefined) env['CONNECT_TIME'] = String(ctx.connectTime);
  if (ctx.bytesSent !== undefined) env['BYTES_SENT'] = String(ctx.bytesSent);
  if (ctx.bytesReceived !== undefined) env['BYTES_RCVD'] = String(ctx.bytesReceived);
  if (ctx.linkLocal !== undefined) {
    // pppd's ipv6cp_up sets these; the PPP_* copies follow the arguments, as Debian's ipv6-up
    // sets them from $4 and $5.
    env['LLLOCAL'] = ctx.linkLocal.local;
    env['LLREMOTE'] = ctx.linkLocal.remote;
    env['PPP_LOCAL'] = ctx.linkLocal.local;
    env['PPP_REMOTE'] = ctx.linkLocal.remote;
  }
  for (const [name, value] of ctx.extraEnv ?? []) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * Runs a pppd hook script (e.g. `/etc/ppp/ip-up`) with pppd's six arguments
 * (`interface device speed local remote ipparam`) and environment, waiting at most
 * `timeoutMs`; a script still running then is killed. Output goes to `onOutput` line by line.
 */
export function runHook(
  script: string,
  ctx: HookContext,
  options: { timeoutMs: number; onOutput: (line: string) => void },
): Promise<HookResult> {
  try {
    accessSync(script, constants.F_OK);
  } catch {
    return Promise.resolve({ ran: false, reason: 'missing' });
  }
  try {
    accessSync(script, constants.X_OK);
  } catch {
    return Promise.resolve({ ran: false, reason: 'not-executable' });
  }
  const ll = ctx.linkLocal;
  const args = [
    ctx.iface,
    ctx.device,
    String(ctx.speed),
    ll?.local ?? ctx.local,
    ll?.remote ?? ctx.remote,
    ctx.ipparam,
  ];
  return new Promise((resolve) => {
    const child = spawn(script, args, {
      env: hookEnvironment(ctx),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    let pending = '';
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onOutput(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ ran: true, exitCode: null, signal: null, timedOut });
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (pending) options.onOutput(pending);
      resolve({ ran: true, exitCode, signal, timedOut });
    });
  });
}
