/**
 * `pptpkit@.service` as a server runs it: a real systemd (PID 1 of a systemd-nspawn container
 * over this machine's own root, in the lab's namespace) installs the unit with
 * `pptpkit install-service`, starts `pptpkit@lab` as the dedicated user with only
 * CAP_NET_ADMIN and CAP_NET_RAW, gets READY=1 once the tunnel is up, and stops it in order.
 * The secrets stay root's 0600 file: systemd hands them over with LoadCredential=.
 * Needs the built CLI (apps/client/dist, `pnpm run build`; CI builds before the interop lab).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { netns, repo, routes, serverTunnel } from './client-harness.js';

const labInfo = inject('lab');
const program = join(repo, 'apps/client/dist/pptpkit.js');

/** CAP_NET_ADMIN (12) and CAP_NET_RAW (13), as /proc/PID/status prints a capability set. */
const netCaps = (0x1000 | 0x2000).toString(16).padStart(16, '0');

describe.skipIf(!labInfo.available)('pptpkit@.service under a real systemd', () => {
  const results = mkdtempSync(join(tmpdir(), 'pptpkit-service-'));
  const read = (name: string): string => readFileSync(join(results, name), 'utf8');
  let routesBefore = '';

  beforeAll(async () => {
    if (!existsSync(program)) throw new Error(`${program} is missing: run pnpm run build first`);
    const dir = mkdtempSync(join(tmpdir(), 'pptpkit-service-files-'));
    writeFileSync(
      join(dir, 'peer'),
      'pty "pptp 10.77.0.10 --nolaunchpppd"\nname pptpkit\nrequire-mppe-128\n',
    );
    writeFileSync(join(dir, 'secrets'), 'pptpkit * golden-Passw0rd *\n', { mode: 0o600 });
    routesBefore = await routes();
    const boot = join(repo, 'tools/service-lab/boot.sh');
    const args = [netns, results, program, join(dir, 'peer'), join(dir, 'secrets'), serverTunnel];
    await new Promise<void>((resolve, reject) => {
      execFile('bash', [boot, ...args], { timeout: 240_000 }, (error, _out, stderr) =>
        error ? reject(new Error(`boot.sh: ${stderr || error.message}`)) : resolve(),
      );
    });
    // What `systemctl status` showed while the tunnel was up (kept in the test output).
    process.stdout.write(`${read('status.txt')}\n${read('proc.txt')}\n`);
  }, 300_000);

  it('installs the unit, man page and completion, and creates the user', () => {
    const install = read('install.txt');
    expect(install).toMatch(/installed .*\/etc\/systemd\/system\/pptpkit@\.service/);
    expect(install).toMatch(/installed .*\/man8\/pptpkit\.8/);
    expect(install).toMatch(/installed .*\/completions\/pptpkit/);
    expect(install).toContain('created the system user pptpkit');
  });

  it('is active once the tunnel is up (Type=notify: READY=1), with its state as STATUS=', () => {
    const show = read('show-up.txt');
    expect(show).toContain('ActiveState=active');
    expect(show).toContain('SubState=running');
    expect(show).toContain('NRestarts=0');
    expect(show).toMatch(/StatusText=.*\bup\b/);
    expect(read('ping.txt')).toMatch(/exit 0$/m);
    expect(read('cli-status.txt')).toMatch(/\blab\b/);
  });

  it('runs as the dedicated user with exactly CAP_NET_ADMIN and CAP_NET_RAW', () => {
    const proc = read('proc.txt');
    expect(proc).toMatch(/^pptpkit\s+pptpkit\s+\d+/m);
    for (const set of ['CapEff', 'CapPrm', 'CapAmb', 'CapBnd']) {
      expect(proc).toMatch(new RegExp(`^${set}:\\s+${netCaps}$`, 'm'));
    }
    expect(proc).toMatch(/^NoNewPrivs:\s+1$/m);
  });

  it('stops in order: inactive (not failed), routes as before', async () => {
    const down = read('show-down.txt');
    expect(down).toContain('ActiveState=inactive');
    expect(down).toContain('Result=success');
    expect(read('routes-down.txt')).toBe(routesBefore);
    expect(await routes()).toBe(routesBefore);
  });

  it('logs to the journal with priorities and without a second timestamp', () => {
    const records = read('journal.json')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, string>)
      .filter((r) => r['SYSLOG_IDENTIFIER'] === 'pptpkit');
    expect(records.length).toBeGreaterThan(3);
    for (const r of records) expect(r['MESSAGE']).not.toMatch(/^\d{4}-\d\d-\d\dT/);
    const up = records.find((r) => /^info tunnel up\b/.test(r['MESSAGE'] ?? ''));
    expect(up?.['PRIORITY']).toBe('6');
  });
});
