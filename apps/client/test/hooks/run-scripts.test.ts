import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HookContext } from '../../src/hooks/run-hook.js';
import { runEventScripts, runPartsScripts } from '../../src/hooks/run-scripts.js';

const ctx: HookContext = {
  iface: 'ppp0',
  device: '10.1.1.14',
  speed: 0,
  local: '192.168.0.10',
  remote: '192.168.0.1',
  ipparam: 'tunnel',
  peer: 'PAL',
};

/** A pppd script directory in a temporary place; scripts append to `trace`. */
function etcPpp(): { dir: string; trace: string; script: (path: string, mode?: number) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pptpkit-etcppp-'));
  const trace = join(dir, 'trace');
  writeFileSync(trace, '');
  const script = (path: string, mode = 0o755): void => {
    const full = join(dir, path);
    writeFileSync(full, `#!/bin/sh\necho "${path} $1 $4 $PPP_IPPARAM" >> ${trace}\n`);
    chmodSync(full, mode);
  };
  return { dir, trace, script };
}

describe('runPartsScripts', () => {
  it("keeps run-parts' names, bytewise order, executable regular files only", () => {
    const { dir, script } = etcPpp();
    mkdirSync(join(dir, 'ip-up.d'));
    for (const name of ['50route', '000netfix', 'Zed', 'a_b-c', 'z']) script(`ip-up.d/${name}`);
    script('ip-up.d/not-exec', 0o644);
    script('ip-up.d/skip.sh'); // a dot: run-parts skips it
    script('ip-up.d/backup~');
    script('ip-up.d/old.dpkg-old');
    mkdirSync(join(dir, 'ip-up.d', 'subdir'));
    symlinkSync(join(dir, 'ip-up.d', 'z'), join(dir, 'ip-up.d', 'linked'));
    expect(runPartsScripts(join(dir, 'ip-up.d')).map((p) => p.slice(dir.length + 9))).toEqual([
      '000netfix',
      '50route',
      'Zed',
      'a_b-c',
      'linked',
      'z',
    ]);
    expect(runPartsScripts(join(dir, 'missing.d'))).toEqual([]);
  });
});

describe('runEventScripts', () => {
  it('/etc/ppp/ip-up exists: only it runs (it runs ip-up.d itself on Debian)', async () => {
    const { dir, trace, script } = etcPpp();
    script('ip-up');
    mkdirSync(join(dir, 'ip-up.d'));
    script('ip-up.d/000netfix');
    const runs = await runEventScripts(join(dir, 'ip-up'), ctx, {
      timeoutMs: 5000,
      onOutput: () => undefined,
    });
    expect(runs.map((r) => r.script)).toEqual([join(dir, 'ip-up')]);
    expect(readFileSync(trace, 'utf8')).toBe('ip-up ppp0 192.168.0.10 tunnel\n');
  });

  it('no /etc/ppp/ip-down: the scripts of ip-down.d run in order with the same arguments', async () => {
    const { dir, trace, script } = etcPpp();
    mkdirSync(join(dir, 'ip-down.d'));
    script('ip-down.d/20second');
    script('ip-down.d/10first');
    const runs = await runEventScripts(join(dir, 'ip-down'), ctx, {
      timeoutMs: 5000,
      onOutput: () => undefined,
    });
    expect(runs.map((r) => r.result)).toEqual([
      { ran: true, exitCode: 0, signal: null, timedOut: false },
      { ran: true, exitCode: 0, signal: null, timedOut: false },
    ]);
    expect(readFileSync(trace, 'utf8')).toBe(
      'ip-down.d/10first ppp0 192.168.0.10 tunnel\nip-down.d/20second ppp0 192.168.0.10 tunnel\n',
    );
  });

  it('an ip-up that is not executable blocks ip-up.d too (pppd would run neither)', async () => {
    const { dir, trace, script } = etcPpp();
    script('ip-up', 0o644);
    mkdirSync(join(dir, 'ip-up.d'));
    script('ip-up.d/000netfix');
    const runs = await runEventScripts(join(dir, 'ip-up'), ctx, {
      timeoutMs: 5000,
      onOutput: () => undefined,
    });
    expect(runs).toEqual([
      { script: join(dir, 'ip-up'), result: { ran: false, reason: 'not-executable' } },
    ]);
    expect(readFileSync(trace, 'utf8')).toBe('');
  });

  it('neither the script nor the directory: nothing runs; output is tagged with its script', async () => {
    const { dir, script } = etcPpp();
    expect(
      await runEventScripts(join(dir, 'ip-pre-up'), ctx, {
        timeoutMs: 5000,
        onOutput: () => undefined,
      }),
    ).toEqual([]);
    mkdirSync(join(dir, 'ip-pre-up.d'));
    script('ip-pre-up.d/say');
    writeFileSync(join(dir, 'ip-pre-up.d', 'say'), '#!/bin/sh\necho "hello $IFNAME"\n');
    const lines: string[] = [];
    await runEventScripts(join(dir, 'ip-pre-up'), ctx, {
      timeoutMs: 5000,
      onOutput: (s, line) => lines.push(`${s.slice(dir.length + 1)}: ${line}`),
    });
    expect(lines).toEqual(['ip-pre-up.d/say: hello ppp0']);
  });
});
