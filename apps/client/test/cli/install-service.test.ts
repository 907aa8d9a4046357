/**
 * `pptpkit install-service` into a staging root (`--root`, as a packager's DESTDIR): the unit
 * filled in for this node and this program, which systemd's own checker accepts; the man page
 * and the completion; bad input refused. Creating the user and running the unit under a real
 * systemd: test/interop/service.test.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALL_PATHS, renderUnit } from '../../src/cli/commands/install-service.js';

const app = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(app, 'bin/pptpkit');

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

const hasSystemdAnalyze = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasSystemdAnalyze && process.env['CI'] === 'true') {
  throw new Error('systemd-analyze is missing (apt-get install systemd)');
}

describe('pptpkit install-service --root DIR', () => {
  const root = mkdtempSync(join(tmpdir(), 'pptpkit-install-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs the unit, the man page and the completion, filled in for this installation', async () => {
    const result = await run(['install-service', '--root', root, '--no-user', '--user', 'vpn']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const path of Object.values(INSTALL_PATHS)) {
      expect(result.stdout).toContain(`installed ${join(root, path)}`);
      expect(statSync(join(root, path)).mode & 0o777).toBe(0o644);
    }
    expect(result.stdout).not.toContain('created the system user');
    const unit = readFileSync(join(root, INSTALL_PATHS.unit), 'utf8');
    const exec = /^ExecStart=(\S+) (\S+) up %i$/m.exec(unit);
    expect(exec?.[1]).toBe(process.execPath);
    expect(exec?.[2]).toBe(join(app, 'dist/pptpkit.js'));
    expect(unit).toMatch(/^User=vpn$/m);
    expect(unit).toMatch(/^Group=vpn$/m);
    expect(unit).not.toMatch(/@NODE@|@PPTPKIT@/);
    expect(readFileSync(join(root, INSTALL_PATHS.man), 'utf8')).toBe(
      readFileSync(join(app, 'man/pptpkit.8'), 'utf8'),
    );
    expect(readFileSync(join(root, INSTALL_PATHS.completion), 'utf8')).toBe(
      readFileSync(join(app, 'completion/pptpkit.bash'), 'utf8'),
    );
  });

  it.runIf(hasSystemdAnalyze)('writes a unit systemd-analyze verify accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pptpkit-unit-'));
    try {
      const instance = join(dir, 'pptpkit@work.service');
      copyFileSync(join(root, INSTALL_PATHS.unit), instance);
      // Throws (with systemd's complaints) on any warning or error about the unit.
      const out = execFileSync('systemd-analyze', ['verify', '--man=no', instance], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a user name that is not one', async () => {
    const result = await run(['install-service', '--root', root, '--user', 'a b;rm']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'a b;rm' is not a user name");
  });

  it('drops the dip group where the system has none', () => {
    const template = readFileSync(join(app, 'systemd/pptpkit@.service'), 'utf8');
    const fill = { node: '/n', program: '/p', user: 'pptpkit' };
    expect(renderUnit(template, { ...fill, dipGroup: true })).toMatch(/^SupplementaryGroups=dip$/m);
    expect(renderUnit(template, { ...fill, dipGroup: false })).not.toContain('SupplementaryGroups');
  });
});
