import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HookContext, runHook } from '../../src/hooks/run-hook.js';

const dir = mkdtempSync(join(tmpdir(), 'pptpkit-hook-'));
const script = (name: string, body: string, mode = 0o755): string => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
};

const ctx: HookContext = {
  iface: 'ppp0',
  device: '10.1.1.14',
  speed: 0,
  local: '192.168.0.10',
  remote: '192.168.0.1',
  ipparam: 'tunnel',
  peer: 'PAL',
  dns: ['10.0.0.53', '10.0.0.54'],
};

describe('runHook', () => {
  it('linkname sets LINKNAME; set/unset apply after pppd’s own variables', async () => {
    const out: string[] = [];
    await runHook(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
      script('env-up', 'echo "$LINKNAME|$OFFICE|${IPPARAM-unset}|${PPP_IPPARAM-unset}"'),
      {
        ...ctx,
        linkname: 'office',
        extraEnv: new Map([
          ['OFFICE', 'yes'],
          ['PPP_IPPARAM', null],
        ]),
      },
      { timeoutMs: 5000, onOutput: (l) => out.push(l) },
    );
    expect(out).toEqual(['office|yes|unset|unset']);
  });

  it("passes pppd's six arguments and environment", async () => {
    const out: string[] = [];
    const r = await runHook(
      script(
        'ip-up',
        'echo "$@"; echo "$PPP_IFACE $PPP_LOCAL $PPP_REMOTE $USEPEERDNS $DNS1 $DNS2 $PPP_IPPARAM"',
      ),
      ctx,
      { timeoutMs: 5000, onOutput: (l) => out.push(l) },
    );
    expect(r).toEqual({ ran: true, exitCode: 0, signal: null, timedOut: false });
    expect(out).toEqual([
      'ppp0 10.1.1.14 0 192.168.0.10 192.168.0.1 tunnel',
      'ppp0 192.168.0.10 192.168.0.1 1 10.0.0.53 10.0.0.54 tunnel',
    ]);
  });

  it("ipv6-up: pppd's arguments with the link-local addresses, LLLOCAL/LLREMOTE, IPLOCAL still IPv4", async () => {
    const out: string[] = [];
    await runHook(
      script('ipv6-up', 'echo "$@"; echo "$LLLOCAL $LLREMOTE $PPP_LOCAL $IPLOCAL $IPREMOTE"'),
      {
        ...ctx,
        linkLocal: { local: 'fe80::0000:0000:0000:000a', remote: 'fe80::1234:5678:9abc:def0' },
      },
      { timeoutMs: 5000, onOutput: (l) => out.push(l) },
    );
    expect(out).toEqual([
      'ppp0 10.1.1.14 0 fe80::0000:0000:0000:000a fe80::1234:5678:9abc:def0 tunnel',
      'fe80::0000:0000:0000:000a fe80::1234:5678:9abc:def0 fe80::0000:0000:0000:000a 192.168.0.10 192.168.0.1',
    ]);
  });

  it('reports a missing or non-executable script without running it', async () => {
    const opts = { timeoutMs: 1000, onOutput: () => {} };
    expect(await runHook(join(dir, 'absent'), ctx, opts)).toEqual({
      ran: false,
      reason: 'missing',
    });
    expect(await runHook(script('plain', 'exit 0', 0o644), ctx, opts)).toEqual({
      ran: false,
      reason: 'not-executable',
    });
  });

  it('reports the exit code and kills a script that outlives its timeout', async () => {
    const opts = { timeoutMs: 200, onOutput: () => {} };
    expect(await runHook(script('fails', 'exit 3'), ctx, opts)).toMatchObject({ exitCode: 3 });
    expect(await runHook(script('hangs', 'exec sleep 30'), ctx, opts)).toMatchObject({
      timedOut: true,
      signal: 'SIGKILL',
    });
  });
});

describe('hook scripts and systemd', () => {
  it('never see NOTIFY_SOCKET or the watchdog variables, so they cannot speak for the service', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      NOTIFY_SOCKET: '/run/systemd/notify',
      WATCHDOG_USEC: '30000000',
      WATCHDOG_PID: String(process.pid),
    });
    const out: string[] = [];
    try {
      await runHook(
        script(
          'notify-env',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
          'echo "${NOTIFY_SOCKET-unset}|${WATCHDOG_USEC-unset}|${WATCHDOG_PID-unset}|$PPP_IFACE"',
        ),
        ctx,
        { timeoutMs: 5000, onOutput: (l) => out.push(l) },
      );
    } finally {
      process.env = saved;
    }
    expect(out).toEqual(['unset|unset|unset|ppp0']);
  });
});
