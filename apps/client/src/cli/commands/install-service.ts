import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { packageInfo } from '../package-dir.js';
import type { Command } from '../parse-args.js';

/** `pptpkit install-service [--root DIR] [--user NAME] [--no-user]`. */
type InstallServiceCommand = Extract<Command, { command: 'install-service' }>;

/** Where each installed file goes, relative to the root. */
export const INSTALL_PATHS = {
  unit: 'etc/systemd/system/pptpkit@.service',
  man: 'usr/local/share/man/man8/pptpkit.8',
  completion: 'usr/local/share/bash-completion/completions/pptpkit',
} as const;

/** A line of output. */
interface Out {
  write(text: string): unknown;
}

/**
 * The unit template with this installation filled in: `@NODE@` (the running node binary),
 * `@PPTPKIT@` (the package's `dist/pptpkit.js`), the user; without a `dip` group the
 * `SupplementaryGroups=dip` line is dropped.
 */
export function renderUnit(
  template: string,
  fill: { node: string; program: string; user: string; dipGroup: boolean },
): string {
  let unit = template
    .replaceAll('@NODE@', fill.node)
    .replaceAll('@PPTPKIT@', fill.program)
    .replace(/^User=.*$/m, `User=${fill.user}`)
    .replace(/^Group=.*$/m, `Group=${fill.user}`);
  if (!fill.dipGroup) unit = unit.replace(/^SupplementaryGroups=dip\n/m, '');
  return unit;
}

/** Whether `name` is in the colon-separated database `file` (passwd, group) under `root`. */
function inDatabase(root: string, file: 'passwd' | 'group', name: string): boolean {
  if (root === '/') {
    try {
      execFileSync('getent', [file, name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
  try {
    return readFileSync(join(root, 'etc', file), 'utf8')
      .split('\n')
      .some((line) => line.split(':', 1)[0] === name);
  } catch {
    return false;
  }
}

/**
 * `pptpkit install-service`: installs the `pptpkit@.service` template (filled in for this node
 * and this program), the man page and the bash completion, creates the dedicated system user
 * unless told not to, and has systemd reload its units. Returns the exit status.
 */
export async function installService(
  command: InstallServiceCommand,
  out: Out,
  err: Out,
): Promise<ExitCode> {
  const { root, user } = command;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
    err.write(`pptpkit: install-service: '${user}' is not a user name\n`);
    return EXIT.config;
  }
  if (root === '/' && process.geteuid?.() !== 0) {
    err.write('pptpkit: install-service writes to /etc and /usr/local: run it as root\n');
    return EXIT.privileges;
  }
  const pkg = packageInfo().dir;
  // The published program (run from a checkout, this is the build of it).
  const program = join(pkg, 'dist', 'pptpkit.js');
  if (!existsSync(program)) {
    err.write(`pptpkit: install-service: ${program} is missing: build it first (pnpm run build)\n`);
    return EXIT.fatal;
  }
  try {
    const unit = renderUnit(readFileSync(join(pkg, 'systemd', 'pptpkit@.service'), 'utf8'), {
      node: process.execPath,
      program,
      user,
      dipGroup: inDatabase(root, 'group', 'dip'),
    });
    const files: [string, string][] = [
      [INSTALL_PATHS.unit, unit],
      [INSTALL_PATHS.man, readFileSync(join(pkg, 'man', 'pptpkit.8'), 'utf8')],
      [INSTALL_PATHS.completion, readFileSync(join(pkg, 'completion', 'pptpkit.bash'), 'utf8')],
    ];
    for (const [path, text] of files) {
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      writeFileSync(target, text, { mode: 0o644 });
      out.write(`installed ${target}\n`);
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    err.write(`pptpkit: install-service: ${e.message}\n`);
    return e.code === 'EACCES' || e.code === 'EPERM' ? EXIT.privileges : EXIT.fatal;
  }
  if (command.createUser && !inDatabase(root, 'passwd', user)) {
    const args = ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent'];
    args.push('--shell', '/usr/sbin/nologin', '--comment', 'pptpkit tunnels');
    if (root !== '/') args.push('--root', root);
    try {
      execFileSync('useradd', [...args, user], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      err.write(`pptpkit: install-service: useradd ${user} failed: ${stderr}\n`);
      return EXIT.fatal;
    }
    out.write(`created the system user ${user}\n`);
  }
  if (root === '/') {
    try {
      execFileSync('systemctl', ['daemon-reload'], { stdio: 'ignore' });
    } catch {
      out.write('systemd is not running here: no daemon-reload\n');
    }
  }
  out.write(
    'next: put the peer in /etc/ppp/peers/PEER (group dip may read it), then\n' +
      '  systemctl enable --now pptpkit@PEER    (status: systemctl status pptpkit@PEER)\n',
  );
  return EXIT.ok;
}
