import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteLookupOptions } from '@pptpkit/linux-net';
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

const defaultRoute = [{ destination: '0.0.0.0/0', gateway: '192.0.2.254', device: 'eth0' }];

/** Records the options of each route lookup. */
class LookupRecorder extends FakeRtnetlink {
  readonly lookups: (RouteLookupOptions | undefined)[] = [];
  override routeTo(host: string, options?: RouteLookupOptions) {
    this.lookups.push(options);
    return super.routeTo(host);
  }
}

describe('LinuxHost.prepare and pty "pptp HOST --nohostroute"', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-nohostroute-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const hostFor = (pty: string, rtnl: FakeRtnetlink, lines: string[]): LinuxHost => {
    const at = { file: '/etc/ppp/peers/vpn', line: 1 };
    return new LinuxHost({
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
  };
  const prepared = async (pty: string): Promise<{ routes: string[]; lines: string[] }> => {
    const rtnl = new LookupRecorder(defaultRoute);
    const lines: string[] = [];
    await hostFor(pty, rtnl, lines).prepare('198.51.100.7');
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

  it('--rtmark: the path MTU is looked up on the marked path (ip route get ... mark)', async () => {
    const marked = new LookupRecorder(defaultRoute);
    expect(await hostFor('pptp h --rtmark 0x4f', marked, []).pathMtu('198.51.100.7')).toBe(1500);
    const plain = new LookupRecorder(defaultRoute);
    await hostFor('pptp h', plain, []).pathMtu('198.51.100.7');
    expect([marked.lookups, plain.lookups]).toEqual([[{ mark: 0x4f }], [{}]]);
  });
});
