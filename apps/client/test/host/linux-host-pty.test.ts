import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPeerSettings, parsePptpCommand } from '../../src/config/index.js';
import type { FileAccess } from '../../src/host/host-changes.js';
import { JournalFile } from '../../src/host/journal-file.js';
import { LinuxHost } from '../../src/host/linux-host.js';
import { createLogger } from '../../src/log/logger.js';
import { FakeRtnetlink } from './fake-rtnetlink.js';

const noFiles: FileAccess = {
  read: () => {
    throw new Error('no file access expected');
  },
  write: () => {
    throw new Error('no file access expected');
  },
};

describe('LinuxHost.prepare and pty "pptp HOST --nohostroute"', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-nohostroute-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const prepared = async (pty: string): Promise<{ routes: string[]; lines: string[] }> => {
    const rtnl = new FakeRtnetlink([
      { destination: '0.0.0.0/0', gateway: '192.0.2.254', device: 'eth0' },
    ]);
    const at = { file: '/etc/ppp/peers/vpn', line: 1 };
    const lines: string[] = [];
    const host = new LinuxHost({
      settings: { ...defaultPeerSettings(), pptp: { ...parsePptpCommand(pty, at).options, at } },
      rtnl,
      journal: new JournalFile(join(dir, 'vpn.journal')),
      files: noFiles,
      log: createLogger({
        format: 'text',
        level: 'debug',
        write: (l) => lines.push(l),
        clock: () => new Date(0),
      }),
    });
    await host.prepare('198.51.100.7');
    return { routes: rtnl.routesList.map((r) => r.destination), lines };
  };

  it('pins a host route to the server by default, as pptp-linux does', async () => {
    const { routes } = await prepared('pptp 198.51.100.7 --nolaunchpppd');
    expect(routes).toEqual(['0.0.0.0/0', '198.51.100.7/32']);
  });

  it('--nohostroute leaves the routes as they are, and says so at debug', async () => {
    const { routes, lines } = await prepared('pptp 198.51.100.7 --nolaunchpppd --nohostroute');
    expect(routes).toEqual(['0.0.0.0/0']);
    expect(lines.some((l) => l.includes('no host route to the server (--nohostroute)'))).toBe(true);
  });
});
